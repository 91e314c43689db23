"""Barometer pages and API: the weekly table with its charts, the same figures as JSON and PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from lanterne.barometer import report
from lanterne.barometer.page import page_context, weeks_available
from lanterne.barometer.weeks import CinemaWeek
from lanterne.web import EngineDep, templates

router = APIRouter()


@router.get("/api/v1/barometer", tags=["barometer"])
def barometer_weeks(engine: EngineDep) -> dict[str, list[str]]:
    return {"weeks": [week.label for week in weeks_available(engine)]}


@router.get("/api/v1/barometer/{week}", tags=["barometer"])
def barometer_week(engine: EngineDep, week: str) -> dict[str, Any]:
    built = report.build(engine, CinemaWeek.parse(week))
    return {"week": built.week.label, "start": built.week.start, "end": built.week.end, "lines": built.lines}


@router.get("/barometre/{week}.pdf", tags=["barometer"])
def barometer_pdf(engine: EngineDep, week: str) -> Response:
    built = report.build(engine, CinemaWeek.parse(week))
    headers = {"Content-Disposition": f'inline; filename="barometre-{built.week.label}.pdf"'}
    return Response(report.render_pdf(built), media_type="application/pdf", headers=headers)


@router.get("/barometre", response_class=HTMLResponse, include_in_schema=False)
def barometer_page(request: Request, engine: EngineDep, semaine: str | None = None) -> HTMLResponse:
    context = page_context(engine, CinemaWeek.parse(semaine) if semaine else None)
    return templates.TemplateResponse(request, "barometer/page.html", context)
