"""The open datasets: their columns (today's French names), the SQL they read, and the registry.

Other domains (agenda, barometer) add theirs with `register`; the API, the exports and the catalogue
all read `DATASETS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, FromClause, and_, case, func, literal, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.util import find_tables

from lanterne.catalog.models import Cinema, Film, School, Showtime
from lanterne.publish.search import CINEMAS, FILMS, SCHOOLS, TextSource

TYPES = ("string", "integer", "number", "boolean", "datetime", "date")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COUNT_CACHE_SECONDS = 300.0
STATEMENTS_KEPT = 512  # request shapes remembered per dataset (a reuser's script repeats a handful)
COUNTS_KEPT = 4096  # filtered counts remembered per dataset
T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """A published column: its public name, type, French title, and the SQL expression that reads it."""

    name: str
    type: str  # one of TYPES
    title: str
    description: str = ""
    expression: Any = field(default=None, compare=False, hash=False, repr=False)
    nullable: bool = True


@dataclass
class Dataset:
    """One open dataset: what it publishes and from which tables.

    `key` names a unique, non-null column: the keyset cursor's tie-breaker. `search` lists the full-text
    sources `q` looks in, with the expression of this dataset holding each source's key. `joins`, when
    given, are (table, ON clause) joined to `source`; a query then joins only the tables it reads
    (SQLite does not drop a useless join by itself, and counts pay for every one).
    """

    id: str
    title: str
    description: str
    columns: tuple[Column, ...]
    source: FromClause
    key: str
    where: tuple[Any, ...] = ()
    geo: tuple[str, str] | None = None  # (latitude, longitude) column names
    text_search: tuple[str, ...] = ()
    search: tuple[tuple[TextSource, Any], ...] = ()
    start_column: str | None = None
    end_column: str | None = None
    summary_column: str | None = None
    uid_column: str | None = None
    status_column: str | None = None
    url_column: str | None = None
    department_column: str | None = None
    location_columns: tuple[str, ...] = ()
    updated: tuple[Any, ...] = ()  # columns whose newest value is the dataset's last update
    keywords: tuple[str, ...] = ()
    joins: tuple[tuple[Any, Any], ...] = ()
    # An upper bound of start→end, so `date_match` can seek the start-time index instead of scanning.
    longest_duration: timedelta | None = None
    _count_cache: tuple[float, Any, int] | None = field(default=None, repr=False, compare=False)
    _statements: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _counts: dict[Hashable, tuple[float, Any, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.by_name = {column.name: column for column in self.columns}
        if self.key not in self.by_name:
            raise ValueError(f"{self.id}: key column {self.key!r} is not published")
        # Labelled once: building 35 labels per request is a measurable share of a short query.
        self.labelled = {c.name: c.expression.label(c.name) for c in self.columns}
        self.sort_labelled = {c.name: c.expression.label(f"_sort_{c.name}") for c in self.columns}
        newest = (select(func.max(column)).scalar_subquery() for column in self.updated)
        self._updated_query = select(*newest) if self.updated else None

    def from_clause(self, *clauses: Any) -> Any:
        """`source` with the joins the clauses (and the dataset's own conditions) read; all of them
        when called without clauses."""
        if not clauses:
            clauses = tuple(c.expression for c in self.columns)
        needed = {
            table for clause in (*clauses, *self.where) for table in find_tables(clause, check_columns=True)
        }
        joined = self.source
        for table, on in self.joins:
            if table in needed:
                joined = joined.join(table, on)
        return joined

    def column(self, name: str) -> Column | None:
        return self.by_name.get(name)

    def condition(self) -> Any:
        return and_(true(), *self.where)

    def last_updated(self, engine: Engine) -> datetime:
        """The newest change among the tables the dataset reads (each an index seek), asked on every
        request for its ETag. On SQLite a connection remembers it until the database file changes."""
        if self._updated_query is None:
            return EPOCH
        with engine.connect() as connection:
            version = sqlite_version(connection)
            key = ("last_updated", id(self))
            remembered = connection.info.get(key)
            if version is not None and remembered is not None and remembered[0] == version:
                return remembered[1]  # type: ignore[no-any-return]
            stamps = connection.execute(self._updated_query).one()
            newest = max((stamp for stamp in stamps if stamp is not None), default=EPOCH)
            if version is not None:
                connection.info[key] = (version, newest)
        return newest

    def count(self, engine: Engine, last_updated: datetime | None = None) -> int:
        """Rows of the whole dataset, asked on every unfiltered page: counted again only once the data
        changed (its last update moved) or after a few minutes (deletions move no timestamp)."""
        now, stamp = time.monotonic(), (id(engine), last_updated or self.last_updated(engine))
        cached = self._count_cache
        if cached and cached[1] == stamp and now - cached[0] < COUNT_CACHE_SECONDS:
            return cached[2]
        query = select(func.count()).select_from(self.from_clause(true())).where(self.condition())
        with engine.connect() as connection:
            total = int(connection.execute(query).scalar() or 0)
        self._count_cache = (now, stamp, total)
        return total

    def remembered_count(self, key: Hashable, stamp: Any, counter: Callable[[], int]) -> int:
        """A filtered count, kept like the whole count: while the data version (`stamp`) stands, for a
        few minutes at most. A search or a department's day counts thousands of rows per request."""
        now = time.monotonic()
        cached = self._counts.get(key)
        if cached and cached[1] == stamp and now - cached[0] < COUNT_CACHE_SECONDS:
            return cached[2]
        total = counter()
        if len(self._counts) >= COUNTS_KEPT:
            self._counts.clear()
        self._counts[key] = (now, stamp, total)
        return total

    def cached(self, shape: Hashable, build: Callable[[], T]) -> T:
        """The statement of one request shape, built once; SQLAlchemy then compiles it once per database."""
        found = self._statements.get(shape)
        if found is None:
            if len(self._statements) >= STATEMENTS_KEPT:
                self._statements.clear()
            found = self._statements[shape] = build()
        return found  # type: ignore[no-any-return]


def sqlite_version(connection: Connection) -> tuple[int, int] | None:
    """What changes whenever the SQLite database does: `data_version` moves when another connection
    commits, `total_changes` when this one writes (a sync run by the same process). None elsewhere."""
    if connection.dialect.name != "sqlite":
        return None
    raw: Any = connection.connection.driver_connection
    return raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes


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
    _col(
        "filmid",
        "integer",
        "Identifiant du film",
        films.c.id,
        "Le même film chez tous les éditeurs",
        null=False,
    ),
    _col("filmtitle", "string", "Titre du film", films.c.title, null=False),
    _col("filmdirector", "string", "Réalisation", films.c.directors),
    _col("filmcast", "string", "Distribution", films.c.cast),
    _col("filmstoryline", "string", "Synopsis", films.c.synopsis),
    _col("filmgenre", "string", "Genre", films.c.genres),
    _col("filmcountry", "string", "Pays", films.c.countries),
    _col("filmduration", "integer", "Durée (secondes)", films.c.runtime * 60),
    _col("filmversion", "string", "Version", showtimes.c.version, "VF, VO ou VOST"),
    _col("filmaudio", "string", "Langue de la bande son", FILM_AUDIO),
    _col("filmposter", "string", "Affiche", films.c.poster_url),
    _col("filmtrailer", "string", "Bande-annonce", films.c.trailer_url),
    _col("filmkey", "string", "Clé du film", films.c.match_key, "titre|réalisateur|année, normalisés"),
    _col("filmvisa", "string", "Visa d'exploitation", films.c.visa),
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


class Likely(FunctionElement[bool]):
    """A condition nearly every row meets, said so to SQLite's planner (`likely()`); as is elsewhere.

    Without it SQLite took the consent of the cinemas for a selective filter: page 1 sorted by start
    walked every cinema's séances and sorted them (6 ms) instead of reading the start index (0.7 ms)."""

    inherit_cache = True  # no Boolean type: SQLAlchemy would compare it to 1 on SQLite, hiding the hint


@compiles(Likely)
def _likely(element: Likely, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(Likely, "sqlite")
def _likely_sqlite(element: Likely, compiler: Any, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"


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
            _col("filmid", "integer", "Identifiant du film", films.c.id, null=False),
            _col(
                "filmkey", "string", "Clé du film", films.c.match_key, "titre|réalisateur|année, normalisés"
            ),
            _col("filmvisa", "string", "Visa d'exploitation", films.c.visa),
            _col("filmtitle", "string", "Titre", films.c.title, null=False),
            _col("filmoriginaltitle", "string", "Titre original", films.c.original_title),
            _col("filmdirector", "string", "Réalisation", films.c.directors),
            _col("filmcast", "string", "Distribution", films.c.cast),
            _col("filmstoryline", "string", "Synopsis", films.c.synopsis),
            _col("filmgenre", "string", "Genre", films.c.genres),
            _col("filmcountry", "string", "Pays", films.c.countries),
            _col("filmduration", "integer", "Durée (secondes)", films.c.runtime * 60),
            _col("filmyear", "integer", "Année de production", films.c.production_year),
            _col("filmreleasedate", "date", "Date de sortie", films.c.release_date),
            _col("filmdistributor", "string", "Distributeur", films.c.distributor),
            _col("filmposter", "string", "Affiche", films.c.poster_url),
            _col("filmtrailer", "string", "Bande-annonce", films.c.trailer_url),
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
