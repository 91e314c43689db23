"""Data Fair's query language for `lines` (q, select, sort, size, page, after, column filters, bbox,
geo_distance, date_match, format) parsed into a validated `LinesQuery`.

Every bad parameter becomes `InvalidValue(param, what it accepts)`, answered as a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import orjson
from sqlalchemy import Connection, select

from lanterne.errors import InvalidValue
from lanterne.publish.binds import Binds, Build, Late
from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.filters import Matches, column_filters, date_match, geo_filters, text_filter
from lanterne.publish.params import cursor_text, parse_flag, parse_int, parse_value
from lanterne.publish.search import KEYS_READ_FIRST, TextSource, walked

MAX_SIZE = 10_000
DEFAULT_SIZE = 12
FORMATS = ("json", "csv", "xlsx", "geojson", "ics", "parquet")
UNSUPPORTED = {"qs": "qs (requête Lucene) n'est pas pris en charge : utilisez q et les filtres {colonne}_eq…"}


@dataclass(frozen=True)
class SortKey:
    column: Column
    descending: bool = False


@dataclass(frozen=True)
class Filters:
    """The WHERE of a request, and the full-text sources it reads (kept fresh before the query runs).

    `shape` says which SQL the conditions make and `values` what they are bound to (`publish.binds`):
    requests of one shape share one statement, so `conditions` are only built when one is.
    """

    dataset: Dataset = field(compare=False, repr=False)
    builds: tuple[Build, ...] = ()
    searched: tuple[TextSource, ...] = ()
    shape: tuple[Hashable, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    late: Mapping[str, Late] = field(default_factory=dict)  # values read just before running (`Binds.later`)
    matches: Matches = ()  # a search's words, with the keys each matches per source

    def walking(self) -> Filters:
        """These filters with their search walked (`search.WalkedKeysIn`): another shape."""
        builds = tuple(_walking(build) for build in self.builds)
        return replace(self, builds=builds, shape=(*self.shape, "walked keys"))

    @cached_property
    def conditions(self) -> tuple[Any, ...]:
        return tuple(build() for build in self.builds)

    def read_first(self, connection: Connection) -> dict[str, Any]:
        """The values this database's SQL reads beyond `values`, read now on `connection`: all in one
        query (a search of one word reads the films' and the cinemas' keys: two round trips were one
        in four of a page's on PostgreSQL), built once per shape."""
        if not self.late or connection.dialect.name not in KEYS_READ_FIRST:
            return {}
        reading = self.dataset.cached(
            ("read first", self.shape), lambda: select(*(late().label(n) for n, late in self.late.items()))
        )
        found = connection.execute(reading, dict(self.values)).one()
        return {name: [] if value is None else value for name, value in zip(self.late, found, strict=True)}

    def bound(self, connection: Connection) -> dict[str, Any]:
        """Every value the statement of these filters reads on `connection`'s database."""
        return {**self.values, **self.read_first(connection)}


@dataclass(frozen=True)
class LinesQuery:
    """A validated `lines` request; `sort` always ends with the dataset's key, so pages never overlap."""

    dataset: Dataset
    columns: tuple[Column, ...]
    filters: Filters
    sort: tuple[SortKey, ...]
    size: int = DEFAULT_SIZE
    page: int | None = None
    after: tuple[Any, ...] | None = None
    count: bool = True
    format: str = "json"
    options: dict[str, Any] = field(default_factory=dict)


def _walking(build: Build) -> Build:
    return lambda: walked(build())


def parse_filters(dataset: Dataset, params: Mapping[str, str]) -> Filters:
    """q, q_fields, column filters, bbox, geo_distance and date_match: shared by lines and aggregations."""
    for name, reason in UNSUPPORTED.items():
        if name in params:
            raise InvalidValue(name, reason)
    builds: list[Build] = []
    searched: tuple[TextSource, ...] = ()
    binds = Binds()
    matches: Matches = ()
    if params.get("q", "").strip():
        build, searched, matches = text_filter(dataset, params["q"], params.get("q_fields"), binds)
        builds.append(build)
    builds.extend(column_filters(dataset, params, binds))
    builds.extend(geo_filters(dataset, params, binds))
    if params.get("date_match"):
        builds.append(date_match(dataset, params["date_match"], binds))
    shape = (*binds.shape, len(binds.values))
    return Filters(dataset, tuple(builds), searched, shape, binds.values, binds.late, matches)


def parse_select(dataset: Dataset, raw: str | None) -> tuple[Column, ...]:
    if raw is None or raw.strip() in ("", "*"):
        return dataset.columns
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if dataset.column(name) is None]
    if unknown or not names:
        raise InvalidValue("select", f"noms de colonnes séparés par des virgules parmi : {_names(dataset)}")
    return tuple(dataset.by_name[name] for name in dict.fromkeys(names))


def parse_sort(dataset: Dataset, raw: str | None) -> tuple[SortKey, ...]:
    keys: list[SortKey] = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part or part in ("_score", "_i", "_id"):
            continue
        name = part.lstrip("-+")
        column = dataset.column(name)
        if column is None:
            raise InvalidValue(
                "sort",
                "colonnes séparées par des virgules (« -colonne » : décroissant) parmi : " + _names(dataset),
            )
        if all(key.column.name != name for key in keys):
            keys.append(SortKey(column, part.startswith("-")))
    if all(key.column.name != dataset.key for key in keys):
        keys.append(SortKey(dataset.by_name[dataset.key]))
    return tuple(keys)


def encode_cursor(values: tuple[Any, ...]) -> str:
    """The `after` of the next page: the sort values of the last row, opaque to reusers."""
    texts = [cursor_text(value) for value in values]
    return base64.urlsafe_b64encode(orjson.dumps(texts)).decode().rstrip("=")


def decode_cursor(raw: str, sort: tuple[SortKey, ...]) -> tuple[Any, ...]:
    reason = "le curseur d'un lien « next » de la même requête (même tri)"
    try:
        values = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError) as error:
        raise InvalidValue("after", reason) from error
    if not isinstance(values, list) or len(values) != len(sort):
        raise InvalidValue("after", reason)
    parsed: list[Any] = []
    for key, value in zip(sort, values, strict=True):
        if value is None and key.column.nullable:
            parsed.append(None)
        elif isinstance(value, str):
            parsed.append(parse_value(key.column, value, "after"))
        else:
            raise InvalidValue("after", reason)
    return tuple(parsed)


def parse_lines(dataset: Dataset, params: Mapping[str, str]) -> LinesQuery:
    """Validate a whole `lines` request; nothing touches the database here."""
    size = parse_int(params, "size", DEFAULT_SIZE, 0, MAX_SIZE)
    page = parse_int(params, "page", None, 1, MAX_SIZE) if params.get("page") else None
    if page is not None and page * size > MAX_SIZE:
        raise InvalidValue(
            "page", f"page × size au plus {MAX_SIZE} : au-delà, suivez le lien « next » (after)"
        )
    sort = parse_sort(dataset, params.get("sort"))
    after = decode_cursor(params["after"], sort) if params.get("after") else None
    if after is not None and page is not None:
        raise InvalidValue("after", "after ou page, pas les deux")
    output = params.get("format", "json").strip().lower() or "json"
    if output not in FORMATS:
        raise InvalidValue("format", f"un format parmi : {', '.join(FORMATS)}")
    return LinesQuery(
        dataset=dataset,
        columns=parse_select(dataset, params.get("select")),
        filters=parse_filters(dataset, params),
        sort=sort,
        size=size,
        page=page,
        after=after,
        count=parse_flag(params, "count", True),
        format=output,
        options={name: params[name] for name in ("sep", "header") if name in params},
    )


def _names(dataset: Dataset) -> str:
    return ", ".join(column.name for column in dataset.columns)
