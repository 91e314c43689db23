"""Segments, partner exports, forget, campaigns and retention on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, insert, select
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lanterne.audience import campaigns, exports, forget, participation, retention, segments
from lanterne.audience.identifiers import hashed_email
from lanterne.audience.models import (
    ConsentReceipt,
    DailyCount,
    Event,
    Forgotten,
    Participation,
    SegmentMember,
    Visitor,
)
from lanterne.catalog.models import Cinema
from lanterne.db import transaction
from lanterne.errors import InvalidValue
from lanterne.stand_ins.server import serve_in_thread

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def add_people(engine: Engine, cinema_id: int, n: int, *, share: bool = True, days_ago: int = 3) -> list[str]:
    """n consented visitors of a cinema, each with a page view and a booking `days_ago` days ago."""
    visitors, receipts, events = [], [], []
    for i in range(n):
        visitor, receipt = str(uuid.uuid4()), str(uuid.uuid4())
        visitors.append(
            {
                "id": visitor,
                "cinema_id": cinema_id,
                "first_seen_at": NOW,
                "last_seen_at": NOW,
                "email_sha256": hashed_email(f"p{cinema_id}-{i}@example.org"),
                "phone_sha256": None,
                "contact_at": NOW,
            }
        )
        receipts.append(
            {
                "id": receipt,
                "cinema_id": cinema_id,
                "visitor_id": visitor,
                "granted": True,
                "share_with_partners": share,
                "purposes": ["audience"],
                "source": "ticketing",
                "policy_version": "2026-11",
                "recorded_at": NOW,
                "expires_at": NOW + timedelta(days=183),
            }
        )
        for kind in ("page_view", "booking_completed"):
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "visitor_id": visitor,
                    "cinema_id": cinema_id,
                    "receipt_id": receipt,
                    "kind": kind,
                    "occurred_at": NOW - timedelta(days=days_ago),
                }
            )
    with engine.begin() as connection:
        connection.execute(insert(Visitor), visitors)
        connection.execute(insert(ConsentReceipt), receipts)
        connection.execute(insert(Event), events)
    return [v["id"] for v in visitors]


@pytest.fixture
def cinemas(engine: Engine) -> Engine:
    with transaction(engine) as session:
        for n, region in ((1, "Bretagne"), (2, "Occitanie"), (3, "Bretagne")):
            session.add(
                Cinema(
                    id=1_000_000 + n,
                    cnc_region=1,
                    cnc_number=n,
                    name=f"Cinéma {n}",
                    region=region,
                    label_jeune_public=n == 1,
                )
            )
    for n in (1, 2, 3):
        participation.join(engine, 1_000_000 + n, [f"cinema{n}.example"], "Agence", None)
    return engine


def test_segments_are_versioned_and_refuse_sensitive_or_long_windows(cinemas: Engine) -> None:
    first = segments.define(
        cinemas, "acheteurs", "Acheteurs en ligne", {"window_days": 90, "kinds": ["booking_completed"]}
    )
    second = segments.define(
        cinemas, "acheteurs", "Acheteurs en ligne", {"window_days": 30, "kinds": ["booking_completed"]}
    )
    assert (first.version, second.version) == (1, 2)
    for criteria, field in (
        ({"window_days": 365}, "window_days"),
        ({"genres": ["Film LGBT"]}, "genres"),
        ({"audio_description": True}, "audio_description"),
    ):
        with pytest.raises(InvalidValue) as error:
            segments.define(cinemas, "x", "x", criteria)
        assert error.value.field == field


def test_nightly_evaluation_follows_window_label_and_region(cinemas: Engine) -> None:
    add_people(cinemas, 1_000_001, 3)
    add_people(cinemas, 1_000_002, 2)
    add_people(cinemas, 1_000_003, 1, days_ago=60)
    segments.define(cinemas, "actifs-30", "Actifs 30 jours", {"window_days": 30})
    segments.define(cinemas, "jeune-public", "Jeune Public", {"window_days": 180, "label": "jeune_public"})
    segments.define(cinemas, "bretagne", "Bretagne", {"window_days": 90, "regions": ["Bretagne"]})
    assert segments.evaluate(cinemas, NOW) == {"actifs-30": 5, "jeune-public": 3, "bretagne": 4}


def test_export_needs_100_people_sends_only_sharers_and_later_removals(
    cinemas: Engine, tmp_path: Path
) -> None:
    sharing = add_people(cinemas, 1_000_001, 100)
    add_people(cinemas, 1_000_002, 20, share=False)
    segments.define(cinemas, "acheteurs", "Acheteurs", {"window_days": 30, "kinds": ["booking_completed"]})
    segments.define(cinemas, "petit", "Petit", {"window_days": 30, "regions": ["Occitanie"]})
    segments.evaluate(cinemas, NOW)
    with pytest.raises(InvalidValue, match="au moins 100"):
        exports.export_customer_list(cinemas, "meta", "petit", tmp_path, NOW)
    first = exports.export_customer_list(cinemas, "meta", "acheteurs", tmp_path, NOW)
    assert (first.added, first.removed) == (100, 0)
    rows = list(csv.reader(first.files[0].open()))
    assert rows[0] == ["email"] and len(rows) == 101 and all(len(r[0]) == 64 for r in rows[1:])
    assert [hashed_email("p1000001-0@example.org")] in rows
    forget.forget_visitor(cinemas, sharing[0])
    add_people(cinemas, 1_000_003, 1)
    segments.evaluate(cinemas, NOW)
    second = exports.export_customer_list(cinemas, "meta", "acheteurs", tmp_path, NOW + timedelta(minutes=1))
    assert (second.added, second.removed) == (1, 1)
    assert list(csv.reader(second.files[1].open()))[1] == [hashed_email("p1000001-0@example.org")]


def test_forget_erases_a_visitor_from_events_segments_and_future_exports(
    cinemas: Engine, tmp_path: Path
) -> None:
    (visitor, *_) = add_people(cinemas, 1_000_001, 101)
    segments.define(cinemas, "tous", "Tous", {"window_days": 30})
    segments.evaluate(cinemas, NOW)
    exports.export_customer_list(cinemas, "google", "tous", tmp_path, NOW)
    erasure = forget.forget_visitor(cinemas, visitor)
    assert (erasure.visitors, erasure.events) == (1, 2)
    with cinemas.connect() as connection:
        for table, column in (
            (Event, Event.visitor_id),
            (SegmentMember, SegmentMember.visitor_id),
            (Visitor, Visitor.id),
            (ConsentReceipt, ConsentReceipt.visitor_id),
        ):
            assert connection.scalar(select(func.count()).select_from(table).where(column == visitor)) == 0
        assert connection.scalar(select(Forgotten.email_sha256)) == hashed_email("p1000001-0@example.org")
    segments.evaluate(cinemas, NOW)
    later = exports.export_customer_list(cinemas, "google", "tous", tmp_path, NOW + timedelta(hours=1))
    assert (later.added, later.removed) == (0, 1)


def test_forget_by_email_and_conversions_carry_no_raw_event(cinemas: Engine, tmp_path: Path) -> None:
    add_people(cinemas, 1_000_002, 2)
    assert forget.forget_email(cinemas, "P1000002-1@example.org ").visitors == 1
    count = exports.export_conversions(cinemas, NOW - timedelta(days=30), NOW, tmp_path / "conv.jsonl")
    text = (tmp_path / "conv.jsonl").read_text()
    assert count == 1 and '"event_name":"Purchase"' in text and "path" not in text and "@" not in text


def test_campaign_revenue_from_engaged_people_and_the_monthly_statement(cinemas: Engine) -> None:
    add_people(cinemas, 1_000_001, 6)
    add_people(cinemas, 1_000_002, 2)
    segments.define(cinemas, "acheteurs", "Acheteurs", {"window_days": 90, "kinds": ["booking_completed"]})
    segments.evaluate(cinemas, NOW)
    campaign = campaigns.create(cinemas, "Sortie d'automne", "2026-11", 100_000, ["acheteurs"])
    shares = {s.cinema_id: s for s in campaigns.compute(cinemas, campaign)}
    # 1,000 €: floor 100 € / 3 each; 900 € by people 6:2:0. Cinema 1 (708.33 €) is capped at 250 €;
    # its excess flows to cinema 2 (the only other with people), which is then capped too; cinema 3
    # takes the rest up to the cap. Three cinemas at most 25 % each: 250 € stay unallocated.
    assert {c: s.total_cents for c, s in shares.items()} == {
        1_000_001: 25_000,
        1_000_002: 25_000,
        1_000_003: 25_000,
    }
    assert (shares[1_000_001].people, shares[1_000_002].people, shares[1_000_003].people) == (6, 2, 0)
    text = campaigns.statement(cinemas, 1_000_002, "2026-11")
    assert "Sortie d'automne;2;" in text and text.strip().endswith("total à verser;;;;250,00;")


def test_retention_keeps_aggregates_and_drops_old_events_and_contacts(cinemas: Engine) -> None:
    add_people(cinemas, 1_000_001, 2, days_ago=420)
    with cinemas.begin() as connection:
        connection.execute(
            Visitor.__table__.update().values(
                contact_at=NOW - timedelta(days=1200), last_seen_at=NOW - timedelta(days=420)
            )
        )
    purge = retention.enforce(cinemas, NOW)
    assert (purge.events, purge.visitors) == (4, 2)
    with cinemas.connect() as connection:
        assert connection.scalar(select(func.sum(DailyCount.events))) == 4
        assert connection.scalar(select(func.count()).select_from(Event)) == 0


def test_tag_verification_on_a_local_site(cinemas: Engine) -> None:
    with cinemas.connect() as connection:
        key = connection.scalar(select(Participation.site_key).where(Participation.cinema_id == 1_000_001))
    good = f'<script src="https://lanterne.example/audience/tag.js" data-site="{key}" async></script>'
    pages = {
        "/ok": good,
        "/pixel": good + '<script src="https://connect.facebook.net/fbevents.js"></script>',
        "/missing": "<p>rien</p>",
    }
    app = Starlette(
        routes=[Route(p, (lambda html: lambda r: HTMLResponse(html))(h)) for p, h in pages.items()]
    )
    with serve_in_thread(app) as url, httpx.Client() as client:
        local = {p: f"{url}{p}" for p in pages}
        participation.join(cinemas, 1_000_001, ["127.0.0.1", "cinema1.example"], "Agence", None)
        results = participation.verify(cinemas, 1_000_001, list(local.values()), client)
    assert [results[local[p]]["ok"] for p in ("/ok", "/pixel", "/missing")] == [True, False, False]
    assert results[local["/pixel"]]["other_pixels"] == ["connect.facebook.net"]
