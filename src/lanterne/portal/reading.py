"""Reading the open datasets for the pages, in the API's own vocabulary: every page asks the publish
query layer (`parse_lines`, `fetch_page`, `values_agg`) with Data Fair parameters, never its own SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, func, literal, select

from lanterne.publish import aggregations
from lanterne.publish.lines import base_select, dataset_of, fetch_page
from lanterne.publish.query import LinesQuery, parse_filters, parse_lines
from lanterne.publish.search import connect, ensure_fresh

PROGRAMME = "programmation-cinemas"
EVENTS = "evenements-cinemas"
CINEMAS = "cinemas"
FILMS = "films"
SCHOOLS = "etablissements-scolaires"
COUNT_CAP = 10_000  # past this, a page says "plus de 10 000" instead of counting a million rows
# Filtered counts only on datasets this small (cinemas, films, schools): on the programme or its events a
# selective filter (a town, a word) would scan a million séances just to print a number.
COUNTED = 25_000


def instant(moment: datetime) -> str:
    """A filter value for a time column, in UTC so the `+` of an offset never meets a URL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_dicts(query: LinesQuery, rows: Any) -> list[dict[str, Any]]:
    names = [column.name for column in query.columns]
    width = len(names)
    return [dict(zip(names, tuple(row)[:width], strict=True)) for row in rows]


def rows(engine: Engine, dataset_id: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """One page of a dataset's rows as dicts keyed by the published column names (no count)."""
    query = parse_lines(dataset_of(dataset_id), {**params, "count": "false"})
    return as_dicts(query, fetch_page(engine, query).rows)


def first(engine: Engine, dataset_id: str, params: Mapping[str, str]) -> dict[str, Any] | None:
    found = rows(engine, dataset_id, {**params, "size": "1"})
    return found[0] if found else None


def groups(engine: Engine, dataset_id: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """`values_agg` answers: [{"value", "total"}…], biggest groups first."""
    answer = orjson.loads(aggregations.values_agg(engine, dataset_of(dataset_id), params))
    aggs: list[dict[str, Any]] = answer["aggs"]
    return aggs


def distinct(
    engine: Engine, dataset_id: str, field: str, size: int = 200, filters: Mapping[str, str] | None = None
) -> list[Any]:
    """The sorted distinct values of a column (`values/{field}`) among the filtered rows: a filter's
    choices, the cinemas where a film plays."""
    params = {**(filters or {}), "size": str(size)}
    found: list[Any] = orjson.loads(aggregations.values(engine, dataset_of(dataset_id), field, params))
    return found


def capped_count(engine: Engine, dataset_id: str, params: Mapping[str, str]) -> tuple[int | None, bool]:
    """Matching rows up to COUNT_CAP, and whether there are more; None on a big dataset with filters."""
    dataset = dataset_of(dataset_id)
    filters = parse_filters(dataset, params)
    whole = dataset.count(engine)  # cached by the publish layer
    if not filters.builds:
        return whole, False
    if whole > COUNTED:
        return None, False
    ensure_fresh(engine, filters.searched)
    inner = base_select(dataset, filters, literal(1)).limit(COUNT_CAP + 1).subquery()
    with connect(engine) as connection:
        counting = select(func.count()).select_from(inner)
        total = int(connection.execute(counting, filters.read_first(connection)).scalar() or 0)
    return min(total, COUNT_CAP), total > COUNT_CAP


def page(
    engine: Engine, dataset_id: str, params: Mapping[str, str]
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """Rows and what the next page's query changes (`after`), for pages that page on with a cursor."""
    query = parse_lines(dataset_of(dataset_id), {**params, "count": "false"})
    found = fetch_page(engine, query)
    return as_dicts(query, found.rows), found.next_params
