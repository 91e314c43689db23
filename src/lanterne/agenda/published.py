"""The `evenements-cinemas` open dataset, re-published with what the cinemas added to each event.

Same séance columns as before (reusers' scripts keep working), then the enrichment columns; a séance
that nobody enriched yet has them empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from lanterne.agenda.models import Event
from lanterne.publish.datasets import (
    CONSENTED,
    PROGRAMME_SEARCH,
    PROGRAMME_SOURCE,
    PROGRAMME_TEXT,
    PROGRAMME_UPDATED,
    SHOWTIME_COLUMNS,
    SHOWTIME_ICS,
    Column,
    Dataset,
    register,
    showtimes,
)

events: Table = Event.__table__  # type: ignore[assignment]


def _column(name: str, type_: str, title: str, expression: Any, description: str = "") -> Column:
    return Column(name, type_, title, description, expression)


ENRICHMENT_COLUMNS = (
    _column("typeevenement", "string", "Type d'événement", events.c.kind, "ciné-débat, avant-première…"),
    _column("publicevenement", "string", "Public", events.c.audience, "tout public, jeune public…"),
    _column("animation", "string", "Animation", events.c.host, "Animateur ou animatrice"),
    _column("invites", "string", "Invités", events.c.guests),
    _column("partenaires", "string", "Partenaires", events.c.partners),
    _column("descriptionevenement", "string", "Description de l'événement", events.c.description),
    _column("imageevenement", "string", "Image de l'événement", events.c.image_url),
    _column(
        "accessibiliteevenement", "string", "Accueil des handicaps", events.c.accessibility, "hi,ii,mi,pi,vi"
    ),
    _column("agemin", "integer", "Âge minimum", events.c.age_min),
    _column("agemax", "integer", "Âge maximum", events.c.age_max),
)
EVENT_COLUMNS = (*SHOWTIME_COLUMNS, *ENRICHMENT_COLUMNS)

EVENTS_DATASET = register(
    Dataset(
        id="evenements-cinemas",
        title="Séances événements des cinémas indépendants",
        description=(
            "Les séances spéciales (avant-premières, ciné-débats, rencontres) des cinémas, avec ce que "
            "chaque cinéma y ajoute : type, public, animation, invités, partenaires."
        ),
        columns=EVENT_COLUMNS,
        source=PROGRAMME_SOURCE.outerjoin(events, events.c.showtime_id == showtimes.c.id),
        key="showid",
        where=(*CONSENTED, showtimes.c.is_event.is_(True)),
        geo=("_coords.lat", "_coords.lon"),
        text_search=(*PROGRAMME_TEXT, "evenement"),
        search=PROGRAMME_SEARCH,
        updated=(*PROGRAMME_UPDATED, events.c.updated_at),
        keywords=("cinéma", "événements", "avant-premières", "ciné-débats"),
        **SHOWTIME_ICS,  # type: ignore[arg-type]
    )
)


def screening_extras(row: dict[str, Any]) -> dict[str, Any]:
    """schema.org properties of the enrichment, for the portal to merge into an event page's
    `ScreeningEvent`: description, image, audience, age range, organiser's partners, performers."""
    extras: dict[str, Any] = {}
    if row.get("descriptionevenement"):
        extras["description"] = row["descriptionevenement"]
    if row.get("imageevenement"):
        extras["image"] = row["imageevenement"]
    if row.get("publicevenement"):
        extras["audience"] = {"@type": "Audience", "audienceType": row["publicevenement"]}
    low, high = row.get("agemin"), row.get("agemax")
    if low is not None or high is not None:
        extras["typicalAgeRange"] = f"{low if low is not None else ''}-{high if high is not None else ''}"
    people = [name.strip() for key in ("animation", "invites") for name in (row.get(key) or "").split(",")]
    if any(people):
        extras["performer"] = [{"@type": "Person", "name": name} for name in people if name]
    if row.get("partenaires"):
        extras["sponsor"] = [
            {"@type": "Organization", "name": n.strip()} for n in row["partenaires"].split(",")
        ]
    if row.get("typeevenement"):
        extras["keywords"] = row["typeevenement"]
    return extras
