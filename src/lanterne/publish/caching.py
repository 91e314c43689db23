"""Revalidation and cross-origin reads of the open data: ETag and Last-Modified from the dataset's last
update, 304 when the reuser already has this version, and CORS open to every site for reads.

Routes call `dataset_validators` then `not_modified`; both only read, so a 304 costs one index seek.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine

from lanterne.publish.formats.values import DatasetLike

MAX_AGE_SECONDS = 60  # the programme changes nightly; a minute spares needless requests
CACHE_CONTROL = f"public, max-age={MAX_AGE_SECONDS}"
CORS_OPEN_READS: dict[str, Any] = {
    "allow_origins": ["*"],
    "allow_methods": ["GET", "HEAD", "OPTIONS"],
    "allow_headers": ["x-apiKey", "If-None-Match", "If-Modified-Since"],
    "expose_headers": [
        "Link",
        "ETag",
        "Last-Modified",
        "Content-Disposition",
        "Retry-After",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
    ],
    "max_age": 86400,
}
PRIVATE_PARAMETERS = frozenset({"apiKey"})  # who asks does not change what is answered


@dataclass(frozen=True)
class Validators:
    """The version of an answer, as HTTP validators."""

    etag: str
    last_modified: datetime

    def headers(self) -> dict[str, str]:
        return {
            "etag": self.etag,
            "last-modified": format_datetime(self.last_modified.astimezone(UTC), usegmt=True),
            "cache-control": CACHE_CONTROL,
        }


def _etag(*parts: str) -> str:
    return '"' + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32] + '"'


def public_query(query_string: str) -> str:
    """The query string without the parameters that do not change the answer (the API key); a query
    without a key is kept as sent (re-encoding it cost a tenth of a short page's time)."""
    if "apiKey" not in query_string:
        return query_string
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(name, value) for name, value in pairs if name not in PRIVATE_PARAMETERS])


def validators(dataset_id: str, last_updated: datetime, query_string: str = "") -> Validators:
    """Same dataset version and same question: same ETag; the date has HTTP's one-second precision."""
    stamp = last_updated.astimezone(UTC).replace(microsecond=0)
    return Validators(_etag(dataset_id, last_updated.isoformat(), public_query(query_string)), stamp)


def dataset_validators(engine: Engine, dataset: DatasetLike, query_string: str = "") -> Validators:
    last_updated: datetime = dataset.last_updated(engine)  # type: ignore[attr-defined]
    return validators(dataset.id, last_updated, query_string)


def file_validators(path: Path) -> Validators:
    """Validators of a cached export file: it changes only when the nightly build replaces it."""
    stat = path.stat()
    modified = datetime.fromtimestamp(stat.st_mtime, UTC).replace(microsecond=0)
    return Validators(_etag(path.name, str(stat.st_size), str(stat.st_mtime_ns)), modified)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(request_headers: Mapping[str, str], current: Validators) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return "*" in tags or current.etag in tags
    if_modified_since = request_headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC asks
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return current.last_modified <= since
