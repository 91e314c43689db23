"""One statement per request shape: a statement built for one request, run with another request's values,
must be exactly the SQL and parameters that request would have built for itself — no value of the first
request may stay behind in the reused statement."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from tests.publish.sample_catalog import build, published

from lanterne.catalog.models import Showtime
from lanterne.publish.datasets import DATASETS
from lanterne.publish.formats.values import local_iso
from lanterne.publish.lines import (
    _statement,
    base_select,
    fetch_page,
    page_rows,
    shape,
    statement,
    values,
    walking,
)
from lanterne.publish.prepared import CONVERTED_KEPT, Prepared, Remembered, prepare
from lanterne.publish.query import encode_cursor, parse_lines
from lanterne.publish.search import connect, ensure_fresh, spread

PROGRAMME = DATASETS["programmation-cinemas"]
CURSOR_A = encode_cursor((datetime(2026, 9, 8, 18, tzinfo=UTC), 41))
CURSOR_B = encode_cursor((datetime(2026, 9, 9, 20, tzinfo=UTC), 7))

# Pairs of requests of one shape whose every value differs.
PAIRS: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"cineid_eq": "1"}, {"cineid_eq": "2"}),
    ({"cinenom_neq": "A"}, {"cinenom_neq": "B"}),
    ({"cineid_in": "1,2"}, {"cineid_in": "3,4"}),
    ({"cinedepartement_nin": "75,69"}, {"cinedepartement_nin": "13,33"}),
    ({"showstart_gte": "2026-09-01", "showstart_lt": "2026-09-08"},
     {"showstart_gte": "2026-10-01", "showstart_lt": "2026-10-02T20:00:00+02:00"}),
    ({"showstart_gt": "2026-09-01", "showstart_lte": "2026-09-08"},
     {"showstart_gt": "2026-08-01", "showstart_lte": "2026-08-08"}),
    ({"cinecp_starts": "75"}, {"cinecp_starts": "690"}),
    ({"cineville_contains": "renn"}, {"cineville_contains": "Lyon"}),
    ({"filmtitle_search": "été dernier"}, {"filmtitle_search": "zone interet"}),
    ({"evenement_exists": "true"}, {"evenement_exists": "oui"}),
    ({"q": "ete"}, {"q": "zone"}),
    ({"q": "ete dernier"}, {"q": "azur cote"}),
    ({"q": "varda", "q_fields": "filmdirector"}, {"q": "agnes", "q_fields": "filmdirector"}),
    ({"bbox": "2,48,3,49"}, {"bbox": "-5,42,8,51"}),
    ({"geo_distance": "2.35:48.85:10km"}, {"geo_distance": "4.8:45.7:2000"}),
    ({"date_match": "2026-09-08"}, {"date_match": "2026-09-10,2026-09-12"}),
    ({"sort": "showstart", "after": CURSOR_A}, {"sort": "showstart", "after": CURSOR_B}),
    ({"sort": "-showend", "after": CURSOR_A}, {"sort": "-showend", "after": CURSOR_B}),
    ({"sort": "showstart,-cinenom", "after": encode_cursor(("2026-09-08T18:00:00+00:00", "A", 1))},
     {"sort": "showstart,-cinenom", "after": encode_cursor(("2026-09-09T18:00:00+00:00", "B", 9))}),
    ({"cineid_eq": "1", "q": "ete", "size": "20", "page": "2"},
     {"cineid_eq": "5", "q": "nuit", "size": "20", "page": "2"}),
]  # fmt: skip


def _sql(statement: Any, dialect: Any, bound: dict[str, Any]) -> tuple[str, list[Any]]:
    compiled = statement.compile(dialect=dialect)
    params = compiled.construct_params(bound)
    names = compiled.positiontup or sorted(params)
    return str(compiled), [params[name] for name in names]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_shape_reused_with_other_values_is_that_request_own_sql(
    first: dict[str, str], second: dict[str, str], dialect: Any
) -> None:
    one, other = parse_lines(PROGRAMME, first), parse_lines(PROGRAMME, second)
    assert shape(one, "rows", 13) == shape(other, "rows", 13)
    assert values(one) != values(other) or not values(one)  # `exists` binds no value
    statement(one, 13)
    reused = statement(other, 13)
    assert reused is statement(one, 13)
    assert _sql(reused, dialect, values(other)) == _sql(_statement(other, 13), dialect, {})
    counted = base_select(PROGRAMME, one.filters, func.count())
    assert _sql(counted, dialect, dict(other.filters.values)) == _sql(
        base_select(PROGRAMME, other.filters, func.count()), dialect, {}
    )


def test_a_request_of_a_known_shape_builds_no_sql(engine: Engine) -> None:
    """Its values are checked and bound, but its conditions are never made: the shape's statement
    (and its count) serve it, and building them was a tenth of a computed page."""
    build(engine)
    first = {"cineid_eq": "1", "showstart_gte": "2026-09-01", "q": "ete", "geo_distance": "2.35:48.85:9km"}
    second = {
        "cineid_eq": "3335121",
        "showstart_gte": "2026-09-09",
        "q": "perfect",
        "geo_distance": "-1.67:48.1:9km",
    }
    fetch_page(engine, parse_lines(PROGRAMME, first), shown=True)
    other = parse_lines(PROGRAMME, second)
    page = fetch_page(engine, other, shown=True)
    assert "conditions" not in vars(other.filters)
    # Rennes shows Perfect Days (film 3) on each of the four days, two of them from the 9th on.
    assert page.total == len(page.rows) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"evenement_exists": "true"}, {"evenement_exists": "false"}),
        ({"cineid_in": "1,2"}, {"cineid_in": "1,2,3"}),
        ({"q": "ete"}, {"q": "zz"}),  # no upper bound after "zz"
        ({"geo_distance": "2.35:48.85:10km"}, {"geo_distance": "2.35:89.99999999:10km"}),
        ({"a_eq": "1", "b_eq": "2"}, {"b_eq": "2", "a_eq": "1"}),
        ({"sort": "-showend", "after": CURSOR_A}, {"sort": "-showend", "after": encode_cursor((None, 7))}),
    ],
)
def test_requests_whose_sql_differs_have_different_shapes(
    first: dict[str, str], second: dict[str, str]
) -> None:
    renamed = {"a_eq": "cineid_eq", "b_eq": "filmid_eq"}
    one = parse_lines(PROGRAMME, {renamed.get(k, k): v for k, v in first.items()})
    other = parse_lines(PROGRAMME, {renamed.get(k, k): v for k, v in second.items()})
    assert shape(one, "rows", 13) != shape(other, "rows", 13)


PREPARED_QUERIES = [
    {},
    {"sort": "-showstart", "select": "showid,showstart,showend,filmtitle,accessibilite,filmaudio"},
    {"cineid_in": "3335121,1", "showstart_gte": "2026-09-07"},
    {"q": "ete", "size": "3"},
    {"date_match": "2026-09-08", "sort": "showend"},
    {"sort": "showstart", "after": CURSOR_A},
    {"cinenom_starts": "Ciné", "filmversion_in": "VO,VOST", "auditoriumcapacity_gt": "10"},
    {"cineville_contains": "paris", "geo_distance": "2.35:48.85:20km"},
]


@pytest.mark.parametrize("params", PREPARED_QUERIES)
def test_prepared_pages_hold_what_sqlalchemy_reads(engine: Engine, params: dict[str, str]) -> None:
    build(engine)
    query = parse_lines(PROGRAMME, params)
    with connect(engine) as connection:
        ensure_fresh(engine, query.filters.searched)
        prepared, presented = page_rows(connection, query, 50, shown=True)
        by_sqlalchemy = [
            tuple(row) for row in connection.execute(statement(query, 50), values(query, connection))
        ]
        plain, nothing_shown = page_rows(connection, query, 50)  # the portal's reading: times as times
    assert plain == by_sqlalchemy and nothing_shown == frozenset()
    # A JSON page's times are read straight into Paris ISO text; everything else is what SQLAlchemy reads.
    shown = [
        tuple(local_iso(cell) if i in presented and cell is not None else cell for i, cell in enumerate(row))
        for row in by_sqlalchemy
    ]
    assert prepared == shown and prepared
    assert [type(cell) for cell in prepared[0]] == [type(cell) for cell in shown[0]]
    # The séances' own columns were read by the prepared statement, the films' and cinemas' (numbers
    # among them, which PostgreSQL's prepared statements leave to SQLAlchemy) from the worker's copy.
    key = ("prepared", engine.dialect.name, True, True, shape(query, "rows", 50))
    assert isinstance(PROGRAMME.cached(key, lambda: None), Prepared)
    times = {i for i, column in enumerate(query.columns) if column.type == "datetime"}
    assert presented == times and times


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"cineville_contains": "rennes"}, "showtimes.cinema_id IN (SELECT cinemas.id"),
        ({"filmtitle_search": "ete"}, "showtimes.film_id IN (SELECT films.id"),
    ],
)
def test_folded_text_of_a_joined_table_is_matched_once_per_row_of_that_table(
    params: dict[str, str], keys: str
) -> None:
    """SQLite folds text in Python: once per cinema or film, not once per séance (0.9 s on a million)."""
    query = parse_lines(PROGRAMME, params)
    sql = str(base_select(PROGRAMME, query.filters, func.count()).compile(dialect=sqlite.dialect()))
    assert keys in sql and sql.count("lanterne_fold") == 1


def test_a_page_joins_outside_its_keys_only_the_tables_it_shows() -> None:
    """The keys met the dataset's own conditions (a consenting, active cinema) inside the subquery; the
    rows read for them join no cinema when the page shows none of its columns."""
    query = parse_lines(PROGRAMME, {"select": "showid,filmtitle", "sort": "showstart"})
    sql = str(_statement(query, 13).compile(dialect=sqlite.dialect()))
    outer, keys = sql.split("WHERE showtimes.id IN", 1)
    assert "cinemas" not in outer and "films" in outer
    assert "JOIN cinemas" in keys and "publish_consent" in keys


def test_a_search_reads_its_keys_first_on_postgresql_only(engine: Engine) -> None:
    """PostgreSQL gets the keys a word matches as one bound array (its planner then sees how few they
    are); SQLite reads them in a subquery. Both answer the same séances."""
    build(engine)
    query = parse_lines(PROGRAMME, {"q": "perfect", "size": "100"})
    postgres_sql = str(_statement(query, 13).compile(dialect=postgresql.dialect()))
    sqlite_sql = str(_statement(query, 13).compile(dialect=sqlite.dialect()))
    assert "= ANY (" in postgres_sql and "search_words" not in postgres_sql
    assert 'film_id IN (SELECT CAST(search_words."key" AS INTEGER)' in sqlite_sql
    assert "ANY" not in sqlite_sql
    page = fetch_page(engine, query, shown=True)
    perfect_days = sorted(row["id"] for row in published() if row["film_id"] == 3)
    assert [row[0] for row in page.rows] == perfect_days and page.total == len(perfect_days) > 0


def test_a_walked_search_finds_the_same_seances(engine: Engine) -> None:
    """SQLite walks the key order for a search reaching most séances (`lines.walking`): the same rows,
    from another statement (a unary `+` keeps SQLite off the keys' indexes)."""
    build(engine)
    for q in ("perfect", "e", "rennes"):
        query = parse_lines(PROGRAMME, {"q": q, "size": "5"})
        walked = replace(query, filters=query.filters.walking())
        assert shape(walked, "rows", 6) != shape(query, "rows", 6)
        with connect(engine) as connection:
            ensure_fresh(engine, query.filters.searched)
            assert page_rows(connection, walked, 6, shown=True) == page_rows(connection, query, 6, shown=True)
            spread_of = spread(connection, query.filters.matches)
        if engine.dialect.name == "sqlite":
            sql = str(_statement(walked, 6).compile(dialect=sqlite.dialect()))
            assert "+showtimes.film_id IN (SELECT" in sql and "+showtimes.cinema_id IN (SELECT" in sql
        if q == "perfect":  # one film of three, no cinema
            assert spread_of == pytest.approx(1 / 3)


def test_a_search_reads_all_its_keys_in_one_statement(engine: Engine) -> None:
    """Two words, each matching films and cinemas: four key lists, one round trip on PostgreSQL (none
    on SQLite, where they are subqueries); a word matching nothing gives an empty list, not NULL."""
    build(engine)
    statements: list[str] = []
    for q, expected in (("perfect days", [3]), ("perfect zzzz", [])):
        query = parse_lines(PROGRAMME, {"q": q, "size": "100"})
        ensure_fresh(engine, query.filters.searched)
        statements.clear()
        with connect(engine) as connection:
            event.listen(connection, "before_cursor_execute", lambda *a: statements.append(a[2]))
            late = query.filters.read_first(connection)
        if engine.dialect.name != "postgresql":
            assert late == {} and statements == []
            continue
        assert len(late) == 4 and len(statements) == 1 and statements[0].count("array_agg(") == 4
        assert all(isinstance(keys, list) for keys in late.values())
        page = fetch_page(engine, query, shown=True)
        assert sorted({row[0] for row in page.rows}) == sorted(
            row["id"] for row in published() if row["film_id"] in expected
        )


def test_a_search_reaching_most_seances_walks_on_sqlite(engine: Engine) -> None:
    """A word in every film (« e ») reaches all 24 séances: a page of 2 walks to them. One film of three
    (« perfect ») reaches 8: a page of 100 gathers them (walking wins past spread² × total > size)."""
    build(engine)
    with connect(engine) as connection:
        for q, size, walks in (("e", 2, engine.dialect.name == "sqlite"), ("perfect", 100, False)):
            query = parse_lines(PROGRAMME, {"q": q, "size": str(size)})
            ensure_fresh(engine, query.filters.searched)
            found = walking(connection, query, size, None)
            assert (found is not query) == walks
            assert ("walked keys" in found.filters.shape) == walks


def test_reads_hold_no_transaction_on_postgresql_and_writers_still_do(engine: Engine) -> None:
    """A page's reads run in autocommit on PostgreSQL (no BEGIN and ROLLBACK round trips); the pooled
    connection goes back to transactions for whoever takes it next."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads in its own way (no round trips to spare)")
    status = psycopg.pq.TransactionStatus
    for _ in range(2):
        with connect(engine) as connection:
            connection.execute(select(func.count()).select_from(Showtime)).scalar()
            assert connection.connection.driver_connection.info.transaction_status == status.IDLE
        with engine.connect() as connection:
            connection.execute(select(func.count()).select_from(Showtime)).scalar()
            assert connection.connection.driver_connection.info.transaction_status == status.INTRANS


def test_last_update_follows_writes_of_any_connection(engine: Engine) -> None:
    """SQLite connections remember the last update until the file changes: by another connection (a
    sync in another process) or by the same one (a sync in this process)."""
    build(engine)
    first = PROGRAMME.last_updated(engine)
    assert PROGRAMME.last_updated(engine) == first
    later = first + timedelta(hours=1)
    with engine.begin() as connection:  # the pool's connection: the one that remembered
        connection.execute(update(Showtime).where(Showtime.id == 1).values(last_seen_at=later))
    assert PROGRAMME.last_updated(engine) == later
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database or "")
        other.execute("UPDATE films SET updated_at = ?", ((later + timedelta(hours=1)).strftime("%F %T.%f"),))
        other.commit()
        other.close()
        assert PROGRAMME.last_updated(engine) == later + timedelta(hours=1)


def test_postgresql_leaves_pages_reading_numbers_to_sqlalchemy() -> None:
    """Its driver reports a float column and a computed mean as different types, converted differently:
    a statement prepared beforehand cannot know which, so those pages are not prepared there."""
    cinemas = DATASETS["cinemas"]
    with_numbers = statement(parse_lines(cinemas, {"select": "cineid,_coords.lat"}), 13)
    without = statement(parse_lines(cinemas, {"select": "cineid,cinenom"}), 13)
    assert prepare(with_numbers, postgresql.dialect()) is None
    assert isinstance(prepare(without, postgresql.dialect()), Prepared)
    assert isinstance(prepare(with_numbers, sqlite.dialect()), Prepared)


def test_conversions_are_remembered_within_a_bound() -> None:
    """A page converts each distinct stored time once; the memory starts afresh past its bound."""
    calls: list[int] = []
    remembered = Remembered(lambda raw: calls.append(raw) or raw * 2)
    assert remembered[None] is None and remembered[3] == 6 and remembered[3] == 6 and calls == [3]
    for raw in range(CONVERTED_KEPT + 10):
        assert remembered[raw] == raw * 2
    assert len(remembered) <= CONVERTED_KEPT and remembered[None] is None
