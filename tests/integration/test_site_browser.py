"""The reader's site, built from the demo data and read as a reader would.

Builds the whole demo site once (ingest -> analyse -> build -> site, as `make reports`
does) in a temporary folder, then

* crawls every page: every relative link resolves to a file (pages, downloads) and every
  ``#anchor`` to an element id of its target page; ids are unique on every page;
* checks that every town page and the cross-town page carry the navigation (site name,
  breadcrumb, language switch to the same page, appendix menu, pager, downloads);
* opens pages in Debian chromium under Selenium (``chromium-driver``) at 390 and 1280 px:
  no element is wider than the viewport outside a box that scrolls, the page's content
  uses the phone's width, and the language switch leads to the same page.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from analysis.i18n import LANGS
from analysis.paths import ProjectPaths
from analysis.report.nav import TOWN_APPENDICES
from analysis.report.render import CHROMIUM
from analysis.site.browser import (
    CHROMEDRIVER,
    browser,
    overflowing_elements,
    sample_pages,
)

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.classes: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(str(a[name]))
        if a.get("class"):
            self.classes.append((tag, a))


def _read(page: Path) -> _Page:
    p = _Page()
    p.feed(page.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> Path:
    """The built demo site; ``ECOPLAN_TEST_SITE=<reports/site>`` reuses one already built.

    Otherwise the session's demo build (``tests/integration/conftest.py``), shared with
    the one-truth test.
    """
    if os.environ.get("ECOPLAN_TEST_SITE"):
        return Path(os.environ["ECOPLAN_TEST_SITE"])
    paths: ProjectPaths = request.getfixturevalue("demo_site")
    return paths.site


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, _Page]:
    return {page: _read(page) for page in sorted(site.rglob("*.html"))}


def _town_pages(site: Path) -> list[Path]:
    return sorted(site.glob("towns/*/*/*.html"))


def test_every_link_and_anchor_of_the_site_resolves(site: Path, pages: dict[Path, _Page]) -> None:
    broken = []
    checked = 0
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                assert parts.scheme in {"data", "https", "mailto"}, (page, link)
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif parts.fragment:
                ids = pages[target].ids if target in pages else []
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    assert checked > 1000, checked
    assert not broken, broken[:30]


def test_ids_are_unique_on_every_page(site: Path, pages: dict[Path, _Page]) -> None:
    repeated = {}
    for page, parsed in pages.items():
        seen: dict[str, int] = {}
        for ident in parsed.ids:
            seen[ident] = seen.get(ident, 0) + 1
        if dup := sorted(i for i, n in seen.items() if n > 1):
            repeated[str(page.relative_to(site))] = dup[:5]
    assert not repeated, repeated


def test_every_town_page_has_site_header_language_switch_menu_pager_and_downloads(
    site: Path, pages: dict[Path, _Page]
) -> None:
    town_pages = _town_pages(site)
    assert len(town_pages) >= 2 * 6 * 3
    for page in town_pages:
        html = page.read_text(encoding="utf-8")
        lang, town = page.parent.name, page.parent.parent.name
        other = next(x for x in LANGS if x != lang)
        where = page.relative_to(site)
        for css in ("site-header", "site-name", "breadcrumb", "appendix-nav", "pager"):
            assert f'class="{css}"' in html, (where, css)
        switch = re.search(r'class="lang-switch" href="([^"]+)"', html)
        assert switch, where
        assert (page.parent / switch.group(1)).resolve() == (
            site / "towns" / town / other / page.name
        ).resolve(), where
        for aid in TOWN_APPENDICES:
            assert f'href="{aid}.html"' in html, (where, aid)
        for name in (f"{town}.csv", f"{town}_results.csv", f"{town}.xlsx"):
            assert f'href="../../../downloads/{name}"' in html, (where, name)
    for lang in LANGS:
        cross = (site / "cross-town" / f"{lang}.html").read_text(encoding="utf-8")
        assert 'class="lang-switch"' in cross and 'class="breadcrumb"' in cross


def test_combined_page_keeps_each_appendix_theme_anchor_apart(site: Path) -> None:
    combined = next(iter(sorted(site.glob("towns/*/th/index.html"))))
    ids = _read(combined).ids
    assert "theme-air" not in ids
    assert {"b-theme-air", "c-theme-air"} <= set(ids)


# --- in a real browser ------------------------------------------------------------------


def _browser_available() -> None:
    pytest.importorskip("selenium")
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.skip("needs Debian chromium and chromium-driver (apt-get install; .ci/run does)")


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_no_element_is_wider_than_the_viewport_outside_a_scroll_box(site: Path, width: int) -> None:
    _browser_available()
    sample = sample_pages(site)
    assert {"index-th", "town-b-th", "town-index-en", "cross-town-th"} <= set(sample)
    problems = {}
    with browser(width) as driver:
        for kind, page in sample.items():
            driver.get(page.resolve().as_uri())
            found = overflowing_elements(driver)
            assert found["vw"] == width, found
            if found["bad"] or found["scrollWidth"] > width:
                problems[kind] = found
            if width < 600 and kind.startswith("town-"):
                # The phone's width goes to the text, not to A4 margins.
                content = driver.execute_script(
                    "const m = document.querySelector('main.page');"
                    "const s = getComputedStyle(m);"
                    "return m.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);"
                )
                if content < 0.85 * width:
                    problems[kind] = {"content_width": content}
    assert not problems, problems


@pytest.mark.browser
def test_language_switch_in_the_browser_opens_the_same_page(site: Path) -> None:
    _browser_available()
    from selenium.webdriver.common.by import By  # noqa: PLC0415 - optional (dev extra)

    page = next(iter(sorted(site.glob("towns/*/th/c.html"))))
    with browser(390) as driver:
        driver.get(page.resolve().as_uri())
        assert driver.execute_script("return document.documentElement.lang") == "th"
        driver.find_element(By.CSS_SELECTOR, "a.lang-switch").click()
        assert driver.current_url.endswith(f"/towns/{page.parent.parent.name}/en/c.html")
        assert driver.execute_script("return document.documentElement.lang") == "en"
        driver.find_element(By.CSS_SELECTOR, "a.lang-switch").click()
        assert driver.current_url == page.resolve().as_uri()


def test_indicator_pages_read_the_stored_values_and_are_linked_from_the_appendices(
    site: Path,
) -> None:
    from analysis.report.valuemark import extract_marks  # noqa: PLC0415

    pages = sorted(site.glob("towns/*/th/indicators/*.html"))
    assert len(pages) >= 6 * 10
    for page in pages:
        assert page.with_suffix(".csv").is_file(), page
        en = site / "towns" / page.parent.parent.parent.name / "en" / "indicators" / page.name
        assert en.is_file(), en
    page = next(p for p in pages if p.stem == "pm25_annual")
    html = page.read_text(encoding="utf-8")
    marks = extract_marks(html)
    assert marks and {m.indicator_id for m in marks} == {"pm25_annual"}
    assert {m.kind for m in marks} <= {"observed", "projected"}
    csv = page.with_suffix(".csv").read_text(encoding="utf-8")
    assert csv.startswith("ปี พ.ศ.,") and ",25" in csv  # Thai headers, Buddhist Era years
    for css in ("site-header", "lang-switch", "breadcrumb", "synthetic-banner"):
        assert f'class="{css}"' in html, css
    b = (page.parent.parent / "b.html").read_text(encoding="utf-8")
    assert 'href="indicators/pm25_annual.html"' in b
    combined = (page.parent.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="indicators/pm25_annual.html"' in combined


def test_public_pages_carry_no_reliability_tag_or_repository_note(
    site: Path, pages: dict[Path, _Page]
) -> None:
    # Tags, repository notes and the generator's raw "SYNTHETIC" source strings (the page
    # says once, in words, that its data is synthetic).
    note = re.compile(r"\b(SOLID|PARTIAL|MEMORY|ASSUMPTION|SYNTHETIC)\b|domain\.md|data/raw/")
    found = {}
    for page in pages:
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        if hits := sorted(set(note.findall(text)) | set(re.findall(r"domain\.md|data/raw/", text))):
            found[str(page.relative_to(site))] = hits
    assert not found, dict(list(found.items())[:10])
    th = (site / "index.html").read_text(encoding="utf-8")
    footer = th[th.index("<footer>") :]
    items = re.findall(r"<li>(.*?)</li>", footer, flags=re.DOTALL)
    assert len(items) == len(set(items)), "the Thai index lists a source twice"


@pytest.mark.browser
def test_search_finds_a_town_and_an_indicator_typed_in_thai(site: Path) -> None:
    _browser_available()
    from selenium.webdriver.common.by import By  # noqa: PLC0415 - optional (dev extra)

    with browser(390) as driver:
        driver.get((site / "index.html").resolve().as_uri())

        def visible(table: str) -> list[str]:
            rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")
            return [r.text for r in rows if r.is_displayed()]

        box = driver.find_element(By.ID, "q")
        box.send_keys("ฝุ่น")  # part of a word: Thai is written without spaces
        found = visible("indicator-list")
        assert found and all("ฝุ่นละออง" in r for r in found), found
        box.clear()
        box.send_keys("นครสวรรค์")
        assert any("นครสวรรค์" in r for r in visible("towns"))
        assert len(visible("towns")) < len(driver.find_elements(By.CSS_SELECTOR, "#towns tbody tr"))


def test_every_chart_has_alt_text_and_every_panel_its_data_table(site: Path) -> None:
    for page in sorted(site.glob("towns/*/*/[bc].html")):
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(site)
        panels = html.count('<figure class="report-figure chart-panel">')
        assert panels >= 4, where  # one image per indicator, not one image per theme
        assert html.count('<div class="chart-data">') >= panels, where
        images = re.findall(r"<img [^>]*>", html)
        alts = [re.search(r'\balt="([^"]*)"', img) for img in images]
        assert images and all(a and a.group(1).strip() for a in alts), where


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_chart_grid_is_one_column_on_a_phone_and_two_on_a_laptop(site: Path, width: int) -> None:
    _browser_available()
    pages = [next(iter(sorted(site.glob(f"towns/*/th/{a}.html")))) for a in ("b", "c")]
    with browser(width) as driver:
        for page in pages:
            driver.get(page.resolve().as_uri())
            grids = driver.execute_script(
                "return [...document.querySelectorAll('.figure-grid')].map(g =>"
                " [...g.querySelectorAll(':scope > figure.chart-panel')].map(f => {"
                " const r = f.getBoundingClientRect(); return [r.left, r.right]; }));"
            )
            assert grids and all(grids), page
            for boxes in grids:
                lefts = {round(left) for left, _ in boxes}
                assert all(right <= width for _, right in boxes), (page, boxes)
                if width < 600:
                    assert len(lefts) == 1, (page, boxes)  # stacked: one column
                elif len(boxes) > 1:
                    assert len(lefts) == 2, (page, boxes)  # side by side: two columns
