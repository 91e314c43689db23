"""One typed settings class: zero configuration gives a SQLite file in the working directory.

Values come from `LANTERNE_*` environment variables, then from an optional TOML file named by
`LANTERNE_CONFIG` (environment wins), so a deployment can keep secrets out of files.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _toml_values() -> dict[str, Any]:
    path = os.environ.get("LANTERNE_CONFIG")
    if not path:
        return {}
    with Path(path).open("rb") as handle:
        return tomllib.load(handle)


class Settings(BaseSettings):
    """Everything an operator may set; every field has a default that works on a laptop."""

    model_config = SettingsConfigDict(env_prefix="LANTERNE_", extra="ignore")

    database_url: str = Field(default="sqlite:///lanterne.db", description="SQLAlchemy URL of the database")
    redis_url: str | None = Field(
        default=None, description="Redis URL for rate-limit counters (else the database)"
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public address, used in links")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = Field(default="change-me-in-production", description="Signs sessions and CSRF tokens")
    timezone: str = "Europe/Paris"

    # Collect
    sync_days: int = Field(default=28, description="Days of programme fetched from today")
    sync_concurrency: int = Field(default=8, description="Cinemas synchronised at once")
    sync_processes: int = Field(
        default=-1, description="Processes parsing vendor answers (-1: one per core, 50+ cinemas; 0: threads)"
    )
    sync_timeout: float = Field(default=30.0, description="Seconds before a vendor request gives up")
    sync_retries: int = Field(default=3, description="Attempts per vendor request (429, 5xx, timeouts)")
    sync_time: str = Field(default="03:30", description="Nightly sync time, Europe/Paris (HH:MM)")
    scheduler: bool = Field(default=True, description="Run nightly jobs from `lanterne serve`")

    # Publish
    rate_limit_anonymous: int = 600
    rate_limit_key: int = 1200
    exports_dir: str = Field(default="exports", description="Where whole-dataset files are cached")
    answer_cache_mb: int = Field(
        default=64, description="JSON pages each web worker keeps for their max-age (0: off)"
    )
    producer: str = Field(default="Union des cinémas indépendants", description="Credited in datasets")

    # Audience collector: batches a minute per address (daily-keyed hash) and per visitor
    audience_batches_per_address: int = 120
    audience_batches_per_visitor: int = 60

    # Tiles for the portal's maps; the pages stay usable when they cannot load.
    tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    # E-mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Lanterne <no-reply@lanterne.local>"

    # OpenAgenda
    openagenda_url: str = "https://api.openagenda.com"
    openagenda_agenda_uid: str | None = None
    openagenda_secret_key: str | None = None

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Merge the TOML file under the environment, then explicit overrides (tests, CLI flags)."""
        values = {key: value for key, value in _toml_values().items() if key.upper() not in os.environ}
        env_keys = {name for name in cls.model_fields if f"LANTERNE_{name.upper()}" in os.environ}
        values = {k: v for k, v in values.items() if k not in env_keys}
        return cls(**{**values, **overrides})
