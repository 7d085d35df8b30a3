"""`ecoplan build --pdf`: every demo town in both languages, printed with Debian's Chromium.

Each PDF is opened with pypdf: the page numbers printed in the table of contents must be
the pages where the headings (and tables, figures) fall, read from the PDF's named
destinations, and table and figure numbers must run 1, 2, 3 ... within each appendix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from analysis.batch.pdf import (
    PrintLayout,
    find_chromium,
    pdf_destinations,
    print_html,
    publish_pdfs,
    town_pdf,
)
from analysis.i18n import get_translator

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Debian chromium is not installed (/usr/bin/chromium): nothing can print the PDF",
)

LANGS = ("th", "en")
#: The demo towns (every one gets a PDF per language from the session's demo build).
TOWNS = ("mueang-mai", "mueang-nan", "nakhon-sawan", "nam-chiao", "phitsanulok", "takhli")
PRINTS = [(town, lang) for town in TOWNS for lang in LANGS]


@pytest.fixture(scope="module")
def printed(demo_site):
    """The session's demo site (built as `make reports` does, PDFs included), printed again.

    The second :func:`publish_pdfs` finds every PDF up to date (nothing is reprinted).
    """
    paths = demo_site
    written = [town_pdf(paths.reports, town, lang) for town, lang in PRINTS]
    assert all(p.is_file() for p in written), [p for p in written if not p.is_file()]
    again = publish_pdfs(paths.reports, list(TOWNS), LANGS)
    return paths, written, again


def _toc_page(pdf: Path, lang: str) -> int:
    """Return the page on which the contents start."""
    title = get_translator(lang)("report.toc")
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if title in (x.strip() for x in (page.extract_text() or "").splitlines()):
            return number
    raise AssertionError(f"no contents page in {pdf}")


def _toc_numbers(pdf: Path, lang: str, n_entries: int) -> list[int]:
    """Read the page numbers printed at the end of the contents lines, in order."""
    title = get_translator(lang)("report.toc")
    numbers: list[int] = []
    started = False
    for page in PdfReader(pdf).pages:
        for raw in (page.extract_text() or "").splitlines():
            line = raw.strip()
            started = started or line == title
            if not started or len(numbers) >= n_entries or re.fullmatch(r"\d+ / \d+", line):
                continue  # before the contents, after them, or the page number
            m = re.search(r"(\d+)\s*$", line)
            if m:
                numbers.append(int(m.group(1)))
    return numbers


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(("town", "lang"), PRINTS)
def test_toc_page_numbers_match_where_headings_fall(printed, town: str, lang: str) -> None:
    paths, written, _ = printed
    pdf = town_pdf(paths.reports, town, lang)
    assert pdf in written and pdf.read_bytes().startswith(b"%PDF")
    page = paths.site / "towns" / town / lang / "index.html"
    doc = print_html(page.read_text(encoding="utf-8"), lang)
    landed = pdf_destinations(pdf)
    expected = [landed[e.anchor] for e in doc.entries]
    assert len(doc.toc) > 10 and doc.tables and doc.figures
    # the cover is page 1; chapters follow in order, the appendices after the contents
    chapter_pages = [landed[e.anchor] for e in doc.toc if e.level == 1]
    assert chapter_pages == sorted(chapter_pages) and chapter_pages[0] >= 2
    appendix_a = next(e.anchor for e in doc.toc if e.anchor == "chapter-a")
    assert landed[appendix_a] > _toc_page(pdf, lang)
    assert _toc_numbers(pdf, lang, len(expected)) == expected


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(("town", "lang"), PRINTS)
def test_tables_and_figures_are_numbered_in_sequence_per_appendix(
    printed, town: str, lang: str
) -> None:
    paths, _, _ = printed
    pdf = town_pdf(paths.reports, town, lang)
    word = {"th": (r"ตารางที\S*", r"ภาพที\S*"), "en": (r"Table", r"Figure")}[lang]
    start = pdf_destinations(pdf)["chapter-a"]  # the body: captions and references
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages[start - 1 :])
    for kind in word:
        seen: dict[str, list[int]] = {}
        for letter, n in re.findall(rf"{kind}\s*([ก-ฮA-E])\.(\d+)", text):
            numbers = seen.setdefault(letter, [])
            if int(n) not in numbers:
                numbers.append(int(n))
        assert seen, f"no {kind} numbers in {pdf}"
        for letter, numbers in seen.items():
            # first mentions run 1, 2, 3 ... (a reference and its caption repeat a number)
            assert numbers == list(range(1, len(numbers) + 1)), (letter, numbers)


_PAGE = (
    '<html><head></head><body><main class="page"><header class="cover"><nav class="toc">'
    '</nav></header><div class="chapter-wrap" id="chapter-b"><section class="chapter">'
    '<div class="cell"><p class="chapter-label">ภาคผนวก ข</p><h1 class="chapter-title">'
    'สถานภาพ</h1></div><div class="cell"><h2>อากาศ</h2></div><div class="cell"><p>ข้อความนำ</p>'
    '</div><div class="cell"><div class="table-wrap"><table class="report-table"><caption>'
    'ค่าฝุ่น</caption></table></div></div><div class="cell"><figure class="report-figure">'
    "<img><figcaption>กราฟ</figcaption></figure></div></section></div></main></body></html>"
)


def test_every_table_is_referred_to_in_the_text() -> None:
    doc = print_html(_PAGE, "th")
    assert [e.number for e in doc.tables] == ["ข.1"] and [e.number for e in doc.figures] == ["ข.1"]
    assert "ข้อความนำ (<a" in doc.html and "ดูตารางที่ ข.1" in doc.html
    assert 'class="xref-lead"' in doc.html  # the figure had no lead paragraph: one is added
    assert '<span class="pdf-num">ตารางที่ ข.1</span> ค่าฝุ่น' in doc.html
    assert doc.html.index('class="pdf-toc"') < doc.html.index('id="chapter-b"')


def test_later_prints_only_change_the_contents_page_numbers() -> None:
    layout = PrintLayout(_PAGE, "th")
    blank = layout.document()
    pages = {e.anchor: n for n, e in enumerate(blank.entries, start=3)}
    numbered = layout.document(pages)
    assert layout.document().html == blank.html  # one print does not leak into the next
    # The same as filling the numbers into the parsed first print.
    soup = BeautifulSoup(blank.html, "html.parser")
    spans = soup.select("nav.pdf-toc .toc-page")
    assert len(spans) == len(blank.entries) == 4  # chapter, section, table, figure
    for span, entry in zip(spans, blank.entries, strict=True):
        span.string = str(pages[entry.anchor])
    assert numbered.html == str(soup)
    assert numbered.entries == blank.entries


@pytest.mark.slow
@needs_chromium
def test_unchanged_pages_are_not_printed_again_and_pages_link_the_pdf(printed) -> None:
    paths, _, again = printed
    assert not again.written and len(again.up_to_date) == len(PRINTS)
    for town, lang in PRINTS:
        html = (paths.site / "towns" / town / lang / "b.html").read_text(encoding="utf-8")
        assert f'href="{town}-{lang}.pdf"' in html


def test_missing_chromium_is_said_once_and_nothing_fails(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECOPLAN_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setattr("shutil.which", lambda _name: None)
    said: list[str] = []
    summary = publish_pdfs(tmp_path, ["t1", "t2"], LANGS, say=said.append)
    assert summary.missing_browser and not summary.written and len(said) == 1
    assert "Chromium not found" in said[0]


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(("town", "lang"), PRINTS)
def test_no_text_starts_outside_the_printed_column(printed, town: str, lang: str) -> None:
    paths, _, _ = printed
    margin = 16 / 25.4 * 72  # report.css: @page margin 16 mm left and right
    outside: list[tuple[int, str]] = []
    for number, page in enumerate(PdfReader(town_pdf(paths.reports, town, lang)).pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, _font, _size, number=number, width=width, height=height):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (margin - 1 <= x <= width - margin and 0 <= y <= height):
                outside.append((number, text[:30]))

        page.extract_text(visitor_text=visit)
    assert not outside, outside[:10]
