"""Random parameters thrown at every endpoint of the open-data API: a 400 or a 404 at worst, never a 500.

The client re-raises any server exception, so a crash fails the test with its traceback.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lanterne.publish.datasets import DATASETS
from lanterne.publish.filters import OPERATORS

ENDPOINTS = (
    "lines",
    "full",
    "values/{field}",
    "values_agg",
    "metric_agg",
    "schema",
    "api-docs.json",
    "",
    "metadata",
)
COLUMNS = sorted({column.name for dataset in DATASETS.values() for column in dataset.columns})
KNOWN = [
    "q", "q_fields", "select", "sort", "size", "page", "after", "count", "format", "sep", "header", "bbox",
    "geo_distance", "date_match", "field", "metric", "metric_field", "agg_size", "mimeType", "qs",
]  # fmt: skip
FILTERS = st.builds(lambda c, o: f"{c}_{o}", st.sampled_from(COLUMNS), st.sampled_from(list(OPERATORS)))
NAMES = st.one_of(st.sampled_from(KNOWN), FILTERS, st.text(max_size=12))
ODD = [
    "", "-1", "0", "1", "10000", "10001", "true", "false", "nan", "inf", "1e400", "2026-09-07",
    "2026-09-07,2026-09-09", "2026-09-07T20:00:00+02:00", "9999-12-31T23:59:59", "0001-01-01", "1,2",
    '"a,b",c', "2.35:48.85:5km", "-2,47,0,49", "showid", "-showstart,cinenom", "csv", "xlsx", "geojson",
    "ics", "parquet", "json", ";", "\x00",
    "é", "%", "_", "avg", "sum", "count", "min", "max", str(2**64), "WyIxIl0", "W10", "e30",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(datetime.isoformat),
)
DATASET_IDS = st.one_of(st.sampled_from(sorted(DATASETS)), st.text(min_size=1, max_size=10))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(["/data-fair/api/v1/datasets", "/api/v1/datasets"]),
    dataset_id=DATASET_IDS,
    endpoint=st.sampled_from(ENDPOINTS),
    field=st.one_of(st.sampled_from(COLUMNS), st.text(min_size=1, max_size=10)),
    params=st.dictionaries(NAMES, VALUES, max_size=5),
)
def test_no_parameter_makes_a_500(
    catalog_api: TestClient, prefix: str, dataset_id: str, endpoint: str, field: str, params: dict[str, str]
) -> None:
    path = endpoint.replace("{field}", quote(field, safe=""))
    url = f"{prefix}/{quote(dataset_id, safe='')}/{path}".rstrip("/")
    response = catalog_api.get(url, params=params)
    assert response.status_code in (200, 400, 404), (url, params, response.status_code, response.text[:300])
    if response.status_code == 400:
        assert response.json()["field"], response.text
