"""The demo's places: real-looking communes with 5-character postcodes and a region for each."""

from __future__ import annotations

from lanterne.demo.communes import COMMUNES, DEPARTMENTS, OVERSEAS, OVERSEAS_COMMUNES, time_zone


def test_every_commune_has_5_character_codes_and_a_known_department() -> None:
    for commune in COMMUNES:
        assert len(commune.postcode) == 5 and commune.postcode.isdigit(), commune
        assert len(commune.insee) == 5, commune
        assert commune.insee.startswith(commune.department[:2]), commune
        assert commune.department in DEPARTMENTS, commune


def test_the_table_covers_metropolitan_france_and_every_overseas_department() -> None:
    assert len(COMMUNES) >= 100
    assert len({commune.department for commune in COMMUNES}) >= 90
    assert set(OVERSEAS) == {"971", "972", "973", "974", "976"}
    assert all(OVERSEAS_COMMUNES[code] for code in OVERSEAS)


def test_metropolitan_communes_lie_in_france() -> None:
    for commune in COMMUNES:
        if commune.department not in OVERSEAS:
            assert 41.3 < commune.latitude < 51.1 and -5.2 < commune.longitude < 9.6, commune


def test_overseas_departments_keep_their_own_clocks() -> None:
    assert time_zone("75") == "Europe/Paris"
    assert time_zone("2A") == "Europe/Paris"
    assert time_zone("971") == "America/Guadeloupe"
    assert time_zone("974") == "Indian/Reunion"
    assert DEPARTMENTS["972"] == ("Martinique", 10)
    assert DEPARTMENTS["75"] == ("Île-de-France", 1)
