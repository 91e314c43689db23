"""Full-text search of the datasets: words folded (accents, case) into one table, matched by prefix.

A plain table on both databases (no FTS5, no tsvector), so "ete" finds "L'Été dernier" alike on SQLite and
PostgreSQL; it is kept in step with the catalog by re-reading only the rows changed since the last pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    Select,
    String,
    Table,
    cast,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import ExternallyTraversible, replacement_traverse
from sqlalchemy.types import Text

from lanterne.catalog.identity import fold
from lanterne.catalog.models import Cinema, Film, School, Showtime
from lanterne.db import Base, UTCDateTime, data_version
from lanterne.publish.binds import Binds, Build

WORD_LENGTH = 60
MAX_WORDS = 10

search_words = Table(
    "search_words",
    Base.metadata,
    Column("kind", String(20), primary_key=True),
    Column("word", String(WORD_LENGTH), primary_key=True),
    Column("key", String(20), primary_key=True),
)
# Rewriting a row's words deletes them by (kind, key): without this index each delete scanned every word
# of its kind, and a first indexing of the demo's films took minutes.
search_words_by_key = Index("ix_search_words_kind_key", search_words.c.kind, search_words.c.key)
search_marks = Table(
    "search_marks",
    Base.metadata,
    Column("kind", String(20), primary_key=True),
    Column("indexed_until", UTCDateTime, nullable=True),
)
# A dataset's "last update" is asked on every request (ETag): the newest séance seen must be an index seek.
showtimes_last_seen = Index("ix_showtimes_last_seen_at", Showtime.__table__.c.last_seen_at)
# …and so is "has the catalog changed since the search words were written?"
films_updated = Index("ix_films_updated_at", Film.__table__.c.updated_at)
cinemas_updated = Index("ix_cinemas_updated_at", Cinema.__table__.c.updated_at)
schools_updated = Index("ix_schools_updated_at", School.__table__.c.updated_at)
# A day's séances of a department (`date_match` + cinemas): start and end read from the index alone,
# 12 ms → 3 ms a page on a million séances, its count 11 ms → 0.7 ms (migration 0009).
showtimes_day_window = Index(
    "ix_showtimes_cinema_starts_ends",
    Showtime.__table__.c.cinema_id,
    Showtime.__table__.c.starts_at,
    Showtime.__table__.c.ends_at,
)

ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuy"
_FOLD_TABLE = str.maketrans(ACCENTED, PLAIN)


def fold_text(value: str) -> str:
    """Accents and case away, punctuation kept: the Python twin of the SQL `Folded` expression."""
    return value.translate(_FOLD_TABLE).lower()


class Folded(FunctionElement[str]):
    """A text column with accents and case folded in SQL, for substring filters on any column."""

    type = Text()
    inherit_cache = True


@compiles(Folded)
def _folded_sqlite(element: Folded, compiler: Any, **kw: Any) -> str:
    # SQLite has neither translate() nor a Unicode lower(), and nesting 53 replace() overflows its
    # parser: `connect` gives each connection our Python fold instead.
    return f"lanterne_fold({compiler.process(element.clauses, **kw)})"


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold_text(str(value))


# The API reads the same pages of a large file over and over from several pooled connections: mapped
# into memory, a page read is a memory access instead of a system call (a 100-row page's fetch took
# three times as long in the server as on one warm connection).
READ_MAPPING = "PRAGMA mmap_size = 1073741824"


# What reads the datasets: the engine, or the connection a request already reads on. A request answered
# on one connection checks one out of the pool once: on PostgreSQL each checkout is a round trip (the
# pool's ping), and a search's page took three.
Reader = Engine | Connection


def engine_of(reader: Reader) -> Engine:
    return reader.engine if isinstance(reader, Connection) else reader


@contextmanager
def connect(reader: Reader, streaming: bool = False) -> Iterator[Connection]:
    """A connection that reads the datasets, on which `Folded` works; the caller's own, if it holds one.

    Once per pooled SQLite connection, it learns the fold function and to read the file through memory
    mapping. Once, not per checkout: defining a function makes SQLite throw away every statement it has
    prepared on that connection, and a `lines` page then spent 0.1 ms preparing its SQL again.
    On PostgreSQL it reads in autocommit: a read needs no transaction, and BEGIN and ROLLBACK were two of
    a page's round trips (a computed cinema's week 2.1 → 1.5 ms in process). Not when `streaming` an
    export: its server-side cursor lives in a transaction."""
    if isinstance(reader, Connection):
        assert not streaming, "an export streams on a connection of its own"
        yield reader
        return
    with reader.connect() as connection:
        if connection.dialect.name == "postgresql" and not streaming:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        elif connection.dialect.name == "sqlite" and not connection.info.get("folding"):
            raw: Any = connection.connection.driver_connection
            raw.create_function("lanterne_fold", 1, _fold_or_none, deterministic=True)
            raw.execute(READ_MAPPING)
            connection.info["folding"] = True
        yield connection


@compiles(Folded, "postgresql")
def _folded_postgresql(element: Folded, compiler: Any, **kw: Any) -> str:
    return f"lower(translate({compiler.process(element.clauses, **kw)}, '{ACCENTED}', '{PLAIN}'))"


@dataclass(frozen=True)
class TextSource:
    """A catalog table whose text columns feed the search words, keyed by its primary key."""

    kind: str
    key: Any
    fields: tuple[Any, ...]
    updated: Any
    integer_key: bool = True


FILMS = TextSource(
    "films",
    Film.__table__.c.id,
    tuple(Film.__table__.c[name] for name in ("title", "original_title", "directors", "cast", "genres")),
    Film.__table__.c.updated_at,
)
CINEMAS = TextSource(
    "cinemas",
    Cinema.__table__.c.id,
    tuple(Cinema.__table__.c[name] for name in ("name", "commune", "operator")),
    Cinema.__table__.c.updated_at,
)
SCHOOLS = TextSource(
    "schools",
    School.__table__.c.uai,
    tuple(School.__table__.c[name] for name in ("name", "commune", "kind")),
    School.__table__.c.updated_at,
    integer_key=False,
)
SOURCES = (FILMS, CINEMAS, SCHOOLS)


def query_words(q: str) -> list[str]:
    """The folded words of a search; the last ones are dropped past ten so a search stays cheap."""
    words = [word[:WORD_LENGTH] for word in fold(q.replace("œ", "oe").replace("Œ", "oe")).split()]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _upper_bound(prefix: str) -> str | None:
    """The first word after every word starting with `prefix` ([0-9a-z] only, ordered alike everywhere)."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last == "9":
            return "".join(chars) + "a"
        if last != "z":
            return "".join(chars) + chr(ord(last) + 1)
    return None


def matching_keys(source: TextSource, word: str, binds: Binds) -> Build:
    """Keys of the rows of `source` holding a word that starts with `word`: a range on the primary key."""
    upper = _upper_bound(word)
    word_type = search_words.c.word.type
    low, high = binds(word, word_type), binds(upper, word_type) if upper else None
    binds.mark("words", upper is not None)

    def build() -> Select[Any]:
        key = cast(search_words.c.key, Integer) if source.integer_key else search_words.c.key
        query = select(key).where(search_words.c.kind == source.kind, search_words.c.word >= low.param())
        return query.where(search_words.c.word < high.param()) if high is not None else query

    return build


KEYS_READ_FIRST = ("postgresql",)  # the databases whose search reads the matching keys first


class KeysIn(FunctionElement[Any]):
    """`key IN (matching keys)`; on PostgreSQL `key = ANY(the keys, read first and bound as one array)`.

    PostgreSQL's planner cannot see how few keys a subquery returns: for a rare word it walked the
    whole programme in key order, testing every séance, to fill a page (70 ms on a million, the event
    loop blocked meanwhile). Given the keys themselves it estimates them from its statistics and reads
    the séances of those films and cinemas by index. SQLite's planner reads the subquery first anyway."""

    inherit_cache = True


@compiles(KeysIn)
def _keys_in(element: KeysIn, compiler: Any, **kw: Any) -> str:
    key, keys, _ = element.clauses.clauses
    return f"{compiler.process(key, **kw)} IN {compiler.process(keys, **kw)}"


@compiles(KeysIn, "postgresql")
def _keys_in_postgresql(element: KeysIn, compiler: Any, **kw: Any) -> str:
    key, _, found = element.clauses.clauses
    return f"{compiler.process(key, **kw)} = ANY ({compiler.process(found, **kw)})"


class WalkedKeysIn(KeysIn):
    """`KeysIn` that SQLite may not seek by index (a unary `+`): it then walks the page's order and
    keeps the séances whose key matches, which suits a word matching most films (`spread`)."""

    inherit_cache = True


@compiles(WalkedKeysIn, "sqlite")
def _walked_keys_in(element: WalkedKeysIn, compiler: Any, **kw: Any) -> str:
    return "+" + _keys_in(element, compiler, **kw)


def walked(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    """`condition` with its `KeysIn` walked."""

    def walk(element: ExternallyTraversible, **kw: Any) -> ExternallyTraversible | None:
        return WalkedKeysIn(*element.clauses) if type(element) is KeysIn else None

    options: dict[str, Any] = {}
    return replacement_traverse(condition, options, walk)


def spread(connection: Connection, matches: Sequence[Sequence[tuple[TextSource, Build]]]) -> float:
    """At most which share of the rows a search reaches: for each word, the share of the films and of
    the cinemas it matches; the words must all match, so the rarest word bounds the search."""

    def counted(selectable: Any) -> int:
        return int(connection.execute(select(func.count()).select_from(selectable)).scalar_one())

    sources = {source.kind: source for word in matches for source, _ in word}
    rows = {kind: counted(source.key.table) for kind, source in sources.items()}  # once per source
    shares = [sum(counted(keys().subquery()) / max(rows[s.kind], 1) for s, keys in word) for word in matches]
    return min((min(share, 1.0) for share in shares), default=1.0)


def keys_in(key: Any, source: TextSource, keys: Build, binds: Binds) -> Build:
    """Rows whose `key` is one of the `keys` of `source` (`matching_keys`)."""
    element = Integer() if source.integer_key else String()

    def gathered() -> Any:  # the keys as one array (NULL for none), read first where KEYS_READ_FIRST
        listed = keys().subquery()
        return select(func.array_agg(listed.c[0])).scalar_subquery()

    found = binds.later(gathered, ARRAY(element))
    return lambda: KeysIn(key, keys().scalar_subquery(), found.param())


def words_of(values: tuple[Any, ...]) -> set[str]:
    text = " ".join(str(value) for value in values if value)
    return {word[:WORD_LENGTH] for word in fold(text.replace("œ", "oe").replace("Œ", "oe")).split()}


def _changed_rows(connection: Any, source: TextSource, since: datetime | None) -> Iterator[Any]:
    query = select(source.key, *source.fields)
    if since is not None:
        query = query.where(source.updated >= since)
    yield from connection.execute(query)


def reindex(engine: Engine, source: TextSource) -> int:
    """Re-read the rows changed since the last pass and rewrite their words; returns rows re-read."""
    with engine.begin() as connection:
        mark = connection.execute(
            select(search_marks.c.indexed_until).where(search_marks.c.kind == source.kind)
        ).first()
        newest = connection.execute(select(func.max(source.updated))).scalar()
        since = mark[0] if mark else None
        if newest is None or (since is not None and newest <= since):
            return 0
        if since is None:  # a first pass: clear the kind once instead of row by row
            connection.execute(delete(search_words).where(search_words.c.kind == source.kind))
        count = 0
        keys: list[str] = []
        batch: list[dict[str, str]] = []
        for row in _changed_rows(connection, source, since):
            key = str(row[0])
            keys.append(key)
            batch.extend({"kind": source.kind, "word": w, "key": key} for w in words_of(tuple(row[1:])))
            count += 1
            if len(batch) > 5000:
                _rewrite(connection, source, keys if since is not None else [], batch)
                keys, batch = [], []
        _rewrite(connection, source, keys if since is not None else [], batch)
        connection.execute(delete(search_marks).where(search_marks.c.kind == source.kind))
        connection.execute(insert(search_marks).values(kind=source.kind, indexed_until=newest))
        return count


def _rewrite(connection: Any, source: TextSource, keys: list[str], batch: list[dict[str, str]]) -> None:
    """Drop the old words of these rows (in chunks, on the (kind, key) index), then insert the new ones."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        connection.execute(
            delete(search_words).where(search_words.c.kind == source.kind, search_words.c.key.in_(chunk))
        )
    if batch:
        connection.execute(insert(search_words), batch)


_FRESHNESS: dict[tuple[TextSource, ...], Select[Any]] = {}


def _freshness(sources: tuple[TextSource, ...]) -> Select[Any]:
    """Each source's newest change, then its mark: built once per set of sources (every search asks)."""
    if (query := _FRESHNESS.get(sources)) is None:
        newest = [select(func.max(source.updated)).scalar_subquery() for source in sources]
        marks = [
            select(search_marks.c.indexed_until).where(search_marks.c.kind == source.kind).scalar_subquery()
            for source in sources
        ]
        query = _FRESHNESS[sources] = select(*newest, *marks)
    return query


def stale(reader: Reader, sources: tuple[TextSource, ...]) -> list[TextSource]:
    """The sources changed since their words were written: one query of index seeks, asked again only
    once the data changed since this connection found them fresh (`db.data_version`; every search asks)."""
    if not sources:
        return []
    with connect(reader) as connection:
        version, fresh = data_version(connection), ("words fresh", sources)
        if version is not None and connection.info.get(fresh) == version:
            return []
        found = connection.execute(_freshness(sources)).one()
        pairs = zip(sources, found[: len(sources)], found[len(sources) :], strict=True)
        changed = [source for source, last, mark in pairs if last and (mark is None or last > mark)]
        if not changed and version is not None:
            connection.info[fresh] = version
    return changed


def ensure_fresh(reader: Reader, sources: tuple[TextSource, ...]) -> None:
    """Bring the words of `sources` up to date before a search.

    Another worker doing the same pass at the same moment makes ours collide (a duplicate word, or
    SQLite's single writer busy): theirs stands, and this search reads the words as they are.
    """
    for source in stale(reader, sources):
        with suppress(IntegrityError, OperationalError):
            reindex(engine_of(reader), source)
