"""What describes each open dataset — producer, licence, freshness, coverage, distributions — and the
DCAT-AP catalogue of them all (JSON-LD and RDF/XML) that data.gouv.fr harvests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from lanterne.publish import formats
from lanterne.publish.datasets import DATASETS, Dataset
from lanterne.publish.directory import table_schema
from lanterne.publish.licence import LICENCE, LICENCE_ID, LICENCE_URL
from lanterne.settings import Settings

EU = "http://publications.europa.eu/resource/authority"
FRANCE = f"{EU}/country/FRA"
FREQUENCIES = {"daily": f"{EU}/frequency/DAILY", "weekly": f"{EU}/frequency/WEEKLY"}
FILE_TYPES = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GEOJSON", "ics": "ICS", "parquet": "PARQUET"}
MEDIA_TYPES = {name: kind.split(";")[0] for name, kind in formats.CONTENT_TYPES.items()}
# The programme changes every night; the reference lists (cinemas, films, schools) are re-imported weekly.
WEEKLY = frozenset({"etablissements-scolaires"})

__all__ = ["Distribution", "Entry", "catalogue", "dataset_metadata", "entry", "table_schema"]


@dataclass(frozen=True)
class Distribution:
    """One way to get a dataset: the query API, or a whole file in one format."""

    title: str
    access_url: str
    download_url: str | None
    media_type: str
    file_type: str


@dataclass(frozen=True)
class Entry:
    """A dataset's description, neutral of the serialization (JSON, JSON-LD, RDF/XML)."""

    id: str
    uri: str
    landing_page: str
    title: str
    description: str
    producer: str
    keywords: tuple[str, ...]
    frequency: str
    last_updated: datetime
    row_count: int
    temporal: tuple[datetime, datetime] | None
    distributions: tuple[Distribution, ...]


def temporal_coverage(engine: Engine, dataset: Dataset) -> tuple[datetime, datetime] | None:
    """First and last start times, read on the start column's own table (an index seek each)."""
    column = dataset.column(dataset.start_column) if dataset.start_column else None
    if column is None or column.expression is None:
        return None
    bounds = select(func.min(column.expression), func.max(column.expression))
    with engine.connect() as connection:
        first, last = connection.execute(bounds).one()
    return (first, last) if first is not None and last is not None else None


def distributions(dataset: Dataset, base_url: str) -> tuple[Distribution, ...]:
    api = f"{base_url}/api/v1/datasets/{dataset.id}"
    found = [Distribution(f"API {dataset.title}", f"{api}/lines", None, "application/json", "JSON")]
    for name in formats.FORMATS:
        if formats.supports(name, dataset):
            url = f"{api}/full?format={name}"
            title = f"{dataset.title} ({FILE_TYPES[name]})"
            found.append(Distribution(title, url, url, MEDIA_TYPES[name], FILE_TYPES[name]))
    return tuple(found)


def entry(engine: Engine, settings: Settings, dataset: Dataset) -> Entry:
    base = settings.base_url.rstrip("/")
    return Entry(
        id=dataset.id,
        uri=f"{base}/api/v1/datasets/{dataset.id}",
        landing_page=f"{base}/datasets/{dataset.id}",
        title=dataset.title,
        description=dataset.description,
        producer=settings.producer,
        keywords=tuple(dataset.keywords),
        frequency="weekly" if dataset.id in WEEKLY else "daily",
        last_updated=dataset.last_updated(engine),
        row_count=dataset.count(engine),
        temporal=temporal_coverage(engine, dataset),
        distributions=distributions(dataset, base),
    )


def dataset_metadata(engine: Engine, settings: Settings, dataset: Dataset) -> dict[str, Any]:
    """The dataset's description as plain JSON (the `…/{id}/metadata` answer)."""
    found = entry(engine, settings, dataset)
    return {
        "id": found.id,
        "title": found.title,
        "description": found.description,
        "producer": found.producer,
        "license": {"id": LICENCE_ID, "title": LICENCE, "href": LICENCE_URL},
        "frequency": found.frequency,
        "lastUpdate": found.last_updated.isoformat(),
        "count": found.row_count,
        "temporalCoverage": _period(found.temporal),
        "spatialCoverage": {"name": "France (métropole et outre-mer)", "uri": FRANCE},
        "keywords": list(found.keywords),
        "page": found.landing_page,
        "distributions": [
            {"title": d.title, "url": d.access_url, "mediaType": d.media_type, "format": d.file_type}
            for d in found.distributions
        ],
        "tableSchema": table_schema(dataset),
    }


def _period(period: tuple[datetime, datetime] | None) -> dict[str, str] | None:
    return None if period is None else {"start": period[0].isoformat(), "end": period[1].isoformat()}


def catalogue(engine: Engine, settings: Settings) -> list[Entry]:
    return [entry(engine, settings, dataset) for dataset in DATASETS.values()]
