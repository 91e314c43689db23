"""Data Fair's aggregations: `values/{field}` (distinct values), `values_agg` (group by, with a metric)
and `metric_agg` (one metric over the filtered rows), computed in SQL with the same filters as `lines`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Engine, func

from lanterne.errors import InvalidValue
from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.lines import base_select, count
from lanterne.publish.params import PARIS, parse_int
from lanterne.publish.query import Filters, parse_filters
from lanterne.publish.search import Folded, connect, ensure_fresh, fold_text

METRICS = ("avg", "sum", "min", "max", "count")
NUMERIC = ("integer", "number")
ORDERED = ("integer", "number", "date", "datetime", "string")
AGG_SORTS = ("-count", "count", "value", "-value", "metric", "-metric")


def _field(dataset: Dataset, name: str | None, param: str = "field") -> Column:
    column = dataset.column(name or "")
    if column is None:
        names = ", ".join(c.name for c in dataset.columns)
        raise InvalidValue(param, f"une colonne parmi : {names}")
    return column


def _metric(dataset: Dataset, params: Mapping[str, str], field_param: str) -> tuple[str, Any]:
    """The SQL aggregate a `metric` + field asks for; sums and means only over numbers."""
    metric = params.get("metric", "").strip()
    if metric not in METRICS:
        raise InvalidValue("metric", f"une mesure parmi : {', '.join(METRICS)}")
    if metric == "count" and not params.get(field_param):
        return metric, func.count()
    column = _field(dataset, params.get(field_param), field_param)
    allowed = NUMERIC if metric in ("avg", "sum") else ORDERED
    if metric != "count" and column.type not in allowed:
        raise InvalidValue(field_param, f"une colonne de type {' ou '.join(allowed)} pour « {metric} »")
    return metric, getattr(func, metric)(column.expression)


def _plain(value: Any) -> Any:
    """Times in Paris time; PostgreSQL's exact decimals (means) as JSON numbers."""
    if isinstance(value, datetime):
        return value.astimezone(PARIS)
    return float(value) if isinstance(value, Decimal) else value


def _filters(engine: Engine, dataset: Dataset, params: Mapping[str, str], skip_q: bool = False) -> Filters:
    filters = parse_filters(dataset, {k: v for k, v in params.items() if not (skip_q and k == "q")})
    ensure_fresh(engine, filters.searched)
    return filters


def values(engine: Engine, dataset: Dataset, name: str, params: Mapping[str, str]) -> bytes:
    """`values/{field}`: the distinct values of a column, sorted; `q` keeps those containing it."""
    column = _field(dataset, name)
    size = parse_int(params, "size", 10, 0, 10_000)
    descending = params.get("sort", "asc").strip() in ("desc", "-", f"-{name}")
    filters = _filters(engine, dataset, params, skip_q=True)
    query = base_select(dataset, filters, column.expression).where(column.expression.isnot(None))
    if params.get("q", "").strip():
        query = query.where(Folded(column.expression).contains(fold_text(params["q"]), autoescape=True))
    order = column.expression.desc() if descending else column.expression.asc()
    query = query.group_by(column.expression).order_by(order).limit(size)
    with connect(engine) as connection:
        found = [_plain(row[0]) for row in connection.execute(query, filters.read_first(connection))]
    return orjson.dumps(found)


def values_agg(engine: Engine, dataset: Dataset, params: Mapping[str, str]) -> bytes:
    """`values_agg`: rows grouped by `field`, biggest groups first, with an optional metric per group."""
    column = _field(dataset, params.get("field"))
    agg_size = parse_int(params, "agg_size", 20, 0, 10_000)
    sort = params.get("sort", "-count").strip() or "-count"
    if sort not in AGG_SORTS:
        raise InvalidValue("sort", f"un ordre parmi : {', '.join(AGG_SORTS)}")
    metric = _metric(dataset, params, "metric_field") if params.get("metric") else None
    if sort.endswith("metric") and metric is None:
        raise InvalidValue("sort", "trier par « metric » demande le paramètre metric")
    filters = _filters(engine, dataset, params)
    size_of = func.count().label("n")
    measures = [size_of] + ([metric[1].label("m")] if metric else [])
    expression = {"count": size_of, "value": column.expression, "metric": measures[-1]}[sort.lstrip("-")]
    order = expression.desc() if sort.startswith("-") else expression.asc()
    query = base_select(dataset, filters, column.expression, *measures).group_by(column.expression)
    query = query.order_by(order, column.expression).limit(agg_size)
    with connect(engine) as connection:
        groups = connection.execute(query, filters.read_first(connection)).all()
    aggs = [
        {"value": _plain(row[0]), "total": row[1], **({"metric": _plain(row[2])} if metric else {})}
        for row in groups
    ]
    total = count(engine, dataset, filters)
    return orjson.dumps({"total": total, "total_values": len(aggs), "aggs": aggs})


def metric_agg(engine: Engine, dataset: Dataset, params: Mapping[str, str]) -> bytes:
    """`metric_agg`: one figure (avg, sum, min, max, count) over the filtered rows."""
    _, aggregate = _metric(dataset, params, "field")
    filters = _filters(engine, dataset, params)
    query = base_select(dataset, filters, func.count(), aggregate)
    with connect(engine) as connection:
        total, value = connection.execute(query, filters.read_first(connection)).one()
    return orjson.dumps({"total": total, "metric": _plain(value)})
