"""Whole-dataset files, built after each sync and served from disk: a 1 M-row XLSX takes minutes to
write, far too long for a request (PERFORMANCE.md, lesson 6).

Each file is written beside its final name then renamed into place, so a reader never sees half a file;
a small JSON sidecar records which version of the data it holds, so a stale file is never served.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from lanterne.publish import formats
from lanterne.publish.datasets import DATASETS, Dataset
from lanterne.publish.lines import dataset_of, stream_rows
from lanterne.publish.query import parse_lines
from lanterne.runtime import Runtime

log = logging.getLogger(__name__)


def export_dir(runtime: Runtime) -> Path:
    return Path(runtime.settings.exports_dir)


def export_path(runtime: Runtime, dataset_id: str, format_name: str) -> Path:
    return export_dir(runtime) / f"{dataset_id}.{formats.EXTENSIONS[format_name]}"


def _stamp_path(runtime: Runtime, dataset_id: str) -> Path:
    return export_dir(runtime) / f"{dataset_id}.version.json"


def _options(runtime: Runtime, dataset: Dataset, last_updated: datetime) -> dict[str, Any]:
    base = runtime.settings.base_url.rstrip("/")
    return {
        "base_url": base,
        "last_updated": last_updated,
        "producer": runtime.settings.producer,
        "source_url": f"{base}/datasets/{dataset.id}",
    }


def write_file(runtime: Runtime, dataset: Dataset, format_name: str, options: dict[str, Any]) -> Path:
    """Write one whole-dataset file atomically (rows streamed, never held whole)."""
    query = parse_lines(dataset, {})
    path = export_path(runtime, dataset.id, format_name)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    rows = stream_rows(runtime.engine, query, format_name in formats.TEXT_TIMES)
    try:
        with partial.open("wb") as handle:
            for chunk in formats.write(format_name, dataset, list(query.columns), rows, options):
                handle.write(chunk)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def build_dataset(runtime: Runtime, dataset: Dataset, only: Sequence[str] = formats.FORMATS) -> list[Path]:
    """Every format the dataset supports (or those of `only`), then the sidecar naming the data version
    they hold."""
    export_dir(runtime).mkdir(parents=True, exist_ok=True)
    last_updated = dataset.last_updated(runtime.engine)
    options = _options(runtime, dataset, last_updated)
    supported = [name for name in formats.FORMATS if name in only and formats.supports(name, dataset)]
    built = [write_file(runtime, dataset, name, options) for name in supported]
    files = [path.name for path in built]
    earlier = _built_version(runtime, dataset.id)
    if earlier.get("last_updated") == last_updated.isoformat():  # the same data: its other files still hold
        files = sorted({*earlier.get("files", ()), *files})
    stamp = {"last_updated": last_updated.isoformat(), "files": files}
    _stamp_path(runtime, dataset.id).write_bytes(orjson.dumps(stamp))
    return built


def build_exports(runtime: Runtime, dataset_ids: list[str] | None = None) -> list[Path]:
    """Rebuild the cached files of every dataset (or of those named); the sync calls it when done."""
    built: list[Path] = []
    for dataset_id in dataset_ids or list(DATASETS):
        built += build_dataset(runtime, dataset_of(dataset_id))
        log.info("exports of %s rebuilt", dataset_id)
    return built


def _built_version(runtime: Runtime, dataset_id: str) -> dict[str, Any]:
    try:
        stamp: dict[str, Any] = orjson.loads(_stamp_path(runtime, dataset_id).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return stamp


def refresh_exports(runtime: Runtime) -> list[Path]:
    """Rebuild the files of the datasets whose data changed since their last build (the scheduled job:
    it follows the nightly sync, a manual one or box-office pushes alike, and costs nothing otherwise)."""
    built: list[Path] = []
    for dataset in DATASETS.values():
        current = dataset.last_updated(runtime.engine).isoformat()
        if _built_version(runtime, dataset.id).get("last_updated") != current:
            built += build_dataset(runtime, dataset)
    return built


def cached_export(runtime: Runtime, dataset_id: str, format_name: str) -> Path | None:
    """The whole-dataset file if it holds the data's current version, else None (stream it live)."""
    dataset = DATASETS.get(dataset_id)
    path = export_path(runtime, dataset_id, format_name) if format_name in formats.EXTENSIONS else None
    if dataset is None or path is None or not path.is_file():
        return None
    stamp = _built_version(runtime, dataset_id)
    current = dataset.last_updated(runtime.engine).isoformat()
    return path if stamp.get("last_updated") == current and path.name in stamp.get("files", ()) else None


def whole_dataset_file(runtime: Runtime, dataset_id: str, params: Mapping[str, str]) -> Path | None:
    """The cached file that answers `…/full` exactly: only when nothing filters, selects, sorts or
    reshapes the dataset (just `format`, and perhaps the API key), and only while it is current."""
    if set(params) - {"apiKey"} != {"format"}:
        return None
    return cached_export(runtime, dataset_id, params["format"])
