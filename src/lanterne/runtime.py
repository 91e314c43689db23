"""What a running Lanterne holds: its settings and one database engine, created on first use.

The web app and the CLI both build one `Runtime` and pass it down; nothing is created at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from lanterne.db import ChangeWatcher, make_engine, watch_changes
from lanterne.migrations import upgrade
from lanterne.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)
    _watcher: ChangeWatcher | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def migrate(self) -> None:
        upgrade(self.engine)

    def watch_changes(self) -> None:
        """A web worker learns from PostgreSQL when the open data changes (`db.ChangeWatcher`), instead
        of asking on every request; the CLI's short commands have no use for it."""
        if self._watcher is None:
            self._watcher = watch_changes(self.engine)

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
