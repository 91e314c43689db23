"""Dataset metadata and the DCAT-AP catalogue, parsed back as JSON-LD and RDF/XML with rdflib."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from sqlalchemy import Engine
from tests.publish.sample_catalog import MONDAY, build

from lanterne.publish.datasets import DATASETS
from lanterne.publish.dcat import catalogue_jsonld, catalogue_rdfxml
from lanterne.publish.licence import LICENCE_URL
from lanterne.publish.metadata import catalogue, dataset_metadata
from lanterne.settings import Settings

BASE = "https://data.cinemas-independants.fr"
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")


@pytest.fixture
def filled(engine: Engine, settings: Settings) -> Settings:
    build(engine)
    settings.base_url = BASE
    return settings


def test_programme_metadata_credits_the_producer_and_licence(engine: Engine, filled: Settings) -> None:
    metadata = dataset_metadata(engine, filled, DATASETS["programmation-cinemas"])
    assert metadata["producer"] == "Union des cinémas indépendants"
    assert metadata["license"]["href"] == LICENCE_URL
    assert metadata["frequency"] == "daily"
    assert metadata["count"] == 24
    assert metadata["temporalCoverage"]["start"] >= MONDAY.isoformat()[:10]
    assert metadata["lastUpdate"] > "2026"
    assert "cinéma" in metadata["keywords"]
    formats_offered = {d["format"] for d in metadata["distributions"]}
    assert formats_offered == {"JSON", "CSV", "XLSX", "GEOJSON", "ICS", "PARQUET"}
    names = [field["name"] for field in metadata["tableSchema"]["fields"]]
    assert names[:3] == ["showid", "showstart", "showend"]


def test_films_have_no_calendar_nor_map(engine: Engine, filled: Settings) -> None:
    metadata = dataset_metadata(engine, filled, DATASETS["films"])
    assert {d["format"] for d in metadata["distributions"]} == {"JSON", "CSV", "XLSX", "PARQUET"}
    assert metadata["temporalCoverage"] is None


def _check_graph(graph: Graph) -> None:
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(d).rsplit("/", 1)[1] for d in datasets} == set(DATASETS)
    programme = URIRef(f"{BASE}/api/v1/datasets/programmation-cinemas")
    assert (programme, DCTERMS.license, URIRef(LICENCE_URL)) in graph
    assert (programme, DCTERMS.accrualPeriodicity, EU_FREQUENCY.DAILY) in graph
    assert graph.value(programme, DCTERMS.modified).datatype is not None
    publisher = graph.value(programme, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Union des cinémas indépendants")
    downloads = {str(graph.value(d, DCAT.downloadURL)) for d in graph.objects(programme, DCAT.distribution)}
    assert f"{BASE}/api/v1/datasets/programmation-cinemas/full?format=ics" in downloads
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(set(graph.objects(catalog, DCAT.dataset))) == len(DATASETS)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's own parser
def test_dcat_catalogue_parses_as_jsonld_and_rdfxml_with_the_same_triples(
    engine: Engine, filled: Settings
) -> None:
    jsonld = catalogue_jsonld(catalogue(engine, filled), BASE, filled.producer)
    from_jsonld = Graph().parse(data=json.dumps(jsonld), format="json-ld")
    from_xml = Graph().parse(data=catalogue_rdfxml(jsonld), format="xml")
    _check_graph(from_jsonld)
    _check_graph(from_xml)
    assert len(from_jsonld) == len(from_xml) > 100
