"""The catalogue a harvester or a reuser reads: one dataset's card (metadata + columns) and the DCAT-AP
catalogue of them all, as JSON-LD or RDF/XML.
"""

from __future__ import annotations

import orjson
from sqlalchemy import Engine

from lanterne.publish import dcat, metadata, openapi
from lanterne.publish.datasets import Dataset
from lanterne.settings import Settings


def card(engine: Engine, settings: Settings, dataset: Dataset) -> bytes:
    """`GET …/datasets/{id}`: Data Fair's `schema` field list beside the dataset's metadata."""
    base = settings.base_url.rstrip("/")
    body = {
        **metadata.dataset_metadata(engine, settings, dataset),
        "href": f"{base}/data-fair/api/v1/datasets/{dataset.id}",
        "schema": openapi.schema(dataset),
    }
    return orjson.dumps(body)


def dcat_catalogue(engine: Engine, settings: Settings, rdf: bool) -> bytes:
    entries = metadata.catalogue(engine, settings)
    graph = dcat.catalogue_jsonld(entries, settings.base_url, settings.producer)
    return dcat.catalogue_rdfxml(graph) if rdf else orjson.dumps(graph)
