"""The demo's cinemas: CNC ids, realistic Art et Essai proportions, places, connectors."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from lanterne.catalog.models import Cinema
from lanterne.demo.cinemas import generate_cinemas
from lanterne.demo.communes import OVERSEAS

SEED = 7


def test_ids_follow_the_union_scheme_and_never_repeat() -> None:
    cinemas = generate_cinemas(SEED, 2000)
    assert len({cinema.id for cinema in cinemas}) == 2000
    for cinema in cinemas:
        assert cinema.id == cinema.cnc_region * 1_000_000 + cinema.cnc_number


def test_art_et_essai_proportions_are_those_of_the_cnc_list() -> None:
    cinemas = generate_cinemas(SEED, 2000)
    art_et_essai = [cinema for cinema in cinemas if cinema.art_et_essai]
    assert 0.56 < len(art_et_essai) / len(cinemas) < 0.64
    shares = Counter(cinema.category for cinema in art_et_essai)
    for category, expected in {"A": 7, "B": 2, "C": 20, "D": 16, "E": 55}.items():
        assert abs(100 * shares[category] / len(art_et_essai) - expected) < 4, category
    assert all(
        cinema.category is None and not any(cinema.labels) for cinema in cinemas if not cinema.art_et_essai
    )
    assert 0.6 < sum(cinema.labels[1] for cinema in art_et_essai) / len(art_et_essai) < 0.8  # Jeune Public


def test_cinemas_spread_over_france_and_overseas_near_their_commune() -> None:
    cinemas = generate_cinemas(SEED, 300)
    assert {cinema.commune.department for cinema in cinemas} >= set(OVERSEAS)
    assert len({cinema.commune.department for cinema in cinemas}) > 50
    for cinema in cinemas:
        assert abs(cinema.latitude - cinema.commune.latitude) < 0.06
        assert abs(cinema.longitude - cinema.commune.longitude) < 0.06


def test_multiplexes_consent_and_connectors_are_spread() -> None:
    cinemas = generate_cinemas(SEED, 2000)
    assert 0.08 < sum(cinema.multiplex for cinema in cinemas) / 2000 < 0.15
    assert all(cinema.screens >= 8 for cinema in cinemas if cinema.multiplex)
    assert 0.85 < sum(cinema.publish_consent for cinema in cinemas) / 2000 < 0.95
    connectors = Counter(cinema.connector for cinema in cinemas)
    assert set(connectors) == {"cds", "boost", "allocine", "ems", "cgr", "monnaie", "spreadsheet"}


def test_rows_fit_the_cinemas_table_with_5_character_postcodes() -> None:
    columns = set(Cinema.__table__.c.keys())
    for cinema in generate_cinemas(SEED, 300):
        row = cinema.row(SEED, created=datetime(2026, 11, 23, tzinfo=UTC))
        assert set(row) <= columns
        assert len(row["postcode"]) == 5
        assert row["seats"] == sum(cinema.capacities)
        assert row["connector_settings"] == {"demo_seed": SEED}


def test_a_larger_demo_keeps_the_smaller_ones_cinemas() -> None:
    assert generate_cinemas(SEED, 40) == generate_cinemas(SEED, 120)[:40]
    assert generate_cinemas(SEED, 40) != generate_cinemas(SEED + 1, 40)
