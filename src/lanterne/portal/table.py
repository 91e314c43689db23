"""The dataset table: the page's query string is the API's (Data Fair's words), so the page, its API
URL, its downloads and its embed all show the same rows; filtering is the publish layer's, not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine

from lanterne.portal import display
from lanterne.portal.reading import as_dicts, capped_count
from lanterne.publish import formats
from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.filters import split_filter
from lanterne.publish.lines import dataset_of, fetch_page
from lanterne.publish.query import parse_lines

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_SIZE = 20
PAGING = ("after", "page")
CONTROLS = ("q", "select", "size", "sort", *PAGING)
# What a first look at each dataset shows; the column chooser offers the rest.
DEFAULT_COLUMNS = {
    "programmation-cinemas": ("showstart", "filmtitle", "cinenom", "cineville", "filmversion", "evenement"),
    "evenements-cinemas": ("showstart", "evenement", "filmtitle", "cinenom", "cineville", "cinedepartement"),
    "cinemas": ("cinenom", "cineville", "cinedepartement", "cinecategorie", "ecrans", "fauteuils"),
    "films": ("filmtitle", "filmdirector", "filmyear", "filmgenre", "recommandationae", "audiodescription"),
    "etablissements-scolaires": (
        "nom_etablissement",
        "type_etablissement",
        "nom_commune",
        "code_departement",
        "section_cinema",
    ),
}
# The per-column search each type gets in the header row, in Data Fair's operators.
COLUMN_OPERATOR = {"string": "contains", "boolean": "eq", "datetime": "gte", "date": "gte"}
DOWNLOADS = (
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("geojson", "GeoJSON"),
    ("ics", "iCal"),
    ("parquet", "Parquet"),
)
Params = list[tuple[str, str]]
OPERATOR_WORDS = {
    "eq": "=",
    "neq": "≠",
    "in": "parmi",
    "nin": "hors de",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "starts": "commence par",
    "contains": "contient",
    "search": "contient les mots",
    "exists": "renseigné",
    "nexists": "non renseigné",
}


def canonical(params: Sequence[tuple[str, str]]) -> Params | None:
    """The tidy query string a plain form post should land on (empty fields dropped, the column
    checkboxes joined into one `select`), or None when the URL is already tidy."""
    tidy: Params = []
    chosen = ",".join(value for name, value in params if name == "select" and value.strip())
    for name, value in params:
        if name == "select" and chosen:
            tidy.append((name, chosen))
            chosen = ""
        elif value.strip() and name not in ("select", "format"):
            tidy.append((name, value))
    return None if tidy == list(params) else tidy


def effective(dataset: Dataset, params: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The API parameters of the view: the page's, with the default columns and size made explicit."""
    single = dict(params)
    single.setdefault("select", ",".join(default_columns(dataset)))
    single.setdefault("size", str(DEFAULT_SIZE))
    single.pop("format", None)
    return single


def default_columns(dataset: Dataset) -> tuple[str, ...]:
    names = DEFAULT_COLUMNS.get(dataset.id)
    if names and all(dataset.column(name) for name in names):
        return names
    return tuple(column.name for column in dataset.columns[:7])


def query_string(params: dict[str, str] | Params, *drop: str, **changes: str) -> str:
    items = params.items() if isinstance(params, dict) else params
    kept = [(k, v) for k, v in items if k not in drop and k not in changes]
    return urlencode([*kept, *changes.items()], safe=",:")


@dataclass
class Header:
    column: Column
    sort_url: str
    sorted: str | None  # "ascending", "descending" or None (aria-sort)
    filter_name: str
    filter_value: str
    type: str


@dataclass
class TableView:
    dataset: Dataset
    page_path: str
    params: dict[str, str]
    headers: list[Header]
    rows: list[list[tuple[str, bool]]]  # (text, is a link)
    total: int | None
    more_than: bool
    next_url: str | None
    first_url: str | None
    api_url: str
    downloads: list[tuple[str, str]]
    embed_url: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    active: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, url without it)
    columns: list[tuple[Column, bool]] = field(default_factory=list)
    sizes: tuple[int, ...] = PAGE_SIZES


def _sort_state(params: dict[str, str], name: str) -> str | None:
    first = params.get("sort", "").split(",")[0].strip()
    if first == name or first == f"+{name}":
        return "ascending"
    return "descending" if first == f"-{name}" else None


def _header(column: Column, params: dict[str, str], page_path: str) -> Header:
    state = _sort_state(params, column.name)
    order = f"-{column.name}" if state == "ascending" else column.name
    url = f"{page_path}?{query_string(params, *PAGING, sort=order)}"
    operator = COLUMN_OPERATOR.get(column.type, "eq")
    name = f"{column.name}_{operator}"
    return Header(column, url, state, name, params.get(name, ""), column.type)


def _cells(query: Any, found: list[dict[str, Any]]) -> list[list[tuple[str, bool]]]:
    kinds = [(column.name, column.type) for column in query.columns]
    return [
        [(display.cell(row[name], kind), display.is_link(row[name])) for name, kind in kinds] for row in found
    ]


def _filters_outside_header(dataset: Dataset, params: dict[str, str], shown: set[str]) -> Params:
    """Filters of the URL that no visible header field carries: kept as hidden fields on the next search."""
    kept: Params = []
    for name, value in params.items():
        if name in CONTROLS or name in shown:
            continue
        kept.append((name, value))
    return kept


def _active(dataset: Dataset, params: dict[str, str], page_path: str) -> list[tuple[str, str, str]]:
    chips = []
    for name, value in params.items():
        if name in CONTROLS:
            continue
        found = split_filter(dataset, name)
        label = f"{found[0].title} {OPERATOR_WORDS[found[1]]}" if found else name
        chips.append((label, value, f"{page_path}?{query_string(params, name, *PAGING)}"))
    if params.get("q"):
        chips.insert(0, ("Recherche :", params["q"], f"{page_path}?{query_string(params, 'q', *PAGING)}"))
    return chips


def _exports(dataset: Dataset, params: dict[str, str], api_base: str) -> list[tuple[str, str]]:
    """The whole filtered view (every page), in the current columns and order, in each format it fits."""
    links = []
    for name, label in DOWNLOADS:
        if formats.supports(name, dataset):
            links.append((label, f"{api_base}/full?{query_string(params, 'size', *PAGING, format=name)}"))
    return links


def table_view(
    engine: Engine, dataset_id: str, params: Sequence[tuple[str, str]], base_url: str, page_path: str
) -> TableView:
    """Everything the table page shows; a bad parameter raises the API's own InvalidValue."""
    dataset = dataset_of(dataset_id)
    single = dict(params)
    api = effective(dataset, params)
    query = parse_lines(dataset, {**api, "count": "false"})
    page = fetch_page(engine, query)
    total, more_than = capped_count(engine, dataset.id, api)
    headers = [_header(column, single, page_path) for column in query.columns]
    base = base_url.rstrip("/")
    api_base = f"{base}/data-fair/api/v1/datasets/{dataset.id}"
    following = page.next_params
    return TableView(
        dataset=dataset,
        page_path=page_path,
        params=single,
        headers=headers,
        rows=_cells(query, as_dicts(query, page.rows)),
        total=total,
        more_than=more_than,
        next_url=f"{page_path}?{query_string(single, *PAGING, **following)}" if following else None,
        first_url=f"{page_path}?{query_string(single, *PAGING)}" if set(PAGING) & set(single) else None,
        api_url=f"{api_base}/lines?{query_string(api)}",
        downloads=_exports(dataset, api, api_base),
        embed_url=f"{base}/embed/{dataset.id}/table?{query_string(single, *PAGING)}",
        hidden=_filters_outside_header(dataset, single, {h.filter_name for h in headers}),
        active=_active(dataset, single, page_path),
        columns=[(column, column in query.columns) for column in dataset.columns],
    )
