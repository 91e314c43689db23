"""The `lines` query language parsed without a database: defaults, cursors, and a 400 naming the
parameter for every bad value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lanterne.errors import InvalidValue
from lanterne.publish.datasets import DATASETS
from lanterne.publish.params import parse_instant
from lanterne.publish.query import MAX_SIZE, decode_cursor, encode_cursor, parse_lines, parse_sort
from lanterne.publish.search import _upper_bound, query_words

PROGRAMME = DATASETS["programmation-cinemas"]


def test_defaults_follow_data_fair() -> None:
    query = parse_lines(PROGRAMME, {})
    assert query.size == 12 and query.page is None and query.count is True and query.format == "json"
    assert [column.name for column in query.columns] == [c.name for c in PROGRAMME.columns]
    assert [key.column.name for key in query.sort] == ["showid"]


def test_programme_keeps_todays_column_names_in_order() -> None:
    names = [column.name for column in PROGRAMME.columns]
    today = [
        "showid",
        "showstart",
        "showend",
        "auditoriumnumber",
        "auditoriumcapacity",
        "evenement",
        "showurl",
        "cineid",
        "cinenom",
        "cineadresse",
        "cinecp",
        "cineville",
        "_coords.lat",
        "_coords.lon",
        "filmid",
        "filmtitle",
        "filmdirector",
        "filmcast",
        "filmstoryline",
        "filmgenre",
        "filmcountry",
        "filmduration",
        "filmversion",
        "filmaudio",
        "filmposter",
        "filmtrailer",
    ]
    assert names[: len(today)] == today
    assert {"filmkey", "filmvisa", "cinecategorie", "cinedepartement", "cineregion", "accessibilite"} <= set(
        names
    )


def test_sort_takes_several_columns_and_ends_with_the_key() -> None:
    sort = parse_sort(PROGRAMME, "-showstart,cinenom")
    assert [(k.column.name, k.descending) for k in sort] == [
        ("showstart", True),
        ("cinenom", False),
        ("showid", False),
    ]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"size": str(MAX_SIZE + 1)}, "size"),
        ({"size": "douze"}, "size"),
        ({"page": "0"}, "page"),
        ({"page": "101", "size": "100"}, "page"),
        ({"select": "showid,nope"}, "select"),
        ({"sort": "-nope"}, "sort"),
        ({"nope_eq": "1"}, "nope_eq"),
        ({"cineid_eq": "abc"}, "cineid_eq"),
        ({"cineid_in": "1,deux"}, "cineid_in"),
        ({"cinenom_in": "\n0"}, "cinenom_in"),
        ({"cineid_eq": str(2**70)}, "cineid_eq"),
        ({"_coords.lat_gte": "nan"}, "_coords.lat_gte"),
        ({"showstart_gte": "demain"}, "showstart_gte"),
        ({"cinenom_eq": "a\x00b"}, "cinenom_eq"),
        ({"format": "pdf"}, "format"),
        ({"after": "%%%"}, "after"),
        ({"after": encode_cursor((1, 2, 3))}, "after"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "10,50,0,40"}, "bbox"),
        ({"geo_distance": "2.3:48.8"}, "geo_distance"),
        ({"geo_distance": "2.3:48.8:-5"}, "geo_distance"),
        ({"date_match": "2026-13-40"}, "date_match"),
        ({"q": "ete", "q_fields": "nope"}, "q_fields"),
        ({"count": "peut-être"}, "count"),
        ({"qs": "filmtitle:x"}, "qs"),
    ],
)
def test_bad_parameters_name_the_parameter(params: dict[str, str], param: str) -> None:
    with pytest.raises(InvalidValue) as error:
        parse_lines(PROGRAMME, params)
    assert error.value.field == param
    assert error.value.reason


def test_date_match_needs_a_dataset_with_dates() -> None:
    with pytest.raises(InvalidValue, match="date_match"):
        parse_lines(DATASETS["cinemas"], {"date_match": "2026-09-07"})


def test_geo_filters_need_coordinates() -> None:
    with pytest.raises(InvalidValue) as error:
        parse_lines(DATASETS["films"], {"bbox": "0,40,10,50"})
    assert error.value.field == "bbox"


def test_after_and_page_exclude_each_other() -> None:
    with pytest.raises(InvalidValue) as error:
        parse_lines(PROGRAMME, {"after": encode_cursor((5,)), "page": "2"})
    assert error.value.field == "after"


def test_a_cursor_reads_back_the_values_it_was_made_of() -> None:
    sort = parse_sort(PROGRAMME, "showstart,auditoriumcapacity")
    start = datetime(2026, 9, 7, 14, tzinfo=UTC)
    assert decode_cursor(encode_cursor((start, None, 42)), sort) == (start, None, 42)


def test_a_day_is_paris_midnight_and_a_lost_plus_is_repaired() -> None:
    assert parse_instant("2026-09-07", "p") == datetime(2026, 9, 6, 22, tzinfo=UTC)
    assert parse_instant("2026-09-07", "p", end_of_day=True) == datetime(2026, 9, 7, 22, tzinfo=UTC)
    assert parse_instant("2026-09-07T20:30:00 02:00", "p") == datetime(2026, 9, 7, 18, 30, tzinfo=UTC)
    assert parse_instant("2026-09-07T18:30:00Z", "p") == datetime(2026, 9, 7, 18, 30, tzinfo=UTC)
    assert parse_instant("2026-01-07T20:30", "p") == datetime(2026, 1, 7, 19, 30, tzinfo=UTC)


def test_search_words_are_folded() -> None:
    assert query_words("L'ÉTÉ  dernier, l'été") == ["l", "ete", "dernier"]
    assert query_words("Œuvre") == ["oeuvre"]
    assert query_words("  ¿? ") == []


def test_prefix_upper_bounds() -> None:
    assert _upper_bound("ete") == "etf"
    assert _upper_bound("az") == "b"
    assert _upper_bound("a9") == "aa"
    assert _upper_bound("zz") is None
