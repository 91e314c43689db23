"""A small catalog for the portal's tests, dated from today so every page has upcoming séances:
three cinemas (one Art et Essai in Paris, one in Rennes, one without consent), four films, two schools,
and a week of séances of which a few are events."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from lanterne.catalog.models import Cinema, Film, School, Showtime
from lanterne.publish.params import PARIS

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
        label_recherche=True,
        screens=3,
        seats=450,
        publish_consent=True,
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
        label_jeune_public=True,
        screens=5,
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
]
FILMS: list[dict[str, Any]] = [
    dict(
        id=1,
        title="L'Été dernier",
        directors="Catherine Breillat",
        runtime=104,
        genres="Drame",
        production_year=2023,
        art_et_essai_recommended=True,
        audio_description=True,
    ),
    dict(
        id=2,
        title="Anatomie d'une chute",
        directors="Justine Triet",
        runtime=151,
        genres="Drame, Thriller",
        production_year=2023,
        art_et_essai_recommended=True,
    ),
    dict(
        id=3, title="Perfect Days", directors="Wim Wenders", runtime=124, genres="Drame", deaf_subtitles=True
    ),
    dict(id=4, title="Le Garçon et le Héron", directors="Hayao Miyazaki", runtime=124, genres="Animation"),
]
SCHOOLS: list[dict[str, Any]] = [
    dict(
        uai="0350001A",
        name="École élémentaire Jean Jaurès",
        kind="École",
        sector="public",
        postcode="35000",
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
        postcode="35000",
        commune="Rennes",
        department="35",
        latitude=48.10,
        longitude=-1.67,
        pupils=1100,
        cinema_section=True,
    ),
    dict(
        uai="0750003C",
        name="Lycée Fénelon",
        kind="Lycée",
        sector="public",
        postcode="75006",
        commune="Paris",
        department="75",
        latitude=48.853,
        longitude=2.341,
        pupils=900,
        cinema_section=True,
    ),
]
EVENTS = {
    (1000035, 1, 1): "Avant-première en présence de l'équipe du film",
    (3335121, 3, 2): "Ciné-débat avec la médiathèque",
    (3335121, 4, 3): "Ciné-goûter",
}
HOURS = (14, 18, 21)


def tomorrow() -> datetime:
    day = datetime.now(PARIS).date() + timedelta(days=1)
    return datetime.combine(day, time(), PARIS).astimezone(UTC)


def showtimes() -> list[dict[str, Any]]:
    """Each cinema shows each film at one of three hours, five days from tomorrow."""
    rows = []
    start = tomorrow()
    for cinema in CINEMAS:
        for day in range(5):
            for film in FILMS:
                n = len(rows) + 1
                at = start + timedelta(days=day, hours=HOURS[(film["id"] + day) % 3])
                headline = EVENTS.get((cinema["id"], film["id"], day))
                rows.append(
                    dict(
                        id=n,
                        cinema_id=cinema["id"],
                        film_id=film["id"],
                        starts_at=at,
                        ends_at=at + timedelta(minutes=film["runtime"]),
                        screen=str(film["id"]),
                        version=("VF", "VOST")[n % 2],
                        booking_url=f"https://billets.example/{n}",
                        is_event=headline is not None,
                        event_headline=headline,
                        audio_description=film["id"] == 1,
                        deaf_subtitles=film["id"] == 3,
                        status="cancelled" if n == 5 else "scheduled",
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


def event_ids() -> dict[str, int]:
    return {row["event_headline"]: row["id"] for row in showtimes() if row["event_headline"]}
