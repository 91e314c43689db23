"""CSV exports read back with the csv module: BOM, separator, header, Paris times, booleans."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from tests.publish.export_samples import COLUMNS, SampleDataset, showtimes

from lanterne.errors import InvalidValue
from lanterne.publish import formats
from lanterne.publish.formats import csv as csv_format


def _read(options: dict[str, object], count: int = 30) -> tuple[bytes, list[list[str]]]:
    body = b"".join(formats.write("csv", SampleDataset(), COLUMNS, showtimes(count), options))
    text = body.decode("utf-8-sig")
    return body, list(csv.reader(io.StringIO(text, newline=""), delimiter=options.get("sep", ",")))  # type: ignore[arg-type]


def test_csv_has_a_bom_a_header_and_every_row() -> None:
    body, rows = _read({})
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0] == [column.name for column in COLUMNS]
    assert len(rows) == 31
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["showstart"] == "2026-09-02T20:30:00+02:00"
    assert first["evenement"] == "true"
    assert first["filmtitle"] == "Cléo de 5 à 7, n°0; « VOST »"
    assert first["showurl"] == ""  # None is an empty cell, never the string "None"
    assert first["jour"] == "2026-09-02"
    assert first["auditoriumcapacity"] == "120"


def test_csv_semicolon_without_header() -> None:
    body, rows = _read({"sep": ";", "header": "false"}, count=3)
    assert len(rows) == 3
    assert rows[0][0] == "ems000000"
    assert b";" in body.splitlines()[0]


def test_csv_streams_in_batches_without_reading_every_row_first() -> None:
    consumed = 0

    def counted() -> Iterator[tuple[object, ...]]:
        nonlocal consumed
        for row in showtimes(5 * csv_format.BATCH):
            consumed += 1
            yield row

    stream = formats.write("csv", SampleDataset(), COLUMNS, counted(), {})
    next(stream)
    assert consumed <= csv_format.BATCH + 1
    assert len(list(stream)) == 4


def test_csv_of_no_rows_is_the_header() -> None:
    body = b"".join(formats.write("csv", SampleDataset(), COLUMNS, iter(()), {"sep": ";"}))
    assert body.decode("utf-8-sig") == ";".join(column.name for column in COLUMNS) + "\r\n"


def test_csv_refuses_an_unknown_separator_before_streaming() -> None:
    with pytest.raises(InvalidValue) as error:
        formats.write("csv", SampleDataset(), COLUMNS, showtimes(1), {"sep": "|"})
    assert error.value.field == "sep"


def test_unknown_format_names_the_parameter() -> None:
    with pytest.raises(InvalidValue) as error:
        formats.write("pdf", SampleDataset(), COLUMNS, showtimes(1), {})
    assert error.value.field == "format"
