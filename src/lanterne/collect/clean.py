"""Repair what box offices send before it is stored: text, versions, runtimes, postcodes and times.

Each fix answers a defect reusers of the open programme fight by hand today (double-encoded accents,
the string "null", UTC mixed with +02:00, postcodes without their leading zero, two version words).
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from lanterne.collect.programme import FilmRecord, Programme, Rejected, ShowtimeRecord

NULL_WORDS = frozenset({"", "null", "none", "nil", "n/a", "undefined", "nan"})
OVERSEAS_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "975": "America/Miquelon",
}
DEFAULT_ZONE = "Europe/Paris"
# A lead byte of a UTF-8 sequence read as cp1252/latin-1, followed by a continuation byte read the same way.
_MOJIBAKE = re.compile(
    "[ÂÃÄÅâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013-\u203a\u20ac\u2122]"
)
_SPACES = re.compile(r"\s{2,}|[\t\n\r\f\v]")
_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.I)
_HOURS_MINUTES = re.compile(r"^(\d+)\s*h\s*(\d*)\s*(?:min)?$", re.I)
_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")
# Lengths of the films columns (and of the showtimes' in clean_showtime): longer vendor text would
# abort a whole cinema's write on PostgreSQL.
FILM_LIMITS = {
    "title": 300,
    "original_title": 300,
    "directors": 500,
    "countries": 300,
    "genres": 300,
    "poster_url": 1000,
    "trailer_url": 1000,
    "distributor": 200,
}


def repair_mojibake(value: str) -> str:
    """'Ã©' → 'é': text encoded to UTF-8 twice. Applied only when the bytes round-trip cleanly, so
    genuine text (a real 'Ã', Portuguese 'Ânia') is never damaged."""
    for _ in range(3):  # some feeds are encoded three times
        if not _MOJIBAKE.search(value):
            return value
        repaired = None
        for codec in ("cp1252", "latin-1"):
            try:
                repaired = value.encode(codec).decode("utf-8")
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        if repaired is None or repaired == value:
            return value
        value = repaired
    return value


def text(value: object, limit: int | None = None) -> str | None:
    """Trimmed, repaired text; the vendors' "null", "NULL", "None" and empty strings become None."""
    if value is None:
        return None
    cleaned = _text(value if isinstance(value, str) else str(value))
    return cleaned[:limit].rstrip() if limit and cleaned and len(cleaned) > limit else cleaned


@lru_cache(maxsize=65_536)  # screens, versions, headlines repeat across a million séances
def _text(raw: str) -> str | None:
    cleaned = repair_mojibake(raw).replace("\u00a0", " ").strip()
    if len(cleaned) <= 9 and cleaned.lower() in NULL_WORDS:
        return None
    return _SPACES.sub(" ", cleaned) if _SPACES.search(cleaned) else cleaned


def postcode(value: object) -> str | None:
    """Five characters: '1000' (a spreadsheet ate the zero) → '01000'; Corsica's 2A/2B kept."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.replace(" ", "").upper()
    if raw.endswith(".0"):  # a number read back from a spreadsheet cell
        raw = raw[:-2]
    if raw.isdigit() and 4 <= len(raw) <= 5:
        return raw.zfill(5)
    if re.fullmatch(r"2[AB]\d{3}", raw):
        return raw
    return None


def version(value: object) -> str | None:
    """One vocabulary — VF, VO, VOST — whatever the vendor's word; unknown or silent gives None."""
    return _version_of(_version_key(value))[0]


def is_known_version(value: object) -> bool:
    """False for a vendor word we cannot map, which the sync then reports (empty is known: no version)."""
    return _version_of(_version_key(value))[1]


@lru_cache(maxsize=4096)
def _version_of(word: str) -> tuple[str | None, bool]:
    """The folded word's version, and whether the word is known (empty is known: no version)."""
    if word in VERSION_WORDS:
        return VERSION_WORDS[word], True
    subtitled = word.startswith("vo") and "st" in word
    return ("VOST" if subtitled else None), subtitled or not word


@lru_cache(maxsize=4096)
def _folded_version(raw: str) -> str:
    return re.sub(r"[^a-z]", "", raw.lower().replace("version", "v"))


def _version_key(value: object) -> str:
    return _folded_version(text(value) or "")


# Keys are folded: lowercase letters only, "version" shortened to "v".
VERSION_WORDS: dict[str, str | None] = {
    "vf": "VF",
    "vfr": "VF",
    "vfrancaise": "VF",
    "vfranaise": "VF",
    "francais": "VF",
    "french": "VF",
    "dubbed": "VF",
    "local": "VF",  # Allociné: the film is in French
    "voriginallocal": "VF",  # Ciné Office: original version in the local language
    "vo": "VO",
    "voriginale": "VO",
    "voriginal": "VO",
    "original": "VO",
    "vost": "VOST",
    "vostf": "VOST",
    "vostfr": "VOST",
    "vosoustitree": "VOST",
    "voriginalesoustitree": "VOST",
    "subtitled": "VOST",
    "vmuet": None,  # a silent film: no language to announce
    "muet": None,
    "silent": None,
}


def runtime_minutes(value: object, unit: str = "minutes") -> int | None:
    """Minutes from a vendor's runtime: ISO 8601 ('PT1H45M'), '1h45', '01:45:00', or a number in
    `unit` ('seconds' as the open dataset's filmduration). Zero or negative gives None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        minutes = value / 60 if unit == "seconds" else value
        return round(minutes) if minutes >= 1 else None
    raw = text(value)
    if raw is None:
        return None
    seconds = _duration_seconds(raw.replace(" ", ""))
    if seconds is None:
        try:
            return runtime_minutes(float(raw.replace(",", ".")), unit)
        except ValueError:
            return None
    return round(seconds / 60) if seconds >= 60 else None


def _duration_seconds(raw: str) -> float | None:
    if match := _ISO_DURATION.match(raw):
        days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
        return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if match := _HOURS_MINUTES.match(raw):
        return (int(match[1]) * 60 + int(match[2] or 0)) * 60
    if match := _CLOCK.match(raw):
        return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0)
    return None


def cinema_timezone(department: str | None) -> str:
    """The IANA zone of a cinema from its department: overseas ones are hours away from Paris."""
    code = (department or "").strip()
    return OVERSEAS_ZONES.get(code[:3], DEFAULT_ZONE) if code.startswith("97") else DEFAULT_ZONE


def instant(value: datetime | str, zone: str) -> datetime:
    """An aware instant: naive times are the cinema's wall clock; 'Z' and '+02:00' are kept exact."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    if moment.tzinfo is UTC:  # most connectors give UTC already
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)  # the very tzinfo stored rows come back with: tuples compare fast


def day_bounds(start: date, end: date, zone: str) -> tuple[datetime, datetime]:
    """The instants a window of local dates covers: start's midnight to the midnight after `end`."""
    tz = ZoneInfo(zone)
    first = datetime.combine(start, time(0), tzinfo=tz)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    return instant(first, zone), instant(after, zone)


def visa(value: object) -> str | None:
    """The CNC visa number, digits only ('Visa n° 151 234' → '151234')."""
    raw = text(value)
    digits = re.sub(r"\D", "", raw or "").lstrip("0")
    return digits or None


def clean_film(film: FilmRecord) -> FilmRecord | Rejected:
    """A film with repaired text and checked numbers, or the reason it cannot be used."""
    external_id, title = text(film.external_id, 200), text(film.title, FILM_LIMITS["title"])
    if external_id is None or title is None:
        return Rejected(f"film {film.external_id}", "title" if external_id else "external_id", "vide")
    values: dict[str, object] = {
        f.name: text(getattr(film, f.name), FILM_LIMITS.get(f.name))
        for f in fields(film)
        if isinstance(getattr(film, f.name), str)
    }
    year = film.production_year if isinstance(film.production_year, int) else None
    values |= {
        "external_id": external_id,
        "title": title,
        "runtime": runtime_minutes(film.runtime),
        "visa": visa(film.visa),
        "allocine_id": text(film.allocine_id, 40),
        "production_year": year if year and 1880 <= year <= 2100 else None,
        "release_date": film.release_date if isinstance(film.release_date, date) else None,
    }
    return replace(film, **values)  # type: ignore[arg-type]


def clean_showtime(show: ShowtimeRecord, zone: str) -> tuple[ShowtimeRecord | None, list[Rejected]]:
    """A séance with an aware start, one version word and fitting text; field-level defects are
    reported and the field dropped, a séance without id, film or valid start is rejected whole."""
    label = f"séance {show.external_id}"
    external_id, film_id = text(show.external_id), text(show.film_external_id)
    if external_id is None or len(external_id) > 200:
        return None, [Rejected(label, "external_id", "absent ou plus long que 200 caractères")]
    if film_id is None:
        return None, [Rejected(label, "film_external_id", "absent")]
    try:
        starts_at = instant(show.starts_at, zone)
    except (TypeError, ValueError, AttributeError) as exc:
        return None, [Rejected(label, "starts_at", f"horaire illisible ({exc})")]
    notes: list[Rejected] = []
    ends_at = _end(show.ends_at, starts_at, zone, label, notes)
    word, known = _version_of(_version_key(show.version))
    if not known:
        notes.append(Rejected(label, "version", f"version « {show.version} » inconnue : ignorée"))
    capacity = show.screen_capacity
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        notes.append(Rejected(label, "screen_capacity", f"jauge « {capacity} » invalide : ignorée"))
        capacity = None
    cleaned = ShowtimeRecord(
        external_id=external_id,
        film_external_id=film_id,
        starts_at=starts_at,
        ends_at=ends_at,
        screen=text(show.screen, 100),
        screen_capacity=capacity,
        version=word,
        format=text(show.format, 20),
        audio_description=bool(show.audio_description),
        deaf_subtitles=bool(show.deaf_subtitles),
        booking_url=text(show.booking_url, 1000),
        is_event=bool(show.is_event),
        event_headline=text(show.event_headline, 500),
        cancelled=bool(show.cancelled),
    )
    return cleaned, notes


def _end(value: object, starts_at: datetime, zone: str, label: str, notes: list[Rejected]) -> datetime | None:
    if value is None:
        return None
    try:
        ends_at = instant(value, zone)  # type: ignore[arg-type]
    except (TypeError, ValueError, AttributeError):
        notes.append(Rejected(label, "ends_at", f"fin « {value} » illisible : ignorée"))
        return None
    if ends_at < starts_at:
        notes.append(Rejected(label, "ends_at", "fin avant le début : ignorée"))
        return None
    return ends_at


def clean_programme(programme: Programme, zone: str) -> Programme:
    """The whole programme repaired; unusable records move to `rejected`, duplicates keep the first."""
    rejected = list(programme.rejected)
    films: dict[str, FilmRecord] = {}
    for film in programme.films:
        cleaned = clean_film(film)
        if isinstance(cleaned, Rejected):
            rejected.append(cleaned)
        else:
            films.setdefault(cleaned.external_id, cleaned)
    showtimes: dict[str, ShowtimeRecord] = {}
    for show in programme.showtimes:
        cleaned_show, notes = clean_showtime(show, zone)
        rejected.extend(notes)
        if cleaned_show is None:
            continue
        if cleaned_show.external_id in showtimes:
            rejected.append(Rejected(f"séance {show.external_id}", "external_id", "en double : ignorée"))
            continue
        showtimes[cleaned_show.external_id] = cleaned_show
    return replace(
        programme, films=list(films.values()), showtimes=list(showtimes.values()), rejected=rejected
    )
