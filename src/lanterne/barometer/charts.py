"""SVG charts of the barometer, drawn on the server: no JavaScript, readable by screen readers.

The weekly index of each segment is its admissions against the same week a year earlier (base 100,
like for like), so categories of very different sizes share one scale with the market.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

COLOURS = {
    "Marché": "#6b7280",
    "Art et Essai": "#b91c1c",
    "A": "#1d4ed8",
    "B": "#0891b2",
    "C": "#15803d",
    "D": "#a16207",
    "E": "#7c3aed",
}
WIDTH, HEIGHT, MARGIN = 720, 300, 44


def index_lines(series: Mapping[str, Sequence[tuple[str, float | None]]], title: str) -> str:
    """One polyline per segment: x = weeks, y = index (100 = same week last year)."""
    weeks = sorted({week for points in series.values() for week, _ in points})
    values = [v for points in series.values() for _, v in points if v is not None]
    if not weeks or not values:
        return ""
    low, high = min(*values, 90.0), max(*values, 110.0)
    x = {week: MARGIN + i * (WIDTH - 2 * MARGIN) / max(len(weeks) - 1, 1) for i, week in enumerate(weeks)}

    def y(value: float) -> float:
        return HEIGHT - MARGIN - (value - low) / (high - low) * (HEIGHT - 2 * MARGIN)

    parts = [_frame(title), _gridline(y(100), "100")]
    for segment, points in series.items():
        coords = " ".join(f"{x[w]:.1f},{y(v):.1f}" for w, v in points if v is not None)
        width = 3 if segment in ("Marché", "Art et Essai") else 1.5
        colour = COLOURS.get(segment, "#000")
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{width}" points="{coords}">'
            f"<title>{escape(segment)}</title></polyline>"
        )
    parts.append(_legend(list(series)))
    parts.append(f'<text x="{MARGIN}" y="{HEIGHT - 8}" font-size="11">{escape(weeks[0])}</text>')
    parts.append(
        f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 8}" font-size="11" text-anchor="end">'
        f"{escape(weeks[-1])}</text></svg>"
    )
    return "".join(parts)


def change_bars(changes: Mapping[str, float | None], title: str) -> str:
    """Horizontal bars of the year-to-date change of each segment, left of zero when it fell."""
    known = {segment: value for segment, value in changes.items() if value is not None}
    if not known:
        return ""
    extent = max(max(abs(v) for v in known.values()), 0.05)
    row, zero = 30, WIDTH / 2
    height = MARGIN + row * len(known) + 10
    parts = [
        _frame(title, height),
        f'<line x1="{zero}" y1="{MARGIN - 6}" x2="{zero}" y2="{height - 6}" stroke="#111" />',
    ]
    for i, (segment, value) in enumerate(known.items()):
        length = abs(value) / extent * (WIDTH / 2 - 120)
        left = zero - length if value < 0 else zero
        top = MARGIN + i * row
        parts.append(
            f'<rect x="{left:.1f}" y="{top}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{COLOURS.get(segment, "#000")}">'
            f"<title>{escape(segment)} {value:+.1%}</title></rect>"
            f'<text x="8" y="{top + row / 2}" font-size="13">{escape(segment)}</text>'
            f'<text x="{WIDTH - 8}" y="{top + row / 2}" font-size="13" text-anchor="end">'
            f"{value:+.1%}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _frame(title: str, height: int | float = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif"><title>{escape(title)}</title>'
    )


def _gridline(y: float, label: str) -> str:
    return (
        f'<line x1="{MARGIN}" y1="{y:.1f}" x2="{WIDTH - MARGIN}" y2="{y:.1f}" stroke="#999" '
        f'stroke-dasharray="4 3" /><text x="4" y="{y + 4:.1f}" font-size="11">{label}</text>'
    )


def _legend(segments: list[str]) -> str:
    items = []
    for i, segment in enumerate(segments):
        left = MARGIN + i * 92
        colour = COLOURS.get(segment, "#000")
        items.append(
            f'<rect x="{left}" y="10" width="12" height="12" fill="{colour}" />'
            f'<text x="{left + 16}" y="21" font-size="12">{escape(segment)}</text>'
        )
    return "".join(items)
