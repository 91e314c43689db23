"""The DCAT-AP catalogue of the open datasets, as JSON-LD and as RDF/XML, for data.gouv.fr's harvester
(and any other DCAT portal): each dataset with its publisher, licence, freshness, coverage and one
distribution per format.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from lanterne.publish.licence import LICENCE_URL
from lanterne.publish.metadata import FRANCE, FREQUENCIES, Distribution, Entry

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
IANA = "https://www.iana.org/assignments/media-types/"


def _publisher_id(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/#producteur"


def _distribution_ld(distribution: Distribution) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": distribution.access_url,
        "@type": "dcat:Distribution",
        "dct:title": distribution.title,
        "dcat:accessURL": {"@id": distribution.access_url},
        "dcat:mediaType": {"@id": IANA + distribution.media_type},
        "dct:format": distribution.file_type,
        "dct:license": {"@id": LICENCE_URL},
    }
    if distribution.download_url:
        node["dcat:downloadURL"] = {"@id": distribution.download_url}
    return node


def _when(moment: datetime) -> dict[str, str]:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _dataset_ld(entry: Entry, publisher: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": entry.uri,
        "@type": "dcat:Dataset",
        "dct:identifier": entry.id,
        "dct:title": entry.title,
        "dct:description": entry.description,
        "dct:publisher": {"@id": publisher},
        "dct:license": {"@id": LICENCE_URL},
        "dct:modified": _when(entry.last_updated),
        "dct:accrualPeriodicity": {"@id": FREQUENCIES[entry.frequency]},
        "dct:spatial": {"@id": FRANCE},
        "dcat:keyword": list(entry.keywords),
        "dcat:landingPage": {"@id": entry.landing_page},
        "dcat:distribution": [_distribution_ld(d) for d in entry.distributions],
    }
    if entry.temporal:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _when(entry.temporal[0]),
            "dcat:endDate": _when(entry.temporal[1]),
        }
    return node


def catalogue_jsonld(entries: list[Entry], base_url: str, producer: str) -> dict[str, Any]:
    """The catalogue as one JSON-LD graph: the catalogue, its publisher, and every dataset."""
    publisher = _publisher_id(base_url)
    catalogue = {
        "@id": f"{base_url.rstrip('/')}/api/v1/catalog",
        "@type": "dcat:Catalog",
        "dct:title": "Données ouvertes des cinémas indépendants",
        "dct:description": "Programmation, cinémas, films et établissements scolaires, publiés par Lanterne.",
        "dct:publisher": {"@id": publisher},
        "dct:license": {"@id": LICENCE_URL},
        "foaf:homepage": {"@id": base_url},
        "dcat:dataset": [{"@id": entry.uri} for entry in entries],
    }
    agent = {"@id": publisher, "@type": "foaf:Agent", "foaf:name": producer}
    return {"@context": NS, "@graph": [catalogue, agent, *(_dataset_ld(e, publisher) for e in entries)]}


def _term(name: str) -> str:
    """`dct:title` → `{http://purl.org/dc/terms/}title`, lxml's spelling of a qualified name."""
    prefix, local = name.split(":", 1)
    return f"{{{NS[prefix]}}}{local}"


def _node_xml(parent: etree._Element, node: dict[str, Any]) -> None:
    element = etree.SubElement(parent, _term(node["@type"]))
    if "@id" in node:
        element.set(_term("rdf:about"), node["@id"])
    for name, value in node.items():
        if name.startswith("@"):
            continue
        for item in value if isinstance(value, list) else [value]:
            _property_xml(element, name, item)


def _property_xml(element: etree._Element, name: str, item: Any) -> None:
    prop = etree.SubElement(element, _term(name))
    if isinstance(item, str):
        prop.text = item
    elif "@value" in item:
        prop.text = item["@value"]
        prop.set(_term("rdf:datatype"), NS["xsd"] + item["@type"].split(":", 1)[1])
    elif "@type" in item:  # a described node: nested (distribution, period of time)
        _node_xml(prop, item)
    else:
        prop.set(_term("rdf:resource"), item["@id"])


def catalogue_rdfxml(jsonld: dict[str, Any]) -> bytes:
    """The same graph as RDF/XML, rendered from the JSON-LD so the two can never disagree."""
    root = etree.Element(_term("rdf:RDF"), nsmap=NS)
    for node in jsonld["@graph"]:
        _node_xml(root, node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
