"""Events and their enrichment: the controlled vocabulary, events a cinema creates itself in its own
time zone, séance fields the cinema cannot overwrite, the audit trail, the portal's hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update
from tests.agenda.builders import LUX, NOW, REX, add_account, add_cinema, add_flagged_seance

from lanterne.agenda.accounts import Viewer, viewer_of
from lanterne.agenda.events import (
    create_event,
    enrich,
    enrichment_for_showtime,
    get_event,
    history,
    list_events,
)
from lanterne.catalog.models import Showtime
from lanterne.errors import Forbidden, InvalidValue


def rex_contributor(engine: Engine) -> Viewer:
    add_cinema(engine, REX, "75", "http://127.0.0.1:9", "rex")
    add_cinema(engine, LUX, "974", "http://127.0.0.1:9", "lux")
    viewer = viewer_of(engine, add_account(engine, "rex@example.fr", "contributor", REX))
    assert viewer is not None
    return viewer


def test_flagged_seance_becomes_an_event_once_and_follows_its_status(engine: Engine) -> None:
    viewer = rex_contributor(engine)
    show = add_flagged_seance(engine, REX, "S-1", NOW + timedelta(days=1), "Ciné-club")
    assert [e["title"] for e in list_events(engine, NOW, [REX])] == ["Ciné-club"]
    assert len(list_events(engine, NOW, [REX])) == 1  # adopted once
    with engine.begin() as connection:
        connection.execute(update(Showtime).where(Showtime.id == show).values(status="cancelled"))
    event = list_events(engine, NOW, [REX])[0]
    assert event["status"] == "cancelled"
    assert get_event(engine, viewer, event["id"])["showtime_id"] == show


def test_vocabulary_and_limits_name_the_field(engine: Engine) -> None:
    viewer = rex_contributor(engine)
    add_flagged_seance(engine, REX, "S-1", NOW + timedelta(days=1), "Ciné-club")
    event_id = list_events(engine, NOW, [REX])[0]["id"]
    cases = [
        ({"kind": "karaoké"}, "kind"),
        ({"audience": "adultes"}, "audience"),
        ({"accessibility": "xx"}, "accessibility"),
        ({"age_min": "douze"}, "age_min"),
        ({"age_min": 12, "age_max": 8}, "age_max"),
        ({"image_url": "javascript:alert(1)"}, "image_url"),
        ({"host": "x" * 201}, "host"),
        ({"starts_at": "2026-12-24T20:00"}, "starts_at"),  # the box office owns a séance's time
        ({"colour": "red"}, "colour"),
    ]
    for changes, field in cases:
        with pytest.raises(InvalidValue) as refused:
            enrich(engine, viewer, event_id, changes, NOW)
        assert refused.value.field == field
    assert history(engine, viewer, event_id) == []  # nothing half-written


def test_enrichment_is_audited_with_a_diff_and_offered_to_the_portal(engine: Engine) -> None:
    viewer = rex_contributor(engine)
    show = add_flagged_seance(engine, REX, "S-1", NOW + timedelta(days=1), "Ciné-club")
    event_id = list_events(engine, NOW, [REX])[0]["id"]
    assert enrichment_for_showtime(engine, show) is None
    enrich(engine, viewer, event_id, {"kind": "ciné-goûter", "accessibility": ["vi", "hi"]}, NOW)
    assert enrich(engine, viewer, event_id, {"kind": "ciné-goûter"}, NOW) == {}  # no change, no entry
    trail = history(engine, viewer, event_id)
    assert [(t["email"], t["diff"]) for t in trail] == [
        ("rex@example.fr", {"kind": [None, "ciné-goûter"], "accessibility": [None, "hi,vi"]})
    ]
    found = enrichment_for_showtime(engine, show)
    assert found is not None and found["accessibility"] == ["Handicap auditif", "Handicap visuel"]


def test_direct_event_in_the_cinemas_zone_and_only_for_its_cinemas(engine: Engine) -> None:
    viewer = rex_contributor(engine)
    admin = viewer_of(engine, add_account(engine, "union@example.fr", "admin"))
    assert admin is not None
    values = {"title": "Atelier bruitage", "starts_at": "2026-12-12T15:00", "kind": "atelier"}
    event_id = create_event(engine, viewer, REX, values, NOW)
    assert get_event(engine, viewer, event_id)["starts_at"] == datetime(2026, 12, 12, 14, tzinfo=UTC)
    lux_id = create_event(engine, admin, LUX, values, NOW)  # an administrator may act for any cinema
    assert get_event(engine, admin, lux_id)["starts_at"] == datetime(2026, 12, 12, 11, tzinfo=UTC)  # +04:00
    with pytest.raises(Forbidden):
        create_event(engine, viewer, LUX, values, NOW)
    with pytest.raises(Forbidden):
        get_event(engine, viewer, lux_id)
    enrich(engine, viewer, event_id, {"cancelled": True}, NOW)
    assert get_event(engine, viewer, event_id)["status"] == "cancelled"
    with pytest.raises(InvalidValue):
        create_event(engine, viewer, REX, {**values, "ends_at": "2026-12-12T14:00"}, NOW)
