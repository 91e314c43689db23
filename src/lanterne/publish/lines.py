"""Running a `lines` query: keyset pages on indexed keys, rows encoded straight from the cursor.

The hot path of the open-data API: no ORM objects and no model per row, one connection for the
count and the rows, JSON pages by msgspec; other formats go through `publish.formats.write`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import msgspec
from sqlalchemy import Connection, Engine, Select, and_, bindparam, false, func, literal, or_, select, tuple_

from lanterne.errors import InvalidValue, NotFound
from lanterne.publish import dimensions, formats
from lanterne.publish.binds import Binds
from lanterne.publish.datasets import DATASETS, Column, Dataset
from lanterne.publish.dimensions import Plan
from lanterne.publish.formats.values import local_iso
from lanterne.publish.prepared import Prepared, prepare
from lanterne.publish.query import MAX_SIZE, Filters, LinesQuery, SortKey, encode_cursor, parse_lines
from lanterne.publish.search import Reader, connect, engine_of, ensure_fresh, spread

BATCH = 1000
SPREAD_PARTS = 1_000_000  # a search's spread is remembered in millionths
NOT_PREPARED = object()  # remembered for shapes whose SQL cannot be prepared
JSON_TYPE = "application/json"
ENCODER = msgspec.json.Encoder()


@dataclass
class Page:
    rows: Sequence[Any]
    total: int | None
    next_params: dict[str, str] | None  # what changes in the query string for the next page
    presented: frozenset[int] = frozenset()  # columns the rows already hold as JSON shows them


@dataclass
class Answer:
    """What a route sends back: bytes (JSON) or a stream of chunks (other formats), with headers."""

    body: bytes | Iterator[bytes]
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


def dataset_of(dataset_id: str) -> Dataset:
    dataset = DATASETS.get(dataset_id)
    if dataset is None:
        raise NotFound(f"jeu de données inconnu : « {dataset_id} » ; voir /api/v1/datasets")
    return dataset


def _after_binds(after: tuple[Any, ...]) -> Binds:
    """The cursor's values, bound as `a0`, `a1`…; a NULL is structure (`IS NULL`), not a value."""
    binds = Binds("a")
    for value in after:
        if value is not None:
            binds(value)
    return binds


def _bind(expression: Any, value: Any, name: str | None = None) -> Any:
    return bindparam(name, value, type_=expression.type) if name else literal(value, expression.type)


def _order(key: SortKey) -> Any:
    """NULLs sort as the smallest values on both databases (SQLite's own rule), so cursors agree."""
    expression = key.column.expression
    if not key.column.nullable:
        return expression.desc() if key.descending else expression.asc()
    return expression.desc().nulls_last() if key.descending else expression.asc().nulls_first()


def _names(values: tuple[Any, ...]) -> list[str | None]:
    """The bind name of each cursor value, as `_after_binds` names them (None for a NULL)."""
    names: list[str | None] = []
    for value in values:
        names.append(None if value is None else f"a{sum(1 for n in names if n)}")
    return names


def _strictly_after(key: SortKey, value: Any, name: str | None = None) -> Any:
    expression = key.column.expression
    if value is None:
        return false() if key.descending else expression.isnot(None)
    if not key.descending:
        return expression > _bind(expression, value, name)
    before = expression < _bind(expression, value, name)
    return or_(before, expression.is_(None)) if key.column.nullable else before


def _equal(key: SortKey, value: Any, name: str | None = None) -> Any:
    expression = key.column.expression
    return expression.is_(None) if value is None else expression == _bind(expression, value, name)


def keyset(sort: tuple[SortKey, ...], values: tuple[Any, ...], *, named: bool = False) -> Any:
    """Rows after the cursor's row in the sort order; one row-value comparison when the index allows it.

    `named` binds the values as `_after_binds` names them, for a statement reused across cursors."""
    names = _names(values) if named else [None] * len(values)
    same_direction = len({key.descending for key in sort}) == 1
    if same_direction and all(not key.column.nullable for key in sort):
        expressions = [key.column.expression for key in sort]
        row = tuple_(*expressions)
        bound = tuple_(*(_bind(e, v, n) for e, v, n in zip(expressions, values, names, strict=True)))
        return row < bound if sort[0].descending else row > bound
    condition = _strictly_after(sort[-1], values[-1], names[-1])
    steps = zip(reversed(sort[:-1]), reversed(values[:-1]), reversed(names[:-1]), strict=True)
    for key, value, name in steps:
        condition = or_(_strictly_after(key, value, name), and_(_equal(key, value, name), condition))
    return condition


def base_select(dataset: Dataset, filters: Filters, *columns: Any) -> Select[Any]:
    return _where(dataset, filters.conditions, *columns)


def _where(dataset: Dataset, conditions: Sequence[Any], *columns: Any) -> Select[Any]:
    source = dataset.from_clause(*columns, *conditions)
    return select(*columns).select_from(source).where(dataset.condition(), *conditions)


def shape(query: LinesQuery, kind: str, limit: int | None = None) -> tuple[Hashable, ...]:
    """What decides the SQL of a request, its values aside: equal shapes share one statement."""
    after = None if query.after is None else tuple(value is None for value in query.after)
    columns = tuple(column.name for column in query.columns)
    sort = tuple((key.column.name, key.descending) for key in query.sort)
    return (kind, columns, sort, limit, query.page, query.size, after, query.filters.shape)


def values(query: LinesQuery, connection: Connection | None = None) -> dict[str, Any]:
    """The request's values by bind name, for its shape's statement; with the `connection` it runs on,
    those its database reads first (`Filters.read_first`)."""
    found = query.filters.bound(connection) if connection is not None else dict(query.filters.values)
    return found if query.after is None else {**found, **_after_binds(query.after).values}


def statement(query: LinesQuery, limit: int | None, plan: Plan | None = None) -> Select[Any]:
    """The statement of the request's shape (run it with `values(query)`); built on its first use.
    With a `plan`, the page reads its films' and cinemas' columns apart (`publish.dimensions`)."""
    kind = "rows" if plan is None else "narrow rows"
    return query.dataset.cached(shape(query, kind, limit), lambda: _statement(query, limit, plan))


def _statement(query: LinesQuery, limit: int | None, plan: Plan | None = None) -> Select[Any]:
    """Selected columns, then the sort values (the next cursor is read from them).

    A page first finds its keys on the narrow join the filters and the sort need, then reads the
    wide rows of those keys only: a sort that cannot follow an index then orders thousands of small
    rows instead of thousands of rows carrying synopses and casts.
    """
    dataset = query.dataset
    order = [_order(key) for key in query.sort]
    sorted_by = [key.column.expression for key in query.sort]
    conditions = [*query.filters.conditions]
    if query.after is not None:
        conditions.append(keyset(query.sort, query.after, named=True))
    read = query.columns if plan is None else plan.local
    columns = [dataset.labelled[column.name] for column in read]
    if plan is not None:
        columns += [dimension.local.label(f"_key_{i}") for i, dimension in enumerate(plan.used)]
    wide = [*columns, *(dataset.sort_labelled[key.column.name] for key in query.sort)]
    if limit is None:  # a whole export streams in one pass
        return _where(dataset, conditions, *wide).order_by(*order)
    key = dataset.by_name[dataset.key].expression
    keys = _where(dataset, conditions, key, *sorted_by).with_only_columns(key)
    keys = keys.order_by(*order).limit(limit).correlate(None)
    if query.page is not None:
        keys = keys.offset((query.page - 1) * query.size)
    # The keys met the filters and the dataset's own conditions: their rows join only what they show.
    source = dataset.from_clause(*(column.expression for column in wide), *sorted_by, own_conditions=False)
    return select(*wide).select_from(source).where(key.in_(keys)).order_by(*order)


def prepared(
    connection: Connection, query: LinesQuery, limit: int | None, shown: bool, plan: Plan | None = None
) -> Prepared | None:
    """The shape's prepared SQL (`publish.prepared`), when the database has one; `shown`: its rows hold
    times as the Paris ISO text JSON, CSV and GeoJSON write (`formats.TEXT_TIMES`)."""
    if limit is None and connection.dialect.name != "sqlite":
        return None  # a whole export streams through SQLAlchemy's server-side cursor on PostgreSQL
    key = ("prepared", connection.dialect.name, shown, plan is not None, shape(query, "rows", limit))

    def prepared_sql() -> Prepared | object:
        read = query.columns if plan is None else plan.local
        times = {i: local_iso for i, column in enumerate(read) if column.type == "datetime"}
        sql = statement(query, limit, plan)
        return prepare(sql, connection.dialect, times if shown else None) or NOT_PREPARED

    found = query.dataset.cached(key, prepared_sql)
    return found if isinstance(found, Prepared) else None


def page_rows(
    connection: Connection,
    query: LinesQuery,
    limit: int,
    shown: bool = False,
    last_updated: datetime | None = None,
) -> tuple[Sequence[Any], frozenset[int]]:
    """The rows of a page, and which of their columns already hold what a JSON answer shows (`shown`:
    the caller writes JSON; the portal reads times as times). A JSON page on SQLite reads its films'
    and cinemas' columns from the worker's copy of them (`publish.dimensions`)."""
    query = walking(connection, query, limit, last_updated)
    plan = dimensions.plan(query.dataset, query.columns, len(query.sort)) if shown else None
    if plan is not None and (sql := prepared(connection, query, limit, shown, plan)) is not None:
        found = sql.rows(connection, values(query, connection))
        stamp = last_updated or query.dataset.last_updated(connection.engine)
        first = len(plan.local)
        copies = [
            dimensions.read(
                connection, query.dataset, dimension, {row[first + i] for row in found}, stamp, _shown
            )
            for i, dimension in enumerate(plan.used)
        ]
        presented = {
            i
            for i, position in enumerate(plan.positions[: len(query.columns)])
            if position in sql.presented or (position >= first and query.columns[i].type == "datetime")
        }
        return plan.rows(found, copies), frozenset(presented)
    if (sql := prepared(connection, query, limit, shown)) is not None:
        return sql.rows(connection, values(query, connection)), sql.presented
    return connection.execute(statement(query, limit), values(query, connection)).all(), frozenset()


def walking(connection: Connection, query: LinesQuery, limit: int, stamp: datetime | None) -> LinesQuery:
    """The query, or on SQLite its walked form when its search reaches so many séances that walking
    them in key order finds a page sooner than gathering them all to sort them (`search.WalkedKeysIn`).

    A page of `limit` rows among `total`, a share `spread` of them matching, costs about
    `limit / spread` rows walked against `spread × total` gathered: walking wins past
    `spread² × total > limit`. `q=a` gathered most of a million séances for 20 (0.6 s); walked, 4–7 ms.
    Only for a search ordered by the dataset's key, the order SQLite walks without sorting."""
    filters, dataset = query.filters, query.dataset
    by_key = [key.column.name for key in query.sort] == [dataset.key]
    if not filters.matches or not by_key or connection.dialect.name != "sqlite":
        return query
    version = (id(connection.engine), stamp or dataset.last_updated(connection.engine))
    parts = dataset.remembered_count(
        ("spread", filters.shape, tuple(filters.values.values())),
        version,
        lambda: round(spread(connection, filters.matches) * SPREAD_PARTS),
    )
    total = dataset.count(connection.engine, version[1])
    if (parts / SPREAD_PARTS) ** 2 * total <= limit:
        return query
    return replace(query, filters=filters.walking())


def _shown(column: Column, value: Any) -> Any:
    """A film's or cinema's value as a JSON page shows it (times in Paris time)."""
    return local_iso(value) if column.type == "datetime" and value is not None else value


def count(reader: Reader, dataset: Dataset, filters: Filters, last_updated: datetime | None = None) -> int:
    """Matching rows, remembered while the data stands (`Dataset.remembered_count`)."""
    if not filters.builds:
        return dataset.count(reader, last_updated)
    version = (id(engine_of(reader)), last_updated or dataset.last_updated(reader))
    counting = dataset.cached(("count", filters.shape), lambda: base_select(dataset, filters, func.count()))

    def counted() -> int:
        with connect(reader) as connection:
            return int(connection.execute(counting, filters.bound(connection)).scalar() or 0)

    key = (filters.shape, tuple(filters.values.values()))
    return dataset.remembered_count(key, version, counted)


def fetch_page(
    reader: Reader, query: LinesQuery, last_updated: datetime | None = None, shown: bool = False
) -> Page:
    """One page of rows and, when asked, the count; `last_updated` spares a lookup the caller made;
    `shown`: times may come as the text JSON shows (`Page.presented` says which)."""
    ensure_fresh(reader, query.filters.searched)
    rows: Sequence[Any] = []
    presented: frozenset[int] = frozenset()
    if query.size:
        with connect(reader) as connection:
            rows, presented = page_rows(connection, query, query.size + 1, shown, last_updated)
    total = count(reader, query.dataset, query.filters, last_updated) if query.count else None
    more = len(rows) > query.size
    rows = rows[: query.size]
    next_params: dict[str, str] | None = None
    if more and query.page is not None:
        next_params = {"page": str(query.page + 1)} if (query.page + 1) * query.size <= MAX_SIZE else None
    elif more:
        width = len(query.columns)
        next_params = {"after": encode_cursor(tuple(rows[-1][width:]))}
    return Page(rows, total, next_params, presented)


def next_url(url: str, params: Sequence[tuple[str, str]], changes: dict[str, str]) -> str:
    kept = [(name, value) for name, value in params if name not in ("after", "page")]
    return f"{url}?{urlencode([*kept, *changes.items()], safe=',:')}"


def row_type(query: LinesQuery) -> type[msgspec.Struct]:
    """A page row as a msgspec Struct of the selected columns, in their order: made from a row's cells in
    one call and encoded in C. A dictionary per row cost three times as much (0.1 ms a page of 80 séances)
    and was most of what a page spent outside SQLite."""
    names = tuple(column.name for column in query.columns)

    def build() -> type[msgspec.Struct]:
        fields = [(f"c{i}", Any) for i in range(len(names))]
        rename = {f"c{i}": name for i, name in enumerate(names)}
        return msgspec.defstruct("Row", fields, rename=rename, gc=False)

    return query.dataset.cached(("json row", names), build)


def json_body(query: LinesQuery, page: Page, following: str | None) -> bytes:
    """Data Fair's shape, `{"total", "next", "results"}`; times in Paris time with their offset."""
    row, width = row_type(query), len(query.columns)
    times = [i for i, c in enumerate(query.columns) if c.type == "datetime" and i not in page.presented]
    if times:
        results = []
        for found in page.rows:
            cells = list(found[:width])
            for i in times:
                if cells[i] is not None:
                    cells[i] = local_iso(cells[i])  # ISO 8601 in Paris time, as a string
            results.append(row(*cells))
    else:  # the rows hold what is shown; their sort values, after the columns, are left out
        results = [row(*found[:width]) for found in page.rows]
    body: dict[str, Any] = {}
    if page.total is not None:
        body["total"] = page.total
    if following:
        body["next"] = following
    body["results"] = results
    return ENCODER.encode(body)


def export_options(
    reader: Reader, query: LinesQuery, base_url: str, last_updated: datetime | None = None
) -> dict[str, Any]:
    stamp = last_updated or query.dataset.last_updated(reader)
    return {**query.options, "base_url": base_url, "last_updated": stamp}


def file_headers(query: LinesQuery) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{formats.filename(query.dataset, query.format)}"'}


def lines(
    reader: Reader,
    dataset_id: str,
    params: Sequence[tuple[str, str]],
    url: str,
    base_url: str,
    last_updated: datetime | None = None,
) -> Answer:
    """`GET …/lines`: one page of rows as JSON (or a file), the next page's URL in `next` and `Link`.

    `last_updated`, when the caller read it already (for the ETag), is not asked again; `reader`, the
    connection the caller read it on, reads the page too."""
    query = parse_lines(dataset_of(dataset_id), _single(params))
    if query.format != "json":
        formats.check(query.format, query.dataset, query.columns, query.options)
    page = fetch_page(reader, query, last_updated, shown=query.format == "json")
    following = next_url(url, params, page.next_params) if page.next_params else None
    headers = {"link": f'<{following}>; rel="next"'} if following else {}
    if query.format == "json":
        return Answer(json_body(query, page, following), JSON_TYPE, headers)
    width = len(query.columns)
    rows = (tuple(row[:width]) for row in page.rows)
    options = export_options(reader, query, base_url, last_updated)
    chunks = formats.write(query.format, query.dataset, list(query.columns), rows, options)
    return Answer(chunks, formats.CONTENT_TYPES[query.format], {**headers, **file_headers(query)})


def stream_rows(engine: Engine, query: LinesQuery, times_as_text: bool = False) -> Iterator[tuple[Any, ...]]:
    """Every matching row, read a thousand at a time; the connection closes when the client leaves.
    With `times_as_text` (for `formats.TEXT_TIMES`), times may arrive as the Paris ISO text they show."""
    width = len(query.columns)
    with connect(engine, streaming=True) as connection:
        if (sql := prepared(connection, query, None, times_as_text)) is not None:
            for batch in sql.stream(connection, values(query, connection), BATCH):
                for row in batch:
                    yield row[:width]
            return
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            statement(query, None), values(query, connection)
        )
        for partition in result.partitions(BATCH):
            for row in partition:
                yield tuple(row[:width])


def full(
    engine: Engine,
    dataset_id: str,
    params: Sequence[tuple[str, str]],
    base_url: str,
    last_updated: datetime | None = None,
) -> Answer:
    """`GET …/full`: the whole (filtered, sorted) dataset as a file, streamed in constant memory."""
    single = _single(params)
    single.setdefault("format", "csv")
    for name in ("size", "page", "after"):
        if name in single:
            raise InvalidValue(name, "sans objet pour un export complet : utilisez …/lines")
    query = parse_lines(dataset_of(dataset_id), single)
    if query.format == "json":
        raise InvalidValue("format", f"un format de fichier parmi : {', '.join(formats.FORMATS)}")
    formats.check(query.format, query.dataset, query.columns, query.options)
    ensure_fresh(engine, query.filters.searched)
    options = export_options(engine, query, base_url, last_updated)
    rows = stream_rows(engine, query, query.format in formats.TEXT_TIMES)
    chunks = formats.write(query.format, query.dataset, list(query.columns), rows, options)
    return Answer(chunks, formats.CONTENT_TYPES[query.format], file_headers(query))


def _single(params: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Data Fair reads each parameter once; the last value wins, as in most web frameworks."""
    return dict(params)
