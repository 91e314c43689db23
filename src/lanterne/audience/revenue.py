"""Sharing a campaign's revenue among the participating cinemas.

10 % is a floor split equally among participants; 90 % follows the consented, bot-filtered, engaged
people each cinema contributed to the delivered segments. No cinema takes more than the cap (25 %
by default): its excess goes to the others in proportion to their people (equally when none of them
contributed anyone). A cinema whose count jumps above three times its median is *held* for review.
Arithmetic is exact (fractions); cents are rounded by largest remainder so the shares add up.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from fractions import Fraction

FLOOR_SHARE = Fraction(1, 10)
DEFAULT_CAP = Fraction(1, 4)
JUMP_FACTOR = 3


@dataclass(frozen=True)
class Share:
    cinema_id: int
    people: int
    floor_cents: int
    proportional_cents: int
    total_cents: int
    held: bool


def largest_remainder(exact: dict[int, Fraction], total: int) -> dict[int, int]:
    """Whole cents that add up to `total`; leftover cents go to the largest fractions (ties: lower id)."""
    floors = {key: value.numerator // value.denominator for key, value in exact.items()}
    leftover = total - sum(floors.values())
    order = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), key))
    for key in order[:leftover]:
        floors[key] += 1
    return floors


def _spread(amount: Fraction, people: dict[int, int], among: list[int]) -> dict[int, Fraction]:
    weights = {c: people[c] for c in among}
    total = sum(weights.values())
    if not among:
        return {}
    if total == 0:
        return {c: amount / len(among) for c in among}
    return {c: amount * weights[c] / total for c in among}


def capped(revenue: int, people: dict[int, int], cap: Fraction) -> dict[int, Fraction]:
    """Exact totals: equal floor, proportional rest, then excess above the cap moved to the others."""
    cinemas = sorted(people)
    floor = Fraction(revenue) * FLOOR_SHARE / len(cinemas)
    totals = {c: floor for c in cinemas}
    for cinema, amount in _spread(Fraction(revenue) * (1 - FLOOR_SHARE), people, cinemas).items():
        totals[cinema] += amount
    limit, frozen = Fraction(revenue) * cap, set()
    while True:
        over = {c: totals[c] - limit for c in cinemas if c not in frozen and totals[c] > limit}
        if not over:
            return totals
        for cinema in over:
            totals[cinema] = limit
            frozen.add(cinema)
        open_ = [c for c in cinemas if c not in frozen]
        for cinema, amount in _spread(sum(over.values(), Fraction(0)), people, open_).items():
            totals[cinema] += amount


def jumped(count: int, history: list[int]) -> bool:
    return bool(history) and count > JUMP_FACTOR * statistics.median(history)


def share_revenue(
    revenue_cents: int,
    people: dict[int, int],
    history: dict[int, list[int]] | None = None,
    cap: Fraction = DEFAULT_CAP,
) -> list[Share]:
    """Each participating cinema's share; `people` lists every participant, with 0 if it brought nobody."""
    if not people:
        return []
    exact = capped(revenue_cents, people, cap)
    allocated = sum(exact.values(), Fraction(0))  # less than the revenue only when the cap binds everyone
    totals = largest_remainder(exact, int(allocated))
    floor = largest_remainder(
        {c: Fraction(revenue_cents) * FLOOR_SHARE / len(people) for c in people},
        int(Fraction(revenue_cents) * FLOOR_SHARE),
    )
    history = history or {}
    return [
        Share(c, people[c], floor[c], totals[c] - floor[c], totals[c], jumped(people[c], history.get(c, [])))
        for c in sorted(people)
    ]
