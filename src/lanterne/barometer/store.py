"""Reading admissions for the computation and keeping the published figures table up to date."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, Engine, delete, insert, select

from lanterne.barometer.figures import SEGMENTS, Admissions, Figure, all_figures
from lanterne.barometer.models import BarometerFigure, MarketWeek, WeeklyAdmissions
from lanterne.barometer.weeks import CinemaWeek
from lanterne.catalog.models import Cinema


def load_art_et_essai(connection: Connection) -> tuple[Admissions, dict[int, str | None]]:
    """Every Art et Essai cinema's weekly admissions (two years of 1,300 cinemas: ~140k small rows)."""
    query = (
        select(
            WeeklyAdmissions.cinema_id,
            WeeklyAdmissions.week_start,
            WeeklyAdmissions.admissions,
            Cinema.category,
        )
        .join(Cinema, Cinema.id == WeeklyAdmissions.cinema_id)
        .where(Cinema.art_et_essai.is_(True))
    )
    admissions: Admissions = defaultdict(dict)
    categories: dict[int, str | None] = {}
    for cinema_id, week_start, count, category in connection.execute(query):
        admissions[cinema_id][CinemaWeek.starting(week_start)] = count
        categories[cinema_id] = category
    return dict(admissions), categories


def load_market(connection: Connection) -> dict[CinemaWeek, int]:
    rows = connection.execute(select(MarketWeek.week_start, MarketWeek.admissions))
    return {CinemaWeek.starting(start): count for start, count in rows}


def reported_weeks(connection: Connection) -> list[CinemaWeek]:
    starts: set[date] = set(connection.scalars(select(WeeklyAdmissions.week_start).distinct()))
    starts |= set(connection.scalars(select(MarketWeek.week_start)))
    return sorted(CinemaWeek.starting(start) for start in starts)


def compute(connection: Connection, weeks: list[CinemaWeek] | None = None) -> list[Figure]:
    admissions, categories = load_art_et_essai(connection)
    market = load_market(connection)
    return all_figures(
        weeks if weeks is not None else reported_weeks(connection), admissions, categories, market
    )


def _row(figure: Figure) -> dict[str, object]:
    return {
        "week": figure.week.label,
        "segment": figure.segment,
        "week_start": figure.week.start,
        "week_end": figure.week.end,
        "cinemas": figure.cinemas,
        "admissions": figure.admissions,
        "change_previous_week": figure.previous_week.ratio,
        "cinemas_previous_week": figure.previous_week.cinemas,
        "change_year_before": figure.year_before.ratio,
        "cinemas_year_before": figure.year_before.cinemas,
        "year_to_date": figure.year_to_date,
        "change_year_to_date": figure.year_to_date_change.ratio,
        "cinemas_year_to_date": figure.year_to_date_change.cinemas,
        "share_of_market": figure.share_of_market,
    }


def refresh(engine: Engine) -> int:
    """Recompute every week's figures in one transaction; readers never see a half-built table."""
    with engine.begin() as connection:
        rows = [_row(figure) for figure in compute(connection)]
        connection.execute(delete(BarometerFigure))
        if rows:
            connection.execute(insert(BarometerFigure), rows)
    return len(rows)


def published(connection: Connection, week: CinemaWeek) -> list[dict[str, object]]:
    """The stored lines of one week, in segment order, as the API and the report read them."""
    table = BarometerFigure.__table__
    rows = connection.execute(select(table).where(table.c.week == week.label)).mappings()
    order = {segment: index for index, segment in enumerate(SEGMENTS)}
    return sorted((dict(row) for row in rows), key=lambda row: order[str(row["segment"])])
