"""The demo's schools: directory-shaped UAIs, near the cinemas, some with a cinema option."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from lanterne.catalog.models import School
from lanterne.demo.cinemas import generate_cinemas
from lanterne.demo.schools import UAI_LETTERS, school_rows, uai

UPDATED = datetime(2026, 11, 23, tzinfo=UTC)


def test_uai_has_department_serial_and_check_letter() -> None:
    assert uai("35", 1234) == "0351234" + UAI_LETTERS[351234 % 23]
    assert uai("2A", 12).startswith("620")
    assert uai("2B", 12).startswith("720")
    assert uai("974", 5).startswith("974")
    assert re.fullmatch(r"\d{7}[A-Z]", uai("75", 101))


def test_schools_are_unique_near_their_cinema_and_varied() -> None:
    cinemas = generate_cinemas(5, 300)
    rows = list(school_rows(5, cinemas, 10, UPDATED))
    assert len(rows) == 3000
    assert len({row["uai"] for row in rows}) == 3000
    assert set(rows[0]) <= set(School.__table__.c.keys())
    kinds = Counter(row["kind"] for row in rows)
    assert set(kinds) == {"École", "Collège", "Lycée"}
    assert 0 < sum(row["cinema_section"] for row in rows) < 300
    assert {row["sector"] for row in rows} == {"public", "privé"}
    assert all(len(row["postcode"]) == 5 for row in rows)
    by_id = {cinema.commune.insee: cinema.commune for cinema in cinemas}
    for row in rows:
        assert abs(row["latitude"] - by_id[row["insee_code"]].latitude) < 0.2
