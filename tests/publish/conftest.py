"""Fixtures of the publish tests: the small sample catalog loaded and the app to query it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.publish.sample_catalog import build

from lanterne.app import create_app
from lanterne.runtime import Runtime


@pytest.fixture
def catalog_api(engine: Engine, runtime: Runtime) -> Iterator[TestClient]:
    """The sample catalog in the test database, and a client of the whole app over it."""
    build(engine)
    runtime.settings.rate_limit_anonymous = 100_000  # these tests query much faster than any reuser
    with TestClient(create_app(runtime=runtime)) as client:
        yield client
