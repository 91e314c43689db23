"""The table's query strings: tidy URLs for plain form posts, the API parameters of a view."""

from __future__ import annotations

import lanterne.app  # noqa: F401  (every domain's datasets registered, as in the running service)
from lanterne.portal.table import canonical, effective, query_string
from lanterne.publish.lines import dataset_of


def test_a_tidy_url_is_left_alone() -> None:
    assert canonical([("q", "rennes"), ("select", "cinenom,cineville"), ("sort", "-cinenom")]) is None


def test_empty_fields_go_and_column_checkboxes_join_where_the_first_stood() -> None:
    posted = [("q", ""), ("select", "cinenom"), ("cineville_contains", " "), ("select", "cineville"),
              ("size", "20"), ("format", "csv")]  # fmt: skip
    assert canonical(posted) == [("select", "cinenom,cineville"), ("size", "20")]


def test_a_view_makes_its_default_columns_and_size_explicit() -> None:
    cinemas = dataset_of("cinemas")
    api = effective(cinemas, [("q", "arvor")])
    assert api["q"] == "arvor" and api["size"] == "20"
    assert api["select"].split(",")[0] == "cinenom"
    assert effective(cinemas, [("select", "cineid"), ("size", "50")])["select"] == "cineid"


def test_query_strings_keep_commas_and_colons_readable() -> None:
    params = {"select": "a,b", "geo_distance": "2.3:48.8:5km", "after": "xyz"}
    assert query_string(params, "after", sort="-a") == "select=a,b&geo_distance=2.3:48.8:5km&sort=-a"
