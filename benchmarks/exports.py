"""Time and peak memory of whole-dataset exports straight from the writers, on generated séances.

Rows have the 33 columns of `programmation-cinemas` with realistic text (a storyline, a cast, URLs).
Each (format, row count) runs in its own process so its peak RSS is its own. Usage:

    .venv/bin/python benchmarks/exports.py                # CSV and XLSX at 1 M rows, XLSX at 100 k
    .venv/bin/python benchmarks/exports.py --rows 200000 --formats csv,parquet,geojson,ics
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from lanterne.publish import formats
from lanterne.publish.datasets import DATASETS

DATASET = DATASETS["programmation-cinemas"]
POOL = 997  # distinct rows cycled through (a prime, so columns do not line up)
START = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
STORY = "Cléo, jeune chanteuse, attend les résultats d'une analyse médicale et erre dans Paris. " * 3


def _value(kind: str, name: str, n: int) -> Any:
    if kind == "datetime":
        return START + timedelta(minutes=7 * n + (105 if name == "showend" else 0))
    if kind == "integer":
        return 1_000_000 + n
    if kind == "number":
        return 43.0 + (n % 600) / 100
    if kind == "boolean":
        return n % 3 == 0
    if name == "filmstoryline":
        return STORY
    if name.endswith(("url", "poster", "trailer")):
        return f"https://billetterie.example/cinema/{n % 2000}/seance/{n}"
    return f"{name} n°{n % 2000} — « texte »"


def _pool() -> list[tuple[Any, ...]]:
    return [tuple(_value(c.type, c.name, n) for c in DATASET.columns) for n in range(POOL)]


def rows(count: int) -> Iterator[tuple[Any, ...]]:
    pool = _pool()
    return (pool[n % POOL] for n in range(count))


def measure(format_name: str, count: int) -> dict[str, Any]:
    """Export `count` rows, counting bytes (the sink costs nothing); report seconds and peak RSS."""
    options = {"base_url": "https://data.example", "last_updated": START}
    began, cpu = time.perf_counter(), time.process_time()
    size = 0
    for chunk in formats.write(format_name, DATASET, list(DATASET.columns), rows(count), options):
        size += len(chunk)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "format": format_name,
        "rows": count,
        "seconds": round(seconds, 1),
        "cpu": round(cpu, 1),
        "peak_mib": round(peak, 1),
        "mib": round(size / 2**20, 1),
    }


def _in_child(format_name: str, count: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", format_name, str(count)]
    return dict(json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout))


def _baseline(count: int) -> float:
    began = time.perf_counter()
    for _ in rows(count):
        pass
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return
    print(f"generating {args.rows:,} rows alone: {_baseline(args.rows):.1f} s")
    plan = [(name, args.rows) for name in args.formats.split(",")]
    if "xlsx" in args.formats:
        plan.insert(0, ("xlsx", max(args.rows // 10, 1)))  # the same writer at a tenth: memory must not grow
    print(f"{'format':8} {'rows':>10} {'seconds':>8} {'CPU s':>7} {'peak MiB':>9} {'size MiB':>9}")
    for name, count in plan:
        result = _in_child(name, count)
        print(
            f"{name:8} {count:>10,} {result['seconds']:>8} {result['cpu']:>7}"
            f" {result['peak_mib']:>9} {result['mib']:>9}"
        )


if __name__ == "__main__":
    main()
