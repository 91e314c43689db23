"""One film across vendors: each vendor's film id is resolved to Lanterne's one `Film`.

By the CNC visa, then the Allociné id, then normalized title + first director + year. A vendor id once
resolved is remembered in `film_sources`, so later nights cost one query. Several films answering one
record is reported, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select, update

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.models import Film
from lanterne.collect.models import FilmSource
from lanterne.collect.programme import FilmRecord, Rejected
from lanterne.db import is_postgres

FILLABLE = tuple(f.name for f in fields(FilmRecord) if f.name != "external_id")
FILM_CREATION_LOCK = 0x4C414E54  # one PostgreSQL advisory lock: two processes never create one film twice
CHUNK = 500
FILMS = cast(Table, Film.__table__)  # Core tables: no ORM work per row on the sync's hot path
SOURCES = cast(Table, FilmSource.__table__)


@dataclass
class Resolution:
    """What a programme's films became: vendor id → film id, the reports, and the rows written."""

    film_ids: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    written: int = 0
    filled: dict[int, frozenset[str]] = field(default_factory=dict)  # film → its fields known non-empty


class FilmMemo(dict[int, frozenset[str]]):
    """Within one night: film id → the fields it is known to hold. A film's fields are only ever
    filled, never emptied, by the sync, so a record bringing nothing new needs no read of its film —
    and a thousand cinemas show the same few hundred films."""

    def learn(self, filled: dict[int, frozenset[str]]) -> None:
        for film_id, names in filled.items():
            self[film_id] = self.get(film_id, frozenset()) | names

    def brings_news(self, film_id: int, record: FilmRecord) -> bool:
        known = self.get(film_id)
        return known is None or any(
            getattr(record, name) is not None and name not in known for name in FILLABLE
        )


@dataclass
class _Known:
    """The candidate films a batch of records may match, indexed by each identity."""

    by_visa: dict[str, int] = field(default_factory=dict)
    by_allocine: dict[str, int] = field(default_factory=dict)
    # key → [(film id, visa, Allociné id)]: a film whose own identifiers differ is not a candidate
    by_key: dict[str, list[tuple[int, str | None, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def resolve_films(
    connection: Connection,
    cinema_id: int,
    connector: str,
    films: Sequence[FilmRecord],
    now: datetime,
    memo: FilmMemo | None = None,
) -> Resolution:
    """Map every record to a film (creating the new ones) and fill fields the stored film lacks."""
    result = Resolution(
        film_ids=known_films(connection, cinema_id, connector, [f.external_id for f in films])
    )
    new = [record for record in films if record.external_id not in result.film_ids]
    if new:
        _match_or_create(connection, cinema_id, connector, new, result, now)
    memo = memo if memo is not None else FilmMemo()
    newsworthy = [f for f in films if memo.brings_news(result.film_ids.get(f.external_id, 0), f)]
    result.written += fill_missing(connection, newsworthy, result.film_ids, result.rejected, result.filled)
    return result


def known_films(connection: Connection, cinema_id: int, connector: str, ids: Sequence[str]) -> dict[str, int]:
    """Vendor film ids already resolved for this cinema (a delta may name a film sent on an earlier night)."""
    mapped: dict[str, int] = {}
    for part in chunks(ids):
        query = select(FilmSource.external_id, FilmSource.film_id).where(
            FilmSource.cinema_id == cinema_id,
            FilmSource.connector == connector,
            FilmSource.external_id.in_(part),
        )
        mapped.update({row[0]: row[1] for row in connection.execute(query)})
    return mapped


def _match_or_create(
    connection: Connection,
    cinema_id: int,
    connector: str,
    records: Sequence[FilmRecord],
    result: Resolution,
    now: datetime,
) -> None:
    if is_postgres(connection.engine):
        connection.execute(select(func.pg_advisory_xact_lock(FILM_CREATION_LOCK)))
    known = _candidates(connection, records)
    matched: dict[str, int] = {}
    new: list[FilmRecord] = []
    for record in records:
        film_id = _match(record, known, result.rejected)
        if film_id is None and len(_key_candidates(record, known)) > 1:
            continue  # reported by _match: its showtimes wait for a person to decide
        if film_id is None:
            new.append(record)
            film_id = -len(new)  # a placeholder until the batch is inserted
        _remember(known, record, film_id)
        matched[record.external_id] = film_id
    created = _create(connection, new, now)
    result.written += len(created)
    result.film_ids.update({external: created.get(film_id, film_id) for external, film_id in matched.items()})
    sources = [
        {"cinema_id": cinema_id, "connector": connector, "external_id": external, "film_id": film_id}
        | {"created_at": now}
        for external, film_id in result.film_ids.items()
        if external in matched
    ]
    if sources:
        connection.execute(insert(SOURCES), sources)
        result.written += len(sources)


def _candidates(connection: Connection, records: Sequence[FilmRecord]) -> _Known:
    known = _Known()
    visas = sorted({r.visa for r in records if r.visa})
    allocine = sorted({r.allocine_id for r in records if r.allocine_id})
    keys = sorted({key_of(r) for r in records})
    for part in chunks(visas):
        rows = connection.execute(select(Film.visa, Film.id).where(Film.visa.in_(part)))
        known.by_visa.update({str(row[0]): row[1] for row in rows})
    for part in chunks(allocine):
        rows = connection.execute(select(Film.allocine_id, Film.id).where(Film.allocine_id.in_(part)))
        known.by_allocine.update({str(row[0]): row[1] for row in rows})
    for part in chunks(keys):
        by_key = select(Film.match_key, Film.id, Film.visa, Film.allocine_id).where(Film.match_key.in_(part))
        for key, film_id, film_visa, film_allocine in connection.execute(by_key.order_by(Film.id)):
            known.by_key[str(key)].append((film_id, film_visa, film_allocine))
    return known


def key_of(record: FilmRecord | dict[str, Any]) -> str:
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return film_match_key(get("title"), get("directors"), get("production_year"))


def _match(record: FilmRecord, known: _Known, rejected: list[Rejected]) -> int | None:
    """Visa first, then Allociné id, then the title key when exactly one film has it."""
    by_visa = known.by_visa.get(record.visa) if record.visa else None
    by_allocine = known.by_allocine.get(record.allocine_id) if record.allocine_id else None
    if by_visa and by_allocine and by_visa != by_allocine:
        rejected.append(
            Rejected(
                f"film {record.external_id}",
                "allocine_id",
                f"le visa {record.visa} désigne le film {by_visa}, l'id Allociné {record.allocine_id} "
                f"le film {by_allocine} : rattaché au film du visa",
            )
        )
    if by_visa or by_allocine:
        return by_visa or by_allocine
    candidates = _key_candidates(record, known)
    if len(candidates) > 1:
        rejected.append(
            Rejected(
                f"film {record.external_id}",
                None,
                f"« {record.title} » est ambigu : correspond aux films "
                f"{', '.join(map(str, candidates))} (titre, réalisateur, année) ; non rattaché",
            )
        )
        return None
    return candidates[0] if candidates else None


def _key_candidates(record: FilmRecord, known: _Known) -> list[int]:
    """Films with the record's title key whose own visa and Allociné id do not contradict it."""
    return [
        film_id
        for film_id, visa, allocine in known.by_key.get(key_of(record), [])
        if _agrees(visa, record.visa) and _agrees(allocine, record.allocine_id)
    ]


def _agrees(stored: str | None, given: str | None) -> bool:
    return stored is None or given is None or stored == given


def _create(connection: Connection, records: Sequence[FilmRecord], now: datetime) -> dict[int, int]:
    """Insert the batch's new films in one statement; placeholder id (-1, -2…) → real id."""
    if not records:
        return {}
    rows = [
        {name: getattr(record, name) for name in FILLABLE}
        | {"match_key": key_of(record), "created_at": now, "updated_at": now}
        for record in records
    ]
    statement = insert(FILMS).returning(FILMS.c.id, sort_by_parameter_order=True)
    ids = [row[0] for row in connection.execute(statement, rows)]
    return {-(index + 1): film_id for index, film_id in enumerate(ids)}


def _remember(known: _Known, record: FilmRecord, film_id: int) -> None:
    """Later records of the same batch meet the film just matched or created."""
    if record.visa:
        known.by_visa.setdefault(record.visa, film_id)
    if record.allocine_id:
        known.by_allocine.setdefault(record.allocine_id, film_id)
    key = key_of(record)
    if all(film_id != candidate[0] for candidate in known.by_key[key]):
        known.by_key[key].append((film_id, record.visa, record.allocine_id))


def fill_missing(
    connection: Connection,
    records: Sequence[FilmRecord],
    film_ids: dict[str, int],
    rejected: list[Rejected],
    filled: dict[int, frozenset[str]] | None = None,
) -> int:
    """Give stored films the fields they lack from this vendor; a value already known is kept, since
    the first source to give it (often the CNC import) is the better one. Returns rows updated;
    `filled` receives each film's fields known non-empty afterwards."""
    wanted = {film_ids[r.external_id] for r in records if r.external_id in film_ids}
    stored = _stored_films(connection, sorted(wanted))
    changed: dict[int, dict[str, Any]] = {}
    for record in records:
        film_id = film_ids.get(record.external_id, 0)
        row = stored.get(film_id)
        if row is None:
            continue
        for name in FILLABLE:
            value = getattr(record, name)
            if value is not None and row[name] is None:
                row[name] = value
                changed.setdefault(film_id, {})[name] = value
    _drop_taken_identifiers(connection, changed, stored)
    updates = [_with_key(film_id, values, stored[film_id]) for film_id, values in changed.items() if values]
    for values in updates:
        connection.execute(update(FILMS).where(FILMS.c.id == values.pop("_id")).values(values))
    if filled is not None:
        filled.update(
            {film_id: frozenset(n for n in FILLABLE if row[n] is not None) for film_id, row in stored.items()}
        )
    return len(updates)


def _stored_films(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    columns = [getattr(Film, name) for name in FILLABLE]
    stored: dict[int, dict[str, Any]] = {}
    for part in chunks(ids):
        for row in connection.execute(select(Film.id, *columns).where(Film.id.in_(part))):
            stored[row.id] = dict(row._mapping)
    return stored


def _drop_taken_identifiers(
    connection: Connection, changed: dict[int, dict[str, Any]], stored: dict[int, dict[str, Any]]
) -> None:
    """A visa or Allociné id another film already holds is not copied (the column is unique)."""
    for name, column in (("visa", Film.visa), ("allocine_id", Film.allocine_id)):
        wanting = [(film_id, values[name]) for film_id, values in changed.items() if name in values]
        if not wanting:
            continue
        query = select(column).where(column.in_(sorted({value for _, value in wanting})))
        taken = set(connection.execute(query).scalars())
        for film_id, value in wanting:
            if value in taken:
                del changed[film_id][name]
                stored[film_id][name] = None
            taken.add(value)  # two films of one batch never get the same identifier


def _with_key(film_id: int, values: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """The match key follows the title, director and year once they are known."""
    key = key_of(row)
    return {**values, "match_key": key, "_id": film_id}
