"""Print each town's combined page to an A4 PDF with Debian's Chromium (two passes).

``ecoplan build --pdf`` calls :func:`publish_pdfs` after the build. For every selected
town and language whose combined page is published it writes::

    reports/site/towns/<town>/<lang>/<town>-<lang>.pdf

The printed document is the combined page (:func:`analysis.report.render.render_combined_html`)
made ready for print by :func:`print_html`:

* the cover (without the screen table of contents), then whatever opens the combined
  page before the first appendix (the executive summary), then the table of contents,
  the list of tables and the list of figures, each entry with its page number;
* every table and figure numbered per appendix (ตารางที่ ข.1 / Table B.1, ภาพที่ ข.1 /
  Figure B.1), the number put into its caption and referred to from the paragraph that
  introduces it;
* the running header and page numbers of ``report.css`` (``@page`` margin boxes).

Chromium does not support ``target-counter()``, so page numbers come from two prints:
the first with blank numbers, then :func:`pdf_destinations` reads with pypdf where each
linked heading landed (Chromium writes a named destination for every link target), and
the second print fills them in. The numbers sit in a fixed-width column, so filling
them does not move anything; a third print is made if it did (checked, never assumed).
The prints are made by a browser that keeps running between them and between pages
(:class:`analysis.batch.chromium.ChromiumPrinter`, one per print job): the page is
loaded once and its numbers are set in place for the second print.

The state of what was printed from which page is kept in ``reports/pdf.json`` so an
unchanged page is not printed again. When Chromium is missing the build says so once
and goes on (:class:`PdfSummary` ``missing_browser``).
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.batch.chromium import ChromiumPrinter
from analysis.batch.outputs import OutputWriter, town_index
from analysis.errors import BuildError
from analysis.i18n import get_translator
from analysis.paths import town_pdf

__all__ = [
    "PDF_STATE",
    "PdfSummary",
    "PrintDocument",
    "PrintLayout",
    "TocEntry",
    "add_pdf_links",
    "find_chromium",
    "pdf_destinations",
    "print_html",
    "print_town_pdf",
    "publish_pdfs",
    "town_pdf",
    "write_town_pdf",
]

PDF_STATE = "pdf.json"
_MAX_PASSES = 4
_CHAPTER = re.compile(r"^chapter-([a-z0-9_-]+)$")
_APPENDIX_LETTER = re.compile(r"^[a-e]$")

#: Print-only CSS added to the page: table of contents with a fixed-width page-number
#: column, numbered captions, room for Thai upper marks and nothing wider than the page.
_PRINT_CSS = """
@media print {
  body { line-height: 1.65; }
  .pdf-toc { break-before: page; }
  .pdf-toc h2 { border-bottom: 2px solid var(--navy); }
  .pdf-toc ol { list-style: none; margin: 0 0 1.2em; padding: 0; }
  .pdf-toc li { break-inside: avoid; }
  .pdf-toc a { display: flex; align-items: baseline; gap: 0.4em; color: inherit; }
  .pdf-toc .toc-text { flex: 1 1 auto; }
  .pdf-toc .toc-dots { flex: 1 1 2em; border-bottom: 1px dotted #999; min-width: 2em; }
  .pdf-toc .toc-page { flex: 0 0 3em; text-align: right; font-variant-numeric: tabular-nums; }
  .pdf-toc .toc-l1 { font-weight: 700; margin-top: 0.5em; }
  .pdf-toc .toc-l2 { padding-left: 1.5em; font-size: 0.95em; }
  .pdf-toc-end { break-after: page; }
  .pdf-lead { break-before: page; }
  .pdf-num { font-weight: 700; color: var(--navy); }
  .table-wrap, table.report-table, td, th, figure, figcaption, caption { overflow: visible; }
  p, li, figcaption, caption { overflow-wrap: break-word; }
  table.report-table { max-width: 100%; }
  img { max-width: 100% !important; height: auto; }
  h1, h2, h3, caption, figcaption { padding-top: 0.15em; }
}
"""


def find_chromium() -> str | None:
    """Return the Chromium executable, or ``None`` when it is not installed.

    ``ECOPLAN_CHROMIUM`` overrides the default ``/usr/bin/chromium``; nothing is ever
    downloaded.

    Returns
    -------
    str or None
        The executable path.
    """
    from analysis.report.render import CHROMIUM  # noqa: PLC0415

    wanted = os.environ.get("ECOPLAN_CHROMIUM", CHROMIUM)
    if Path(wanted).is_file() and os.access(wanted, os.X_OK):
        return wanted
    return shutil.which("chromium")


@dataclass(frozen=True)
class TocEntry:
    """One line of the printed table of contents or of a list of tables/figures.

    Attributes
    ----------
    anchor : str
        Element id the line links to (a named destination in the PDF).
    text : str
        The line's text (heading, or "ตารางที่ ข.1 caption").
    level : int
        1 for a chapter, 2 for a section, 3 for a table or figure.
    kind : {"heading", "table", "figure"}
        What the line lists.
    number : str
        Table or figure number (``"ข.1"``), empty for headings.
    """

    anchor: str
    text: str
    level: int
    kind: str = "heading"
    number: str = ""


@dataclass
class PrintDocument:
    """The print version of a combined page and what its contents pages list."""

    html: str
    toc: list[TocEntry]
    tables: list[TocEntry]
    figures: list[TocEntry]

    @property
    def entries(self) -> list[TocEntry]:
        """Every line that shows a page number, in order."""
        return [*self.toc, *self.tables, *self.figures]


def _letter(anchor: str, lang: str) -> str:
    """Return the appendix letter of a chapter anchor (``ข`` / ``B``), or ``""``."""
    m = _CHAPTER.match(anchor)
    if not m or not _APPENDIX_LETTER.match(m.group(1)):
        return ""
    tr = get_translator(lang)
    key = f"report.{m.group(1)}.label"
    return tr(key).split()[-1] if tr.has(key) else m.group(1).upper()


def _text(el: Any) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def _lead_paragraph(block: Any) -> Any:
    """Return the paragraph that introduces a table/figure: the last ``<p>`` before it in its section."""
    cell = block
    while cell is not None and "cell" not in (cell.get("class") or []):
        cell = cell.parent
    if cell is None:
        return None
    for prev in cell.find_previous_siblings("div"):
        if prev.find(["h1", "h2", "h3"]):
            return None
        paras = [p for p in prev.find_all("p") if "table-note" not in (p.get("class") or [])]
        if paras:
            return paras[-1]
        if prev.find(["table", "figure"]):
            return None
    return None


class _Ids:
    """Hand out element ids not used elsewhere in the page."""

    def __init__(self, soup: Any) -> None:
        self.used = {str(el["id"]) for el in soup.find_all(id=True)}
        self.serial = 0

    def ensure(self, el: Any, stem: str) -> str:
        """Return the element's id, giving it a new unique one if it has none."""
        ident = el.get("id")
        if ident:
            return str(ident)
        candidate = ""
        while not candidate or candidate in self.used:
            self.serial += 1
            candidate = f"pdf-{stem}-{self.serial}"
        el["id"] = candidate
        self.used.add(candidate)
        return candidate


def _number_block(soup: Any, block: Any, kind: str, number: str, *, ids: _Ids, tr: Any) -> TocEntry:
    """Put the number into a table's or figure's caption and refer to it from the text."""
    cap = block.find("caption" if kind == "table" else "figcaption")
    label_text = tr(f"deliver.pdf.{kind}", n=number)
    target = (block.find_parent("div", class_="table-wrap") if kind == "table" else None) or block
    ident = ids.ensure(target, "tbl" if kind == "table" else "fig")
    caption_text = _text(cap) if cap is not None else ""
    if cap is None:
        cap = soup.new_tag("figcaption")
        block.append(cap)
    num = soup.new_tag("span", attrs={"class": "pdf-num"})
    num.string = label_text
    cap.insert(0, " ")
    cap.insert(0, num)
    ref = soup.new_tag("a", href=f"#{ident}", attrs={"class": "xref"})
    ref.string = tr(f"deliver.pdf.see_{kind}", n=number)
    lead = _lead_paragraph(target)
    if lead is not None:
        lead.append(" (")
        lead.append(ref)
        lead.append(")")
    else:
        para = soup.new_tag("p", attrs={"class": "xref-lead"})
        para.append(ref)
        target.insert_before(para)
    return TocEntry(ident, f"{label_text} {caption_text}".strip(), 3, kind, number)


def _chapter_entries(
    soup: Any, chapter: Any, lang: str, ids: _Ids, tr: Any
) -> tuple[list[TocEntry], list[TocEntry], list[TocEntry]]:
    """Return a chapter's contents lines, numbering its tables and figures on the way."""
    anchor = str(chapter.get("id") or ids.ensure(chapter, "chapter"))
    letter = _letter(anchor, lang)
    label = chapter.find("p", class_="chapter-label")
    title = chapter.find("h1")
    head = " ".join(x for x in (_text(label) if label else "", _text(title) if title else "") if x)
    toc = [TocEntry(anchor, head or anchor, 1)]
    toc += [
        TocEntry(ids.ensure(h2, "sec"), _text(h2), 2)
        for h2 in chapter.find_all("h2")
        if h2.find_parent(class_="provenance") is None
    ]
    found: dict[str, list[TocEntry]] = {"table": [], "figure": []}
    for block in chapter.find_all(["table", "figure"]):
        kind = "table" if block.name == "table" else "figure"
        if block.find_parent("figure") is not None or (
            kind == "table" and not block.find("caption")
        ):
            continue  # a layout table or a table inside a figure is not numbered
        n = len(found[kind]) + 1
        number = f"{letter}.{n}" if letter else str(n)
        found[kind].append(_number_block(soup, block, kind, number, ids=ids, tr=tr))
    return toc, found["table"], found["figure"]


def _contents(soup: Any, doc: PrintDocument, pages: Mapping[str, int] | None, tr: Any) -> Any:
    """Return the ``<nav>`` of the contents, the list of tables and the list of figures."""
    nav = soup.new_tag("nav", attrs={"class": "pdf-toc", "aria-label": tr("report.toc")})
    for heading, entries in (
        (tr("report.toc"), doc.toc),
        (tr("deliver.pdf.list_tables"), doc.tables),
        (tr("deliver.pdf.list_figures"), doc.figures),
    ):
        if not entries:
            continue
        h = soup.new_tag("h2")
        h.string = heading
        nav.append(h)
        ol = soup.new_tag("ol")
        for e in entries:
            li = soup.new_tag("li", attrs={"class": f"toc-l{min(e.level, 2)}"})
            a = soup.new_tag("a", href=f"#{e.anchor}")
            for cls, text in (
                ("toc-text", e.text),
                ("toc-dots", ""),
                ("toc-page", str(pages.get(e.anchor, "")) if pages else ""),
            ):
                span = soup.new_tag("span", attrs={"class": cls})
                span.string = text
                a.append(span)
            li.append(a)
            ol.append(li)
        nav.append(ol)
    return nav


class PrintLayout:
    """A combined page made ready for print once, its contents pages filled in per print.

    Parsing and numbering a 3 MB page takes about 0.6 s; the second and later prints only
    change the page numbers in the contents, so the rest of the document is serialised
    once and the contents ``<nav>`` is rebuilt between the two halves
    (:meth:`document`), which gives the same HTML as :func:`print_html`.

    Parameters
    ----------
    html : str
        The published combined page.
    lang : {"th", "en"}
        Its language.

    Raises
    ------
    BuildError
        If the page has no ``<main>`` element.
    """

    def __init__(self, html: str, lang: str) -> None:
        from bs4 import BeautifulSoup, Comment  # noqa: PLC0415

        tr = get_translator(lang)
        soup = BeautifulSoup(html, "html.parser")
        main = soup.find("main")
        if main is None:
            msg = "the combined page has no <main> element: not an ecoplan page"
            raise BuildError(msg)
        cover = main.find("header", class_="cover")
        if cover is not None:
            for old in cover.find_all("nav", class_="toc"):
                old.decompose()
        ids = _Ids(soup)
        doc = PrintDocument("", [], [], [])
        chapters = main.find_all("div", class_="chapter-wrap", recursive=False)
        for chapter in chapters:
            toc, tables, figures = _chapter_entries(soup, chapter, lang, ids, tr)
            doc.toc += toc
            doc.tables += tables
            doc.figures += figures
        slot = Comment(f"ecoplan-pdf-contents-{uuid.uuid4().hex}")
        # The contents follow the cover and whatever opens the page before the appendices
        # (the executive summary); the first appendix then starts on a new page.
        first = next((c for c in chapters if _letter(str(c.get("id") or ""), lang)), None)
        if first is not None:
            first.insert_before(slot)
        elif cover is not None:
            cover.insert_after(slot)
        else:
            main.insert(0, slot)
        slot.insert_after(soup.new_tag("div", attrs={"class": "pdf-toc-end"}))
        style = soup.new_tag("style")
        style.string = _PRINT_CSS
        (soup.head or soup).append(style)
        self._soup, self._tr, self._entries = soup, tr, doc
        self._before, self._after = str(soup).split(f"<!--{slot}-->")

    def document(self, pages: Mapping[str, int] | None = None) -> PrintDocument:
        """Return the print version with ``pages`` in its contents (blank when absent).

        Parameters
        ----------
        pages : mapping of str to int, optional
            Page number of each anchor (from the previous print).

        Returns
        -------
        PrintDocument
            The HTML to print and the entries of its contents pages.
        """
        doc = self._entries
        nav = _contents(self._soup, doc, pages, self._tr)
        html = f"{self._before}{nav}{self._after}"
        return PrintDocument(html, list(doc.toc), list(doc.tables), list(doc.figures))


def print_html(html: str, lang: str, pages: Mapping[str, int] | None = None) -> PrintDocument:
    """Turn a combined page into its print version.

    Parameters
    ----------
    html : str
        The published combined page.
    lang : {"th", "en"}
        Its language.
    pages : mapping of str to int, optional
        Page number of each anchor (from the previous print); blank numbers when absent.

    Returns
    -------
    PrintDocument
        The HTML to print and the entries of its contents pages.

    Raises
    ------
    BuildError
        If the page has no ``<main>`` element.
    """
    return PrintLayout(html, lang).document(pages)


def pdf_destinations(pdf_path: Path) -> dict[str, int]:
    """Return the 1-based page of every named destination (link target) of a PDF.

    Parameters
    ----------
    pdf_path : pathlib.Path
        A PDF printed by Chromium.

    Returns
    -------
    dict
        ``{element id: page number}``.
    """
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(pdf_path)
    out: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            out[str(name).lstrip("/")] = page + 1
    return out


#: Fills the contents' page numbers into the loaded print page, in entry order (the
#: same text as :meth:`PrintLayout.document` writes); returns how many it found.
_FILL_NUMBERS_JS = """
(() => {
  const numbers = %s;
  const spans = document.querySelectorAll('nav.pdf-toc .toc-page');
  if (spans.length === numbers.length) spans.forEach((s, i) => { s.textContent = numbers[i]; });
  return spans.length;
})()
"""


def print_town_pdf(
    page: Path, lang: str, *, chromium: str, printer: ChromiumPrinter | None = None
) -> tuple[bytes, dict[str, int]]:
    """Print one combined page with page numbers that match (two or more passes).

    The first print has blank numbers; each later one fills in where the previous print
    put every entry, in the page already loaded, until the numbers settle. Writes
    nothing outside its own temporary folder, so several pages can print at once
    (:func:`publish_pdfs` keeps one browser per print job).

    Parameters
    ----------
    page : pathlib.Path
        The published combined page.
    lang : {"th", "en"}
        The page language.
    chromium : str
        The Chromium executable.
    printer : ChromiumPrinter, optional
        A running browser to print with; one is started (and closed) when absent.

    Returns
    -------
    bytes
        The PDF.
    dict
        Page number of every contents entry in it.

    Raises
    ------
    BuildError
        If Chromium fails or the page numbers do not settle.
    """
    if printer is None:
        with ChromiumPrinter(chromium) as own:
            return print_town_pdf(page, lang, chromium=chromium, printer=own)
    doc = PrintLayout(page.read_text(encoding="utf-8"), lang).document()
    numbers: dict[str, int] | None = None
    with tempfile.TemporaryDirectory(prefix="ecoplan-pdf-") as tmp:
        src, pdf = Path(tmp) / "print.html", Path(tmp) / "print.pdf"
        src.write_text(doc.html, encoding="utf-8")
        printer.load(src)
        for _ in range(_MAX_PASSES):
            if numbers is not None:
                shown = [str(numbers.get(e.anchor, "")) for e in doc.entries]
                found_spans = printer.evaluate(_FILL_NUMBERS_JS % json.dumps(shown))
                if found_spans != len(shown):
                    msg = (
                        f"{page}: the print has {found_spans} contents lines, expected {len(shown)}"
                    )
                    raise BuildError(msg)
            pdf.write_bytes(printer.print_pdf())
            found = pdf_destinations(pdf)
            missing = [e.anchor for e in doc.entries if e.anchor not in found]
            if missing:
                msg = f"{page}: the printed PDF has no destination for {', '.join(missing[:5])}"
                raise BuildError(msg)
            landed = {e.anchor: found[e.anchor] for e in doc.entries}
            if numbers == landed:
                return pdf.read_bytes(), landed
            numbers = landed
    msg = f"{page}: the table of contents page numbers did not settle after {_MAX_PASSES} prints"
    raise BuildError(msg)


def write_town_pdf(
    page: Path, target: Path, lang: str, *, chromium: str, writer: OutputWriter
) -> dict[str, int]:
    """Print one combined page to ``target`` (:func:`print_town_pdf`, written atomically).

    Parameters
    ----------
    page : pathlib.Path
        The published combined page.
    target : pathlib.Path
        The PDF to write (atomically).
    lang : {"th", "en"}
        The page language.
    chromium : str
        The Chromium executable.
    writer : OutputWriter
        Atomic writer.

    Returns
    -------
    dict
        Page number of every contents entry in the written PDF.

    Raises
    ------
    BuildError
        If Chromium fails or the page numbers do not settle.
    """
    data, numbers = print_town_pdf(page, lang, chromium=chromium)
    writer.write_bytes(target, data)
    return numbers


def add_pdf_links(folder: Path, ref_pdf: Path, writer: OutputWriter) -> int:
    """Add the PDF link to the downloads list of every page in a town/language folder.

    Pages rendered before the PDF existed lack the link; pages rendered after it carry
    it already (:func:`analysis.report.nav.download_links`), so this is idempotent.

    Parameters
    ----------
    folder : pathlib.Path
        ``site/towns/<town>/<lang>``.
    ref_pdf : pathlib.Path
        The PDF.
    writer : OutputWriter
        Atomic writer.

    Returns
    -------
    int
        How many pages were changed.
    """
    from analysis.report.nav import pdf_link_item  # noqa: PLC0415

    changed = 0
    lang = folder.name
    for page in sorted(folder.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        rel = os.path.relpath(ref_pdf, page.parent).replace(os.sep, "/")
        if f'href="{rel}"' in html:
            continue
        start = html.find('<nav class="town-downloads"')
        end = html.find("</ul></nav>", start) if start >= 0 else -1
        if end < 0:
            continue
        html = html[:end] + pdf_link_item(lang, rel) + html[end:]
        writer.write_text(page, html)
        changed += 1
    return changed


@dataclass
class PdfSummary:
    """What :func:`publish_pdfs` did."""

    written: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing_browser: bool = False


class _Printers:
    """One running browser per print thread, started on first use, all closed at the end.

    A browser that failed is closed and the thread's next page starts a new one.
    """

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self._local = threading.local()
        self._all: list[ChromiumPrinter] = []
        self._lock = threading.Lock()

    def print_town(self, page: Path, lang: str) -> tuple[bytes, dict[str, int]]:
        printer = getattr(self._local, "printer", None)
        if printer is None:
            printer = ChromiumPrinter(self.chromium)
            with self._lock:
                self._all.append(printer)
            self._local.printer = printer
        try:
            return print_town_pdf(page, lang, chromium=self.chromium, printer=printer)
        except BuildError:
            self._local.printer = None
            printer.close()
            raise

    def __enter__(self) -> _Printers:
        return self

    def __exit__(self, *_exc: object) -> None:
        for printer in self._all:
            printer.close()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish_pdfs(
    reports: Path,
    towns: Iterable[str],
    langs: Iterable[str],
    *,
    force: bool = False,
    say: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> PdfSummary:
    """Print the PDF of every published combined page among ``towns`` x ``langs``.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (the caller holds the build lock).
    towns, langs : iterable of str
        The selection.
    force : bool
        Print again even when the page has not changed since the last print.
    say : callable, optional
        Receives one message per PDF (and one if Chromium is missing).
    jobs : int, default 1
        Pages printed at once (one Chromium each).

    Returns
    -------
    PdfSummary
        Written, unchanged and failed PDFs.
    """
    say = say or (lambda _m: None)
    summary = PdfSummary()
    chromium = find_chromium()
    if chromium is None:
        summary.missing_browser = True
        say(
            "PDF: Chromium not found (/usr/bin/chromium; apt-get install chromium, or set "
            "ECOPLAN_CHROMIUM): no PDF written, the pages are published"
        )
        return summary
    state_file = reports / PDF_STATE
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    # The PDF and the pages that link it are staged per town/language and published
    # together (OutputWriter.commit), like the pages themselves: never a torn folder.
    writer = OutputWriter(site=reports / "site")
    to_print: list[tuple[str, Path, Path, str]] = []
    langs = list(langs)
    for town in towns:
        for lang in langs:
            page = town_index(reports, town, lang)
            if not page.is_file():
                continue
            target = town_pdf(reports, town, lang)
            key = f"{town}/{lang}"
            if not force and target.is_file() and state.get(key, {}).get("page") == _sha256(page):
                summary.up_to_date.append(target)
                continue
            to_print.append((key, page, target, lang))
    # Chromium does the printing in its own processes: one per job at a time. The files
    # are written here, in selection order, as each town's PDF is ready.
    printers = _Printers(chromium)
    with printers, cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(printers.print_town, page, lang) for _key, page, _target, lang in to_print
        ]
        for (key, page, target, _lang), future in zip(to_print, futures, strict=True):
            try:
                data, numbers = future.result()
            except BuildError as exc:
                summary.failed.append(str(exc))
                say(f"PDF: {exc}")
                continue
            writer.write_bytes(target, data)
            add_pdf_links(page.parent, target, writer)
            writer.commit([page.parent])
            state[key] = {
                "page": _sha256(page),
                "pdf": _sha256(target),
                "pages": max(numbers.values(), default=0),
            }
            summary.written.append(target)
            say(f"PDF: {target.relative_to(reports).as_posix()}")
    writer.write_text(state_file, json.dumps(state, indent=1, sort_keys=True) + "\n")
    return summary
