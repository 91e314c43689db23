"""Repairs applied to every vendor's programme before it is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lanterne.collect.clean import (
    cinema_timezone,
    clean_film,
    clean_programme,
    clean_showtime,
    day_bounds,
    instant,
    postcode,
    repair_mojibake,
    runtime_minutes,
    text,
    version,
    visa,
)
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("L'Ã©tÃ© dernier", "L'été dernier"),
        ("Ã‰lÃ¨ve", "Élève"),
        ("lâ€™Ã©tÃ©", "l’été"),
        ("CÅ“ur", "Cœur"),
        ("Â©2026", "©2026"),
        ("Ã\u00a0 bout de souffle", "à bout de souffle"),
        ("L'Ã\x83Â©tÃ\x83Â©", "L'été"),  # encoded three times
    ],
)
def test_double_encoded_utf8_is_repaired(broken: str, repaired: str) -> None:
    assert text(broken) == repaired


@pytest.mark.parametrize("genuine", ["Ânia", "São Paulo", "Ã bout", "L'été", "Mañana"])
def test_genuine_text_is_left_alone(genuine: str) -> None:
    assert repair_mojibake(genuine) == genuine


@pytest.mark.parametrize("empty", ["null", "NULL", "None", "", "   ", None, "\u00a0"])
def test_null_words_and_empty_become_none(empty: str | None) -> None:
    assert text(empty) is None


def test_text_is_trimmed_collapsed_and_fitted() -> None:
    assert text("  La   Chimère \n") == "La Chimère"
    assert text("abcdef", limit=3) == "abc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1000, "01000"), ("1000", "01000"), ("75008", "75008"), ("1000.0", "01000"), ("2A004", "2A004")],
)
def test_postcodes_have_five_characters(raw: object, expected: str) -> None:
    assert postcode(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "123", "750080", "null", None])
def test_invalid_postcodes_are_dropped(raw: object) -> None:
    assert postcode(raw) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("VF", "VF"),
        ("version française", "VF"),
        ("VERSION_ORIGINAL_LOCAL", "VF"),
        ("DUBBED", "VF"),
        ("LOCAL", "VF"),
        ("VO", "VO"),
        ("VERSION_ORIGINAL", "VO"),
        ("ORIGINAL", "VO"),
        ("VOSTFR", "VOST"),
        ("vo st", "VOST"),
        ("V.O.S.T.F.R.", "VOST"),
        ("VERSION_SUBTITLED", None),
        ("VERSION_MUET", None),
        ("null", None),
        ("klingon", None),
    ],
)
def test_one_version_vocabulary(word: str, expected: str | None) -> None:
    assert version(word) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "minutes"),
    [
        (6300, "seconds", 105),
        ("6300", "seconds", 105),
        (105, "minutes", 105),
        ("PT1H45M", "minutes", 105),
        ("PT6300S", "minutes", 105),
        ("1h45", "minutes", 105),
        ("01:45:00", "minutes", 105),
        (0, "minutes", None),
        ("null", "minutes", None),
        ("long", "minutes", None),
    ],
)
def test_runtime_in_minutes(raw: object, unit: str, minutes: int | None) -> None:
    assert runtime_minutes(raw, unit) == minutes


@pytest.mark.parametrize(
    ("department", "zone"),
    [
        ("75", "Europe/Paris"),
        ("2A", "Europe/Paris"),
        ("971", "America/Guadeloupe"),
        ("972", "America/Martinique"),
        ("973", "America/Cayenne"),
        ("974", "Indian/Reunion"),
        ("976", "Indian/Mayotte"),
        (None, "Europe/Paris"),
    ],
)
def test_cinema_timezone(department: str | None, zone: str) -> None:
    assert cinema_timezone(department) == zone


def test_naive_times_are_the_cinemas_wall_clock() -> None:
    assert instant("2026-08-28T20:00:00", "Europe/Paris") == datetime(2026, 8, 28, 18, 0, tzinfo=UTC)
    assert instant("2026-08-28T20:00:00", "Indian/Reunion") == datetime(2026, 8, 28, 16, 0, tzinfo=UTC)
    assert instant(datetime(2026, 12, 1, 20, 0), "America/Cayenne") == datetime(2026, 12, 1, 23, tzinfo=UTC)


def test_utc_and_offset_times_meet_on_one_instant() -> None:
    utc, offset = instant("2026-08-28T18:00:00Z", "Europe/Paris"), instant("2026-08-28T20:00:00+02:00", "x")
    assert utc == offset == datetime(2026, 8, 28, 18, 0, tzinfo=UTC)


def test_day_bounds_follow_the_local_calendar() -> None:
    start, end = day_bounds(date(2026, 10, 24), date(2026, 10, 25), "Europe/Paris")
    assert start == datetime(2026, 10, 23, 22, 0, tzinfo=UTC)  # CEST
    assert end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # CET after the change of hour


def test_visa_keeps_digits() -> None:
    assert visa("Visa n° 151 234") == "151234"
    assert visa("null") is None


def test_clean_film_repairs_fields_and_refuses_a_film_without_title() -> None:
    film = clean_film(
        FilmRecord("7", "Ã€ bout de souffle", directors="null", runtime="PT1H30M", visa=" 123 ")
    )  # type: ignore[arg-type]
    assert isinstance(film, FilmRecord)
    assert (film.title, film.directors, film.runtime, film.visa) == ("À bout de souffle", None, 90, "123")
    refused = clean_film(FilmRecord("8", "NULL"))
    assert isinstance(refused, Rejected) and refused.field == "title"


def show(**values: object) -> ShowtimeRecord:
    base: dict[str, object] = {"external_id": "s1", "film_external_id": "f1", "starts_at": "2026-09-01T20:00"}
    return ShowtimeRecord(**{**base, **values})  # type: ignore[arg-type]


def test_clean_showtime_keeps_the_seance_and_reports_bad_fields() -> None:
    cleaned, notes = clean_showtime(
        show(ends_at="2026-09-01T19:00", version="klingon", screen_capacity=-3, screen="null"), "Europe/Paris"
    )
    assert cleaned is not None
    assert cleaned.starts_at == datetime(2026, 9, 1, 18, 0, tzinfo=UTC)
    assert (cleaned.ends_at, cleaned.version, cleaned.screen_capacity, cleaned.screen) == (
        None,
        None,
        None,
        None,
    )
    assert {note.field for note in notes} == {"ends_at", "version", "screen_capacity"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_at": "demain soir"}, "starts_at"),
        ({"external_id": "null"}, "external_id"),
        ({"film_external_id": ""}, "film_external_id"),
    ],
)
def test_clean_showtime_rejects_what_cannot_be_a_seance(values: dict[str, object], field: str) -> None:
    cleaned, notes = clean_showtime(show(**values), "Europe/Paris")
    assert cleaned is None and [note.field for note in notes] == [field]


def test_clean_programme_drops_duplicates_and_keeps_vendor_rejections() -> None:
    programme = Programme(
        films=[FilmRecord("f1", "La Chimère"), FilmRecord("f1", "Doublon"), FilmRecord("f2", "")],
        showtimes=[show(), show(starts_at=datetime(2026, 9, 1, 21, tzinfo=ZoneInfo("Europe/Paris")))],
        rejected=[Rejected("show 9", "date", "vendor said so")],
    )
    cleaned = clean_programme(programme, "Europe/Paris")
    assert [film.title for film in cleaned.films] == ["La Chimère"]
    assert len(cleaned.showtimes) == 1
    assert [r.record for r in cleaned.rejected] == ["show 9", "film f2", "séance s1"]
