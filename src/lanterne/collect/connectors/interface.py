"""What every connector is: given a cinema's settings and an HTTP client, fetch a programme window."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from lanterne.collect.programme import Programme, Window


class ConnectorError(Exception):
    """The source could not be read (network, authentication, malformed body); names what failed."""


class Connector(Protocol):
    """What the sync engine calls: one cinema's programme for a window."""

    def fetch(self, window: Window) -> Programme: ...


@dataclass(frozen=True)
class ConnectorContext:
    """What a connector is given: the cinema's settings for that source, an HTTP client, its time zone."""

    settings: Mapping[str, Any]
    client: httpx.Client
    timezone: str = "Europe/Paris"


Factory = Callable[[ConnectorContext], Connector]
