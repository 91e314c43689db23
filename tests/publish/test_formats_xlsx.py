"""XLSX exports read back with openpyxl; peak memory measured in subprocesses for two row counts."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from tests.publish.export_samples import COLUMNS, SampleDataset, showtimes

from lanterne.publish import formats

ROOT = Path(__file__).resolve().parents[2]
PEAK_SCRIPT = """
import resource, sys
sys.path.insert(0, {root!r})
from tests.publish.export_samples import COLUMNS, SampleDataset, showtimes
from lanterne.publish import formats
size = 0
narrow = COLUMNS[:8]  # enough cell types to be honest; fewer columns keep the test quick
rows = (row[:8] for row in showtimes({count}))
for chunk in formats.write("xlsx", SampleDataset(), narrow, rows, {{}}):
    size += len(chunk)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, size)
"""


def _workbook(count: int, options: dict[str, object]) -> openpyxl.Workbook:
    body = b"".join(formats.write("xlsx", SampleDataset(), COLUMNS, showtimes(count), options))
    return openpyxl.load_workbook(io.BytesIO(body))


def test_xlsx_cells_are_typed_and_the_header_frozen_and_filtered() -> None:
    book = _workbook(25, {})
    sheet = book["Données"]
    assert [cell.value for cell in sheet[1]] == [column.name for column in COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O26"
    values = dict(zip([c.name for c in COLUMNS], [cell.value for cell in sheet[2]], strict=True))
    assert values["showstart"] == datetime(2026, 9, 2, 20, 30)  # Paris wall clock
    assert values["auditoriumcapacity"] == 120
    assert values["evenement"] is True
    assert values["_coords.lat"] == 48.8566
    assert values["showurl"] is None
    assert sheet.max_row == 26


def test_xlsx_metadata_sheet_gives_the_licence_credit() -> None:
    updated = datetime(2026, 9, 1, 1, 30, tzinfo=UTC)
    options = {
        "producer": "Union des cinémas indépendants",
        "last_updated": updated,
        "source_url": "https://x/d",
    }
    sheet = _workbook(7, options)["Métadonnées"]
    entries = {row[0].value: row[1].value for row in sheet.iter_rows()}
    assert entries["Producteur"] == "Union des cinémas indépendants"
    assert entries["Licence"].startswith("Licence Ouverte")
    assert entries["Texte de la licence"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert entries["Dernière mise à jour"] == datetime(2026, 9, 1, 3, 30)
    assert entries["Nombre de lignes"] == 7
    assert entries["Source"] == "https://x/d"


def test_xlsx_temporary_file_is_removed_when_the_client_goes_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stream = formats.write("xlsx", SampleDataset(), COLUMNS, showtimes(10), {})
    next(stream)
    assert list(tmp_path.glob("lanterne-*.xlsx"))
    stream.close()  # type: ignore[attr-defined]
    assert not list(tmp_path.glob("lanterne-*.xlsx"))


def _peaks_kib(*counts: int) -> list[tuple[int, int]]:
    """Peak RSS and file size of one export per count, each in its own process (run side by side)."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", PEAK_SCRIPT.format(root=str(ROOT), count=count)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for count in counts
    ]
    results = []
    try:
        for run in runs:
            output, _ = run.communicate(timeout=240)  # generous: CI machines are shared
            assert run.returncode == 0
            peak, size = output.split()
            results.append((int(peak), int(size)))
    finally:
        for run in runs:
            run.kill()
    return results


def test_xlsx_peak_memory_does_not_grow_with_rows() -> None:
    (small_peak, small_size), (large_peak, large_size) = _peaks_kib(20_000, 100_000)
    assert large_size > 4 * small_size  # five times the rows really were written
    assert large_peak < small_peak * 1.15 + 4096, (small_peak, large_peak)
