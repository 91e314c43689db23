"""Barometer at national scale: 1,290 Art et Essai cinemas (the 2024 category mix) × two years of weeks.

Prints the time to recompute every published figure after an import, to import one week's file for
every cinema, and to build one week's report (the floor: reading the stored figures), on SQLite and,
when LANTERNE_TEST_POSTGRES_URL is set, on PostgreSQL. Usage: python benchmarks/barometer.py
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from lanterne.barometer import demo, report, store
from lanterne.barometer.imports import import_admissions
from lanterne.barometer.weeks import CinemaWeek
from lanterne.catalog.models import Cinema
from lanterne.db import make_engine, normalize_url
from lanterne.migrations import upgrade

MIX = {"A": 96, "B": 24, "C": 251, "D": 211, "E": 708}
TODAY = date(2026, 11, 23)


def cinemas() -> list[dict[str, object]]:
    rows, n = [], 0
    for category, count in MIX.items():
        for _ in range(count):
            n += 1
            rows.append(
                {
                    "id": 1_000_000 + n,
                    "cnc_region": 1,
                    "cnc_number": n,
                    "name": f"AE {n}",
                    "art_et_essai": True,
                    "category": category,
                    "connector_settings": {},
                }
            )
    return rows


def timed(label: str, action) -> object:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"  {label:<48} {time.perf_counter() - start:8.2f} s")
    return result


def run(url: str, name: str) -> None:
    print(f"{name}:")
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(Cinema), cinemas())
    rows = timed("generate 2 years (insert + recompute)", lambda: demo.generate(engine, seed=1, until=TODAY))
    print(f"  {'rows':<48} {rows:8d}")
    timed("recompute every figure (refresh)", lambda: store.refresh(engine))
    week = CinemaWeek.containing(TODAY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "week.csv"
        lines = [f"{c['id']};{week.label};{100 + i % 50}" for i, c in enumerate(cinemas())]
        path.write_text("cineid;semaine;entrees\n" + "\n".join(lines) + "\n", encoding="utf-8")
        timed("import one week for 1,290 cinemas (+ recompute)", lambda: import_admissions(engine, path))
    timed("build one week's report (read stored figures)", lambda: report.build(engine, week))
    timed("render its PDF", lambda: report.render_pdf(report.build(engine, week)))
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/barometer.db", "SQLite")
    base = os.environ.get("LANTERNE_TEST_POSTGRES_URL")
    if base:
        admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS lanterne_bench_barometer"))
            connection.execute(text("CREATE DATABASE lanterne_bench_barometer"))
        run(normalize_url(base).rsplit("/", 1)[0] + "/lanterne_bench_barometer", "PostgreSQL")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS lanterne_bench_barometer WITH (FORCE)"))


if __name__ == "__main__":
    main()
