"""The revenue share of a small campaign, worked out by hand in the comments."""

from __future__ import annotations

from fractions import Fraction

from lanterne.audience.revenue import largest_remainder, share_revenue

# €10,000.00 shared among six cinemas (ids 1–6) that contributed 500, 200, 150, 100, 50 and 0 people.
PEOPLE = {1: 500, 2: 200, 3: 150, 4: 100, 5: 50, 6: 0}


def test_floor_proportional_cap_and_redistribution() -> None:
    shares = {s.cinema_id: s for s in share_revenue(1_000_000, PEOPLE)}
    # Floor: 10 % = 100,000 c split in six = 16,666.67 each.
    # Proportional: 900,000 c / 1,000 people = 900 c each.
    # Cinema 1: 16,666.67 + 450,000 = 466,666.67 > cap 250,000 → capped; its excess 216,666.67 goes to
    #   2–5 by people (500): 2 +86,666.67, 3 +65,000, 4 +43,333.33, 5 +21,666.67.
    # Cinema 2: 16,666.67 + 180,000 + 86,666.67 = 283,333.33 > cap → capped;
    #   its excess 33,333.33 goes to 3–5 by people (300):
    #   3 +16,666.67, 4 +11,111.11, 5 +5,555.56.
    # Exact totals: 250,000 | 250,000 | 233,333.33 | 161,111.11 | 88,888.89 | 16,666.67 = 1,000,000.
    # Cents by largest remainder: the 2 leftover cents go to 5 (.889) and 6 (.667).
    assert {c: s.total_cents for c, s in shares.items()} == {
        1: 250_000,
        2: 250_000,
        3: 233_333,
        4: 161_111,
        5: 88_889,
        6: 16_667,
    }
    assert sum(s.total_cents for s in shares.values()) == 1_000_000
    # The floor part, 16,666.67 each, rounds to 16,667 for the first four (largest remainder, ties by id).
    assert [shares[c].floor_cents for c in range(1, 7)] == [16_667, 16_667, 16_667, 16_667, 16_666, 16_666]
    assert shares[6].proportional_cents == 1  # it brought nobody: the floor, plus the leftover cent
    assert not any(s.held for s in shares.values())


def test_a_cinema_whose_count_jumps_above_three_times_its_median_is_held() -> None:
    history = {4: [20, 25, 30], 5: [20, 25, 30]}  # medians 25: 100 > 75 is a jump, 50 is not
    shares = {s.cinema_id: s for s in share_revenue(1_000_000, PEOPLE, history)}
    assert shares[4].held and not shares[5].held and not shares[1].held  # no history, no judgement


def test_no_cap_binds_when_contributions_are_balanced() -> None:
    shares = share_revenue(100_001, {1: 10, 2: 10, 3: 10, 4: 10, 5: 10})
    # 100,001 c over five equal cinemas: 20,000.2 each; the leftover cent goes to the lowest id.
    assert [s.total_cents for s in shares] == [20_001, 20_000, 20_000, 20_000, 20_000]


def test_when_the_cap_binds_everyone_the_rest_is_not_paid_out() -> None:
    # Three cinemas capped at 25 % can take 75 % of the revenue at most.
    shares = share_revenue(1_000, {1: 5, 2: 3, 3: 2})
    assert [s.total_cents for s in shares] == [250, 250, 250]


def test_largest_remainder_adds_up() -> None:
    parts = largest_remainder({1: Fraction(1, 3), 2: Fraction(1, 3), 3: Fraction(1, 3)}, 1)
    assert parts == {1: 1, 2: 0, 3: 0}
