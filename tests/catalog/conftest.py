"""Fixtures of the catalog tests: small reference files written in the test's temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.catalog.builders import write_csv, write_xlsx


@pytest.fixture
def xlsx(tmp_path: Path) -> Callable[..., Path]:
    return lambda name, sheets: write_xlsx(tmp_path / name, sheets)


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    return lambda name, rows, **options: write_csv(tmp_path / name, rows, **options)
