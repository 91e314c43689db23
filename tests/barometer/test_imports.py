"""Weekly admissions files: header variants, both kinds, rejections by line, idempotent re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from lanterne.barometer.imports import import_admissions
from lanterne.barometer.models import BarometerFigure, MarketWeek, WeeklyAdmissions
from lanterne.catalog.models import Cinema
from lanterne.db import transaction
from lanterne.errors import InvalidValue


@pytest.fixture
def cinemas(engine: Engine) -> Engine:
    with transaction(engine) as session:
        for number, category in ((35, "A"), (36, "E")):
            session.add(
                Cinema(
                    id=1_000_000 + number,
                    cnc_region=1,
                    cnc_number=number,
                    name=f"Cinéma {number}",
                    art_et_essai=True,
                    category=category,
                )
            )
    return engine


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_cinema_file_with_french_headers_and_cnc_numbers(cinemas: Engine, tmp_path: Path) -> None:
    file = write(
        tmp_path / "entrees.csv",
        "régionCNC;N° auto;Semaine;Entrées;Recettes\n1;35;2026-W47;1 234;8 638,00\n1;36;18/11/2026;56;392\n",
    )
    report = import_admissions(cinemas, file)
    assert (report.kind, report.inserted, report.rejected) == ("cinemas", 2, [])
    with cinemas.connect() as connection:
        rows = connection.execute(
            select(
                WeeklyAdmissions.cinema_id,
                WeeklyAdmissions.week_start,
                WeeklyAdmissions.admissions,
                WeeklyAdmissions.receipts_cents,
            ).order_by(WeeklyAdmissions.cinema_id)
        ).all()
        figures = connection.scalar(select(func.count()).select_from(BarometerFigure))
    assert rows == [(1000035, date(2026, 11, 18), 1234, 863800), (1000036, date(2026, 11, 18), 56, 39200)]
    assert figures == 6  # the week was computed: Art et Essai + A..E (no market totals imported yet)


def test_reimport_changes_nothing_and_a_newer_file_updates(cinemas: Engine, tmp_path: Path) -> None:
    file = write(tmp_path / "a.csv", "cineid,semaine,entrees\n1000035,2026-W47,100\n")
    import_admissions(cinemas, file)
    again = import_admissions(cinemas, file)
    assert (again.inserted, again.updated, again.unchanged, again.changed) == (0, 0, 1, False)
    newer = import_admissions(
        cinemas, write(tmp_path / "b.csv", "cineid,semaine,entrees\n1000035,2026-W47,120\n")
    )
    assert (newer.inserted, newer.updated) == (0, 1)


def test_market_file_is_recognised_by_its_missing_cinema_column(cinemas: Engine, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Semaine cinéma", "Admissions", "Recettes (€)"])
    sheet.append([date(2026, 11, 18), 3_400_000, 24_000_000.5])
    workbook.save(tmp_path / "marche.xlsx")
    report = import_admissions(cinemas, tmp_path / "marche.xlsx")
    assert (report.kind, report.inserted) == ("market", 1)
    with cinemas.connect() as connection:
        assert connection.execute(select(MarketWeek.admissions, MarketWeek.receipts_cents)).one() == (
            3_400_000,
            2_400_000_050,
        )


def test_bad_rows_are_reported_by_line_and_field_and_the_rest_loads(cinemas: Engine, tmp_path: Path) -> None:
    file = write(
        tmp_path / "bad.csv",
        "cineid;semaine;entrees\n"
        "1000035;2026-W47;100\n"  # line 2: good
        "1000035;19/11/2026;100\n"  # line 3: a Thursday
        "1000036;2026-W47;beaucoup\n"  # line 4: not a number
        "9999999;2026-W47;5\n"  # line 5: unknown cinema
        "1000036;2026-W47;-3\n",
    )  # line 6: negative
    report = import_admissions(cinemas, file)
    assert report.inserted == 1
    problems = {(error.row, error.field) for error in report.rejected}
    assert problems == {(3, "semaine"), (4, "entrées"), (5, "cinéma"), (6, "entrées")}
    assert "mercredi" in str(next(e for e in report.rejected if e.row == 3))


def test_a_file_without_admissions_is_refused_naming_the_column(cinemas: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidValue) as error:
        import_admissions(cinemas, write(tmp_path / "x.csv", "cineid;semaine;spectres\n1;2026-W47;3\n"))
    assert error.value.field == "entrees"
