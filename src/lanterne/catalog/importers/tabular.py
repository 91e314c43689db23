"""Rows of a published CSV or XLSX file with their file line, whatever the export tool did to them.

CSV: `;` or `,` (sniffed from the header), UTF-8 with or without BOM (Windows-1252 as a fallback), CRLF.
XLSX: openpyxl in read-only mode, streamed; the header row is found where it is (the CNC puts titles
above it) and every sheet holding it can be read. Headers are compared folded, so `Code postal`,
`Code_postal` and `code postal` are one column.
"""

from __future__ import annotations

import codecs
import csv
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from lanterne.catalog.identity import fold
from lanterne.errors import InvalidValue

HEADER_SEARCH_ROWS = 30  # the CNC workbooks put a title and a "back to menu" link above the header
CHUNK = 500
Alternatives = str | tuple[str, ...]


@dataclass(frozen=True)
class Header:
    """The columns of one sheet: folded name → position, and the published spelling for messages."""

    names: tuple[str, ...]
    line: int
    positions: dict[str, int] = field(init=False)
    found: dict[tuple[str, ...], str | None] = field(init=False)  # every row asks the same: fold once

    def __post_init__(self) -> None:
        positions: dict[str, int] = {}
        for index, name in enumerate(self.names):
            positions.setdefault(fold(name), index)
        object.__setattr__(self, "positions", positions)
        object.__setattr__(self, "found", {})

    def find(self, names: Alternatives) -> str | None:
        """The first of the alternative names this header has, folded; None when it has none."""
        key = (names,) if isinstance(names, str) else tuple(names)  # a caller's list must not break the cache
        if key not in self.found:
            folded = (fold(name) for name in key)
            self.found[key] = next((name for name in folded if name in self.positions), None)
        return self.found[key]

    def has(self, names: Alternatives) -> bool:
        return self.find(names) is not None


@dataclass
class Record:
    """One data row: where it is in the file (for the rejection report) and its cells by column."""

    line: int
    sheet: str | None
    header: Header
    cells: Sequence[Any]

    @property
    def where(self) -> int | str:
        return self.line if self.sheet is None else f"feuille {self.sheet}, ligne {self.line}"

    def get(self, names: Alternatives) -> Any:
        """The cell under the first alternative column present; None when the file has none of them."""
        key = self.header.find(names)
        if key is None:
            return None
        index = self.header.positions[key]
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class Table:
    """An opened file: its first header (the layout), an estimate of its rows, and the rows themselves."""

    path: Path
    header: Header
    total: int
    records: Iterator[Record]


def _is_blank(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _missing(header: Header, required: Sequence[Alternatives]) -> None:
    for names in required:
        if not header.has(names):
            first = names if isinstance(names, str) else names[0]
            seen = ", ".join(name for name in header.names if name) or "aucun"
            raise InvalidValue(first, f"colonne absente (en-têtes lus : {seen})", header.line)


@contextmanager
def open_table(
    path: Path, required: Sequence[Alternatives], *, sheet: str | None = None, all_sheets: bool = False
) -> Iterator[Table]:
    """Open a CSV or XLSX file; raise `InvalidValue` naming the first required column it lacks."""
    if not path.is_file():
        raise InvalidValue("fichier", f"introuvable : {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with _open_workbook(path, required, sheet, all_sheets) as table:
            yield table
    elif path.suffix.lower() in (".csv", ".txt", ".tsv"):
        with _open_csv(path, required) as table:
            yield table
    else:
        raise InvalidValue("fichier", f"format non reconnu « {path.suffix} » : CSV ou XLSX attendu")


def _encoding(path: Path) -> tuple[str, int]:
    """UTF-8 (BOM stripped) when the whole file decodes, else Windows-1252; and its line count."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, utf8 = 0, True
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    return ("utf-8-sig" if utf8 else "cp1252"), lines


def _delimiter(first_line: str) -> str:
    return max((";", ",", "\t"), key=first_line.count)


@contextmanager
def _open_csv(path: Path, required: Sequence[Alternatives]) -> Iterator[Table]:
    encoding, lines = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        first_line = handle.readline()
        handle.seek(0)
        reader = csv.reader(handle, delimiter=_delimiter(first_line))
        names = next(reader, [])
        header = Header(tuple(name.strip() for name in names), reader.line_num)
        _missing(header, required)
        yield Table(path, header, max(lines - 1, 0), _csv_records(reader, header))


def _csv_records(reader: Any, header: Header) -> Iterator[Record]:
    start = reader.line_num + 1
    for values in reader:
        if not _is_blank(values):
            yield Record(start, None, header, values)
        start = reader.line_num + 1  # a quoted cell may span lines: report where the row began


@contextmanager
def _open_workbook(
    path: Path, required: Sequence[Alternatives], sheet: str | None, all_sheets: bool
) -> Iterator[Table]:
    with warnings.catch_warnings():
        # openpyxl warns about Excel extensions it drops (web extensions, data validation): harmless here.
        warnings.simplefilter("ignore", UserWarning)
        workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = _sheets(workbook, sheet, all_sheets)
        headers = [(ws, _find_header(ws, required)) for ws in sheets]
        found = [(ws, header) for ws, header in headers if header is not None]
        if not found:
            first = _first_header(sheets[0]) if sheets else Header((), 1)
            _missing(first, required)
        for _, header in found:
            _missing(header, required)
        total = sum(max((ws.max_row or 0) - header.line, 0) for ws, header in found)
        yield Table(path, found[0][1], total, _workbook_records(found, multi=all_sheets))
    finally:
        workbook.close()


def _sheets(workbook: Any, sheet: str | None, all_sheets: bool) -> list[ReadOnlyWorksheet]:
    if all_sheets:
        return list(workbook.worksheets)
    if sheet is not None and sheet in workbook.sheetnames:
        return [workbook[sheet]]
    return [workbook.worksheets[0]]


def _rows(ws: ReadOnlyWorksheet, min_row: int = 1, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows read in chunks with openpyxl's harmless warnings silenced (filters must not leak out)."""
    source = ws.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            chunk = list(islice(source, CHUNK))
        if not chunk:
            return
        yield from chunk


def _first_header(ws: ReadOnlyWorksheet) -> Header:
    for line, values in enumerate(_rows(ws, 1, HEADER_SEARCH_ROWS), start=1):
        if not _is_blank(values):
            return Header(tuple("" if value is None else str(value).strip() for value in values), line)
    return Header((), 1)


def _find_header(ws: ReadOnlyWorksheet, required: Sequence[Alternatives]) -> Header | None:
    """The first row naming the first required column: the header, wherever the publisher put it."""
    for line, values in enumerate(_rows(ws, 1, HEADER_SEARCH_ROWS), start=1):
        header = Header(tuple("" if value is None else str(value).strip() for value in values), line)
        if required and header.has(required[0]):
            return header
    return None


def _workbook_records(found: list[tuple[ReadOnlyWorksheet, Header]], *, multi: bool) -> Iterator[Record]:
    for ws, header in found:
        name = ws.title if multi else None
        for line, values in enumerate(_rows(ws, header.line + 1), start=header.line + 1):
            if not _is_blank(values):
                yield Record(line, name, header, values)
