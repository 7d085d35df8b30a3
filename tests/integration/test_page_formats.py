"""Every Thai page of the demo site writes units, averaging periods and refusals in Thai.

Reads the demo site built once per session (``demo_site`` in ``tests/conftest.py``) and
checks the text a reader sees on each Thai page (scripts and styles left out, inline
markup joined so a marked number and its unit read as one phrase):

* no number before "ร้อยละ" (Thai writes "ร้อยละ 45", :func:`analysis.report.fmt.place_unit`);
* no averaging period of the catalogue as the catalogue writes it ("1 year", "24 hours"):
  they read as ``ค่าเฉลี่ยรายปี`` / ``ค่าเฉลี่ย 24 ชั่วโมง``
  (:func:`analysis.report.fmt.fmt_averaging`; English source titles are not checked);
* no English refusal reason of a land-use layer and, on any page, no land-use file path
  (:func:`analysis.report.green_area.refusal_reason`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.paths import ProjectPaths
from analysis.spatial.checks import REFUSAL_CODES

pytestmark = pytest.mark.slow

#: Elements that end a phrase: their text is not joined to the next element's.
_BLOCKS = frozenset(
    (
        *("p", "li", "td", "th", "tr", "dt", "dd", "div", "section", "article", "header"),
        *("footer", "nav", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption"),
        *("figure", "table", "ul", "ol", "dl", "br", "option", "button", "label", "title"),
    )
)
_NUMBER_BEFORE_PERCENT = re.compile(r"\d[\s\u00a0]+ร้อยละ")
#: The catalogue's averaging periods as written there (English); a Thai page shows none.
_ENGLISH_AVERAGING = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(period)}(?![\w-])"
        for period in sorted(
            {s.averaging for i in load_catalogue().indicators for s in i.standards}
        )
    )
)
_LANDUSE_PATH = re.compile(r"landuse/[\w.-]+\.(gpkg|geojson|shp)")


class _Reader(HTMLParser):
    """Collect a page's visible text as phrases (one per block element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.phrases: list[str] = [""]
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.phrases.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.phrases.append("")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.phrases[-1] += data


def phrases(html: str) -> list[str]:
    """Return the visible phrases of a page, whitespace collapsed."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return [" ".join(p.split()) for p in reader.phrases if p.strip()]


def test_the_reader_joins_a_marked_number_and_its_unit() -> None:
    old = '<td><span class="value-mark">45</span> <span class="unit">ร้อยละ</span></td><td>2567</td>'
    assert phrases(old) == ["45 ร้อยละ", "2567"]
    assert _NUMBER_BEFORE_PERCENT.search(phrases(old)[0])
    assert phrases("<p>a</p><script>var x = '1 year';</script>") == ["a"]
    assert _ENGLISH_AVERAGING.search("≤ 25 µg/m³ 1 year ใช้บังคับ")
    assert _ENGLISH_AVERAGING.search("≤ 50 24 hours")
    assert not _ENGLISH_AVERAGING.search("ค่าเฉลี่ย 24 ชั่วโมง")


@pytest.fixture(scope="module")
def pages(demo_site: ProjectPaths) -> dict[Path, str]:
    site = demo_site.reports / "site"
    found = {p: p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
    assert found, f"no pages under {site}"
    return found


def test_thai_pages_write_units_averaging_and_refusals_in_thai(pages: dict[Path, str]) -> None:
    refusals_en = [get_translator("en")(f"spatial.refusal.{c}") for c in REFUSAL_CODES]
    thai = {p: h for p, h in pages.items() if '<html lang="th"' in h}
    assert len(thai) >= 10  # the test cannot pass on a site without Thai pages
    problems: list[str] = []
    for page, html in thai.items():
        for text in phrases(html):
            if m := _NUMBER_BEFORE_PERCENT.search(text):
                problems.append(
                    f"{page.name}: number before ร้อยละ: {m.group(0)!r} in {text[:90]!r}"
                )
            if m := _ENGLISH_AVERAGING.search(text):
                problems.append(f"{page.name}: English period {m.group(0)!r} in {text[:90]!r}")
            problems.extend(f"{page.name}: English refusal {r!r}" for r in refusals_en if r in text)
    assert not problems, f"{len(problems)} problems, e.g. {problems[:8]}"


def test_no_page_names_a_land_use_file(pages: dict[Path, str]) -> None:
    named = [p.name for p, h in pages.items() if _LANDUSE_PATH.search(" ".join(phrases(h)))]
    assert not named, named
