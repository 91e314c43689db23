"""Export formats of the open datasets, one module each; `write` streams any of them as bytes.

Every writer takes rows as tuples in the order of `columns`, times aware in UTC, and yields chunks
without holding the whole dataset: the `lines` endpoint and the nightly export files share them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lanterne.errors import InvalidValue
from lanterne.publish.formats import csv, geojson, ics, parquet, xlsx
from lanterne.publish.formats.values import Columns, DatasetLike, Options, Rows

Writer = Callable[[DatasetLike, Columns, Rows, Options], Iterator[bytes]]

WRITERS: dict[str, Writer] = {
    "csv": csv.write,
    "xlsx": xlsx.write,
    "geojson": geojson.write,
    "ics": ics.write,
    "parquet": parquet.write,
}
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "ics": "text/calendar; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
EXTENSIONS: dict[str, str] = {name: name for name in ("csv", "xlsx", "geojson", "ics", "parquet")}
FORMATS = tuple(WRITERS)
# Formats that write instants as Paris ISO text: their rows may hold that text already (`lines.stream_rows`).
TEXT_TIMES = frozenset({"json", "csv", "geojson"})


def supports(format_name: str, dataset: DatasetLike) -> bool:
    """Whether the dataset can be exported in the format (maps need coordinates, calendars start times)."""
    if format_name == "geojson":
        return bool(getattr(dataset, "geo", None))
    if format_name == "ics":
        return bool(getattr(dataset, "start_column", None))
    return format_name in WRITERS


def check(format_name: str, dataset: DatasetLike, columns: Columns, options: Options) -> None:
    """Refuse a bad format or option before the response starts, while the error can still be a 400."""
    if format_name not in WRITERS:
        raise InvalidValue("format", f"formats acceptés : json, {', '.join(FORMATS)}")
    if format_name == "csv":
        csv.separator(options)
    elif format_name == "geojson":
        geojson.coordinates_at(dataset, columns)
    elif format_name == "ics":
        ics.Layout(dataset, columns)


def write(
    format_name: str,
    dataset: DatasetLike,
    columns: Columns,
    rows: Rows,
    options: Options,
) -> Iterator[bytes]:
    """Stream `rows` in the format, lazily: nothing is read from `rows` until the first chunk is asked for."""
    check(format_name, dataset, columns, options)
    return WRITERS[format_name](dataset, columns, rows, options)


def filename(dataset: DatasetLike, format_name: str) -> str:
    return f"{dataset.id}.{EXTENSIONS[format_name]}"
