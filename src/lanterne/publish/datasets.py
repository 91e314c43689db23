"""The open datasets: their columns (today's French names), the SQL they read, and the registry.

What a dataset is (columns, tables, its memory of statements and counts) is `publish/definition.py`.

Other domains (agenda, barometer) add theirs with `register`; the API, the exports and the catalogue
all read `DATASETS`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, literal, or_

from lanterne.catalog.models import Cinema, Film, School, Showtime
from lanterne.publish.definition import (  # re-exported: what every reader of the datasets imports
    EPOCH,
    Column,
    Dataset,
    Likely,
)
from lanterne.publish.search import CINEMAS, FILMS, SCHOOLS

__all__ = ["DATASETS", "EPOCH", "Column", "Dataset", "register"]

DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Publish a dataset (or replace one of the same id, as the agenda does to enrich the events)."""
    DATASETS[dataset.id] = dataset
    return dataset


def _col(
    name: str, type_: str, title: str, expression: Any, description: str = "", *, null: bool = True
) -> Column:
    return Column(name, type_, title, description, expression, nullable=null)


cinemas, films, showtimes, schools = (
    Cinema.__table__,
    Film.__table__,
    Showtime.__table__,
    School.__table__,
)

CINEMA_COLUMNS = (
    _col(
        "cineid",
        "integer",
        "Identifiant du cinéma",
        cinemas.c.id,
        "régionCNC × 1 000 000 + N° auto",
        null=False,
    ),
    _col("cinenom", "string", "Nom du cinéma", cinemas.c.name, null=False),
    _col("cineadresse", "string", "Adresse", cinemas.c.address),
    _col("cinecp", "string", "Code postal", cinemas.c.postcode),
    _col("cineville", "string", "Commune", cinemas.c.commune),
    _col("_coords.lat", "number", "Latitude", cinemas.c.latitude, "WGS 84"),
    _col("_coords.lon", "number", "Longitude", cinemas.c.longitude, "WGS 84"),
)
CINEMA_PLACE = (
    _col("cinecategorie", "string", "Catégorie Art et Essai", cinemas.c.category, "A à E, classement CNC"),
    _col("cinedepartement", "string", "Département", cinemas.c.department),
    _col("cineregion", "string", "Région", cinemas.c.region),
)

# A film's columns, the same in the programme (one row per séance) and in the films dataset.
FILM = {
    column.name: column
    for column in (
        _col(
            "filmid",
            "integer",
            "Identifiant du film",
            films.c.id,
            "Le même film chez tous les éditeurs",
            null=False,
        ),
        _col("filmkey", "string", "Clé du film", films.c.match_key, "titre|réalisateur|année, normalisés"),
        _col("filmvisa", "string", "Visa d'exploitation", films.c.visa),
        _col("filmtitle", "string", "Titre du film", films.c.title, null=False),
        _col("filmdirector", "string", "Réalisation", films.c.directors),
        _col("filmcast", "string", "Distribution", films.c.cast),
        _col("filmstoryline", "string", "Synopsis", films.c.synopsis),
        _col("filmgenre", "string", "Genre", films.c.genres),
        _col("filmcountry", "string", "Pays", films.c.countries),
        _col("filmduration", "integer", "Durée (secondes)", films.c.runtime * 60),
        _col("filmposter", "string", "Affiche", films.c.poster_url),
        _col("filmtrailer", "string", "Bande-annonce", films.c.trailer_url),
    )
}

# `=` and OR, not IN: an IN list is expanded at each execution, so its statement could not be prepared.
FILM_AUDIO = case(
    (showtimes.c.version == "VF", "Français"),
    (or_(showtimes.c.version == "VO", showtimes.c.version == "VOST"), "Original"),
)
ACCESSIBILITY = case(
    (and_(showtimes.c.audio_description, showtimes.c.deaf_subtitles), literal("AD, ST-SME")),
    (showtimes.c.audio_description, literal("AD")),
    (showtimes.c.deaf_subtitles, literal("ST-SME")),
)
SHOWTIME_COLUMNS = (
    _col("showid", "integer", "Identifiant de la séance", showtimes.c.id, null=False),
    _col("showstart", "datetime", "Début de la séance", showtimes.c.starts_at, null=False),
    _col("showend", "datetime", "Fin de la séance", showtimes.c.ends_at),
    _col("auditoriumnumber", "string", "Salle", showtimes.c.screen),
    _col("auditoriumcapacity", "integer", "Jauge de la salle", showtimes.c.screen_capacity),
    _col("evenement", "string", "Événement", showtimes.c.event_headline, "Intitulé de la séance spéciale"),
    _col("showurl", "string", "Lien de réservation", showtimes.c.booking_url),
    *CINEMA_COLUMNS,
    *(FILM[name] for name in ("filmid", "filmtitle", "filmdirector", "filmcast", "filmstoryline")),
    *(FILM[name] for name in ("filmgenre", "filmcountry", "filmduration")),
    _col("filmversion", "string", "Version", showtimes.c.version, "VF, VO ou VOST"),
    _col("filmaudio", "string", "Langue de la bande son", FILM_AUDIO),
    *(FILM[name] for name in ("filmposter", "filmtrailer", "filmkey", "filmvisa")),
    *CINEMA_PLACE,
    _col(
        "accessibilite",
        "string",
        "Accessibilité",
        ACCESSIBILITY,
        "AD : audiodescription ; ST-SME : sous-titres",
    ),
    _col("statut", "string", "Statut", showtimes.c.status, "scheduled ou cancelled", null=False),
)
PROGRAMME_JOINS = (
    (cinemas, showtimes.c.cinema_id == cinemas.c.id),
    (films, showtimes.c.film_id == films.c.id),
)
PROGRAMME_SOURCE = showtimes.join(*PROGRAMME_JOINS[0]).join(*PROGRAMME_JOINS[1])  # for other domains


CONSENTED = (Likely(cinemas.c.publish_consent.is_(True)), Likely(cinemas.c.active.is_(True)))
SHOWTIME_ICS = dict(
    longest_duration=timedelta(days=1),
    start_column="showstart",
    end_column="showend",
    summary_column="filmtitle",
    uid_column="showid",
    status_column="statut",
    url_column="showurl",
    department_column="cinedepartement",
    location_columns=("cinenom", "cineadresse", "cinecp", "cineville"),
)
PROGRAMME_SEARCH = ((FILMS, showtimes.c.film_id), (CINEMAS, showtimes.c.cinema_id))
PROGRAMME_TEXT = ("filmtitle", "filmdirector", "filmcast", "filmgenre", "cinenom", "cineville")
PROGRAMME_UPDATED = (showtimes.c.last_seen_at, cinemas.c.updated_at, films.c.updated_at)

register(
    Dataset(
        id="programmation-cinemas",
        title="Programmation des cinémas indépendants",
        description="Une ligne par séance des cinémas qui ont accepté de publier leur programme.",
        columns=SHOWTIME_COLUMNS,
        source=showtimes,
        joins=PROGRAMME_JOINS,
        key="showid",
        where=CONSENTED,
        geo=("_coords.lat", "_coords.lon"),
        text_search=PROGRAMME_TEXT,
        search=PROGRAMME_SEARCH,
        updated=PROGRAMME_UPDATED,
        keywords=("cinéma", "séances", "programmation", "art et essai"),
        **SHOWTIME_ICS,  # type: ignore[arg-type]
    )
)
register(
    Dataset(
        id="evenements-cinemas",
        title="Séances événements des cinémas indépendants",
        description="Les séances spéciales (avant-premières, ciné-débats, rencontres) des cinémas.",
        columns=SHOWTIME_COLUMNS,
        source=showtimes,
        joins=PROGRAMME_JOINS,
        key="showid",
        where=(*CONSENTED, showtimes.c.is_event.is_(True)),
        geo=("_coords.lat", "_coords.lon"),
        text_search=(*PROGRAMME_TEXT, "evenement"),
        search=PROGRAMME_SEARCH,
        updated=PROGRAMME_UPDATED,
        keywords=("cinéma", "événements", "avant-premières"),
        **SHOWTIME_ICS,  # type: ignore[arg-type]
    )
)
register(
    Dataset(
        id="cinemas",
        title="Cinémas en activité",
        description="Les établissements cinématographiques en activité, avec leurs coordonnées.",
        columns=(
            *CINEMA_COLUMNS,
            _col("cineexploitant", "string", "Exploitant", cinemas.c.operator),
            _col("cinecodeinsee", "string", "Code INSEE de la commune", cinemas.c.insee_code),
            *CINEMA_PLACE,
            _col("ecrans", "integer", "Écrans", cinemas.c.screens),
            _col("fauteuils", "integer", "Fauteuils", cinemas.c.seats),
            _col("artetessai", "boolean", "Classé Art et Essai", cinemas.c.art_et_essai, null=False),
            _col(
                "labelrecherche",
                "boolean",
                "Label Recherche et Découverte",
                cinemas.c.label_recherche,
                null=False,
            ),
            _col(
                "labeljeunepublic", "boolean", "Label Jeune Public", cinemas.c.label_jeune_public, null=False
            ),
            _col(
                "labelpatrimoine",
                "boolean",
                "Label Patrimoine et Répertoire",
                cinemas.c.label_patrimoine,
                null=False,
            ),
            _col("multiplexe", "boolean", "Multiplexe", cinemas.c.multiplex, null=False),
            _col("itinerant", "boolean", "Circuit itinérant", cinemas.c.itinerant, null=False),
            _col("programmepublie", "boolean", "Programme publié", cinemas.c.publish_consent, null=False),
        ),
        source=cinemas,
        key="cineid",
        where=(cinemas.c.active.is_(True),),
        geo=("_coords.lat", "_coords.lon"),
        text_search=("cinenom", "cineville", "cineexploitant"),
        search=((CINEMAS, cinemas.c.id),),
        updated=(cinemas.c.updated_at,),
        keywords=("cinéma", "établissements", "art et essai"),
    )
)
register(
    Dataset(
        id="films",
        title="Films à l'affiche",
        description="Les films programmés, avec la recommandation Art et Essai et l'accessibilité.",
        columns=(
            *(FILM[name] for name in ("filmid", "filmkey", "filmvisa", "filmtitle")),
            _col("filmoriginaltitle", "string", "Titre original", films.c.original_title),
            *(FILM[name] for name in ("filmdirector", "filmcast", "filmstoryline", "filmgenre")),
            *(FILM[name] for name in ("filmcountry", "filmduration")),
            _col("filmyear", "integer", "Année de production", films.c.production_year),
            _col("filmreleasedate", "date", "Date de sortie", films.c.release_date),
            _col("filmdistributor", "string", "Distributeur", films.c.distributor),
            *(FILM[name] for name in ("filmposter", "filmtrailer")),
            _col(
                "recommandationae",
                "boolean",
                "Recommandé Art et Essai",
                films.c.art_et_essai_recommended,
                null=False,
            ),
            _col("audiodescription", "boolean", "Audiodescription", films.c.audio_description, null=False),
            _col(
                "soustitressme",
                "boolean",
                "Sous-titres sourds et malentendants",
                films.c.deaf_subtitles,
                null=False,
            ),
        ),
        source=films,
        key="filmid",
        text_search=("filmtitle", "filmoriginaltitle", "filmdirector", "filmcast", "filmgenre"),
        search=((FILMS, films.c.id),),
        updated=(films.c.updated_at,),
        keywords=("films", "art et essai", "accessibilité"),
    )
)
register(
    Dataset(
        id="etablissements-scolaires",
        title="Établissements scolaires",
        description="Écoles, collèges et lycées de l'annuaire de l'éducation, pour l'éducation à l'image.",
        columns=(
            _col("identifiant_de_l_etablissement", "string", "UAI", schools.c.uai, null=False),
            _col("nom_etablissement", "string", "Nom", schools.c.name, null=False),
            _col("type_etablissement", "string", "Type", schools.c.kind),
            _col("statut_public_prive", "string", "Secteur", schools.c.sector),
            _col("adresse_1", "string", "Adresse", schools.c.address),
            _col("code_postal", "string", "Code postal", schools.c.postcode),
            _col("code_commune", "string", "Code INSEE de la commune", schools.c.insee_code),
            _col("nom_commune", "string", "Commune", schools.c.commune),
            _col("code_departement", "string", "Département", schools.c.department),
            _col("latitude", "number", "Latitude", schools.c.latitude, "WGS 84"),
            _col("longitude", "number", "Longitude", schools.c.longitude, "WGS 84"),
            _col("nombre_d_eleves", "integer", "Élèves", schools.c.pupils),
            _col(
                "section_cinema", "boolean", "Option cinéma-audiovisuel", schools.c.cinema_section, null=False
            ),
        ),
        source=schools,
        key="identifiant_de_l_etablissement",
        geo=("latitude", "longitude"),
        text_search=("nom_etablissement", "nom_commune", "type_etablissement"),
        search=((SCHOOLS, schools.c.uai),),
        updated=(schools.c.updated_at,),
        keywords=("éducation", "écoles", "éducation à l'image"),
    )
)
