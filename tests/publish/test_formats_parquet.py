"""Parquet exports read back with pyarrow: typed columns, UTC timestamps, row groups per batch."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
from tests.publish.export_samples import COLUMNS, SampleDataset, showtimes

from lanterne.publish import formats
from lanterne.publish.formats import parquet


def test_parquet_keeps_types_and_values() -> None:
    body = b"".join(formats.write("parquet", SampleDataset(), COLUMNS, showtimes(120), {}))
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == 120
    assert table.schema.field("showstart").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("auditoriumcapacity").type == pa.int64()
    assert table.schema.field("evenement").type == pa.bool_()
    assert table.schema.field("jour").type == pa.date32()
    row = table.slice(0, 1).to_pylist()[0]
    assert row["showstart"] == datetime(2026, 9, 2, 18, 30, tzinfo=UTC)
    assert row["jour"] == date(2026, 9, 2)
    assert row["showurl"] is None
    assert b"Licence Ouverte" in table.schema.metadata[b"licence"]


def test_parquet_streams_one_row_group_per_batch() -> None:
    chunks = list(parquet.write(SampleDataset(), COLUMNS, showtimes(2 * parquet.BATCH + 10), {}))
    assert len([chunk for chunk in chunks if chunk]) >= 3  # bytes leave after every batch
    metadata = pq.ParquetFile(io.BytesIO(b"".join(chunks))).metadata
    assert metadata.num_rows == 2 * parquet.BATCH + 10
    assert metadata.num_row_groups == 3


def test_a_text_column_holding_numbers_is_written_as_text() -> None:
    rows = [
        tuple(7 if column.name == "cinenom" else value for column, value in zip(COLUMNS, row, strict=True))
        for row in showtimes(3)
    ]
    table = pq.read_table(io.BytesIO(b"".join(formats.write("parquet", SampleDataset(), COLUMNS, rows, {}))))
    assert table.column("cinenom").to_pylist() == ["7", "7", "7"]
