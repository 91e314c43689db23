"""A cinema pushes its programme over real HTTP: token, schema, rows refused by field, storage."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, select

from lanterne.catalog.models import Cinema, Showtime
from lanterne.collect.connectors.interface import ConnectorContext
from lanterne.collect.connectors.push import (
    PushFilm,
    PushProgramme,
    PushShowtime,
    json_schema,
    programme_of,
)
from lanterne.collect.connectors.registry import available, create
from lanterne.collect.connectors.spreadsheet import COLUMNS
from lanterne.collect.programme import Window
from lanterne.collect.push import TOKEN_KEY, InvalidProgramme, issue_push_token, read_programme
from lanterne.db import transaction
from lanterne.errors import InvalidValue

FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = sorted(
    {"films", "showtimes", "start", "end", "id", "film_id", "title", "starts_at", "version", "event"}
)
BALZAC, ECRAN = 1000035, 4000042  # Paris; Réunion (région CNC 4)


def add_cinema(engine: Engine, cinema_id: int, connector: str = "push", department: str = "75") -> None:
    with transaction(engine) as session:
        session.add(
            Cinema(
                id=cinema_id,
                cnc_region=cinema_id // 1_000_000,
                cnc_number=cinema_id % 1_000_000,
                name=f"Cinéma {cinema_id}",
                department=department,
                publish_consent=True,
                connector=connector,
                connector_settings={},
            )
        )


def payload(days: list[int], **extra: Any) -> dict[str, Any]:
    """A programme whose séances fall `days` from today, at 20:30 local time."""
    today = date.today()
    shows = [
        {
            "id": f"S{day}",
            "film_id": "F1",
            "starts_at": f"{today + timedelta(days=day)}T20:30:00",
            "screen": "1",
        }
        for day in days
    ]
    shows[0].update(version="VOSTFR", event=True, headline="Ciné-débat")
    films = [{"id": "F1", "title": "Les Feux de l'été", "directors": "Agnès Morel", "runtime": 104}]
    return {"schema_version": 1, "films": films, "showtimes": shows, **extra}


def post(url: str, cinema_id: int, token: str | None, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    return httpx.post(f"{url}/api/v1/programme/{cinema_id}", headers=headers, timeout=30, **kwargs)


def stored(engine: Engine, cinema_id: int) -> dict[str, tuple[str, str | None, bool]]:
    query = select(Showtime.external_id, Showtime.status, Showtime.version, Showtime.is_event).where(
        Showtime.cinema_id == cinema_id
    )
    with engine.connect() as connection:
        return {row[0]: (row[1], row[2], row[3]) for row in connection.execute(query)}


@pytest.fixture
def balzac(engine: Engine) -> str:
    add_cinema(engine, BALZAC)
    add_cinema(engine, ECRAN, connector="monnaie", department="974")
    return issue_push_token(engine, BALZAC)


def test_a_good_programme_is_stored_and_a_second_push_writes_nothing(
    engine: Engine, live_app: str, balzac: str
) -> None:
    answer = post(live_app, BALZAC, balzac, json=payload([1, 2, 3]))
    assert answer.status_code == 200, answer.text
    assert (answer.json()["inserted"], answer.json()["source"]) == (3, "push")
    assert stored(engine, BALZAC)[f"S{1}"] == ("scheduled", "VOST", True)
    again = post(live_app, BALZAC, balzac, json=payload([1, 2, 3])).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_a_seance_absent_from_the_next_push_is_cancelled(engine: Engine, live_app: str, balzac: str) -> None:
    post(live_app, BALZAC, balzac, json=payload([1, 2, 3]))
    answer = post(live_app, BALZAC, balzac, json=payload([1, 3])).json()
    assert answer["cancelled"] == 1
    assert stored(engine, BALZAC)["S2"][0] == "cancelled"


def test_no_token_or_a_wrong_one_is_401(engine: Engine, live_app: str, balzac: str) -> None:
    missing = post(live_app, BALZAC, None, json=payload([1]))
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert post(live_app, BALZAC, balzac + "x", json=payload([1])).status_code == 401
    assert post(live_app, BALZAC, "lt_1000035_" + "a" * 40, json=payload([1])).status_code == 401
    assert stored(engine, BALZAC) == {}


def test_another_cinemas_token_is_403(engine: Engine, live_app: str, balzac: str) -> None:
    answer = post(live_app, ECRAN, balzac, json=payload([1]))
    assert answer.status_code == 403 and "autre cinéma" in answer.json()["error"]
    assert stored(engine, ECRAN) == {}


def test_an_unknown_cinema_is_404(live_app: str, balzac: str) -> None:
    assert post(live_app, 99000001, balzac, json=payload([1])).status_code == 404


def test_invalid_rows_are_400_naming_field_and_row_and_nothing_is_stored(
    engine: Engine, live_app: str, balzac: str
) -> None:
    body = payload([1, 2, 3])
    body["showtimes"][1]["starts_at"] = "demain soir"
    body["showtimes"][2]["film_id"] = "F9"
    body["films"].append({"id": "F2", "title": "", "runtime": -3})
    answer = post(live_app, BALZAC, balzac, json=body)
    assert answer.status_code == 400
    errors = [(e["row"], e["field"]) for e in answer.json()["errors"]]
    assert errors == [
        ("films[1] (id F2)", "title"),
        ("showtimes[1] (id S2)", "starts_at"),
        ("showtimes[2] (id S3)", "film_id"),
    ]
    assert answer.json()["row"] == "films[1] (id F2)" and answer.json()["field"] == "title"
    assert stored(engine, BALZAC) == {}


def test_a_document_that_is_not_a_programme_is_400(live_app: str, balzac: str) -> None:
    answer = httpx.post(
        f"{live_app}/api/v1/programme/{BALZAC}",
        content=b'{"films": "tous"}',
        headers={"Authorization": f"Bearer {balzac}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 400 and answer.json()["field"] == "document"
    assert "films" in answer.json()["error"]


def test_monnaie_pushes_its_csv_in_the_cinema_time_zone(engine: Engine, live_app: str, balzac: str) -> None:
    token = issue_push_token(engine, ECRAN)
    day = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    csv = (
        f"ID séance;Titre;Date;Heure;Salle;Événement;Headline\nM1;Kreol;{day};19:00;1;oui;Séance rencontre\n"
    )
    answer = post(live_app, ECRAN, token, content=csv.encode(), headers={"Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["source"] == "monnaie"
    with engine.connect() as connection:
        starts_at = connection.execute(
            select(Showtime.starts_at).where(Showtime.external_id == "M1")
        ).scalar()
    assert starts_at is not None and starts_at.astimezone(UTC).hour == 15  # 19:00 in Réunion (UTC+4)


def test_a_spreadsheet_uploaded_from_a_form(engine: Engine, live_app: str, balzac: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Titre", "Date", "Heure", "Salle"])
    sheet.append(
        [
            "Les Feux de l'été",
            datetime.combine(date.today() + timedelta(days=3), datetime.min.time()),
            "18h",
            2,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    files = {"fichier": ("programme.xlsx", buffer.getvalue(), "application/vnd.ms-excel")}
    answer = post(live_app, BALZAC, balzac, files=files)
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 1


def test_the_schema_is_published(live_app: str) -> None:
    schema = httpx.get(f"{live_app}/api/v1/programme/schema.json").json()
    assert schema["$id"].endswith("programme-v1.json")
    assert {"films", "showtimes", "start", "end"} <= set(schema["properties"])
    showtime = schema["$defs"]["PushShowtime"]["properties"]
    assert {"event", "headline", "starts_at"} <= set(showtime)
    assert showtime["version"]["anyOf"][0]["enum"] == ["VF", "VO", "VOST"]
    assert schema == json_schema()


def test_the_documented_example_is_valid() -> None:
    example = json.loads((FIXTURES / "push_programme.json").read_text())
    assert len(PushProgramme.model_validate(example).showtimes) == 2
    programme, window = read_programme(json.dumps(example).encode(), "application/json", "Europe/Paris")
    assert window is not None and window.start == date(2026, 12, 2)
    assert programme.showtimes[0].starts_at.utcoffset() == timedelta(hours=1)


def test_reading_refuses_empty_and_lists_every_bad_record() -> None:
    with pytest.raises(InvalidValue, match="vide"):
        read_programme(b"  ", "application/json", "Europe/Paris")
    with pytest.raises(InvalidValue, match="aucune séance"):
        read_programme(b"titre;date;heure\n", "text/csv", "Europe/Paris")
    emptied, window = read_programme(b'{"start": "2026-12-01", "end": "2026-12-07"}', "", "Europe/Paris")
    assert window == Window(date(2026, 12, 1), date(2026, 12, 7)) and not emptied.showtimes
    content = b"titre;date;heure\nA;99/99/2026;20:30\nB;01/12/2026;31h\n"
    with pytest.raises(InvalidProgramme) as refused:
        read_programme(content, "text/csv", "Europe/Paris")
    assert [(e["row"], e["field"]) for e in refused.value.as_json()["errors"]] == [
        ("ligne 2", "date"),
        ("ligne 3", "heure"),
    ]


def test_only_the_hash_of_the_token_is_kept(engine: Engine, balzac: str) -> None:
    with engine.connect() as connection:
        settings = connection.execute(select(Cinema.connector_settings).where(Cinema.id == BALZAC)).scalar()
    assert balzac not in json.dumps(settings) and len(settings[TOKEN_KEY]) == 64
    assert TOKEN_KEY in settings["_secret_keys"]


def test_every_field_and_column_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "programme-schema.md").read_text()
    for model in (PushProgramme, PushFilm, PushShowtime):
        missing = [name for name in model.model_fields if f"`{name}`" not in doc]
        assert not missing, f"{model.__name__} fields missing from docs/programme-schema.md: {missing}"
    assert not [column for column in COLUMNS if f"`{column}`" not in doc]


def test_the_five_sources_are_registered_and_push_fetches_nothing() -> None:
    assert {"ems", "cgr", "monnaie", "spreadsheet", "push"} <= set(available())
    context = ConnectorContext(settings={}, client=httpx.Client())
    programme = create("push", context).fetch(Window(date(2026, 12, 1), date(2026, 12, 28)))
    assert programme.partial is True and not programme.showtimes


def test_the_api_docs_describe_the_push_body(live_app: str) -> None:
    operation = httpx.get(f"{live_app}/openapi.json").json()["paths"]["/api/v1/programme/{cineid}"]["post"]
    assert {"application/json", "text/csv", "multipart/form-data"} <= set(operation["requestBody"]["content"])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(["2026-12-02T20:30"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_any_json_gives_a_programme_or_a_clear_refusal(document: Any) -> None:
    try:
        programme, _ = programme_of(document, "Europe/Paris")
    except ValueError as refusal:
        assert str(refusal)
        return
    assert all(rejected.field and rejected.reason for rejected in programme.rejected)
    assert all(show.starts_at.tzinfo is not None for show in programme.showtimes)
