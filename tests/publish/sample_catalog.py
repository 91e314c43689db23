"""A small catalog for the API tests: four cinemas (one without consent, one closed), three films,
two schools and 48 séances, of which the 24 of consenting, active cinemas are published."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from lanterne.catalog.models import Cinema, Film, School, Showtime

MONDAY = datetime(2026, 9, 7, tzinfo=UTC)
CINEMAS: list[dict[str, Any]] = [
    dict(
        id=1000035,
        cnc_region=1,
        cnc_number=35,
        name="Le Balzac",
        address="1 rue Balzac",
        postcode="75008",
        commune="Paris",
        department="75",
        region="Île-de-France",
        latitude=48.8735,
        longitude=2.3005,
        art_et_essai=True,
        category="A",
        publish_consent=True,
        connector="cds",
        connector_settings={"api_token": "s3cret"},
    ),
    dict(
        id=3335121,
        cnc_region=3,
        cnc_number=335121,
        name="Cinéma Arvor",
        address="11 rue de Châtillon",
        postcode="35000",
        commune="Rennes",
        department="35",
        region="Bretagne",
        latitude=48.0953,
        longitude=-1.6713,
        art_et_essai=True,
        category="B",
        publish_consent=True,
    ),
    dict(
        id=4046862,
        cnc_region=4,
        cnc_number=46862,
        name="La Lanterne",
        postcode="33130",
        commune="Bègles",
        department="33",
        region="Nouvelle-Aquitaine",
        latitude=44.8131,
        longitude=-0.5640,
        category="E",
        publish_consent=False,
    ),
    dict(
        id=2276086,
        cnc_region=2,
        cnc_number=276086,
        name="Le Méliès",
        postcode="93100",
        commune="Montreuil",
        department="93",
        region="Île-de-France",
        latitude=48.8621,
        longitude=2.4427,
        publish_consent=True,
        active=False,
    ),
]
FILMS: list[dict[str, Any]] = [
    dict(
        id=1,
        title="L'Été dernier",
        directors="Catherine Breillat",
        cast="Léa Drucker",
        runtime=104,
        visa="158293",
        genres="Drame",
        art_et_essai_recommended=True,
        audio_description=True,
        match_key="etedernier|breillatcatherine|2023",
        release_date=date(2023, 9, 13),
    ),
    dict(
        id=2,
        title="Anatomie d'une chute",
        directors="Justine Triet",
        cast="Sandra Hüller",
        runtime=151,
        visa="157312",
        genres="Drame, Thriller",
        production_year=2023,
    ),
    dict(
        id=3,
        title="Perfect Days",
        directors="Wim Wenders",
        cast="Kōji Yakusho",
        runtime=124,
        genres="Drame",
        deaf_subtitles=True,
    ),
]
SCHOOLS: list[dict[str, Any]] = [
    dict(
        uai="0350001A",
        name="École élémentaire Jean Jaurès",
        kind="École",
        sector="public",
        commune="Rennes",
        department="35",
        latitude=48.11,
        longitude=-1.68,
        pupils=210,
    ),
    dict(
        uai="0350002B",
        name="Lycée Émile Zola",
        kind="Lycée",
        sector="public",
        commune="Rennes",
        department="35",
        latitude=48.10,
        longitude=-1.67,
        pupils=1100,
        cinema_section=True,
    ),
]
VERSIONS = ("VF", "VO", "VOST")


def showtimes() -> list[dict[str, Any]]:
    """Each cinema shows each film once a day, four days from Monday 7 September 2026."""
    rows = []
    for cinema in CINEMAS:
        for day in range(4):
            for film in FILMS:
                start = MONDAY + timedelta(days=day, hours=12 + 2 * film["id"])
                n = len(rows) + 1
                rows.append(
                    dict(
                        id=n,
                        cinema_id=cinema["id"],
                        film_id=film["id"],
                        starts_at=start,
                        ends_at=None if n % 5 == 0 else start + timedelta(minutes=film["runtime"]),
                        screen=str(film["id"]),
                        screen_capacity=None if n % 7 == 0 else 80 + n,
                        version=VERSIONS[(n + day) % 3],
                        booking_url=f"https://billets.example/{n}",
                        is_event=day == 2 and film["id"] == 3,
                        event_headline="Ciné-débat" if day == 2 and film["id"] == 3 else None,
                        audio_description=film["id"] == 1,
                        status="cancelled" if n == 4 else "scheduled",
                        source="cds",
                        external_id=f"show-{n}",
                    )
                )
    return rows


def build(engine: Engine) -> None:
    with engine.begin() as connection:
        for table, rows in ((Cinema, CINEMAS), (Film, FILMS), (Showtime, showtimes()), (School, SCHOOLS)):
            for row in rows:  # one by one: the rows do not all set the same columns
                connection.execute(insert(table).values(**row))


def published() -> list[dict[str, Any]]:
    """The séances the programme dataset must show: consenting, active cinemas only."""
    shown = {c["id"] for c in CINEMAS if c["publish_consent"] and c.get("active", True)}
    return [row for row in showtimes() if row["cinema_id"] in shown]
