"""What the barometer page shows: the chosen week's table, the year's weekly index and year-to-date bars."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from lanterne.barometer import charts, report
from lanterne.barometer.figures import SEGMENTS
from lanterne.barometer.models import BarometerFigure
from lanterne.barometer.weeks import CinemaWeek


def weeks_available(engine: Engine) -> list[CinemaWeek]:
    with engine.connect() as connection:
        labels = connection.scalars(
            select(BarometerFigure.week).distinct().order_by(BarometerFigure.week.desc())
        )
        return [CinemaWeek.parse(label) for label in labels]


def year_series(engine: Engine, week: CinemaWeek) -> dict[str, list[tuple[str, float | None]]]:
    """Index (100 = same week a year earlier) of each segment for every week of the year so far."""
    query = (
        select(BarometerFigure.segment, BarometerFigure.week, BarometerFigure.change_year_before)
        .where(BarometerFigure.week.between(f"{week.year}-W01", week.label))
        .order_by(BarometerFigure.week)
    )
    series: dict[str, list[tuple[str, float | None]]] = {segment: [] for segment in SEGMENTS}
    with engine.connect() as connection:
        for segment, label, ratio in connection.execute(query):
            series[segment].append((label, None if ratio is None else 100 * (1 + ratio)))
    return {segment: points for segment, points in series.items() if points}


def page_context(engine: Engine, week: CinemaWeek | None) -> dict[str, Any]:
    weeks = weeks_available(engine)
    week = week or (weeks[0] if weeks else None)
    if week is None:
        return {"week": None, "weeks": []}
    built = report.build(engine, week)
    ytd = {str(line["segment"]): _fraction(line["change_year_to_date"]) for line in built.lines}
    return {
        "week": week,
        "weeks": weeks,
        "title": built.title,
        "headings": report.HEADINGS,
        "rows": report.table_rows(built),
        "index_chart": charts.index_lines(
            year_series(engine, week), f"Indice hebdomadaire {week.year} (100 = N-1)"
        ),
        "ytd_chart": charts.change_bars(ytd, f"Cumul {week.year} : évolution par rapport à {week.year - 1}"),
    }


def _fraction(value: object) -> float | None:
    """A report cell as the chart wants it: a number, or None where the week has no figure."""
    return float(value) if isinstance(value, int | float) else None
