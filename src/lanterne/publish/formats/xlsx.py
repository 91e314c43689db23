"""XLSX that opens straight in Excel: typed cells, frozen header, filters, and a « Métadonnées » sheet
with the credit Licence Ouverte 2.0 asks for (producer, licence, source, last update).

XlsxWriter's constant-memory mode flushes each row to a temporary file as soon as the next one starts,
so memory stays flat whatever the row count; the finished workbook is then streamed in chunks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from lanterne.publish.formats.values import PARIS, ColumnLike, Columns, DatasetLike, Options, Rows
from lanterne.publish.licence import LICENCE, LICENCE_URL, PRODUCER

CHUNK = 1 << 20
MAX_TEXT = 32767  # Excel's limit for one cell

# ZIP64: a whole programme's sheet XML passes the 2 GiB a plain zip member may hold.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "use_zip64": True,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
Writer = Callable[[Worksheet, int, int, Any], Any]


def _string(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
    text = str(value)
    return sheet.write_string(row, col, text if len(text) <= MAX_TEXT else text[:MAX_TEXT])


def _number(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
    return sheet.write_number(row, col, value)


def _boolean(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
    return sheet.write_boolean(row, col, bool(value))


def _cell_writers(workbook: Workbook, columns: Sequence[ColumnLike]) -> list[Writer]:
    """One writer per column, chosen once: Excel dates for times (in Paris time: Excel has no zones)."""
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def _moment(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
        local = value.astimezone(PARIS).replace(tzinfo=None)
        return sheet.write_datetime(row, col, local, moment)

    def _day(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
        return sheet.write_datetime(row, col, value, day)

    chosen = {"integer": _number, "number": _number, "boolean": _boolean, "datetime": _moment, "date": _day}
    return [chosen.get(column.type, _string) for column in columns]


def _data_sheet(workbook: Workbook, columns: Sequence[ColumnLike], rows: Iterable[tuple[Any, ...]]) -> int:
    """Write the header and every row; return the row count (known only at the end of the stream)."""
    sheet = workbook.add_worksheet("Données")
    bold = workbook.add_format({"bold": True})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, 22 if column.type in ("datetime", "string") else 12)
        sheet.write_string(0, index, column.name, bold)
    sheet.freeze_panes(1, 0)
    writers = _cell_writers(workbook, columns)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (value, cell) in enumerate(zip(row, writers, strict=True)):
            if value is not None:
                cell(sheet, count, col, value)
    sheet.autofilter(0, 0, max(count, 1), max(len(columns) - 1, 0))
    return count


def _metadata_sheet(workbook: Workbook, dataset: DatasetLike, options: dict[str, Any], count: int) -> None:
    sheet = workbook.add_worksheet("Métadonnées")
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    updated = options.get("last_updated")
    entries: list[tuple[str, Any]] = [
        ("Titre", dataset.title),
        ("Description", dataset.description),
        ("Producteur", options.get("producer") or PRODUCER),
        ("Licence", LICENCE),
        ("Texte de la licence", LICENCE_URL),
        ("Source", options.get("source_url") or ""),
        ("Dernière mise à jour", updated),
        ("Nombre de lignes", count),
        ("Exporté le", datetime.now(UTC)),
    ]
    for row, (label, value) in enumerate(entries):
        sheet.write_string(row, 0, label, bold)
        if isinstance(value, datetime):
            sheet.write_datetime(row, 1, value.astimezone(PARIS).replace(tzinfo=None), moment)
        elif isinstance(value, int):
            sheet.write_number(row, 1, value)
        elif isinstance(value, str) and value.startswith("https://"):
            sheet.write_url(row, 1, value)
        else:
            sheet.write_string(row, 1, str(value or ""))


def _stream_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def write(dataset: DatasetLike, columns: Columns, rows: Rows, options: Options) -> Iterator[bytes]:
    """Build the workbook in a temporary file (removed even when the client goes away), then stream it."""
    handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="lanterne-")
    os.close(handle)
    path = Path(name)
    try:
        workbook = xlsxwriter.Workbook(
            str(path),
            WORKBOOK_OPTIONS,
        )
        workbook.set_properties({"title": dataset.title, "author": options.get("producer") or PRODUCER})
        count = _data_sheet(workbook, columns, rows)
        _metadata_sheet(workbook, dataset, options, count)
        workbook.close()
        yield from _stream_file(path)
    finally:
        path.unlink(missing_ok=True)
