"""Data Fair's filters as SQL conditions: `{col}_eq … _nexists`, `q`, `bbox`, `geo_distance`, `date_match`.

Column names may hold dots and underscores (`_coords.lat_gte`, `nom_etablissement_eq`): the suffix is
matched against the dataset's own columns, longest operator first.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator, Mapping
from operator import eq
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select, true
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.util import find_tables

from lanterne.errors import InvalidValue
from lanterne.publish.binds import Binds
from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.params import parse_instant, parse_number, parse_value
from lanterne.publish.search import Folded, TextSource, fold_text, matching_keys, query_words

EARTH_RADIUS = 6_371_008.8  # metres
METRES_PER_DEGREE = 111_320.0
MAX_LIST = 1000
_DISTANCE = re.compile(r"^\s*([0-9.eE+-]+)\s*(m|km)?\s*$")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text(column: Column) -> Any:
    return column.expression if column.type == "string" else cast(column.expression, String)


def _like(column: Column, pattern: str, binds: Binds) -> Any:
    return Folded(_text(column)).like(binds(pattern, String()), escape="\\")


def _contains(column: Column, fragment: str, binds: Binds) -> Any:
    return _like(column, f"%{_escape_like(fold_text(fragment))}%", binds)


def _words(column: Column, raw: str, binds: Binds) -> Any:
    return and_(true(), *(_like(column, f"%{_escape_like(word)}%", binds) for word in query_words(raw)))


def _value(column: Column, raw: str, param: str, binds: Binds) -> Any:
    return binds(parse_value(column, raw, param), column.expression.type)


def _list(column: Column, raw: str, param: str, binds: Binds) -> list[Any]:
    try:
        items = next(csv.reader([raw], skipinitialspace=True), [])
    except csv.Error as error:  # a line break outside quotes, say
        raise InvalidValue(param, f"une liste de valeurs séparées par des virgules ({error})") from None
    if len(items) > MAX_LIST:
        raise InvalidValue(param, f"au plus {MAX_LIST} valeurs séparées par des virgules")
    return [_value(column, item, param, binds) for item in items]


def _exists(expression: Any, raw: str, present: bool, binds: Binds) -> Any:
    if raw.strip().lower() in ("false", "0", "non", "no"):
        present = not present
    binds.mark("exists", present)
    return expression.isnot(None) if present else expression.is_(None)


def _starts(column: Column, raw: str, param: str, binds: Binds) -> Any:
    text = str(parse_value(column, raw, param))
    return func.substr(_text(column), 1, binds(len(text))) == binds(text, String())


Operator = Callable[[Column, str, str, Binds], Any]
FOLDED = ("contains", "search")  # the operators whose text SQLite folds in Python, row by row
OPERATORS: dict[str, Operator] = {
    "nexists": lambda c, raw, p, b: _exists(c.expression, raw, False, b),
    "exists": lambda c, raw, p, b: _exists(c.expression, raw, True, b),
    "neq": lambda c, raw, p, b: or_(c.expression != _value(c, raw, p, b), c.expression.is_(None)),
    "eq": lambda c, raw, p, b: c.expression == _value(c, raw, p, b),
    "nin": lambda c, raw, p, b: or_(c.expression.not_in(_list(c, raw, p, b)), c.expression.is_(None)),
    "in": lambda c, raw, p, b: c.expression.in_(_list(c, raw, p, b)),
    "gte": lambda c, raw, p, b: c.expression >= _value(c, raw, p, b),
    "gt": lambda c, raw, p, b: c.expression > _value(c, raw, p, b),
    "lte": lambda c, raw, p, b: c.expression <= _value(c, raw, p, b),
    "lt": lambda c, raw, p, b: c.expression < _value(c, raw, p, b),
    "starts": _starts,
    "contains": lambda c, raw, p, b: _contains(c, raw, b),
    "search": lambda c, raw, p, b: _words(c, raw, b),
}


def split_filter(dataset: Dataset, param: str) -> tuple[Column, str] | None:
    """`cinedepartement_in` → (the column, "in"); None when the parameter is not a column filter."""
    if "_" not in param:
        return None  # size, sort, select, q…: no operator suffix to look for
    for operator in OPERATORS:
        suffix = f"_{operator}"
        if param.endswith(suffix):
            column = dataset.column(param[: -len(suffix)])
            if column is not None:
                return column, operator
            raise InvalidValue(
                param, f"un filtre {{colonne}}{suffix} sur une colonne parmi : " + _names(dataset)
            )
    return None


def by_key(dataset: Dataset, column: Column, condition: Any) -> Any:
    """A condition on a joined table's column (a cinema's commune in the programme) as the keys of that
    table's matching rows: SQLite then folds each cinema's text once, not once per séance (a commune
    filter over a million séances took 0.9 s)."""
    tables = set(find_tables(column.expression, check_columns=True))
    for table, on in dataset.joins:
        if tables == {table} and isinstance(on, BinaryExpression) and on.operator is eq:
            local, remote = (on.left, on.right) if on.right.table is table else (on.right, on.left)
            return local.in_(select(remote).where(condition).correlate(None))
    return condition


def column_filters(dataset: Dataset, params: Mapping[str, str], binds: Binds) -> Iterator[Any]:
    for param, raw in params.items():
        found = split_filter(dataset, param)
        if found is not None:
            column, name = found
            before = len(binds.values)
            condition = OPERATORS[name](column, raw, param, binds)
            binds.mark(param, len(binds.values) - before)
            yield by_key(dataset, column, condition) if name in FOLDED else condition


def text_filter(
    dataset: Dataset, q: str, q_fields: str | None, binds: Binds
) -> tuple[Any, tuple[TextSource, ...]]:
    """`q`: every word must start a word of the row (accents and case aside), in the indexed sources;
    with `q_fields` (or no index) every word must appear inside one of the named columns."""
    words = query_words(q)
    binds.mark("q", len(words), q_fields)
    if not words:
        return true(), ()
    if q_fields is None and dataset.search:
        per_word = [or_(*(key.in_(matching_keys(s, w, binds)) for s, key in dataset.search)) for w in words]
        return and_(*per_word), tuple(source for source, _ in dataset.search)
    names = [n.strip() for n in (q_fields or ",".join(dataset.text_search)).split(",") if n.strip()]
    if not names or any(dataset.column(name) is None for name in names):
        raise InvalidValue("q_fields", "noms de colonnes séparés par des virgules parmi : " + _names(dataset))
    columns = [dataset.by_name[name] for name in names]
    per_word = [or_(*(_like(c, f"%{_escape_like(w)}%", binds) for c in columns)) for w in words]
    return and_(*per_word), ()


def _geo_columns(dataset: Dataset, param: str) -> tuple[Any, Any]:
    if not dataset.geo:
        raise InvalidValue(param, f"ce jeu de données (« {dataset.id} ») n'a pas de coordonnées")
    return dataset.by_name[dataset.geo[0]].expression, dataset.by_name[dataset.geo[1]].expression


def _bbox(dataset: Dataset, raw: str, binds: Binds) -> Any:
    reason = "lonmin,latmin,lonmax,latmax en degrés WGS 84"
    parts = raw.split(",")
    if len(parts) != 4:
        raise InvalidValue("bbox", reason)
    lon_min, lat_min, lon_max, lat_max = (parse_number(part, "bbox") for part in parts)
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise InvalidValue("bbox", reason)
    lat, lon = _geo_columns(dataset, "bbox")
    return and_(
        lat.between(binds(lat_min, lat.type), binds(lat_max, lat.type)),
        lon.between(binds(lon_min, lon.type), binds(lon_max, lon.type)),
    )


def _distance(raw: str) -> float:
    match = _DISTANCE.match(raw)
    metres = parse_number(match.group(1), "geo_distance") if match else -1.0
    metres *= 1000 if match and match.group(2) == "km" else 1
    if not 0 <= metres <= 20_000_000:
        raise InvalidValue("geo_distance", "lon:lat:distance, la distance en mètres (ou « 10km »)")
    return metres


def _geo_distance(dataset: Dataset, raw: str, binds: Binds) -> Any:
    """A bounding box the indexes can use first, then the haversine distance on what remains."""
    parts = re.split(r"[:,]", raw)
    if len(parts) != 3:
        raise InvalidValue("geo_distance", "lon:lat:distance, la distance en mètres (ou « 10km »)")
    lon0, lat0 = parse_number(parts[0], "geo_distance"), parse_number(parts[1], "geo_distance")
    if not (-180 <= lon0 <= 180 and -90 <= lat0 <= 90):
        raise InvalidValue("geo_distance", "une longitude de -180 à 180 et une latitude de -90 à 90")
    metres = _distance(parts[2])
    lat, lon = _geo_columns(dataset, "geo_distance")
    dlat = metres / METRES_PER_DEGREE
    cos_lat = math.cos(math.radians(lat0))
    dlon = 360.0 if cos_lat < 1e-6 else metres / (METRES_PER_DEGREE * cos_lat)
    box = lat.between(binds(lat0 - dlat, lat.type), binds(lat0 + dlat, lat.type))
    binds.mark("geo_distance", dlon < 180)
    if dlon < 180:
        box = and_(box, lon.between(binds(lon0 - dlon, lon.type), binds(lon0 + dlon, lon.type)))
    rad = math.pi / 180
    lat_0, lon_0 = binds(lat0, lat.type), binds(lon0, lon.type)
    half_dlat, half_dlon = func.sin((lat - lat_0) * (rad / 2)), func.sin((lon - lon_0) * (rad / 2))
    haversine = half_dlat * half_dlat + binds(cos_lat, lat.type) * func.cos(lat * rad) * half_dlon * half_dlon
    limit = math.sin(min(metres / (2 * EARTH_RADIUS), math.pi / 2)) ** 2
    return and_(box, haversine <= binds(limit, lat.type))


def geo_filters(dataset: Dataset, params: Mapping[str, str], binds: Binds) -> Iterator[Any]:
    if params.get("bbox"):
        binds.mark("bbox")
        yield _bbox(dataset, params["bbox"], binds)
    if params.get("geo_distance"):
        yield _geo_distance(dataset, params["geo_distance"], binds)


def date_match(dataset: Dataset, raw: str, binds: Binds) -> Any:
    """Rows whose interval [start, end] meets the day (or the range `from,to`), days in Paris time."""
    if not dataset.start_column:
        raise InvalidValue("date_match", f"ce jeu de données (« {dataset.id} ») n'a pas de dates")
    parts = [part for part in raw.split(",") if part.strip()]
    if not 1 <= len(parts) <= 2:
        raise InvalidValue("date_match", "une date (2026-09-01) ou un intervalle « début,fin »")
    low = parse_instant(parts[0], "date_match")
    high = parse_instant(parts[-1], "date_match", end_of_day=True)
    start = dataset.by_name[dataset.start_column].expression
    end = dataset.by_name[dataset.end_column].expression if dataset.end_column else start
    longest = dataset.longest_duration
    binds.mark("date_match")
    bounded = start >= binds(low - longest, start.type) if longest is not None else true()
    return and_(start < binds(high, start.type), func.coalesce(end, start) >= binds(low, start.type), bounded)


def _names(dataset: Dataset) -> str:
    return ", ".join(column.name for column in dataset.columns)
