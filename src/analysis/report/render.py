"""Render executed appendix notebooks to self-contained HTML pages and PDF.

* :func:`render_appendix_html`: one notebook -> one page.
* :func:`render_combined_html`: a town's appendices -> one page with a table of contents.
* :func:`html_to_pdf`: print a page to A4 PDF with headless Chromium.

Pages embed everything (Sarabun as base64 WOFF, figures as PNG ``data:`` URIs, CSS
inline) and reference nothing on the network. Code inputs, prompts and the
``parameters`` / ``injected-parameters`` cells are dropped; every HTML output is
sanitised with nh3 so that markup smuggled in through data cannot run.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import mistune
import nbformat
import nh3
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from analysis.errors import BuildError, DataError
from analysis.i18n import get_translator
from analysis.report.appendices import AppendixSpec
from analysis.report.fmt import esc
from analysis.report.fonts import font_face_css
from analysis.report.nav import PageRef, pager, site_header
from analysis.report.pagemeta import PAGE_MIME, PageMeta, page_meta
from analysis.report.public import publisher
from analysis.report.versions import code_version
from analysis.store.schema import INDICATOR_ID_PATTERN

__all__ = [
    "CHROMIUM",
    "REMOVED_CELL_TAGS",
    "RenderedPage",
    "chapter_fragment",
    "html_to_pdf",
    "page_ref",
    "render_appendix_html",
    "render_appendix_page",
    "render_body_page",
    "render_combined_html",
    "sanitise_html",
    "unique_ids",
]

CHROMIUM = os.environ.get("ECOPLAN_CHROMIUM", "/usr/bin/chromium")
REMOVED_CELL_TAGS: frozenset[str] = frozenset({"parameters", "injected-parameters", "remove_cell"})
_TEMPLATES = Path(str(files("analysis.report") / "templates"))
_STATIC = Path(str(files("analysis.report") / "static"))

# Markup the report library produces; anything else in an output is dropped by nh3.
_TAGS = {
    "a",
    "abbr",
    "b",
    "br",
    "caption",
    "code",
    "data",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "hr",
    "i",
    "img",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRS = {
    "*": {"class", "id", "lang", "title", "role", "aria-hidden", "aria-label"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    # value marks (analysis.report.valuemark): what each printed indicator value is
    "data": {"value", "data-town", "data-indicator", "data-year", "data-kind"},
}
#: Relative links a page may carry besides in-page anchors: the town's data-entry form
#: (``towns/<town>/form.xlsx``, written by ``ecoplan site``; see analysis.report.gaps).
_LOCAL_LINKS = frozenset({"../form.xlsx"})
#: ... and the town x indicator pages beside the appendix (analysis.site.indicators).
_INDICATOR_LINK = re.compile(rf"^indicators/{INDICATOR_ID_PATTERN.strip('^$')}\.html$")
_NUMBER = re.compile(r"^-?[0-9.]+(e[-+]?[0-9]+)?$")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*$")


def _filter_attr(element: str, attribute: str, value: str) -> str | None:
    if element == "data" and attribute == "value":
        return value if _NUMBER.match(value) else None
    if element == "img" and attribute == "src":
        return value if _DATA_IMAGE.match(value) else None
    if element == "a" and attribute == "href":
        ok = value.startswith("#") or value in _LOCAL_LINKS or _INDICATOR_LINK.match(value)
        return value if ok else None
    return value


def sanitise_html(markup: str) -> str:
    """Clean HTML from a notebook output: allow-listed tags and attributes only.

    Scripts, event handlers (``onerror=``), styles, ``javascript:`` and any
    non-anchor link or non-``data:image`` source are removed.

    Parameters
    ----------
    markup : str
        HTML from a notebook output.

    Returns
    -------
    str
        The cleaned HTML.

    Examples
    --------
    >>> sanitise_html('<img src=x onerror="alert(1)"><script>alert(2)</script><b>ok</b>')
    '<img><b>ok</b>'
    """
    # A page's images are most of its text (about 0.8 MB of base64 on appendix B), and
    # nh3 took six times longer to read them than the rest. Their base64 payloads are
    # lifted out first, each replaced by a token that is itself base64 (so the image
    # keeps passing the filter), and put back after cleaning. A payload is base64
    # letters only, so putting it back cannot add markup; the tokens carry a random
    # nonce, so none can match text that was in the markup.
    nonce = secrets.token_hex(8)
    payloads: list[str] = []

    def lift(match: re.Match[str]) -> str:
        payloads.append(match.group(2))
        return f"{match.group(1)}{_TOKEN}{nonce}x{len(payloads) - 1}{_TOKEN}"

    lifted = _IMAGE_PAYLOAD.sub(lift, markup)
    clean = nh3.clean(
        lifted,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"data"},
        attribute_filter=_filter_attr,
        link_rel=None,
        strip_comments=True,
    )
    if not payloads:
        return clean
    return re.sub(rf"{_TOKEN}{nonce}x([0-9]+){_TOKEN}", lambda m: payloads[int(m.group(1))], clean)


#: A base64 image payload in a ``src`` attribute (what :func:`sanitise_html` lifts out).
_IMAGE_PAYLOAD = re.compile(r'(\ssrc="data:image/(?:png|jpeg);base64,)([A-Za-z0-9+/]+=*)(?=")')
#: Brackets a lifted payload's token (base64 letters, like the payload it stands for).
_TOKEN = "ECOPLANIMG"


class _SanitiseOutputs(Preprocessor):
    """Sanitise HTML outputs, convert markdown to sanitised HTML, drop noise outputs."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "markdown":
            cell.metadata["ecoplan_html"] = sanitise_html(str(mistune.html(cell.source)))
            return cell, resources
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") not in {"display_data", "execute_result"}:
                continue  # streams (warnings, prints) and errors never reach readers
            data = out.get("data", {})
            if "text/html" in data:
                data["text/html"] = sanitise_html(str(data["text/html"]))
            elif "text/markdown" in data:
                data["text/html"] = sanitise_html(str(mistune.html(str(data["text/markdown"]))))
            for drop in (
                "application/javascript",
                "text/latex",
                "application/vnd.jupyter.widget-view+json",
                PAGE_MIME,  # read by page_meta, not shown
            ):
                data.pop(drop, None)
            kept.append(out)
        cell.outputs = kept
        return cell, resources


#: An ``<img>`` without ``alt``: the only thing HTMLExporter's BeautifulSoup pass would
#: change in a chapter (this template writes no JupyterLab cell classes).
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)[^>]*>", re.IGNORECASE)


class _ChapterExporter(HTMLExporter):
    """nbconvert's HTML exporter that re-parses its output only when that changes it.

    ``HTMLExporter.from_notebook_node`` parses the finished HTML again with
    BeautifulSoup to give ``alt`` text to images without one and ``tabindex`` to
    JupyterLab's cell classes. The report library writes an ``alt`` on every image and
    this template no JupyterLab class, so for the appendices the pass changed only the
    serialisation, and it took about 60 % of rendering (the images' base64 text is most
    of a page). It still runs, exactly as stock, for a chapter with an image without
    ``alt`` (a researcher's own HTML output) or a JupyterLab class.
    """

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        html, resources = TemplateExporter.from_notebook_node(
            self, nb, self._register_filters(self._init_resources(resources)), **kw
        )
        if "jp-Notebook" not in html and not _IMG_WITHOUT_ALT.search(html):
            return html, resources
        from bs4 import BeautifulSoup  # noqa: PLC0415

        soup = BeautifulSoup(html, features="html.parser")
        for elem in soup.select("img:not([alt])"):
            elem.attrs["alt"] = "No description has been provided for this image"
        for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
            elem.attrs["tabindex"] = "0"
        for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
            elem.attrs["tabindex"] = "0"
        return str(soup), resources

    def _register_filters(self, resources: dict[str, Any]) -> dict[str, Any]:
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            ),
        )
        return resources


@functools.cache
def _exporter() -> HTMLExporter:
    exporter = _ChapterExporter(
        template_name="ecoplan",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # only the two preprocessors below: nbconvert validates the notebook after each
        # one it holds, and its dozen defaults are all disabled for this template
        default_preprocessors=[],
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVED_CELL_TAGS), enabled=True), enabled=True
    )
    exporter.register_preprocessor(_SanitiseOutputs(enabled=True), enabled=True)
    return exporter


@functools.cache
def _page_template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("page.html.j2")


@functools.cache
def _report_css() -> str:
    return (_STATIC / "report.css").read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    """Escape text for a CSS string literal (also safe inside a ``<style>`` element)."""
    return "".join(c if c.isalnum() or c in " .,:;()/-–" else f"\\{ord(c):x} " for c in text)


def chapter_fragment(nb: nbformat.NotebookNode, lang: str | None = None) -> str:
    """Render an executed notebook's outputs to the chapter fragment of a page.

    The fragment is what :func:`render_appendix_html` wraps into a page and what
    :func:`render_combined_html` concatenates; the build renders it once per notebook
    and reuses it for both (:class:`RenderedPage`). Markdown cells tagged with another
    language than the page's are dropped (:mod:`analysis.report.narrative`).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    lang : {"th", "en"}, optional
        The page language; default: the ``lang`` parameter Papermill injected.

    Returns
    -------
    str
        The chapter's HTML.
    """
    from analysis.report.narrative import select_language  # noqa: PLC0415

    if lang is None:
        lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang")
    # The exporter deep-copies the notebook before its preprocessors change it; a second
    # deep copy of the page's outputs here cost a quarter of rendering.
    selected = select_language(nb, lang, deep=False) if lang else nb
    body, _ = _exporter().from_notebook_node(selected)
    return body


@dataclass(frozen=True)
class RenderedPage:
    """A rendered appendix page and the chapter fragment inside it.

    The build stores ``html`` as the appendix page and hands ``fragment`` with ``meta``
    to the combined page, so each notebook goes through nbconvert once and the combined
    page reads the town's name and synthetic flag from the notebooks' metadata.
    """

    html: str
    fragment: str
    meta: PageMeta | None = None

    def __str__(self) -> str:
        return self.html


def _town_name(town_id: str | None, lang: str) -> str:
    """Return the town's name from the store, for pages that are not notebooks."""
    if town_id is None:
        return get_translator(lang)("report.town_subtitle_x")
    try:
        from analysis.report.data import town_record  # noqa: PLC0415

        return town_record(town_id).name(lang)
    except DataError:
        return town_id


# Literal prefixes, not a look-behind: the regex engine then jumps between candidates
# (about 17 times faster over a combined page's megabytes of base64 images);
# :func:`_is_attribute` checks the whitespace before each one instead.
_ID = re.compile(r'id="([^"]+)"')
_HREF_ANCHOR = re.compile(r'href="#([^"]+)"')


def _is_attribute(m: re.Match[str]) -> bool:
    """Whether a match is a whole attribute (whitespace before it), not e.g. ``data-id``."""
    start = m.start()
    return start > 0 and m.string[start - 1].isspace()


def page_ref(meta: PageMeta) -> PageRef:
    """Return where an appendix page sits in the site, from the notebook's page metadata.

    Parameters
    ----------
    meta : PageMeta
        The page metadata (:func:`analysis.report.pagemeta.page_meta`).

    Returns
    -------
    PageRef
        The cross-town page when the metadata names no town, else the town's appendix.

    Examples
    --------
    >>> page_ref(PageMeta("Trends", "Takhli", False, "en", "c", "t1"))
    PageRef(kind='appendix', lang='en', town_id='t1', appendix='c', indicator_id=None)
    """
    if meta.town_id is None:
        return PageRef("cross", meta.lang)
    return PageRef("appendix", meta.lang, meta.town_id, meta.appendix)


def unique_ids(fragments: Sequence[tuple[str, str]]) -> list[str]:
    """Make element ids unique across the chapters of one page.

    An id used by more than one chapter (e.g. ``theme-air`` in appendices B and C) becomes
    ``<prefix>-<id>`` in each, and the chapter's own ``href="#<id>"`` links follow it.

    Parameters
    ----------
    fragments : sequence of (str, str)
        (prefix, chapter HTML) in page order.

    Returns
    -------
    list of str
        The chapters' HTML, in the same order.

    Examples
    --------
    >>> unique_ids([("b", '<h2 id="t">x</h2><a href="#t">'), ("c", '<h2 id="t">y</h2>')])
    ['<h2 id="b-t">x</h2><a href="#b-t">', '<h2 id="c-t">y</h2>']
    """
    seen: dict[str, int] = {}
    for _, html in fragments:
        for ident in {m.group(1) for m in _ID.finditer(html) if _is_attribute(m)}:
            seen[ident] = seen.get(ident, 0) + 1
    shared = {ident for ident, n in seen.items() if n > 1}
    out = []
    for prefix, chapter in fragments:
        html = chapter
        if shared:

            def _id(m: re.Match[str], p: str = prefix) -> str:
                ok = m.group(1) in shared and _is_attribute(m)
                return f'id="{p}-{m.group(1)}"' if ok else m.group(0)

            def _href(m: re.Match[str], p: str = prefix) -> str:
                ok = m.group(1) in shared and _is_attribute(m)
                return f'href="#{p}-{m.group(1)}"' if ok else m.group(0)

            html = _ID.sub(_id, html)
            html = _HREF_ANCHOR.sub(_href, html)
        out.append(html)
    return out


@dataclass(frozen=True)
class _Chapter:
    anchor: str
    html: str


def _page(
    chapters: list[_Chapter],
    *,
    lang: str,
    town_id: str | None,
    title: str,
    toc: list[dict[str, str]] | None,
    ref: PageRef,
    town: str,
    synthetic: bool,
    crumb: str = "",
    available: Callable[[PageRef], bool] | None = None,
) -> str:
    tr = get_translator(lang)
    doc = tr("report.doc_title")
    return _page_template().render(
        lang=lang,
        title=title,
        doc_title=doc,
        programme=publisher(lang),
        town_name=town,
        toc_title=tr("report.toc"),
        toc=toc or [],
        cover=toc is not None,
        chapters=chapters,
        synthetic=synthetic,
        synthetic_banner=tr("report.synthetic_banner"),
        font_css=font_face_css(),
        report_css=_report_css(),
        running_header_css=_css_string(tr("report.running_header", doc=doc, town=town)),
        synthetic_short_css=_css_string(tr("report.synthetic_short")),
        code_version=code_version(),
        site_header=site_header(
            ref, town_name=town if town_id else "", page_title=crumb, available=available
        ),
        site_footer=pager(ref),
    )


def render_appendix_html(
    nb: nbformat.NotebookNode,
    *,
    lang: str,
    town_id: str | None,
    title: str | None = None,
) -> str:
    """Render one executed appendix notebook to a self-contained HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (Papermill output).
    lang : {"th", "en"}
        Page language (``<html lang>``, running header, fonts).
    town_id : str or None
        The town (``None`` for the cross-town page); checked against the page metadata.
    title : str, optional
        Page ``<title>``; default: "<chapter title> – <town name>" from the page metadata.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        If the notebook carries no page metadata (:func:`analysis.report.pagemeta.page_meta`),
        or metadata for another language or town.
    """
    return render_appendix_page(nb, lang=lang, town_id=town_id, title=title).html


def render_appendix_page(
    nb: nbformat.NotebookNode,
    *,
    lang: str,
    town_id: str | None,
    title: str | None = None,
) -> RenderedPage:
    """Like :func:`render_appendix_html`, also returning the chapter fragment.

    The title, the town's name, the synthetic-data flag and the page's place in the site
    come from the notebook's page metadata (:func:`analysis.report.pagemeta.page_meta`),
    not from the rendered HTML or the store.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    lang : {"th", "en"}
        Page language.
    town_id : str or None
        The town (``None`` for the cross-town page).
    title : str, optional
        Page ``<title>``; default from the page metadata.

    Returns
    -------
    RenderedPage
        The page and its chapter fragment.

    Raises
    ------
    DataError
        If the page metadata is missing or names another language or town.
    """
    meta = page_meta(nb)
    if (meta.lang, meta.town_id) != (lang, town_id):
        msg = (
            f"the notebook's page metadata is for lang={meta.lang!r}, town_id={meta.town_id!r}; "
            f"rendering asked for lang={lang!r}, town_id={town_id!r}"
        )
        raise DataError(msg)
    fragment = chapter_fragment(nb, lang)
    if title is None:
        title = " – ".join(x for x in (meta.title, meta.town_name) if x)
    html = _page(
        [_Chapter("chapter", fragment)],
        lang=lang,
        town_id=town_id,
        title=title,
        toc=None,
        ref=page_ref(meta),
        town=meta.town_name,
        synthetic=meta.synthetic,
    )
    return RenderedPage(html, fragment, meta)


def render_body_page(
    body: str,
    *,
    lang: str,
    town_id: str | None,
    title: str,
    ref: PageRef,
    crumb: str = "",
    available: Callable[[PageRef], bool] | None = None,
    town_name: str | None = None,
    synthetic: bool = False,
) -> str:
    """Wrap trusted page markup (an indicator page) into a page with the site's navigation.

    Parameters
    ----------
    body : str
        The page's HTML, built from escaped data (not a notebook output).
    lang : {"th", "en"}
        Page language.
    town_id : str or None
        The town (``None`` for a cross-town indicator page).
    title : str
        ``<title>``.
    ref : PageRef
        Where the page sits in the site (for its links).
    crumb : str
        Last breadcrumb item (default: the title).
    available : callable, optional
        ``available(page)`` says whether a town page exists; the menu links only those
        (an indicator page is written after the appendices, so it can tell).
    town_name : str, optional
        The town's name in the running header; default: the town record of the store.
    synthetic : bool, default False
        Mark the printed page as synthetic demonstration data (the caller knows it from
        the values it shows; nothing is read back out of ``body``).

    Returns
    -------
    str
        The HTML document.
    """
    return _page(
        [_Chapter("chapter", body)],
        lang=lang,
        town_id=town_id,
        title=title,
        toc=None,
        ref=ref,
        town=_town_name(town_id, lang) if town_name is None else town_name,
        synthetic=synthetic,
        crumb=crumb or title,
        available=available,
    )


def render_combined_html(
    pages: Sequence[tuple[AppendixSpec | str, nbformat.NotebookNode | RenderedPage | str]],
    *,
    lang: str,
    town_id: str,
    summary: bool = True,
) -> str:
    """Render a town's appendices as one page with a cover and table of contents.

    Parameters
    ----------
    pages : sequence of (AppendixSpec or str, NotebookNode or RenderedPage or str)
        Executed notebooks in appendix order (an unknown appendix id is rendered
        with the id as its title); a :class:`RenderedPage` in place of a notebook is
        its chapter fragment with its page metadata, and a bare ``str`` a fragment
        alone, already rendered by :func:`chapter_fragment`.
    lang : {"th", "en"}
        Page language.
    town_id : str
        The town.
    summary : bool, default True
        Open the page with the town's executive summary, generated from the published
        results (:func:`analysis.report.summary.summary_fragment`).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        If ``summary`` and there are no current results for the store.

    Notes
    -----
    The town's name and the synthetic-data flag of the cover come from the chapters' page
    metadata (the page is synthetic if any chapter is). Only when every chapter is a bare
    fragment are they looked up as the notebooks would (:func:`page_meta_for`).
    """
    tr = get_translator(lang)
    parts: list[tuple[str, str]] = []
    toc: list[dict[str, str]] = []
    metas: list[PageMeta] = []
    for spec, nb in pages:
        if isinstance(spec, AppendixSpec):
            aid, label, title = spec.id, tr(spec.label_key), tr(spec.title_key)
        else:  # an id the build did not recognise: still render it
            aid, label, title = esc(spec), str(spec), str(spec)
        if isinstance(nb, RenderedPage):
            fragment = nb.fragment
            metas += [nb.meta] if nb.meta is not None else []
        elif isinstance(nb, str):
            fragment = nb
        else:
            fragment = chapter_fragment(nb, lang)
            metas.append(page_meta(nb))
        parts.append((aid, fragment))
        toc.append({"anchor": f"chapter-{aid}", "label": label, "title": title})
    if summary:  # the executive summary opens the page (analysis.report.summary)
        from analysis.report.summary import summary_fragment  # noqa: PLC0415

        parts.insert(0, ("summary", summary_fragment(town_id, lang)))
        toc.insert(0, {"anchor": "chapter-summary", "label": "", "title": tr("summary.title")})
    chapters = [
        _Chapter(f"chapter-{aid}", html)
        for (aid, _), html in zip(parts, unique_ids(parts), strict=True)
    ]
    if metas:
        town_name, synthetic = metas[0].town_name, any(m.synthetic for m in metas)
    else:
        town_name, synthetic = _town_facts(town_id, lang)
    return _page(
        chapters,
        lang=lang,
        town_id=town_id,
        title=f"{tr('report.doc_title')} – {town_name}",
        toc=toc,
        ref=PageRef("combined", lang, town_id),
        town=town_name,
        synthetic=synthetic,
    )


def _town_facts(town_id: str, lang: str) -> tuple[str, bool]:
    """Return the town's name and synthetic flag when no chapter carries page metadata."""
    from analysis.report.params import validate_params  # noqa: PLC0415
    from analysis.report.sections import page_meta_for  # noqa: PLC0415

    try:
        meta = page_meta_for(validate_params(town_id=town_id, lang=lang, style=False), "a")
    except DataError:  # no store: the page still renders, named by its id
        return town_id, False
    return meta.town_name, meta.synthetic


def html_to_pdf(html_path: Path | str, pdf_path: Path | str, *, timeout: float = 120) -> Path:
    """Print an HTML page to an A4 PDF with headless Chromium.

    Parameters
    ----------
    html_path : path-like
        The page (self-contained, so no network access is needed).
    pdf_path : path-like
        Where to write the PDF.
    timeout : float
        Seconds before Chromium is stopped.

    Returns
    -------
    pathlib.Path
        ``pdf_path``.

    Raises
    ------
    BuildError
        If Chromium is missing, fails, or writes no PDF.
    """
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe:
        msg = (
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set ECOPLAN_CHROMIUM"
        )
        raise BuildError(msg)
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ecoplan-chromium-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            msg = f"Chromium timed out after {timeout} s printing {html_path}"
            raise BuildError(msg) from exc
    if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        msg = f"Chromium could not print {html_path} (exit {proc.returncode}): {proc.stderr[-500:]}"
        raise BuildError(msg)
    return pdf_path
