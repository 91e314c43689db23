"""The portal in a real browser (Debian chromium, SQLite only to keep CI short): table search, columns,
keyboard sorting, a filtered XLSX equal to the table, an embed on a foreign site, map markers without
tiles, the agenda's filters. Each page's screenshot lands in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lanterne.stand_ins.server import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    yield context.new_page()
    context.close()


def table_texts(page: Page) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in page.locator("#donnees tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))")]  # fmt: skip


def column(page: Page, title: str) -> list[str]:
    headers = page.locator("#donnees thead tr").first.locator("th").all_inner_texts()
    index = next(i for i, text in enumerate(headers) if text.startswith(title))
    return [row[index] for row in table_texts(page)]


def test_global_and_column_search_and_column_choice(page: Page, portal: str, screenshots: Path) -> None:
    page.goto(portal + "/donnees/programmation-cinemas")
    page.get_by_label("Rechercher dans toutes les colonnes").fill("perfect")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=perfect**")
    assert set(column(page, "Titre du film")) == {"Perfect Days"}
    page.get_by_label("Filtrer Commune").fill("renn")
    page.get_by_label("Filtrer Commune").press("Enter")
    page.wait_for_url("**cineville_contains=renn**")
    assert column(page, "Commune") == ["Rennes"] * 5
    page.get_by_text("Choisir les colonnes").click()
    page.locator("input[name=select][value=filmversion]").uncheck()
    page.locator("input[name=select][value=evenement]").uncheck()
    page.get_by_role("button", name="Afficher ces colonnes").click()
    page.wait_for_url("**select=**")
    headers = page.locator("#donnees thead tr").first.locator("th").all_inner_texts()
    assert [h.split("\n")[0].rstrip("↕▲▼ ") for h in headers] == [
        "Début de la séance", "Nom du cinéma", "Commune", "Titre du film"]  # fmt: skip
    assert "select=showstart,cinenom,cineville,filmtitle" in page.url
    page.screenshot(path=screenshots / "donnees-programmation.png", full_page=True)


def test_keyboard_only_sorting_and_paging(page: Page, portal: str) -> None:
    page.goto(portal + "/donnees/cinemas?select=cinenom,cineville&size=10")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(40):  # through the navigation and the search form to the first sortable header
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "sort":
            break
    assert page.evaluate("document.activeElement.innerText").startswith("Nom du cinéma")
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=cinenom**")
    assert [row[0] for row in table_texts(page)] == ["Cinéma Arvor", "La Lanterne", "Le Balzac"]
    page.locator("a.sort").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=-cinenom**")
    assert [row[0] for row in table_texts(page)] == ["Le Balzac", "La Lanterne", "Cinéma Arvor"]
    assert page.locator("th[aria-sort=descending]").count() == 1
    outline = page.locator("a.sort").first.evaluate(
        "a => { a.focus(); return getComputedStyle(a).outlineStyle; }"
    )
    assert outline == "solid"  # visible focus


def test_the_filtered_xlsx_holds_the_tables_rows(page: Page, portal: str) -> None:
    page.goto(portal + "/donnees/programmation-cinemas?cinenom_contains=arvor&filmtitle_contains=perfect"
              "&select=showid,filmtitle,cinenom&sort=showid")  # fmt: skip
    shown = table_texts(page)
    assert len(shown) == 5
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("showid", "filmtitle", "cinenom")
    assert [[str(cell) for cell in row] for row in rows[1:]] == shown


def test_an_embed_fits_inside_a_foreign_page(page: Page, portal: str, screenshots: Path) -> None:
    embed = f"{portal}/embed/cinemas/table?artetessai_eq=true&select=cinenom,cineville"
    foreign = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie</title></head>
<body><h1>Les cinémas de notre région</h1>
<iframe id="cadre" src="{embed}" title="Cinémas" width="100%" height="150" style="border:0"></iframe>
<script src="{portal}/static/embed.js" async></script></body></html>"""

    async def home(request: object) -> HTMLResponse:
        return HTMLResponse(foreign)

    with serve_in_thread(Starlette(routes=[Route("/", home)])) as site:
        page.goto(site.replace("127.0.0.1", "localhost"))  # another origin than Lanterne's
        page.wait_for_function("document.getElementById('cadre').dataset.lanterneHeight > 0")
        height = int(page.locator("#cadre").get_attribute("data-lanterne-height") or 0)
        assert height > 150 and page.locator("#cadre").evaluate("f => f.offsetHeight") == height
        frame = page.frame_locator("#cadre")
        assert frame.locator("#donnees tbody tr").count() == 2
        assert frame.get_by_text("Le Balzac").is_visible()
        page.screenshot(path=screenshots / "embed-site-tiers.png", full_page=True)


def test_map_markers_show_without_tiles(page: Page, portal: str, screenshots: Path) -> None:
    page.goto(portal + "/carte")
    page.wait_for_function("document.getElementById('carte').dataset.markers !== undefined")
    assert page.locator("#carte").get_attribute("data-markers") == "3"
    page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
    page.screenshot(path=screenshots / "carte-cinemas.png", full_page=True)
    page.goto(portal + "/carte?artetessai_eq=true&cinecategorie_eq=A")
    page.wait_for_function("document.getElementById('carte').dataset.markers !== undefined")
    assert page.locator("#carte").get_attribute("data-markers") == "1"
    page.locator(".leaflet-marker-icon").first.click()
    page.locator(".popup-times li").first.wait_for()  # the cinema's next showtimes, from the API
    assert "Le Balzac" in page.locator(".leaflet-popup-content").inner_text()


def test_the_agenda_filters_in_the_browser(page: Page, portal: str, screenshots: Path) -> None:
    page.goto(portal + "/agenda")
    assert page.locator(".event").count() == 3
    page.locator("#departement").select_option(value="35")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**departement=35**")
    assert page.locator(".event").count() == 2
    page.locator("#type").select_option(value="jeune-public")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**type=jeune-public**")
    assert page.locator(".event strong").all_inner_texts() == ["Ciné-goûter"]
    page.screenshot(path=screenshots / "agenda.png", full_page=True)


PAGES = (
    ("accueil", "/"),
    ("donnees", "/donnees"),
    ("recherche", "/recherche?q=ren"),
    ("cinema", "/cinemas/3335121"),
    ("film", "/films/1?cp=35000"),
    ("films", "/films"),
    ("evenement", "/evenements/36"),
    ("ecoles", "/carte/etablissements-scolaires"),
    ("carte-evenements", "/carte/evenements"),
    ("table-cinemas", "/donnees/cinemas"),
)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_every_page(browser: Browser, portal: str, screenshots: Path, width: int) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    tab = context.new_page()
    for name, path in PAGES:
        tab.goto(portal + path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1, path  # no sideways scroll
        tab.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
    context.close()
