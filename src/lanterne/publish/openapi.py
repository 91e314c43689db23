"""What a reuser reads before writing a script: a dataset's schema (Data Fair's field list) and its own
OpenAPI document (`api-docs.json`), naming every column and the filters each one takes.
"""

from __future__ import annotations

from typing import Any

from lanterne.publish.datasets import Column, Dataset
from lanterne.publish.filters import OPERATORS
from lanterne.publish.query import DEFAULT_SIZE, FORMATS, MAX_SIZE

JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
}


def field_schema(column: Column) -> dict[str, Any]:
    """One column as Data Fair describes it in `/schema`: key, JSON type and format, title."""
    return {
        "key": column.name,
        **JSON_TYPES[column.type],
        "title": column.title,
        "description": column.description,
    }


def schema(dataset: Dataset) -> list[dict[str, Any]]:
    return [field_schema(column) for column in dataset.columns]


def _param(name: str, description: str, schema_: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema_ or {"type": "string"},
    }


def _lines_parameters(dataset: Dataset) -> list[dict[str, Any]]:
    names = ", ".join(column.name for column in dataset.columns)
    parameters = [
        _param("q", "Recherche plein texte (accents et casse ignorés), chaque mot en début de mot"),
        _param("q_fields", f"Colonnes où chercher q, séparées par des virgules, parmi : {names}"),
        _param("select", f"Colonnes à renvoyer, séparées par des virgules, parmi : {names}"),
        _param("sort", "Tri : colonnes séparées par des virgules, « -colonne » pour décroissant"),
        _param(
            "size",
            f"Lignes par page (défaut {DEFAULT_SIZE}, au plus {MAX_SIZE})",
            {"type": "integer", "minimum": 0, "maximum": MAX_SIZE},
        ),
        _param(
            "page",
            "Numéro de page (page × size ≤ 10 000) ; au-delà, suivre « next »",
            {"type": "integer", "minimum": 1},
        ),
        _param("after", "Curseur de la page suivante, tel que donné par « next » et l'en-tête Link"),
        _param("count", "false pour ne pas compter les lignes", {"type": "boolean"}),
        _param("format", "Format de la réponse", {"type": "string", "enum": list(FORMATS)}),
        _param("sep", "Séparateur du CSV", {"type": "string", "enum": [",", ";"]}),
        _param("header", "false pour un CSV sans ligne d'en-tête", {"type": "boolean"}),
    ]
    if dataset.geo:
        parameters.append(_param("bbox", "lonmin,latmin,lonmax,latmax"))
        parameters.append(_param("geo_distance", "lon:lat:distance en mètres (ou « 10km »)"))
    if dataset.start_column:
        parameters.append(
            _param("date_match", "Un jour (2026-09-01) ou un intervalle « début,fin », heure de Paris")
        )
    for column in dataset.columns:
        for operator in ("eq", "in", "gte", "lte"):
            parameters.append(
                _param(f"{column.name}_{operator}", f"Filtre « {operator} » sur {column.title}")
            )
    return parameters


def _operation(
    summary: str, parameters: list[dict[str, Any]], content: str = "application/json"
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": {content: {}}},
                "400": {"description": "Paramètre invalide"},
            },
        }
    }


def api_docs(dataset: Dataset, base_url: str) -> dict[str, Any]:
    """An OpenAPI 3.1 document for one dataset, as Data Fair serves at `…/api-docs.json`."""
    filters = _lines_parameters(dataset)
    field = {
        "name": "field",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": [c.name for c in dataset.columns]},
    }
    metric = _param(
        "metric",
        "avg, sum, min, max ou count",
        {"type": "string", "enum": ["avg", "sum", "min", "max", "count"]},
    )
    operators = ", ".join(f"_{name}" for name in OPERATORS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": dataset.title,
            "description": f"{dataset.description}\n\nFiltres par colonne : {{colonne}}{operators}.",
            "version": "1",
        },
        "servers": [{"url": f"{base_url.rstrip('/')}/data-fair/api/v1/datasets/{dataset.id}"}],
        "paths": {
            "/lines": _operation("Lignes du jeu de données", filters),
            "/full": _operation("Export complet (filtres, colonnes et tri appliqués)", filters, "text/csv"),
            "/values/{field}": _operation(
                "Valeurs distinctes d'une colonne", [field, _param("size", "Nombre de valeurs")]
            ),
            "/values_agg": _operation(
                "Groupes par valeur d'une colonne",
                [
                    _param("field", "Colonne"),
                    metric,
                    _param("metric_field", "Colonne mesurée"),
                    _param("agg_size", "Nombre de groupes"),
                ],
            ),
            "/metric_agg": _operation(
                "Une mesure sur les lignes filtrées", [_param("field", "Colonne"), metric]
            ),
            "/schema": _operation(
                "Colonnes du jeu de données",
                [_param("mimeType", "application/tableschema+json pour un Table Schema")],
            ),
        },
        "components": {
            "schemas": {
                "line": {
                    "type": "object",
                    "properties": {c.name: {**JSON_TYPES[c.type], "title": c.title} for c in dataset.columns},
                }
            }
        },
    }
