"""The weekly report: the published figures of one cinema week as an HTML e-mail and a PDF.

It reads the stored figures (`store.published`), exactly what the API serves, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import Engine

from lanterne import french
from lanterne.barometer.store import published
from lanterne.barometer.weeks import CinemaWeek
from lanterne.errors import NotFound
from lanterne.mail import build_message, send
from lanterne.settings import Settings
from lanterne.templating import ENVIRONMENT

HEADINGS = (
    "Segment",
    "Cinémas",
    "Entrées",
    "vs semaine précédente",
    "vs même semaine N-1",
    "Cumul annuel",
    "Cumul vs N-1",
    "Part de marché",
)


@dataclass(frozen=True)
class Report:
    week: CinemaWeek
    lines: list[dict[str, object]]

    @property
    def title(self) -> str:
        return f"Baromètre Art et Essai — semaine {self.week.number} ({period(self.week)})"


def period(week: CinemaWeek) -> str:
    start, end = week.start, week.end
    return f"du mercredi {french.day_month(start)} au mardi {french.day_month(end)} {end.year}"


def percent(value: object) -> str:
    return "—" if value is None else french.percent(float(value), signed=True)  # type: ignore[arg-type]


def count(value: object) -> str:
    return "—" if value is None else french.whole(int(value))  # type: ignore[call-overload]


def share(value: object) -> str:
    return "—" if value is None else french.percent(float(value))  # type: ignore[arg-type]


def table_rows(report: Report) -> list[list[str]]:
    """The report's table as text, in French number formats; the HTML, the PDF and the tests share it."""
    return [
        [
            str(line["segment"]),
            count(line["cinemas"]),
            count(line["admissions"]),
            percent(line["change_previous_week"]),
            percent(line["change_year_before"]),
            count(line["year_to_date"]),
            percent(line["change_year_to_date"]),
            share(line["share_of_market"]),
        ]
        for line in report.lines
    ]


def build(engine: Engine, week: CinemaWeek) -> Report:
    with engine.connect() as connection:
        lines = published(connection, week)
    if not lines:
        raise NotFound(f"aucune donnée pour la semaine {week.label}")
    return Report(week, lines)


def render_html(report: Report) -> str:
    template = ENVIRONMENT.get_template("barometer/email.html")
    return template.render(report=report, headings=HEADINGS, rows=table_rows(report))


def render_text(report: Report) -> str:
    lines = [report.title, ""]
    lines += [
        " | ".join(f"{h} : {v}" for h, v in zip(HEADINGS, row, strict=True)) for row in table_rows(report)
    ]
    return "\n".join(lines)


def render_pdf(report: Report) -> bytes:
    buffer = BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=report.title, author="Lanterne")
    table = Table([list(HEADINGS), *table_rows(report)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f2937")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f4f6")]),
            ]
        )
    )
    note = (
        "Évolutions à périmètre constant : seuls les cinémas ayant déclaré leurs entrées sur les deux "
        "périodes sont comparés. Semaine cinéma du mercredi au mardi."
    )
    document.build(
        [
            Paragraph(report.title, styles["Title"]),
            Spacer(0, 12),
            table,
            Spacer(0, 12),
            Paragraph(note, styles["Normal"]),
        ]
    )
    return buffer.getvalue()


def email(settings: Settings, report: Report, recipients: list[str]) -> int:
    """Send the report to each member; returns how many messages left."""
    for recipient in recipients:
        message = build_message(settings, recipient, report.title, render_text(report), render_html(report))
        message.add_attachment(
            render_pdf(report),
            maintype="application",
            subtype="pdf",
            filename=f"barometre-{report.week.label}.pdf",
        )
        send(settings, message)
    return len(recipients)
