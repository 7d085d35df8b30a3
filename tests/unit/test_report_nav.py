"""Site navigation: every page links home, to its other language, the town's appendices, pager."""

from __future__ import annotations

import posixpath
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.report import nav, render
from analysis.report.nav import PageRef
from analysis.report.pagemeta import PageMeta

TOWN = "nakhon-sawan"


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("appendix", nav.TOWN_APPENDICES)
def test_appendix_header_links_home_town_same_page_other_language_and_every_appendix(
    lang: str, appendix: str
) -> None:
    ref = PageRef("appendix", lang, TOWN, appendix)
    html = nav.site_header(ref, town_name="เทศบาลนครนครสวรรค์")
    here = posixpath.dirname(nav.site_path(ref))
    resolved = {posixpath.normpath(posixpath.join(here, h)) for h in _hrefs(html) if h[0] != "#"}
    other = "en" if lang == "th" else "th"
    assert nav.index_page(lang) in resolved
    assert f"towns/{TOWN}/{other}/{appendix}.html" in resolved  # the same page, other language
    assert f"towns/{TOWN}/{lang}/index.html" in resolved
    assert f"cross-town/{lang}.html" in resolved
    assert {f"towns/{TOWN}/{lang}/{a}.html" for a in nav.TOWN_APPENDICES} <= resolved
    assert html.count('aria-current="page"') == 2  # breadcrumb item and menu entry
    assert 'class="lang-switch"' in html and f'hreflang="{other}"' in html
    assert "เทศบาลนครนครสวรรค์" in html


def test_pager_walks_the_town_in_reading_order_and_links_downloads() -> None:
    first = nav.pager(PageRef("combined", "th", TOWN))
    assert 'rel="prev"' not in first and 'href="a.html"' in first
    mid = nav.pager(PageRef("appendix", "en", TOWN, "c"))
    assert 'rel="prev" href="b.html"' in mid
    assert 'rel="next" href="d.html"' in mid
    last = nav.pager(PageRef("appendix", "en", TOWN, "e"))
    assert 'rel="next"' not in last
    for name in (f"{TOWN}.csv", f"{TOWN}_results.csv", f"{TOWN}.xlsx"):
        assert f'href="../../../downloads/{name}"' in mid
    assert nav.pager(PageRef("cross", "th")) == ""


def test_cross_town_page_switches_to_the_other_language_file() -> None:
    html = nav.site_header(PageRef("cross", "th"))
    assert 'href="en.html"' in html and 'href="../index.html"' in html


def test_page_ref_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="kind"):
        PageRef("chapter", "th", TOWN)
    with pytest.raises(ValueError, match="lang"):
        PageRef("appendix", "fr", TOWN, "a")
    with pytest.raises(ValueError, match="town_id"):
        PageRef("appendix", "th", None, "a")


def test_header_escapes_town_names() -> None:
    html = nav.site_header(PageRef("combined", "en", TOWN), town_name='<script>x</script>"')
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_unique_ids_renames_only_ids_shared_between_chapters_and_their_links() -> None:
    b = '<h2 id="theme-air">B</h2><a href="#theme-air">x</a><p id="only-b" data-id="theme-air">'
    c = '<h2 id="theme-air">C</h2><a href="#theme-air">y</a>'
    out_b, out_c = render.unique_ids([("b", b), ("c", c)])
    assert 'id="b-theme-air"' in out_b and 'href="#b-theme-air"' in out_b
    assert 'id="c-theme-air"' in out_c and 'href="#c-theme-air"' in out_c
    assert 'id="only-b"' in out_b and 'data-id="theme-air"' in out_b


def _unique_ids_by_lookbehind(fragments: list[tuple[str, str]]) -> list[str]:
    """The former look-behind regexes: the reference the faster scan must agree with."""
    ident, href = re.compile(r'(?<=\s)id="([^"]+)"'), re.compile(r'(?<=\s)href="#([^"]+)"')
    seen: dict[str, int] = {}
    for _, html in fragments:
        for i in set(ident.findall(html)):
            seen[i] = seen.get(i, 0) + 1
    shared = {i for i, n in seen.items() if n > 1}
    return [
        href.sub(
            lambda m, p=p: f'href="#{p}-{m.group(1)}"' if m.group(1) in shared else m.group(0),
            ident.sub(
                lambda m, p=p: f'id="{p}-{m.group(1)}"' if m.group(1) in shared else m.group(0),
                html,
            ),
        )
        for p, html in fragments
    ]


_ATTRS = st.sampled_from(
    ['id="t"', 'id="u"', 'data-id="t"', 'href="#t"', 'href="#u"', 'xhref="#u"', "x", ""]
)
_SEPARATORS = st.sampled_from([" ", "\n", "<p ", ">", "-", ""])


@given(st.lists(st.lists(st.tuples(_SEPARATORS, _ATTRS), max_size=8), min_size=1, max_size=3))
def test_unique_ids_agrees_with_the_look_behind_scan(chapters: list[list[tuple[str, str]]]) -> None:
    fragments = [(f"c{k}", "".join(a + b for a, b in parts)) for k, parts in enumerate(chapters)]
    assert render.unique_ids(fragments) == _unique_ids_by_lookbehind(fragments)


def test_page_ref_reads_the_appendix_from_the_page_metadata() -> None:
    meta = PageMeta("D", "Town", False, "th", "d", TOWN)
    assert render.page_ref(meta) == PageRef("appendix", "th", TOWN, "d")
    cross = PageMeta("X", "", False, "en", "x", None)
    assert render.page_ref(cross) == PageRef("cross", "en")
