"""French display of dates, numbers and distances on the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lanterne.portal import display


def test_days_and_times_read_as_a_french_programme_in_paris_time() -> None:
    assert display.day_label(date(2026, 9, 9)) == "mercredi 9 septembre"
    assert display.day_label(date(2026, 11, 1)) == "dimanche 1er novembre"
    summer = datetime(2026, 9, 9, 18, 30, tzinfo=UTC)
    assert display.moment_label(summer) == "mercredi 9 septembre à 20h30"
    assert display.cell(summer, "datetime") == "09/09/2026 20:30"


def test_cells_numbers_and_distances() -> None:
    assert display.cell(True, "boolean") == "Oui" and display.cell(None, "string") == ""
    assert display.cell(48.873500, "number") == "48.8735"
    assert display.thousands(1008581) == "1\u202f008\u202f581"
    assert display.kilometres(2345) == "2,3 km" and display.kilometres(123_400) == "123 km"
    assert display.runtime(6240) == "1h44"


def test_distance_between_paris_and_rennes() -> None:
    metres = display.distance(48.8735, 2.3005, 48.0953, -1.6713)
    assert 300_000 < metres < 310_000
