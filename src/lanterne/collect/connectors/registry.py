"""The connectors Lanterne knows, one line each, plus those shipped under the `lanterne.connectors`
entry point by third parties."""

from __future__ import annotations

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
    connectors = dict(BUILT_IN)
    for entry in entry_points(group="lanterne.connectors"):
        connectors.setdefault(entry.name, entry.load())
    return connectors


def create(name: str, context: ConnectorContext) -> Connector:
    known = available()
    if name not in known:
        raise ConnectorError(f"unknown connector {name!r}; known: {', '.join(sorted(known)) or 'none'}")
    return known[name](context)
