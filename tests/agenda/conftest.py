"""Fixtures of the agenda tests: two member cinemas fed by a stand-in Monnaie box office, and a stand-in
OpenAgenda holding the union's agenda, both over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from tests.agenda.builders import AGENDA, LUX, REX, SECRET, World, add_cinema, programme, seance

from lanterne.runtime import Runtime
from lanterne.stand_ins.faults import Faults
from lanterne.stand_ins.monnaie import MonnaieFeeds
from lanterne.stand_ins.monnaie import create_app as monnaie_app
from lanterne.stand_ins.openagenda import OpenAgendaState
from lanterne.stand_ins.openagenda import create_app as openagenda_app
from lanterne.stand_ins.server import serve_in_thread


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[tuple[MonnaieFeeds, str, OpenAgendaState, Faults, str]]:
    """Served once per module (starting servers is what costs); each test resets their state."""
    feeds, state, faults = MonnaieFeeds(), OpenAgendaState(), Faults()
    with serve_in_thread(monnaie_app(feeds)) as monnaie, serve_in_thread(openagenda_app(state, faults)) as oa:
        yield feeds, monnaie, state, faults, oa


@pytest.fixture
def world(
    engine: Engine, runtime: Runtime, stand_ins: tuple[MonnaieFeeds, str, OpenAgendaState, Faults, str]
) -> World:
    """Two member cinemas on a stand-in Monnaie feed, and a stand-in OpenAgenda with the union's agenda."""
    feeds, monnaie, state, faults, oa = stand_ins
    feeds.__init__()  # type: ignore[misc]
    state.__init__(secret_keys={SECRET}, agendas={AGENDA})  # type: ignore[misc]
    faults.queue.clear()
    faults.requests.clear()
    runtime.settings.sync_days = 14
    feeds.add("rex", "t-rex", programme(seance("S-1", "F-1", 3, "20:30", "Rencontre avec la réalisatrice")))
    feeds.add("lux", "t-lux", programme(seance("L-1", "F-1", 4, "20:00", "Avant-première")))
    add_cinema(engine, REX, "75", monnaie, "rex")
    add_cinema(engine, LUX, "974", monnaie, "lux")
    runtime.settings.openagenda_url = oa
    runtime.settings.openagenda_agenda_uid = AGENDA
    runtime.settings.openagenda_secret_key = SECRET
    return World(engine, runtime, feeds, monnaie, state, faults, oa)
