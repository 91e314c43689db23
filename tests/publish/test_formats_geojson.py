"""GeoJSON exports parsed back as JSON: a FeatureCollection of points, rows without coordinates skipped."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from tests.publish.export_samples import COLUMNS, SampleDataset, showtimes

from lanterne.errors import InvalidValue
from lanterne.publish import formats


def test_geojson_features_are_points_in_lon_lat_order() -> None:
    body = b"".join(formats.write("geojson", SampleDataset(), COLUMNS, showtimes(2100), {}))
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 2100 - 300  # every seventh séance has no coordinates
    first = features[0]
    assert first["geometry"] == {"type": "Point", "coordinates": [2.3522, 48.8566]}
    assert first["properties"]["showstart"] == "2026-09-02T20:30:00+02:00"
    assert first["properties"]["cinenom"] == "Le Balzac"


def test_geojson_of_no_rows_is_an_empty_collection() -> None:
    body = b"".join(formats.write("geojson", SampleDataset(), COLUMNS, iter(()), {}))
    assert json.loads(body) == {"type": "FeatureCollection", "features": []}


def test_geojson_needs_coordinates() -> None:
    with pytest.raises(InvalidValue):
        formats.write("geojson", replace(SampleDataset(), geo=None), COLUMNS, showtimes(1), {})
    with pytest.raises(InvalidValue) as error:
        formats.write("geojson", SampleDataset(), COLUMNS[:3], showtimes(1), {})
    assert error.value.field == "select"
