"""Programmes typed in a spreadsheet: CSV (`;` or `,`, BOM, Windows-1252) and XLSX, French headers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.connectors.spreadsheet import SpreadsheetConnector, parse
from lanterne.collect.programme import Window
from lanterne.stand_ins.faults import Faults, with_faults
from lanterne.stand_ins.server import serve_in_thread

FIXTURES = Path(__file__).parent / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_semicolon_csv_with_bom_and_french_headers() -> None:
    programme = parse((FIXTURES / "sheet_programme.csv").read_bytes(), "Europe/Paris")
    shows = programme.showtimes
    assert len(shows) == 4
    first = shows[0]
    assert first.starts_at == datetime(2026, 12, 2, 20, 30, tzinfo=PARIS)
    assert (first.screen, first.version, first.booking_url) == (
        "Salle 1",
        "VOSTFR",
        "https://billetterie.example/s/1",
    )
    assert (first.is_event, first.event_headline) == (True, "Rencontre avec la réalisatrice")
    assert shows[1].is_event is False and shows[1].starts_at == datetime(2026, 12, 3, 14, 0, tzinfo=PARIS)
    # free text typed in "Événement" is the headline
    assert (shows[2].is_event, shows[2].event_headline, shows[2].screen) == (
        True,
        "Goûter offert après la séance",
        "2",
    )
    films = {film.title: film for film in programme.films}
    assert set(films) == {"Les Feux de l'été", "Petits Loups", "Mauvais Flag"}
    assert (films["Les Feux de l'été"].runtime, films["Les Feux de l'été"].visa) == (104, "160123")
    assert shows[0].film_external_id == shows[1].film_external_id == "visa:160123"


def test_bad_rows_name_their_line_and_column_and_the_rest_loads() -> None:
    rejected = parse((FIXTURES / "sheet_programme.csv").read_bytes(), "Europe/Paris").rejected
    assert [(r.record, r.field) for r in rejected] == [
        ("ligne 6", "date"),
        ("ligne 7", "heure"),
        ("ligne 8", "heure"),  # the same séance twice
    ]
    assert "25h10" in rejected[1].reason


def test_a_strict_yes_no_column_rejects_other_words() -> None:
    content = "titre;date;heure;audiodescription\nA;02/12/2026;20:30;peut-être\n".encode()
    (rejected,) = parse(content, "Europe/Paris").rejected
    assert (rejected.record, rejected.field) == ("ligne 2", "audiodescription")


def test_comma_csv_in_windows_1252_with_a_title_line_and_header_variants() -> None:
    programme = parse((FIXTURES / "sheet_comma.csv").read_bytes(), "Europe/Paris")
    (show,) = programme.showtimes
    assert programme.films[0].title == "Le Voyage, suite" and programme.films[0].directors == "Paul Durand"
    assert show.starts_at == datetime(2026, 12, 5, 18, 45, tzinfo=PARIS)
    assert (show.screen, show.screen_capacity, show.booking_url) == (
        "Grande salle",
        120,
        "https://rex.example/r/9",
    )


def test_the_same_file_gives_the_same_ids() -> None:
    content = (FIXTURES / "sheet_programme.csv").read_bytes()
    first, second = parse(content, "Europe/Paris"), parse(content, "Europe/Paris")
    assert [s.external_id for s in first.showtimes] == [s.external_id for s in second.showtimes]


def test_xlsx_with_typed_cells_and_the_cinema_time_zone() -> None:
    content = xlsx(
        [
            ["TITRE", "Réalisatrice", "Date", "Heure", "Fin", "Salle", "Durée (min)", "Annulée", "ID séance"],
            ["Kreol", "Léa Payet", datetime(2026, 12, 4), time(19, 0), time(0, 45), 1, 105, "non", 88001],
            ["Kreol", "Léa Payet", "05/12/2026", "21h", None, 1, "1:45", "oui", 88002],
            ["Kreol", "Léa Payet", "bientôt", "21h", None, 1, "", "", 88003],
        ]
    )
    programme = parse(content, "Indian/Reunion")
    first, second = programme.showtimes
    assert first.starts_at == datetime(2026, 12, 4, 19, 0, tzinfo=REUNION)
    assert first.ends_at == datetime(2026, 12, 5, 0, 45, tzinfo=REUNION)  # after midnight
    assert (first.external_id, first.screen, first.cancelled) == ("88001", "1", False)
    assert second.cancelled is True and programme.films[0].runtime == 105
    assert [(r.record, r.field) for r in programme.rejected] == [("ligne 4", "date")]


def test_a_file_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="titre, date et heure"):
        parse("Nom;Prénom\nDupont;Jean\n".encode(), "Europe/Paris")


@pytest.fixture
def published() -> Iterator[tuple[str, Faults]]:
    faults = Faults()
    content = (FIXTURES / "sheet_programme.csv").read_bytes()
    app = Starlette(routes=[Route("/export.csv", lambda request: Response(content, media_type="text/csv"))])
    with serve_in_thread(with_faults(app, faults)) as url:
        yield url + "/export.csv", faults


def connector(url: str) -> SpreadsheetConnector:
    return SpreadsheetConnector(ConnectorContext(settings={"url": url}, client=httpx.Client(timeout=5)))


def test_pulled_from_a_url_within_the_window(published: tuple[str, Faults]) -> None:
    published[1].push("429")
    programme = connector(published[0]).fetch(Window(date(2026, 12, 3), date(2026, 12, 31)))
    assert [s.starts_at.day for s in programme.showtimes] == [3, 6, 8]
    assert programme.partial is True  # rows were refused: their séances must not be cancelled


def test_a_garbage_download_names_the_url(published: tuple[str, Faults]) -> None:
    published[1].push("garbage")
    with pytest.raises(ConnectorError, match=r"unreadable spreadsheet on GET http://127\.0\.0\.1:\d+/export"):
        connector(published[0]).fetch(Window(date(2026, 12, 1), date(2026, 12, 31)))


def test_an_upload_only_cinema_has_nothing_to_pull() -> None:
    programme = SpreadsheetConnector(ConnectorContext(settings={}, client=httpx.Client())).fetch(
        Window(date(2026, 12, 1), date(2026, 12, 31))
    )
    assert programme.partial is True and not programme.showtimes


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet='titre;date heure,\n0123456789/:hH"é\x00', max_size=300))
def test_any_file_gives_a_programme_or_a_clear_refusal(content: bytes | str) -> None:
    data = b"titre;date;heure\n" + content.encode() if isinstance(content, str) else content
    try:
        programme = parse(data, "Europe/Paris")
    except ValueError as refusal:
        assert str(refusal)
        return
    for rejected in programme.rejected:
        assert rejected.record.startswith("ligne ") and rejected.field and rejected.reason
    assert all(show.starts_at.tzinfo is not None for show in programme.showtimes)
