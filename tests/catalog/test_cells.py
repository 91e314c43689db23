"""Cell values repaired: lost leading zeros, French numbers, OUI/NON, departments."""

from __future__ import annotations

import pytest

from lanterne.catalog.importers import cells
from lanterne.errors import InvalidValue


def test_postcodes_are_five_digits() -> None:
    assert cells.postcode("1000", "cp") == "01000"
    assert cells.postcode(1000, "cp") == "01000"
    assert cells.postcode("75008", "cp") == "75008"
    assert cells.postcode("", "cp") is None
    with pytest.raises(InvalidValue, match="5"):
        cells.postcode("750080", "cp")
    with pytest.raises(InvalidValue):
        cells.postcode("2A004", "cp")


def test_departments_are_padded_and_normalized() -> None:
    assert cells.department("1", "DEP") == "01"
    assert cells.department(1, "DEP") == "01"
    assert cells.department("2a", "DEP") == "2A"
    assert cells.department("035", "DEP") == "35"
    assert cells.department("971", "DEP") == "971"
    assert cells.department("02B", "DEP") == "2B"
    with pytest.raises(InvalidValue) as caught:
        cells.department("7X", "DEP")
    assert caught.value.field == "DEP"


def test_numbers_from_exports() -> None:
    assert cells.integer("36218.0", "n") == 36218
    assert cells.integer(" 1 234 ", "n") == 1234
    assert cells.number("0,5", "n") == 0.5
    assert cells.integer("#VALUE!", "n") is None
    with pytest.raises(InvalidValue, match="entier"):
        cells.integer("2.5", "n")
    with pytest.raises(InvalidValue, match="au moins 0"):
        cells.integer("-3", "n")
    with pytest.raises(InvalidValue, match="nombre attendu"):
        cells.number("beaucoup", "n")


def test_flags_and_codes() -> None:
    assert cells.flag("OUI", "AE") is True
    assert cells.flag("non", "AE") is False
    assert cells.flag("x", "AE") is True
    assert cells.flag(None, "AE") is False
    with pytest.raises(InvalidValue, match="OUI ou NON"):
        cells.flag("peut-être", "AE")
    assert cells.code(1004, "insee", 5) == "01004"
    assert cells.code("2a004", "insee", 5) == "2A004"
    assert cells.text("  UGC   OPERA ", "nom") == "UGC OPERA"
    with pytest.raises(InvalidValue, match="trop long"):
        cells.text("x" * 11, "nom", 10)
