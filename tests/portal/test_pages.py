"""Every page over real HTTP, on SQLite and PostgreSQL: status, French text, what it shows, its weight."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from io import BytesIO, StringIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import orjson
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from tests.portal.builders import event_ids

from lanterne.portal import agenda, display, film
from lanterne.portal.reading import EVENTS
from lanterne.publish.lines import dataset_of, statement
from lanterne.publish.params import PARIS
from lanterne.publish.query import parse_lines
from lanterne.publish.search import connect

PAGES = {
    "/": "Les jeux de données",
    "/donnees": "Les jeux de données",
    "/recherche?q=renn": "Cinéma Arvor",
    "/donnees/programmation-cinemas": "Programmation des cinémas indépendants",
    "/donnees/cinemas": "Cinémas en activité",
    "/carte": "Carte",
    "/carte/etablissements-scolaires": "Établissements scolaires",
    "/carte/evenements": "Événements",
    "/agenda": "Agenda des séances événements",
    "/cinemas/1000035": "La semaine, film par film",
    "/films": "Films",
    "/films/1": "Où voir ce film",
    "/embed/cinemas/table": "Cinémas en activité",
    "/embed/cinemas/map": "Cinémas en activité",
}
WEIGHT_LIMIT = 500_000


class Assets(HTMLParser):
    """The files a browser fetches for a page (styles, scripts) and the data a map asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.urls.append(found["href"] or "")
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if found.get("data-source"):
            self.urls.append(found["data-source"] or "")


def weight(client: httpx.Client, url: str) -> int:
    """Bytes of the page, its styles, its scripts and its map data; tiles excluded."""
    page = client.get(url)
    parser = Assets()
    parser.feed(page.text)
    return len(page.content) + sum(len(client.get(urljoin(url, asset)).content) for asset in parser.urls)


def test_every_page_answers_in_french_under_500_kb(portal: str) -> None:
    with httpx.Client() as client:
        for path, words in PAGES.items():
            page = client.get(portal + path)
            assert page.status_code == 200, (path, page.text[:500])
            assert '<html lang="fr">' in page.text
            assert words in page.text, path
            assert weight(client, portal + path) < WEIGHT_LIMIT, path


def test_the_layout_has_the_navigation_a_skip_link_and_the_licence(portal: str) -> None:
    text = httpx.get(portal + "/agenda").text
    assert '<a class="skip" href="#contenu">' in text and 'id="contenu"' in text
    for label, href in (("Accueil", "/"), ("Données", "/donnees"), ("Carte", "/carte"), ("Films", "/films"),
                        ("Baromètre", "/barometre"), ("Pass Culture", "/pass/offres")):  # fmt: skip
        assert f'href="{href}"' in text and label in text
    assert '<a href="/agenda" aria-current="page">Agenda</a>' in text
    assert "Licence Ouverte 2.0" in text


def test_the_home_page_lists_each_dataset_with_its_size(portal: str) -> None:
    text = httpx.get(portal + "/").text
    assert "Cinémas en activité" in text and "Films à l&#39;affiche" in text
    assert re.search(r"<dt>Lignes</dt><dd>3</dd>", text)  # the three active cinemas


def test_search_finds_cinemas_films_and_towns_without_accents(portal: str) -> None:
    text = httpx.get(portal + "/recherche", params={"q": "ete"}).text
    assert 'href="/films/1"' in text
    text = httpx.get(portal + "/recherche", params={"q": "rennes"}).text
    assert 'href="/cinemas/3335121"' in text and "cineville_eq=Rennes" in text


def _rows(text: str) -> list[str]:
    body = text.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_the_table_filters_sorts_and_pages_with_the_api_words(portal: str) -> None:
    url = portal + "/donnees/programmation-cinemas"
    text = httpx.get(url, params={"cineville_contains": "renn", "size": "10", "sort": "-showstart"}).text
    rows = _rows(text)
    assert len(rows) == 10 and all("Rennes" in row for row in rows)
    assert 'aria-sort="descending"' in text
    following = re.search(r'href="([^"]+)" rel="next"', text)
    assert following and "after=" in following.group(1)
    second = httpx.get(portal + following.group(1).replace("&amp;", "&")).text
    assert not set(_rows(second)) & set(rows)


def test_the_api_panel_gives_the_exact_url_of_the_view(portal: str) -> None:
    params = {"q": "arvor", "select": "showid,filmtitle", "sort": "showid", "size": "5"}
    text = httpx.get(portal + "/donnees/programmation-cinemas", params=params).text
    api = re.search(r'id="api-url" readonly value="([^"]+)"', text).group(1).replace("&amp;", "&")
    assert urlsplit(api).path == "/data-fair/api/v1/datasets/programmation-cinemas/lines"
    assert dict(parse_qsl(urlsplit(api).query)) == params
    shown = [re.findall(r"<td>(.*?)</td>", row) for row in _rows(text)]
    answer = httpx.get(api).json()["results"]
    assert [[str(r["showid"]), r["filmtitle"].replace("'", "&#39;")] for r in answer] == shown


def test_a_plain_form_post_lands_on_the_tidy_api_url(portal: str) -> None:
    query = "q=&cinenom_contains=balzac&select=cinenom&select=cineville&cineville_contains=&size=20"
    answer = httpx.get(f"{portal}/donnees/cinemas?{query}")
    assert answer.status_code == 303
    assert (
        answer.headers["location"]
        == "/donnees/cinemas?cinenom_contains=balzac&select=cinenom,cineville&size=20"
    )


def test_the_xlsx_download_holds_the_filtered_rows(portal: str) -> None:
    text = httpx.get(
        portal + "/donnees/cinemas", params={"artetessai_eq": "true", "select": "cinenom,cineville"}
    ).text
    link = re.search(r'href="([^"]+format=xlsx)"', text).group(1).replace("&amp;", "&")
    workbook = load_workbook(BytesIO(httpx.get(link).content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("cinenom", "cineville")
    assert sorted(rows[1:]) == [("Cinéma Arvor", "Rennes"), ("Le Balzac", "Paris")]


def test_embeds_may_be_framed_by_any_site(portal: str) -> None:
    for path in ("/embed/films/table", "/embed/cinemas/map"):
        answer = httpx.get(portal + path)
        assert answer.headers["content-security-policy"] == "frame-ancestors *"
        assert "x-frame-options" not in answer.headers
        assert 'class="embed"' in answer.text and "site-nav" not in answer.text


def test_an_event_page_carries_its_screening_event(portal: str) -> None:
    show = event_ids()["Ciné-débat avec la médiathèque"]
    text = httpx.get(f"{portal}/evenements/{show}").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    event = orjson.loads(found.group(1))
    assert event["@type"] == "ScreeningEvent" and event["name"] == "Ciné-débat avec la médiathèque"
    assert event["location"]["name"] == "Cinéma Arvor" and event["workPresented"]["name"] == "Perfect Days"
    assert event["startDate"].endswith(("+01:00", "+02:00"))


def test_the_agenda_filters_by_department_and_type(portal: str) -> None:
    everything = httpx.get(portal + "/agenda").text
    assert "Avant-première" in everything and "Ciné-goûter" in everything
    text = httpx.get(portal + "/agenda", params={"departement": "35"}).text
    assert "Ciné-goûter" in text and "Avant-première en présence" not in text
    text = httpx.get(portal + "/agenda", params={"type": "debat"}).text
    assert "Ciné-débat avec la médiathèque" in text and "Ciné-goûter</strong>" not in text


def test_the_agenda_shows_a_week_and_links_its_neighbours(portal: str) -> None:
    today = datetime.now(PARIS).date()
    this_week = httpx.get(portal + "/agenda").text
    assert f"Événements du {display.day_label(today)} au" in this_week
    assert "Semaine précédente" not in this_week
    following = (today + timedelta(days=7)).isoformat()
    assert f'href="/agenda?du={following}">Semaine suivante' in this_week
    next_week = httpx.get(portal + "/agenda", params={"du": following, "departement": "35"}).text
    assert "Aucun événement à venir pour ces critères cette semaine." in next_week  # all within 5 days
    assert f'href="/agenda?departement=35&amp;du={today.isoformat()}">« Semaine précédente' in next_week
    assert 'name="du" value="' + following in next_week  # filtering keeps the week
    past = httpx.get(portal + "/agenda", params={"du": "2020-01-01"}).text
    assert "Ciné-goûter" in past and "Semaine précédente" not in past  # never before today
    answer = httpx.get(portal + "/agenda", params={"du": "demain"})
    assert answer.status_code == 400 and "du" in answer.text


def test_the_events_map_shows_the_coming_week_unless_the_url_bounds_it(portal: str) -> None:
    text = httpx.get(portal + "/carte/evenements").text
    source = re.search(r'data-source="([^"]+)"', text).group(1).replace("&amp;", "&")
    assert "showstart_gte=" in source and "showstart_lt=" in source
    assert "Séances des sept prochains jours." in text
    assert {row["evenement"] for row in csv_rows(httpx.get(source))} >= {
        "Ciné-goûter",
        "Ciné-débat avec la médiathèque",
    }
    bounded = httpx.get(portal + "/carte/evenements", params={"showstart_gte": "2020-01-01"}).text
    assert "showstart_lt" not in bounded and "sept prochains jours" not in bounded
    agenda_page = httpx.get(portal + "/agenda", params={"departement": "35"}).text
    link = re.search(r'href="/carte/evenements\?([^"]+)"', agenda_page).group(1).replace("&amp;", "&")
    assert "cinedepartement_eq=35" in link and "showstart_gte=" in link and "showstart_lt=" in link


def test_the_agenda_walks_the_events_index_not_every_seance(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's plan depends on its statistics; SQLite's on the indexes alone")
    query = parse_lines(
        dataset_of(EVENTS),
        {**agenda.agenda_filters({"region": "Bretagne", "type": "debat"}), "showstart_gte": "2026-09-01",
         "showstart_lt": "2026-09-08", "sort": "showstart", "size": "50"},
    )  # fmt: skip
    sql = str(statement(query, 51).compile(engine, compile_kwargs={"literal_binds": True}))
    with connect(engine) as connection:  # registers the fold function SQLite's plan names
        plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_showtimes_event_starts" in plan and "ix_showtimes_starts " not in plan


def test_a_film_plays_nearest_first_from_a_postcode(portal: str) -> None:
    near_rennes = httpx.get(portal + "/films/2", params={"cp": "35000"}).text
    near_paris = httpx.get(portal + "/films/2", params={"cp": "75008"}).text
    assert near_rennes.index("Cinéma Arvor") < near_rennes.index("Le Balzac")
    assert near_paris.index("Le Balzac") < near_paris.index("Cinéma Arvor")
    assert "La Lanterne" not in near_paris  # no consent: its programme is not published


def test_a_film_in_many_cinemas_lists_the_same_places(portal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    by_id = httpx.get(portal + "/films/2", params={"cp": "35000"}).text
    monkeypatch.setattr(film, "FEW", 1)  # past FEW cinemas the page reads them all and keeps those playing
    from_all = httpx.get(portal + "/films/2", params={"cp": "35000"}).text
    assert from_all == by_id and "Cinéma Arvor" in from_all and "La Lanterne" not in from_all


def test_a_cinema_page_shows_its_week_events_and_booking_links(portal: str) -> None:
    text = httpx.get(portal + "/cinemas/3335121").text
    assert "Cinéma Arvor" in text and "Perfect Days" in text and "Ciné-goûter" in text
    assert 'href="https://billets.example/' in text and "Label Jeune Public" in text


def test_the_film_searches_use_the_films_flags(portal: str) -> None:
    text = httpx.get(portal + "/films", params={"recommandationae_eq": "true"}).text
    assert "Anatomie d&#39;une chute" in text and "Perfect Days" not in text
    text = httpx.get(portal + "/films", params={"soustitressme_eq": "true"}).text
    assert "Perfect Days" in text and "Anatomie" not in text
    assert httpx.get(portal + "/films/accessibles").status_code == 301


def test_bad_parameters_and_unknown_ids_answer_in_french(portal: str) -> None:
    answer = httpx.get(portal + "/donnees/cinemas", params={"size": "abc"})
    assert answer.status_code == 400 and "size" in answer.text and "Paramètre incorrect" in answer.text
    assert httpx.get(portal + "/cinemas/42").status_code == 404
    assert "Page introuvable" in httpx.get(portal + "/donnees/inconnu").text


def test_the_schools_map_keeps_schools_near_a_cinema(portal: str) -> None:
    text = httpx.get(portal + "/carte/etablissements-scolaires", params={"cinema": "Arvor", "km": "5"}).text
    source = re.search(r'data-source="([^"]+)"', text).group(1).replace("&amp;", "&")
    assert "geo_distance=-1.6713:48.0953:5km" in source
    names = {row["nom_etablissement"] for row in csv_rows(httpx.get(source))}
    assert names == {"École élémentaire Jean Jaurès", "Lycée Émile Zola"}


def csv_rows(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(StringIO(answer.content.decode("utf-8-sig"))))


def test_the_cinemas_map_draws_from_the_api_csv_with_only_what_a_marker_shows(portal: str) -> None:
    text = httpx.get(portal + "/carte", params={"artetessai_eq": "true"}).text
    source = re.search(r'data-source="([^"]+)"', text).group(1).replace("&amp;", "&")
    assert "/data-fair/api/v1/datasets/cinemas/lines?" in source and "format=csv" in source
    found = csv_rows(httpx.get(source))
    assert found and set(found[0]) == {"cineid", "cinenom", "cineville", "_coords.lat", "_coords.lon"}
    json_rows = httpx.get(source.replace("format=csv", "format=json")).json()["results"]
    assert [row["cinenom"] for row in found] == [row["cinenom"] for row in json_rows]
