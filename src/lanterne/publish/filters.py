"""Data Fair's filters as SQL conditions: `{col}_eq … _nexists`, `q`, `bbox`, `geo_distance`, `date_match`.

Column names may hold dots and underscores (`_coords.lat_gte`, `nom_etablissement_eq`): the suffix is
matched against the dataset's own columns, longest operator first. Each filter checks and binds its
values at once and returns a `Build` of its SQL, called only for a request shape's first statement
(`publish.binds`).
"""

from __future__ import annotations

import csv
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select, true
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.util import find_tables

from lanterne.errors import InvalidValue
from lanterne.publish.binds import Binds, Bound, Build
from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.params import parse_instant, parse_number, parse_value
from lanterne.publish.search import Folded, TextSource, fold_text, keys_in, matching_keys, query_words

EARTH_RADIUS = 6_371_008.8  # metres
METRES_PER_DEGREE = 111_320.0
MAX_LIST = 1000
_DISTANCE = re.compile(r"^\s*([0-9.eE+-]+)\s*(m|km)?\s*$")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text(column: Column) -> Any:
    return column.expression if column.type == "string" else cast(column.expression, String)


def _like(column: Column, pattern: str, binds: Binds) -> Build:
    bound = binds(pattern, String())
    return lambda: Folded(_text(column)).like(bound.param(), escape="\\")


def _contains(column: Column, fragment: str, binds: Binds) -> Build:
    return _like(column, f"%{_escape_like(fold_text(fragment))}%", binds)


def _words(column: Column, raw: str, binds: Binds) -> Build:
    likes = [_like(column, f"%{_escape_like(word)}%", binds) for word in query_words(raw)]
    return lambda: and_(true(), *(like() for like in likes))


def _value(column: Column, raw: str, param: str, binds: Binds) -> Bound:
    return binds(parse_value(column, raw, param), column.expression.type)


def _list(column: Column, raw: str, param: str, binds: Binds) -> list[Bound]:
    try:
        items = next(csv.reader([raw], skipinitialspace=True), [])
    except csv.Error as error:  # a line break outside quotes, say
        raise InvalidValue(param, f"une liste de valeurs séparées par des virgules ({error})") from None
    if len(items) > MAX_LIST:
        raise InvalidValue(param, f"au plus {MAX_LIST} valeurs séparées par des virgules")
    return [_value(column, item, param, binds) for item in items]


def _exists(column: Column, raw: str, present: bool, binds: Binds) -> Build:
    if raw.strip().lower() in ("false", "0", "non", "no"):
        present = not present
    binds.mark("exists", present)
    expression = column.expression
    return (lambda: expression.isnot(None)) if present else (lambda: expression.is_(None))


def _starts(column: Column, raw: str, param: str, binds: Binds) -> Build:
    text = str(parse_value(column, raw, param))
    length, prefix = binds(len(text)), binds(text, String())
    return lambda: func.substr(_text(column), 1, length.param()) == prefix.param()


def _compared(compare: Callable[[Any, Any], Any]) -> Operator:
    """An operator comparing the column with one value."""

    def bind(column: Column, raw: str, param: str, binds: Binds) -> Build:
        bound = _value(column, raw, param, binds)
        return lambda: compare(column.expression, bound.param())

    return bind


def _listed(inside: bool) -> Operator:
    """`_in` (inside) or `_nin`: a NULL is in no list, so `_nin` keeps it."""

    def bind(column: Column, raw: str, param: str, binds: Binds) -> Build:
        bounds, expression = _list(column, raw, param, binds), column.expression

        def build() -> Any:
            params = [bound.param() for bound in bounds]
            return expression.in_(params) if inside else or_(expression.not_in(params), expression.is_(None))

        return build

    return bind


Operator = Callable[[Column, str, str, Binds], Build]
FOLDED = ("contains", "search")  # the operators whose text SQLite folds in Python, row by row
OPERATORS: dict[str, Operator] = {
    "nexists": lambda c, raw, p, b: _exists(c, raw, False, b),
    "exists": lambda c, raw, p, b: _exists(c, raw, True, b),
    "neq": _compared(lambda expression, value: or_(expression != value, expression.is_(None))),
    "eq": _compared(operator.eq),
    "nin": _listed(False),
    "in": _listed(True),
    "gte": _compared(operator.ge),
    "gt": _compared(operator.gt),
    "lte": _compared(operator.le),
    "lt": _compared(operator.lt),
    "starts": _starts,
    "contains": lambda c, raw, p, b: _contains(c, raw, b),
    "search": lambda c, raw, p, b: _words(c, raw, b),
}


def split_filter(dataset: Dataset, param: str) -> tuple[Column, str] | None:
    """`cinedepartement_in` → (the column, "in"); None when the parameter is not a column filter."""
    if "_" not in param:
        return None  # size, sort, select, q…: no operator suffix to look for
    for name in OPERATORS:
        suffix = f"_{name}"
        if param.endswith(suffix):
            column = dataset.column(param[: -len(suffix)])
            if column is not None:
                return column, name
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
        if tables == {table} and isinstance(on, BinaryExpression) and on.operator is operator.eq:
            local, remote = (on.left, on.right) if on.right.table is table else (on.right, on.left)
            return local.in_(select(remote).where(condition).correlate(None))
    return condition


def _by_key(dataset: Dataset, column: Column, build: Build) -> Build:
    return lambda: by_key(dataset, column, build())


def column_filters(dataset: Dataset, params: Mapping[str, str], binds: Binds) -> Iterator[Build]:
    for param, raw in params.items():
        found = split_filter(dataset, param)
        if found is not None:
            column, name = found
            before = len(binds.values)
            build = OPERATORS[name](column, raw, param, binds)
            binds.mark(param, len(binds.values) - before)
            yield _by_key(dataset, column, build) if name in FOLDED else build


Matches = tuple[tuple[tuple[TextSource, Build], ...], ...]  # per word, each source's matching keys


def text_filter(
    dataset: Dataset, q: str, q_fields: str | None, binds: Binds
) -> tuple[Build, tuple[TextSource, ...], Matches]:
    """`q`: every word must start a word of the row (accents and case aside), in the indexed sources;
    with `q_fields` (or no index) every word must appear inside one of the named columns."""
    words = query_words(q)
    binds.mark("q", len(words), q_fields)
    if not words:
        return true, (), ()
    if q_fields is None and dataset.search:
        matches = tuple(
            tuple((s, matching_keys(s, word, binds)) for s, _ in dataset.search) for word in words
        )
        keys = [[keys_in(key, *match, binds) for (_, key), match in zip(dataset.search, word, strict=True)]
                for word in matches]  # fmt: skip
        sources = tuple(source for source, _ in dataset.search)
        return lambda: and_(*(or_(*(build() for build in word)) for word in keys)), sources, matches
    names = [n.strip() for n in (q_fields or ",".join(dataset.text_search)).split(",") if n.strip()]
    if not names or any(dataset.column(name) is None for name in names):
        raise InvalidValue("q_fields", "noms de colonnes séparés par des virgules parmi : " + _names(dataset))
    columns = [dataset.by_name[name] for name in names]
    likes = [[_like(c, f"%{_escape_like(w)}%", binds) for c in columns] for w in words]
    return lambda: and_(*(or_(*(like() for like in word)) for word in likes)), (), ()


def _geo_columns(dataset: Dataset, param: str) -> tuple[Any, Any]:
    if not dataset.geo:
        raise InvalidValue(param, f"ce jeu de données (« {dataset.id} ») n'a pas de coordonnées")
    return dataset.by_name[dataset.geo[0]].expression, dataset.by_name[dataset.geo[1]].expression


def _bbox(dataset: Dataset, raw: str, binds: Binds) -> Build:
    reason = "lonmin,latmin,lonmax,latmax en degrés WGS 84"
    parts = raw.split(",")
    if len(parts) != 4:
        raise InvalidValue("bbox", reason)
    lon_min, lat_min, lon_max, lat_max = (parse_number(part, "bbox") for part in parts)
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise InvalidValue("bbox", reason)
    lat, lon = _geo_columns(dataset, "bbox")
    lats = binds(lat_min, lat.type), binds(lat_max, lat.type)
    lons = binds(lon_min, lon.type), binds(lon_max, lon.type)
    return lambda: and_(
        lat.between(lats[0].param(), lats[1].param()), lon.between(lons[0].param(), lons[1].param())
    )


def _distance(raw: str) -> float:
    match = _DISTANCE.match(raw)
    metres = parse_number(match.group(1), "geo_distance") if match else -1.0
    metres *= 1000 if match and match.group(2) == "km" else 1
    if not 0 <= metres <= 20_000_000:
        raise InvalidValue("geo_distance", "lon:lat:distance, la distance en mètres (ou « 10km »)")
    return metres


def _geo_distance(dataset: Dataset, raw: str, binds: Binds) -> Build:
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
    lats = binds(lat0 - dlat, lat.type), binds(lat0 + dlat, lat.type)
    binds.mark("geo_distance", dlon < 180)
    lons = (binds(lon0 - dlon, lon.type), binds(lon0 + dlon, lon.type)) if dlon < 180 else None
    lat_0, lon_0, cos_0 = binds(lat0, lat.type), binds(lon0, lon.type), binds(cos_lat, lat.type)
    limit = binds(math.sin(min(metres / (2 * EARTH_RADIUS), math.pi / 2)) ** 2, lat.type)

    def build() -> Any:
        box = lat.between(lats[0].param(), lats[1].param())
        if lons is not None:
            box = and_(box, lon.between(lons[0].param(), lons[1].param()))
        rad = math.pi / 180
        half_dlat = func.sin((lat - lat_0.param()) * (rad / 2))
        half_dlon = func.sin((lon - lon_0.param()) * (rad / 2))
        haversine = half_dlat * half_dlat + cos_0.param() * func.cos(lat * rad) * half_dlon * half_dlon
        return and_(box, haversine <= limit.param())

    return build


def geo_filters(dataset: Dataset, params: Mapping[str, str], binds: Binds) -> Iterator[Build]:
    if params.get("bbox"):
        binds.mark("bbox")
        yield _bbox(dataset, params["bbox"], binds)
    if params.get("geo_distance"):
        yield _geo_distance(dataset, params["geo_distance"], binds)


def date_match(dataset: Dataset, raw: str, binds: Binds) -> Build:
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
    earliest = binds(low - longest, start.type) if longest is not None else None
    before, after = binds(high, start.type), binds(low, start.type)
    return lambda: and_(
        start < before.param(),
        func.coalesce(end, start) >= after.param(),
        start >= earliest.param() if earliest is not None else true(),
    )


def _names(dataset: Dataset) -> str:
    return ", ".join(column.name for column in dataset.columns)
