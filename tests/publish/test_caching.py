"""ETag / Last-Modified validators, 304 decisions, and the CORS headers the app sends for reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from starlette.testclient import TestClient

from lanterne.app import create_app
from lanterne.publish.caching import file_validators, not_modified, public_query, validators
from lanterne.runtime import Runtime

UPDATED = datetime(2026, 9, 1, 1, 30, 12, 345678, tzinfo=UTC)


def test_etag_changes_with_the_data_and_the_question_but_not_the_key() -> None:
    base = validators("programmation-cinemas", UPDATED, "cineid_eq=1000035&size=20")
    assert base.etag.startswith('"') and base.etag.endswith('"')
    same = validators("programmation-cinemas", UPDATED, "cineid_eq=1000035&size=20&apiKey=lnt_secret")
    assert same.etag == base.etag
    assert validators("programmation-cinemas", UPDATED, "cineid_eq=1000036&size=20").etag != base.etag
    assert (
        validators("programmation-cinemas", UPDATED + timedelta(seconds=1), "cineid_eq=1000035&size=20").etag
        != base.etag
    )
    assert base.last_modified == UPDATED.replace(microsecond=0)
    assert base.headers()["last-modified"] == "Tue, 01 Sep 2026 01:30:12 GMT"


def test_public_query_drops_only_the_api_key() -> None:
    assert public_query("apiKey=x&q=cl%C3%A9o&size=") == "q=cl%C3%A9o&size="


def test_if_none_match_decides_before_if_modified_since() -> None:
    current = validators("films", UPDATED)
    later = format_datetime(UPDATED + timedelta(hours=1), usegmt=True)
    assert not_modified({"if-none-match": current.etag}, current)
    assert not_modified({"if-none-match": f'"other", W/{current.etag}'}, current)
    assert not_modified({"if-none-match": "*"}, current)
    assert not not_modified({"if-none-match": '"other"', "if-modified-since": later}, current)
    assert not_modified({"if-modified-since": later}, current)
    assert not_modified({"if-modified-since": current.headers()["last-modified"]}, current)
    earlier = format_datetime(UPDATED - timedelta(hours=1), usegmt=True)
    assert not not_modified({"if-modified-since": earlier}, current)
    assert not not_modified({"if-modified-since": "hier soir"}, current)
    assert not not_modified({}, current)


def test_file_validators_change_when_the_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "films.csv"
    path.write_bytes(b"a\r\n")
    first = file_validators(path)
    path.write_bytes(b"a\r\nb\r\n")
    assert file_validators(path).etag != first.etag


def test_cors_is_open_for_reads(runtime: Runtime) -> None:
    with TestClient(create_app(runtime=runtime)) as client:
        answer = client.get("/health", headers={"Origin": "https://carte.example"})
        assert answer.headers["access-control-allow-origin"] == "*"
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert "etag" in exposed and "link" in exposed
        preflight = client.options(
            "/api/cinemas",
            headers={
                "Origin": "https://carte.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-apiKey",
            },
        )
        assert preflight.status_code == 200
        assert "GET" in preflight.headers["access-control-allow-methods"]
        assert "DELETE" not in preflight.headers["access-control-allow-methods"]
        refused = client.options(
            "/api/cinemas",
            headers={"Origin": "https://carte.example", "Access-Control-Request-Method": "DELETE"},
        )
        assert refused.status_code == 400
