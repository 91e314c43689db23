"""CSV for spreadsheets and scripts: UTF-8 with a BOM (so Excel reads accents), `,` or `;` separator.

Rows are encoded a thousand at a time through the `csv` module: per-row Python work is what costs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from lanterne.errors import InvalidValue
from lanterne.publish.formats.values import (
    ColumnLike,
    Columns,
    DatasetLike,
    Options,
    Rows,
    flag,
    text_converters,
)

BOM = "\ufeff"
SEPARATORS = (",", ";")
BATCH = 1000


def separator(options: dict[str, Any]) -> str:
    sep = options.get("sep") or ","
    if sep not in SEPARATORS:
        raise InvalidValue("sep", "séparateur accepté : « , » ou « ; »")
    return str(sep)


def _text_rows(columns: Sequence[ColumnLike], rows: Iterable[tuple[Any, ...]]) -> Iterator[Sequence[Any]]:
    converters = text_converters(columns)
    if not converters:
        yield from rows
        return
    for row in rows:
        cells = list(row)
        for index, convert in converters:
            cells[index] = convert(cells[index])
        yield cells


def write(dataset: DatasetLike, columns: Columns, rows: Rows, options: Options) -> Iterator[bytes]:
    """Stream CSV chunks; the first carries the BOM (and the header unless `header=false`)."""
    sep = separator(options)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    buffer.write(BOM)
    if flag(options, "header", True):
        writer.writerow([column.name for column in columns])
    text_rows = _text_rows(columns, rows)
    while True:
        batch = list(islice(text_rows, BATCH))
        writer.writerows(batch)
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if len(batch) < BATCH:
            return
