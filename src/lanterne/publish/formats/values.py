"""What an export reads from a dataset and how a cell is spelled in text formats.

Times leave the database aware in UTC; text formats show them in Europe/Paris with their offset
(`2026-08-28T20:30:00+02:00`): an unambiguous instant that still reads as the cinema's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
TYPES = ("string", "integer", "number", "boolean", "datetime", "date")


class ColumnLike(Protocol):
    """The parts of a published column an export needs (`publish.datasets.Column` has them)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...


class DatasetLike(Protocol):
    """The parts of a dataset an export needs; optional parts (geo, iCalendar columns) are read with
    `getattr` so a dataset without them simply cannot be exported in that format."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def columns(self) -> Sequence[Any]: ...


Columns = Sequence[ColumnLike]
Rows = Iterable[tuple[Any, ...]]
Options = dict[str, Any]


@lru_cache(maxsize=1 << 16)  # séances share start times: one conversion per distinct instant
def local_iso(value: datetime) -> str:
    """An instant as ISO 8601 in Paris time with its offset."""
    return value.astimezone(PARIS).isoformat()


def text_value(value: Any) -> Any:
    """A cell for JSON-like formats (GeoJSON properties): times and dates as ISO strings."""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _boolean_text(value: Any) -> Any:
    return value if value is None else ("true" if value else "false")


def _datetime_text(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else local_iso(value)  # str: already shown


def _date_text(value: Any) -> Any:
    return value if value is None else value.isoformat()


TEXT_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "boolean": _boolean_text,
    "datetime": _datetime_text,
    "date": _date_text,
}


def text_converters(columns: Sequence[ColumnLike]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(index, converter) for the columns whose Python value is not already its text form, so the
    hot loop touches only those cells."""
    return [(i, TEXT_CONVERTERS[c.type]) for i, c in enumerate(columns) if c.type in TEXT_CONVERTERS]


def flag(options: dict[str, Any], name: str, default: bool) -> bool:
    """A yes/no option as it comes from a query string (`header=false`) or from code (`False`)."""
    value = options.get(name, default)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "non", "")
    return bool(value)


def column_index(columns: Sequence[ColumnLike], name: str | None) -> int | None:
    """Where a named column sits among the exported ones (None when it was not selected)."""
    if name is None:
        return None
    return next((i for i, column in enumerate(columns) if column.name == name), None)
