"""The connectors Lanterne knows, one line each, plus those shipped under the `lanterne.connectors`
entry point by third parties."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from lanterne.collect.connectors import allocine, boost, cds, cgr, ems, monnaie, push, spreadsheet
from lanterne.collect.connectors.interface import Connector, ConnectorContext, ConnectorError, Factory

BUILT_IN: dict[str, Factory] = {
    "allocine": allocine.AllocineConnector,
    "boost": boost.BoostConnector,
    "cds": cds.CdsConnector,
    "cgr": cgr.CgrConnector,
    "ems": ems.EmsConnector,
    "monnaie": monnaie.MonnaieConnector,
    "push": push.PushConnector,
    "spreadsheet": spreadsheet.SpreadsheetConnector,
    # "cds": cds.CdsConnector,  — one line per vendor module
}


def available() -> dict[str, Factory]:
    return {**shipped(), **BUILT_IN}


@cache
def shipped() -> dict[str, Factory]:
    """Third parties' connectors, looked up once per process (reading every package's metadata
    takes milliseconds, and the sync creates a connector per cinema)."""
    return {entry.name: entry.load() for entry in entry_points(group="lanterne.connectors")}


def create(name: str, context: ConnectorContext) -> Connector:
    known = available()
    if name not in known:
        raise ConnectorError(f"unknown connector {name!r}; known: {', '.join(sorted(known)) or 'none'}")
    return known[name](context)
