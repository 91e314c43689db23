"""GeoJSON FeatureCollection (RFC 7946) for maps: one Point per row that has coordinates.

Rows without coordinates are skipped (a feature needs a geometry); every column stays a property.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from lanterne.errors import InvalidValue
from lanterne.publish.formats.values import (
    ColumnLike,
    Columns,
    DatasetLike,
    Options,
    Rows,
    column_index,
    text_value,
)

BATCH = 1000


def coordinates_at(dataset: DatasetLike, columns: Sequence[ColumnLike]) -> tuple[int, int]:
    """Where latitude and longitude sit in the exported row; both must be among the selected columns."""
    geo = getattr(dataset, "geo", None)
    if not geo:
        raise InvalidValue("format", f"le jeu de données « {dataset.id} » n'a pas de coordonnées")
    lat, lon = column_index(columns, geo[0]), column_index(columns, geo[1])
    if lat is None or lon is None:
        raise InvalidValue("select", f"le format geojson demande les colonnes {geo[0]} et {geo[1]}")
    return lat, lon


def _feature(names: Sequence[str], row: tuple[Any, ...], lat: int, lon: int) -> bytes:
    properties = {name: text_value(value) for name, value in zip(names, row, strict=True)}
    geometry = {"type": "Point", "coordinates": [row[lon], row[lat]]}  # GeoJSON is lon, lat
    return orjson.dumps({"type": "Feature", "geometry": geometry, "properties": properties})


def write(dataset: DatasetLike, columns: Columns, rows: Rows, options: Options) -> Iterator[bytes]:
    """Stream the collection: an opening, comma-joined features a thousand at a time, a closing."""
    lat, lon = coordinates_at(dataset, columns)
    names = [column.name for column in columns]
    yield b'{"type":"FeatureCollection","features":['
    batch: list[bytes] = []
    first = True
    for row in rows:
        if row[lat] is None or row[lon] is None:
            continue
        batch.append(_feature(names, row, lat, lon))
        if len(batch) == BATCH:
            yield (b"" if first else b",") + b",".join(batch)
            first, batch = False, []
    if batch:
        yield (b"" if first else b",") + b",".join(batch)
    yield b"]}"
