"""Domain errors that name the field and the row, turned into HTTP answers in one place (app.py)."""

from __future__ import annotations

from dataclasses import dataclass


class LanterneError(Exception):
    """Base of every error Lanterne reports to a user rather than crashing on."""

    status_code = 400

    def answer(self) -> dict[str, object]:
        """The JSON body every endpoint answers it with: the message, and for a bad value its field,
        reason and row (app.py's handler and the bare ASGI endpoints share it)."""
        body: dict[str, object] = {"error": str(self)}
        if isinstance(self, InvalidValue):
            body.update(field=self.field, reason=self.reason, row=self.row)
        return body


@dataclass
class RowError:
    """One rejected input row: where it was, which field, and why; the rest of the file still loads."""

    row: int | str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"ligne {self.row}" if isinstance(self.row, int) else (self.row or "")
        what = f"champ « {self.field} »" if self.field else ""
        return ": ".join(part for part in (", ".join(p for p in (where, what) if p), self.reason) if part)


class InvalidValue(LanterneError):
    """A value that cannot be used, with the field (or parameter) that carried it."""

    def __init__(self, field: str, reason: str, row: int | str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.row = row
        super().__init__(str(RowError(row, field, reason)))


class NotFound(LanterneError):
    status_code = 404


class Forbidden(LanterneError):
    status_code = 403


class Conflict(LanterneError):
    status_code = 409


class TooManyRequests(LanterneError):
    """Refused for a while (guessing a password, say): answered 429."""

    status_code = 429
