"""What an open dataset is: published columns over SQL expressions, the tables they read, and the
per-dataset memory of statements and counts that keeps a request short.

The datasets themselves are declared in `publish/datasets.py`; other domains add theirs there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import FromClause, and_, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.util import find_tables

from lanterne.db import data_version
from lanterne.publish.search import Reader, TextSource, connect, engine_of

TYPES = ("string", "integer", "number", "boolean", "datetime", "date")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COUNT_CACHE_SECONDS = 300.0
STATEMENTS_KEPT = 512  # request shapes remembered per dataset (a reuser's script repeats a handful)
COUNTS_KEPT = 4096  # filtered counts remembered per dataset
T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """A published column: its public name, type, French title, and the SQL expression that reads it."""

    name: str
    type: str  # one of TYPES
    title: str
    description: str = ""
    expression: Any = field(default=None, compare=False, hash=False, repr=False)
    nullable: bool = True


@dataclass
class Dataset:
    """One open dataset: what it publishes and from which tables.

    `key` names a unique, non-null column: the keyset cursor's tie-breaker. `search` lists the full-text
    sources `q` looks in, with the expression of this dataset holding each source's key. `joins`, when
    given, are (table, ON clause) joined to `source`; a query then joins only the tables it reads
    (SQLite does not drop a useless join by itself, and counts pay for every one).
    """

    id: str
    title: str
    description: str
    columns: tuple[Column, ...]
    source: FromClause
    key: str
    where: tuple[Any, ...] = ()
    geo: tuple[str, str] | None = None  # (latitude, longitude) column names
    text_search: tuple[str, ...] = ()
    search: tuple[tuple[TextSource, Any], ...] = ()
    start_column: str | None = None
    end_column: str | None = None
    summary_column: str | None = None
    uid_column: str | None = None
    status_column: str | None = None
    url_column: str | None = None
    department_column: str | None = None
    location_columns: tuple[str, ...] = ()
    updated: tuple[Any, ...] = ()  # columns whose newest value is the dataset's last update
    keywords: tuple[str, ...] = ()
    joins: tuple[tuple[Any, Any], ...] = ()
    # An upper bound of start→end, so `date_match` can seek the start-time index instead of scanning.
    longest_duration: timedelta | None = None
    _count_cache: tuple[float, Any, int] | None = field(default=None, repr=False, compare=False)
    _statements: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _counts: dict[Hashable, tuple[float, Any, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.by_name = {column.name: column for column in self.columns}
        if self.key not in self.by_name:
            raise ValueError(f"{self.id}: key column {self.key!r} is not published")
        # Labelled once: building 35 labels per request is a measurable share of a short query.
        self.labelled = {c.name: c.expression.label(c.name) for c in self.columns}
        self.sort_labelled = {c.name: c.expression.label(f"_sort_{c.name}") for c in self.columns}
        newest = (select(func.max(column)).scalar_subquery() for column in self.updated)
        self._updated_query = select(*newest) if self.updated else None

    def from_clause(self, *clauses: Any, own_conditions: bool = True) -> Any:
        """`source` with the joins the clauses (and the dataset's own conditions, unless a query keyed
        by rows that met them already) read; all of them when called without clauses."""
        if not clauses:
            clauses = tuple(c.expression for c in self.columns)
        where = self.where if own_conditions else ()
        needed = {table for clause in (*clauses, *where) for table in find_tables(clause, check_columns=True)}
        joined = self.source
        for table, on in self.joins:
            if table in needed:
                joined = joined.join(table, on)
        return joined

    def column(self, name: str) -> Column | None:
        return self.by_name.get(name)

    def condition(self) -> Any:
        return and_(true(), *self.where)

    def last_updated(self, reader: Reader) -> datetime:
        """The newest change among the tables the dataset reads (each an index seek), asked on every
        request for its ETag. A connection remembers it until the data changes (`db.data_version`)."""
        if self._updated_query is None:
            return EPOCH
        with connect(reader) as connection:
            version = data_version(connection)
            key = ("last_updated", id(self))
            remembered = connection.info.get(key)
            if version is not None and remembered is not None and remembered[0] == version:
                return remembered[1]  # type: ignore[no-any-return]
            stamps = connection.execute(self._updated_query).one()
            newest = max((stamp for stamp in stamps if stamp is not None), default=EPOCH)
            if version is not None:
                connection.info[key] = (version, newest)
        return newest

    def count(self, reader: Reader, last_updated: datetime | None = None) -> int:
        """Rows of the whole dataset, asked on every unfiltered page: counted again only once the data
        changed (its last update moved) or after a few minutes (deletions move no timestamp)."""
        now, stamp = time.monotonic(), (id(engine_of(reader)), last_updated or self.last_updated(reader))
        cached = self._count_cache
        if cached and cached[1] == stamp and now - cached[0] < COUNT_CACHE_SECONDS:
            return cached[2]
        query = select(func.count()).select_from(self.from_clause(true())).where(self.condition())
        with connect(reader) as connection:
            total = int(connection.execute(query).scalar() or 0)
        self._count_cache = (now, stamp, total)
        return total

    def remembered_count(self, key: Hashable, stamp: Any, counter: Callable[[], int]) -> int:
        """A filtered count, kept like the whole count: while the data version (`stamp`) stands, for a
        few minutes at most. A search or a department's day counts thousands of rows per request."""
        now = time.monotonic()
        cached = self._counts.get(key)
        if cached and cached[1] == stamp and now - cached[0] < COUNT_CACHE_SECONDS:
            return cached[2]
        total = counter()
        if len(self._counts) >= COUNTS_KEPT:
            self._counts.clear()
        self._counts[key] = (now, stamp, total)
        return total

    def cached(self, shape: Hashable, build: Callable[[], T]) -> T:
        """The statement of one request shape, built once; SQLAlchemy then compiles it once per database."""
        found = self._statements.get(shape)
        if found is None:
            if len(self._statements) >= STATEMENTS_KEPT:
                self._statements.clear()
            found = self._statements[shape] = build()
        return found  # type: ignore[no-any-return]


class Likely(FunctionElement[bool]):
    """A condition nearly every row meets, said so to SQLite's planner (`likely()`); as is elsewhere.

    Without it SQLite took the consent of the cinemas for a selective filter: page 1 sorted by start
    walked every cinema's séances and sorted them (6 ms) instead of reading the start index (0.7 ms)."""

    inherit_cache = True  # no Boolean type: SQLAlchemy would compare it to 1 on SQLite, hiding the hint


@compiles(Likely)
def _likely(element: Likely, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(Likely, "sqlite")
def _likely_sqlite(element: Likely, compiler: Any, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"
