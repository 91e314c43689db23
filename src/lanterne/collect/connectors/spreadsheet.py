"""A programme typed in a spreadsheet (CSV with `;` or `,`, or XLSX), for cinemas with no box office
Lanterne can read. One row per séance, French column names with their usual variants.

Uploaded to `POST /api/v1/programme/{cineid}`, or pulled from a published URL (setting `url`).
A bad row is rejected with its line number and column; the other rows load.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from lanterne.catalog.identity import first_director_key, fold, title_key
from lanterne.collect.connectors.interface import ConnectorContext, ConnectorError
from lanterne.collect.http import request
from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord, Window

# Folded header (lowercase, no accents or punctuation) → the column's meaning; documented in
# docs/programme-schema.md. The canonical French header comes first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "titre": ("titre", "film", "titre du film", "titre film", "filmtitle"),
    "réalisateur": ("realisateur", "realisatrice", "realisateurs", "realisation", "filmdirector"),
    "date": ("date", "jour", "date de la seance", "date seance"),
    "heure": ("heure", "horaire", "heure de debut", "debut", "heure debut"),
    "fin": ("fin", "heure de fin", "heure fin"),
    "salle": ("salle", "ecran", "numero de salle", "auditorium", "auditoriumnumber"),
    "jauge": ("jauge", "capacite", "places", "nombre de places", "auditoriumcapacity"),
    "version": ("version", "vf vo", "langue", "filmversion"),
    "format": ("format", "projection"),
    "événement": ("evenement", "event", "seance evenement", "evenementiel"),
    "intitulé": ("intitule", "headline", "intitule de l evenement", "titre de l evenement"),
    "lien de réservation": ("lien de reservation", "reservation", "lien", "url", "billetterie", "showurl"),
    "durée": ("duree", "duree min", "duree en minutes", "duree minutes"),
    "visa": ("visa", "n de visa", "numero de visa", "visa d exploitation"),
    "allociné": ("allocine", "id allocine", "code allocine"),
    "année": ("annee", "annee de production"),
    "id séance": ("id seance", "identifiant seance", "showid", "id"),
    "id film": ("id film", "identifiant film", "filmid"),
    "titre original": ("titre original", "titre vo"),
    "audiodescription": ("audiodescription", "audio description", "ad"),
    "sme": ("sme", "st sme", "sous titres sme", "sourds et malentendants"),
    "annulée": ("annulee", "annule", "annulation"),
    "synopsis": ("synopsis", "resume"),
    "affiche": ("affiche",),
}
HEADERS = {variant: column for column, variants in COLUMNS.items() for variant in variants}
REQUIRED = ("titre", "date", "heure")
YES = {"oui", "o", "x", "1", "true", "vrai", "yes", "y", "✓", "✔"}
NO = {"", "non", "n", "0", "false", "faux", "no", "-"}
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
EXCEL_EPOCH = date(1899, 12, 30)
_CLOCK = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})?(?::\d{2})?$")
_DURATION = re.compile(r"^(?:(\d+)\s*(?:h|:)\s*)?(\d+)?\s*(?:min|mn|m)?$", re.I)


class RowProblem(ValueError):
    """One cell that cannot be read: which column, and why (in French: cinemas read it)."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of a CSV in UTF-8 (with or without BOM) or, as Excel writes it, Windows-1252."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    head = "\n".join(text.split("\n", 10)[:10])  # a title line may come before the header
    delimiter = max(";,\t", key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the workbook's first sheet."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValueError(f"classeur XLSX illisible : {exc}") from exc
    try:
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def rows_of(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    return xlsx_rows(content) if content[:4] == b"PK\x03\x04" else csv_rows(content)


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def day_of(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return EXCEL_EPOCH + timedelta(days=int(value))
    raw = cell_text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise RowProblem("date", f"date illisible {raw!r} (attendu JJ/MM/AAAA)")


def clock_of(value: Any, column: str = "heure") -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # Excel's fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    match = _CLOCK.match(cell_text(value))
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise RowProblem(column, f"heure illisible {cell_text(value)!r} (attendu HH:MM ou 20h30)")
    return time(int(match[1]), int(match[2] or 0))


def minutes_of(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) or None
    if isinstance(value, time):
        return value.hour * 60 + value.minute or None
    match = _DURATION.match(cell_text(value))
    if not match:
        raise RowProblem("durée", f"durée illisible {cell_text(value)!r} (attendu 104, 1h44 ou 1:44)")
    return int(match[1] or 0) * 60 + int(match[2] or 0) or None


def flag_of(value: Any, column: str) -> bool:
    word = cell_text(value).lower()
    if word in YES or word in NO:
        return word in YES
    raise RowProblem(column, f"valeur {cell_text(value)!r} : attendu oui ou non")


def integer_of(value: Any, column: str) -> int | None:
    raw = cell_text(value)
    try:
        return int(float(raw.replace(",", "."))) if raw else None
    except ValueError:
        raise RowProblem(column, f"nombre attendu, reçu {raw!r}") from None


def film_of(cells: dict[str, Any]) -> FilmRecord:
    title, directors = cell_text(cells.get("titre")), cell_text(cells.get("réalisateur")) or None
    if not title:
        raise RowProblem("titre", "titre du film manquant")
    visa = cell_text(cells.get("visa")).removesuffix(".0") or None
    key = cell_text(cells.get("id film")) or (f"visa:{visa}" if visa else None)
    return FilmRecord(
        external_id=key or f"{title_key(title)}|{first_director_key(directors)}",
        title=title,
        original_title=cell_text(cells.get("titre original")) or None,
        directors=directors,
        runtime=minutes_of(cells["durée"]) if cell_text(cells.get("durée")) else None,
        production_year=integer_of(cells.get("année"), "année"),
        synopsis=cell_text(cells.get("synopsis")) or None,
        poster_url=cell_text(cells.get("affiche")) or None,
        visa=visa,
        allocine_id=cell_text(cells.get("allociné")).removesuffix(".0") or None,
    )


def event_of(cells: dict[str, Any]) -> tuple[bool, str | None]:
    """A ticked "événement", or free text typed in it (then the headline), or a headline alone."""
    headline = cell_text(cells.get("intitulé")) or None
    raw = cell_text(cells.get("événement"))
    if raw.lower() in YES | NO:
        return raw.lower() in YES or (headline is not None and "événement" not in cells), headline
    return True, headline or raw


def showtime_of(cells: dict[str, Any], film: FilmRecord, zone: ZoneInfo) -> ShowtimeRecord:
    day, clock = day_of(cells.get("date")), clock_of(cells.get("heure"))
    starts_at = datetime.combine(day, clock, zone)
    ends_at = None
    if cell_text(cells.get("fin")):
        ends_at = datetime.combine(day, clock_of(cells["fin"], "fin"), zone)
        ends_at += timedelta(days=1) if ends_at < starts_at else timedelta()  # ends after midnight
    screen = cell_text(cells.get("salle")).removesuffix(".0") or None
    is_event, headline = event_of(cells)
    own_id = cell_text(cells.get("id séance")).removesuffix(".0")
    return ShowtimeRecord(
        external_id=own_id or f"{starts_at:%Y-%m-%dT%H:%M}|{fold(screen)}|{title_key(film.title)}",
        film_external_id=film.external_id,
        starts_at=starts_at,
        ends_at=ends_at,
        screen=screen,
        screen_capacity=integer_of(cells.get("jauge"), "jauge"),
        version=cell_text(cells.get("version")) or None,
        format=cell_text(cells.get("format")) or None,
        audio_description=flag_of(cells.get("audiodescription"), "audiodescription"),
        deaf_subtitles=flag_of(cells.get("sme"), "sme"),
        booking_url=cell_text(cells.get("lien de réservation")) or None,
        is_event=is_event,
        event_headline=headline,
        cancelled=flag_of(cells.get("annulée"), "annulée"),
    )


def header_of(cells: list[Any]) -> list[str | None]:
    return [HEADERS.get(fold(cell_text(cell))) for cell in cells]


def parse(content: bytes, timezone: str) -> Programme:
    """Every row a séance; the header is the first row (of the first ten) naming titre, date and heure."""
    programme, films, seen, rows = Programme(), dict[str, FilmRecord](), set[str](), rows_of(content)
    zone = ZoneInfo(timezone)
    for line, cells in rows:
        columns = header_of(cells)
        if all(required in columns for required in REQUIRED):
            break
        if line >= 10:
            raise ValueError("aucune ligne d'en-tête avec les colonnes titre, date et heure")
    else:
        raise ValueError("aucune ligne d'en-tête avec les colonnes titre, date et heure")
    for line, cells in rows:
        named = {column: value for column, value in zip(columns, cells, strict=False) if column}
        if not any(cell_text(value) for value in named.values()):
            continue
        _add_row(programme, films, seen, line, named, zone)
    programme.films = list(films.values())
    return programme


def _add_row(
    programme: Programme,
    films: dict[str, FilmRecord],
    seen: set[str],
    line: int,
    cells: dict[str, Any],
    zone: ZoneInfo,
) -> None:
    try:
        film = film_of(cells)
        showtime = showtime_of(cells, films.get(film.external_id, film), zone)
    except RowProblem as problem:
        programme.rejected.append(Rejected(f"ligne {line}", problem.column, str(problem)))
        return
    if showtime.external_id in seen:
        reason = "séance en double (même id, ou même film, même salle et même heure)"
        programme.rejected.append(Rejected(f"ligne {line}", "heure", reason))
        return
    seen.add(showtime.external_id)
    films.setdefault(film.external_id, film)
    programme.showtimes.append(showtime)


class SpreadsheetConnector:
    """A spreadsheet published at a URL (`url` setting: a shared CSV or XLSX export), read nightly."""

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.url = str(context.settings.get("url") or "")

    def fetch(self, window: Window) -> Programme:
        if not self.url:  # an upload-only cinema: its programme arrives by POST, nothing to pull
            return Programme(partial=True)
        response = request(self.context.client, "GET", self.url)
        if response.status_code != 200:
            raise ConnectorError(f"the spreadsheet answered HTTP {response.status_code} on GET {self.url}")
        try:
            programme = parse(response.content, self.context.timezone)
        except ValueError as exc:
            raise ConnectorError(f"unreadable spreadsheet on GET {self.url}: {exc}") from exc
        programme.showtimes = [
            s for s in programme.showtimes if window.start <= s.starts_at.date() <= window.end
        ]
        # A mistyped row must not cancel its séance: with any row refused, nothing is cancelled tonight.
        programme.partial = bool(programme.rejected)
        return programme
