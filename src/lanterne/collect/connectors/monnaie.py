"""Monnaie Services: no public API, so Lanterne specifies the feed its cinemas publish (or push):
Lanterne's programme schema in JSON, paged by `next`, or a CSV with the "Événement" and "Headline"
columns its box office fills in. The spec is docs/programme-schema.md.

Settings: `feed_url` (the cinema's feed), `token` (sent as `Authorization: Bearer`), optional.
"""

from __future__ import annotations

from typing import Any

import orjson

from lanterne.collect.connectors import push, spreadsheet
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import Programme, Rejected, Window

MAX_PAGES = 200  # a feed whose `next` never ends must not hold the night's sync


def merge(into: Programme, page: Programme, number: int) -> None:
    """Add a page; a film shown on several pages is kept once, rejections say which page."""
    known = {film.external_id for film in into.films}
    into.films.extend(film for film in page.films if film.external_id not in known)
    into.showtimes.extend(page.showtimes)
    into.rejected.extend(Rejected(f"page {number}, {r.record}", r.field, r.reason) for r in page.rejected)


def is_json(content: bytes, content_type: str) -> bool:
    return "json" in content_type or content.lstrip()[:1] in (b"{", b"[")


class MonnaieConnector:
    """One Monnaie Services cinema's published programme, every page of it, kept to the window."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.url = str(context.settings["feed_url"])
        token = context.settings.get("token")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def fetch(self, window: Window) -> Programme:
        programme, number = Programme(), 0
        url: str | None = self.url
        params: dict[str, str] | None = {"from": window.start.isoformat(), "to": window.end.isoformat()}
        while url and number < MAX_PAGES:
            number += 1
            page, url = self._page(url, params)
            params = None  # `next` links carry their own query
            merge(programme, page, number)
        programme.showtimes = [
            s for s in programme.showtimes if window.start <= s.starts_at.date() <= window.end
        ]
        # A refused record's séance has not vanished: with any record refused, nothing is cancelled.
        programme.partial = bool(programme.rejected)
        return programme

    def _page(self, url: str, params: dict[str, str] | None) -> tuple[Programme, str | None]:
        response = request(self.context.client, "GET", url, params=params, headers=self.headers)
        if response.status_code in (401, 403):
            raise ConnectorError(
                f"Monnaie Services refused the token (HTTP {response.status_code}) on GET {url}"
            )
        if response.status_code != 200:
            raise ConnectorError(f"Monnaie Services answered HTTP {response.status_code} on GET {url}")
        content, kind = response.content, response.headers.get("content-type", "")
        try:
            if is_json(content, kind):
                return self._json_page(content)
            if "html" in kind:
                raise ValueError(f"a web page ({kind}), not a programme")
            return spreadsheet.parse(content, self.context.timezone), None
        except ValueError as exc:
            raise ConnectorError(f"unreadable Monnaie Services feed on GET {url}: {exc}") from exc

    def _json_page(self, content: bytes) -> tuple[Programme, str | None]:
        document: Any = orjson.loads(content)  # JSONDecodeError is a ValueError
        following = document.pop("next", None) if isinstance(document, dict) else None
        page, _ = push.programme_of(document, self.context.timezone)
        return page, str(following) if following else None
