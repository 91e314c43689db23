"""The home page (every dataset with its size and freshness) and the search for cinemas, films, towns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from lanterne.portal import display
from lanterne.portal.reading import CINEMAS, FILMS, rows
from lanterne.publish.datasets import DATASETS, EPOCH

SEARCH_SIZE = 12


@dataclass(frozen=True)
class DatasetCard:
    id: str
    title: str
    description: str
    rows: str
    updated: str
    keywords: tuple[str, ...]


def dataset_cards(engine: Engine) -> list[DatasetCard]:
    """Each dataset's row count (the publish layer caches it) and its last update, in French."""
    cards = []
    for dataset in DATASETS.values():
        stamp = dataset.last_updated(engine)
        updated = "—" if stamp == EPOCH else display.moment_label(stamp)
        size = display.thousands(dataset.count(engine))
        cards.append(
            DatasetCard(dataset.id, dataset.title, dataset.description, size, updated, dataset.keywords)
        )
    return cards


@dataclass(frozen=True)
class SearchResults:
    q: str
    cinemas: list[dict[str, Any]]
    films: list[dict[str, Any]]
    towns: list[tuple[str, str]]  # (commune, département)

    @property
    def empty(self) -> bool:
        return not (self.cinemas or self.films or self.towns)


def search(engine: Engine, q: str) -> SearchResults:
    """Cinemas and films by the API's full-text `q`; towns from the cinemas' communes."""
    q = q.strip()[:200]
    if not q:
        return SearchResults("", [], [], [])
    size = str(SEARCH_SIZE)
    cinemas = rows(engine, CINEMAS, {"q": q, "size": size, "select": "cineid,cinenom,cineville,cinecp"})
    films = rows(engine, FILMS, {"q": q, "size": size, "select": "filmid,filmtitle,filmdirector,filmyear"})
    places = rows(
        engine, CINEMAS, {"cineville_contains": q, "size": "200", "select": "cineville,cinedepartement"}
    )
    towns = sorted({(p["cineville"], p["cinedepartement"] or "") for p in places if p["cineville"]})
    return SearchResults(q, cinemas, films, towns[:SEARCH_SIZE])
