"""One film across vendors: visa, then Allociné id, then title + director + year; ambiguity reported."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select

from lanterne.catalog.identity import film_match_key
from lanterne.catalog.models import Cinema, Film
from lanterne.collect.films import resolve_films
from lanterne.collect.models import FilmSource
from lanterne.collect.programme import FilmRecord

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def add_cinemas(engine: Engine, *ids: int) -> None:
    with engine.begin() as connection:
        for cinema_id in ids:
            connection.execute(
                insert(Cinema)
                .values(id=cinema_id, cnc_region=1, cnc_number=cinema_id, name=f"C{cinema_id}")
                .values(connector_settings={}, art_et_essai=False, label_recherche=False)
                .values(label_jeune_public=False, label_patrimoine=False, multiplex=False, itinerant=False)
                .values(publish_consent=True, active=True, created_at=NOW, updated_at=NOW)
            )


def add_film(engine: Engine, title: str, directors: str | None, year: int | None, **values: object) -> int:
    with engine.begin() as connection:
        row = {"title": title, "directors": directors, "production_year": year, **values}
        row |= {"match_key": film_match_key(title, directors, year)}
        row |= {"art_et_essai_recommended": False, "audio_description": False, "deaf_subtitles": False}
        row |= {"created_at": NOW, "updated_at": NOW}
        film_id: int = connection.execute(insert(Film).values(row)).inserted_primary_key[0]
        return film_id


def resolve(engine: Engine, cinema_id: int, connector: str, *films: FilmRecord):  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        return resolve_films(connection, cinema_id, connector, list(films), NOW)


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_new_film_is_created_and_its_vendor_id_remembered(engine: Engine) -> None:
    add_cinemas(engine, 1)
    first = resolve(
        engine, 1, "cds", FilmRecord("12", "La Chimère", directors="Alice Rohrwacher", visa="157100")
    )
    assert first.written == 2  # the film and its film_sources row
    again = resolve(
        engine, 1, "cds", FilmRecord("12", "La Chimère", directors="Alice Rohrwacher", visa="157100")
    )
    assert again.film_ids == first.film_ids and again.written == 0 and again.rejected == []
    assert count(engine, Film) == 1 and count(engine, FilmSource) == 1


def test_vendors_meet_on_visa_then_allocine_then_title_key(engine: Engine) -> None:
    add_cinemas(engine, 1, 2)
    by_visa = resolve(engine, 1, "cds", FilmRecord("12", "La Chimère", visa="157100", allocine_id="298765"))
    film = by_visa.film_ids["12"]
    assert resolve(engine, 2, "boost", FilmRecord("207", "LA CHIMERE", visa="157100")).film_ids["207"] == film
    assert (
        resolve(engine, 2, "ems", FilmRecord("KQ7", "Chimère (La)", allocine_id="298765")).film_ids["KQ7"]
        == film
    )
    summer = resolve(
        engine,
        1,
        "cds",
        FilmRecord("13", "L'Été dernier", directors="Catherine Breillat", production_year=2023),
    )
    other = resolve(
        engine,
        2,
        "cgr",
        FilmRecord("x9", "L ETE DERNIER", directors="Breillat Catherine", production_year=2023),
    )
    assert other.film_ids["x9"] == summer.film_ids["13"]
    assert count(engine, Film) == 2


def test_each_cinema_has_its_own_vendor_ids(engine: Engine) -> None:
    """CDS media 12 at one cinema is not media 12 at the next: ids are local to a box office."""
    add_cinemas(engine, 1, 2)
    one = resolve(engine, 1, "cds", FilmRecord("12", "Anatomie d'une chute", visa="155000"))
    two = resolve(engine, 2, "cds", FilmRecord("12", "Perfect Days", visa="156000"))
    assert one.film_ids["12"] != two.film_ids["12"]


def test_an_ambiguous_title_is_reported_and_not_guessed(engine: Engine) -> None:
    add_cinemas(engine, 1)
    add_film(engine, "Les Misérables", "Ladj Ly", 2019, visa="1")
    add_film(engine, "Les Misérables", "Ladj Ly", 2019, visa="2")  # e.g. a second visa for a new cut
    result = resolve(
        engine, 1, "boost", FilmRecord("5", "LES MISERABLES", directors="Ladj Ly", production_year=2019)
    )
    assert "5" not in result.film_ids
    assert len(result.rejected) == 1 and "ambigu" in result.rejected[0].reason
    assert count(engine, Film) == 2 and count(engine, FilmSource) == 0


def test_a_film_with_its_own_visa_is_not_merged_into_a_film_with_another(engine: Engine) -> None:
    add_cinemas(engine, 1)
    stored = add_film(engine, "Le Procès", "Orson Welles", 1962, visa="25000")
    result = resolve(
        engine,
        1,
        "cds",
        FilmRecord("1", "Le Procès", directors="Orson Welles", production_year=1962, visa="99999"),
    )
    assert result.film_ids["1"] != stored


def test_conflicting_identifiers_follow_the_visa_and_are_reported(engine: Engine) -> None:
    add_cinemas(engine, 1)
    by_visa = add_film(engine, "A", None, None, visa="100")
    add_film(engine, "B", None, None, allocine_id="200")
    result = resolve(engine, 1, "cds", FilmRecord("1", "A", visa="100", allocine_id="200"))
    assert result.film_ids["1"] == by_visa
    assert [r.field for r in result.rejected] == ["allocine_id"]


def test_missing_fields_are_filled_and_known_ones_kept(engine: Engine) -> None:
    add_cinemas(engine, 1)
    film_id = add_film(engine, "Perfect Days", None, None, visa="156000", synopsis="Hirayama nettoie.")
    record = FilmRecord(
        "3",
        "PERFECT DAYS (VOST)",
        directors="Wim Wenders",
        production_year=2023,
        runtime=124,
        visa="156000",
        synopsis="Autre résumé",
        allocine_id="301000",
    )
    result = resolve(engine, 1, "boost", record)
    assert result.film_ids["3"] == film_id and result.written == 2  # mapping + one film update
    with engine.connect() as connection:
        film = connection.execute(select(Film).where(Film.id == film_id)).one()
    assert (film.title, film.synopsis) == ("Perfect Days", "Hirayama nettoie.")
    assert (film.directors, film.production_year, film.runtime, film.allocine_id) == (
        "Wim Wenders",
        2023,
        124,
        "301000",
    )
    assert film.match_key == film_match_key("Perfect Days", "Wim Wenders", 2023)
    assert resolve(engine, 1, "boost", record).written == 0  # nothing left to fill: nothing written


def test_an_identifier_another_film_holds_is_not_copied(engine: Engine) -> None:
    add_cinemas(engine, 1)
    add_film(engine, "Holder", None, None, allocine_id="777")
    target = add_film(engine, "Target", None, None, visa="888")
    result = resolve(engine, 1, "cds", FilmRecord("1", "Target", visa="888", allocine_id="777"))
    assert result.film_ids["1"] == target
    with engine.connect() as connection:
        assert connection.execute(select(Film.allocine_id).where(Film.id == target)).scalar() is None
