"""Builders of small reference files shaped like the published ones, written by the tests themselves."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook with one sheet per entry, rows written from A1 (put blank rows first to offset a header)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Rows,
    *,
    delimiter: str = ";",
    bom: bool = True,
    crlf: bool = True,
    encoding: str = "utf-8",
) -> Path:
    """A CSV as the open-data portals export it: `;`, UTF-8 with BOM, CRLF by default."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def table(header: Sequence[str], records: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Rows under a full published header from dicts naming only the cells a test cares about."""
    return [list(header), *([record.get(name, "") for name in header] for record in records)]
