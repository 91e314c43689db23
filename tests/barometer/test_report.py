"""The weekly report from demo data: CLI, PDF, HTML e-mail over real SMTP, the same figures as the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from tests.conftest import Mailbox
from typer.testing import CliRunner

from lanterne.barometer import demo, report
from lanterne.barometer.weeks import CinemaWeek
from lanterne.catalog.models import Cinema
from lanterne.cli import app
from lanterne.db import transaction
from lanterne.runtime import Runtime

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo_weeks(engine: Engine) -> Engine:
    with transaction(engine) as session:
        for n, category in enumerate("AABCCDDEEEEE", start=1):
            session.add(
                Cinema(
                    id=1_000_000 + n,
                    cnc_region=1,
                    cnc_number=n,
                    name=f"Cinéma {n}",
                    art_et_essai=True,
                    category=category,
                )
            )
        session.add(Cinema(id=1_000_099, cnc_region=1, cnc_number=99, name="Multiplexe", art_et_essai=False))
    demo.generate(engine, seed=7, until=TODAY)
    return engine


def test_demo_data_is_consistent_with_the_national_totals(demo_weeks: Engine) -> None:
    with demo_weeks.connect() as connection:
        lines = {line["segment"]: line for line in report.published(connection, CinemaWeek.parse("2026-W20"))}
    # the year to date of both the market and Art et Essai, at week 20, is about 20/52 of a year
    assert 0.7 * 181.5e6 * 20 / 52 < int(lines["Marché"]["year_to_date"]) < 1.3 * 181.5e6 * 20 / 52
    assert 0.30 < float(lines["Art et Essai"]["share_of_market"]) < 0.50


@pytest.mark.parametrize("label", ["2026-W47", "2026-W01", "2025-W47"])
def test_report_for_any_demo_week_matches_the_api(
    demo_weeks: Engine, runtime: Runtime, live_app: str, tmp_path: Path, label: str
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "barometer",
            "report",
            "--week",
            label,
            "--pdf",
            str(tmp_path / "b.pdf"),
            "--html",
            str(tmp_path / "b.html"),
        ],
        env={"LANTERNE_DATABASE_URL": runtime.settings.database_url},
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    api = httpx.get(f"{live_app}/api/v1/barometer/{label}").json()
    built = report.build(demo_weeks, CinemaWeek.parse(label))
    expected = report.table_rows(report.Report(built.week, api["lines"]))
    assert report.table_rows(built) == expected
    html = (tmp_path / "b.html").read_text()
    for row in expected:
        assert all(cell in html for cell in row)


def test_report_is_emailed_with_its_pdf(demo_weeks: Engine, runtime: Runtime, smtp_server: Mailbox) -> None:
    built = report.build(demo_weeks, CinemaWeek.parse("2026-W47"))
    assert report.email(runtime.settings, built, ["adherent@cinema.example", "autre@cinema.example"]) == 2
    assert [m["To"] for m in smtp_server.messages] == ["adherent@cinema.example", "autre@cinema.example"]
    message = smtp_server.messages[0]
    assert "semaine 47" in message["Subject"]
    assert "du mercredi 18 novembre au mardi 24 novembre 2026" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "Art et Essai" in html and "Marché" in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "barometre-2026-W47.pdf"


def test_the_page_shows_the_table_and_charts(demo_weeks: Engine, live_app: str) -> None:
    page = httpx.get(f"{live_app}/barometre", params={"semaine": "2026-W47"})
    assert page.status_code == 200
    assert page.text.count('<figure class="chart"><svg') == 2  # the weekly index and the year to date
    assert 'lang="fr"' in page.text


def test_an_unknown_week_is_a_clear_404_and_a_bad_one_a_400(demo_weeks: Engine, live_app: str) -> None:
    assert httpx.get(f"{live_app}/api/v1/barometer/2019-W10").status_code == 404
    bad = httpx.get(f"{live_app}/api/v1/barometer/2026-W99")
    assert bad.status_code == 400 and bad.json()["field"] == "week"


def test_the_barometre_dataset_serves_the_same_figures(demo_weeks: Engine, live_app: str) -> None:
    lines = httpx.get(
        f"{live_app}/data-fair/api/v1/datasets/barometre/lines",
        params={"semaine_eq": "2026-W47", "select": "segment,entrees,evolution_cumul", "size": 20},
    ).json()["results"]
    api = httpx.get(f"{live_app}/api/v1/barometer/2026-W47").json()["lines"]
    assert {r["segment"]: (r["entrees"], r["evolution_cumul"]) for r in lines} == {
        a["segment"]: (a["admissions"], a["change_year_to_date"]) for a in api
    }
    csv_export = httpx.get(
        f"{live_app}/api/v1/datasets/barometre/lines",
        params={"format": "csv", "segment_eq": "Marché", "size": 200},
    )
    assert csv_export.status_code == 200 and csv_export.text.count("Marché") > 50
