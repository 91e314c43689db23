"""The list of datasets the API serves and each one's card (`GET /api/v1/datasets[/{id}]`), with
Data Fair's field names so catalogue-walking scripts keep working.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from lanterne.publish.datasets import DATASETS, Dataset
from lanterne.publish.openapi import JSON_TYPES

TABLE_SCHEMA_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "datetime": "datetime",
    "date": "date",
}


def card(engine: Engine, dataset: Dataset, base_url: str) -> dict[str, Any]:
    """What a reuser needs to pick a dataset: title, size, freshness, and where to query it."""
    href = f"{base_url.rstrip('/')}/data-fair/api/v1/datasets/{dataset.id}"
    return {
        "id": dataset.id,
        "title": dataset.title,
        "description": dataset.description,
        "keywords": list(dataset.keywords),
        "count": dataset.count(engine),
        "dataUpdatedAt": dataset.last_updated(engine).isoformat(),
        "bbox": None,
        "href": href,
        "page": f"{base_url.rstrip('/')}/datasets/{dataset.id}",
        "schema": [
            {"key": c.name, **JSON_TYPES[c.type], "title": c.title, "description": c.description}
            for c in dataset.columns
        ],
    }


def listing(engine: Engine, base_url: str) -> dict[str, Any]:
    results = [card(engine, dataset, base_url) for dataset in DATASETS.values()]
    return {"count": len(results), "results": results}


def table_schema(dataset: Dataset) -> dict[str, Any]:
    """A Frictionless Table Schema of the dataset's columns."""
    fields = [
        {
            "name": column.name,
            "type": TABLE_SCHEMA_TYPES[column.type],
            "title": column.title,
            "description": column.description,
            **({"constraints": {"required": True}} if not column.nullable else {}),
        }
        for column in dataset.columns
    ]
    return {"fields": fields, "primaryKey": [dataset.key], "missingValues": [""]}
