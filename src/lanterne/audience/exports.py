"""Exports to partners: hashed customer lists and server-side conversions, never raw events.

Only people who gave the explicit "share with partners" consent at ticketing are exported. Each run
is logged; whoever left the segment (or asked to be forgotten) since the last run is sent as a removal.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, Exists, delete, exists, func, insert, select

from lanterne.audience.forget import suppressed
from lanterne.audience.identifiers import sha256
from lanterne.audience.models import (
    ConsentReceipt,
    Event,
    ExportedMember,
    PartnerExport,
    SegmentDefinition,
    SegmentMember,
    Visitor,
)
from lanterne.audience.segments import MINIMUM_EXPORT, latest
from lanterne.db import utcnow
from lanterne.errors import InvalidValue, NotFound

# Column headers as each platform documents them for pre-hashed customer lists.
PARTNERS = {"meta": ("email", "phone"), "google": ("Email", "Phone")}


@dataclass(frozen=True)
class ExportResult:
    added: int
    removed: int
    files: list[Path]


def sharing(now: datetime) -> Exists:
    """A visitor whose current receipt allows sharing with partners."""
    return exists().where(
        ConsentReceipt.visitor_id == Visitor.id,
        ConsentReceipt.share_with_partners.is_(True),
        ConsentReceipt.withdrawn_at.is_(None),
        ConsentReceipt.expires_at > now,
    )


def _segment(engine: Engine, key: str) -> SegmentDefinition:
    for segment in latest(engine):
        if segment.key == key:
            return segment
    raise NotFound(f"segment « {key} » inconnu")


def _current(connection: Connection, segment_id: int, now: datetime) -> dict[str, str]:
    """hashed id (email, else phone) → visitor, for the segment's sharing members."""
    query = (
        select(Visitor.id, Visitor.email_sha256, Visitor.phone_sha256)
        .join(SegmentMember, SegmentMember.visitor_id == Visitor.id)
        .where(SegmentMember.segment_id == segment_id, sharing(now))
    )
    blocked = suppressed(connection)
    current = {}
    for visitor, email, phone in connection.execute(query):
        for hashed in (email, phone):
            if hashed and hashed not in blocked:
                current[hashed] = visitor
    return current


def _write(path: Path, header: str, hashes: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header])
    writer.writerows([h] for h in sorted(hashes))
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return hashlib.sha256(buffer.getvalue().encode()).hexdigest()


def export_customer_list(
    engine: Engine, partner: str, segment_key: str, folder: Path, now: datetime | None = None
) -> ExportResult:
    if partner not in PARTNERS:
        raise InvalidValue("partner", f"parmi {', '.join(PARTNERS)}")
    now = now or utcnow()
    segment = _segment(engine, segment_key)
    with engine.begin() as connection:
        size = connection.scalar(
            select(func.count()).select_from(SegmentMember).where(SegmentMember.segment_id == segment.id)
        )
        if (size or 0) < MINIMUM_EXPORT:
            raise InvalidValue(
                "segment", f"{size} personnes : il en faut au moins {MINIMUM_EXPORT} pour exporter"
            )
        current = _current(connection, segment.id, now)
        held = dict(
            connection.execute(
                select(ExportedMember.hashed_id, ExportedMember.visitor_id).where(
                    ExportedMember.partner == partner, ExportedMember.segment_key == segment_key
                )
            ).all()
        )
        added, removed = sorted(set(current) - set(held)), sorted(set(held) - set(current))
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"{partner}-{segment_key}-{now:%Y%m%dT%H%M%S}"
        header = PARTNERS[partner][0]
        files = [stem.with_name(stem.name + "-ajouts.csv"), stem.with_name(stem.name + "-retraits.csv")]
        digest = _write(files[0], header, added)
        _write(files[1], header, removed)
        _record(connection, partner, segment, current, added, removed, digest, now)
    return ExportResult(len(added), len(removed), files)


def _record(
    connection: Connection,
    partner: str,
    segment: SegmentDefinition,
    current: dict[str, str],
    added: list[str],
    removed: list[str],
    digest: str,
    now: datetime,
) -> None:
    """Log the run and remember what the partner now holds, so the next run sends the difference."""
    if removed:
        connection.execute(
            delete(ExportedMember).where(
                ExportedMember.partner == partner,
                ExportedMember.segment_key == segment.key,
                ExportedMember.hashed_id.in_(removed),
            )
        )
    if added:
        connection.execute(
            insert(ExportedMember),
            [
                {"partner": partner, "segment_key": segment.key, "hashed_id": h, "visitor_id": current[h]}
                for h in added
            ],
        )
    connection.execute(
        insert(PartnerExport).values(
            partner=partner,
            segment_id=segment.id,
            kind="customer_list",
            added=len(added),
            removed=len(removed),
            sha256=digest,
            created_at=now,
        )
    )


def export_conversions(engine: Engine, since: datetime, until: datetime, path: Path) -> int:
    """Completed bookings as server-side conversion events (the Conversions API's shape), one JSON per line.

    Only for buyers who allowed sharing; the visitor id goes out hashed as `external_id`.
    """
    query = (
        select(
            Event.id,
            Event.occurred_at,
            Event.cinema_id,
            Event.film_id,
            Visitor.id,
            Visitor.email_sha256,
            Visitor.phone_sha256,
        )
        .join(Visitor, Visitor.id == Event.visitor_id)
        .where(
            Event.kind == "booking_completed",
            Event.occurred_at >= since,
            Event.occurred_at < until,
            sharing(until),
        )
        .order_by(Event.occurred_at)
    )
    count = 0
    digest = hashlib.sha256()
    with engine.begin() as connection, path.open("wb") as out:
        blocked = suppressed(connection)
        for event_id, moment, cinema_id, film_id, visitor, email, phone in connection.execute(query):
            user = {"external_id": [sha256(visitor)]}
            if email and email not in blocked:
                user["em"] = [email]
            if phone and phone not in blocked:
                user["ph"] = [phone]
            line = (
                orjson.dumps(
                    {
                        "event_name": "Purchase",
                        "event_time": int(moment.timestamp()),
                        "event_id": event_id,
                        "action_source": "website",
                        "user_data": user,
                        "custom_data": {
                            "content_ids": [str(film_id)] if film_id else [],
                            "content_category": "cinema",
                            "cinema_id": cinema_id,
                        },
                    }
                )
                + b"\n"
            )
            out.write(line)
            digest.update(line)
            count += 1
        connection.execute(
            insert(PartnerExport).values(
                partner="pixel",
                segment_id=None,
                kind="conversions",
                added=count,
                removed=0,
                sha256=digest.hexdigest(),
                created_at=utcnow(),
            )
        )
    return count
