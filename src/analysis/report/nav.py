"""Site navigation on every published page: header, breadcrumb, language switch, pager.

Every page the build writes knows where it sits in the site (:class:`PageRef`) and
links, relative to itself, to

* the site index in its language (site name) and the town's combined page (breadcrumb);
* the same page in the other language (language switch);
* the town's appendices ก-จ / A-E, the combined page and the cross-town page;
* the previous and next page of the town (combined page, then A .. E);
* the town's downloads (written by ``ecoplan site`` under ``downloads/``).

Site layout (relative to ``reports/site/``; see :mod:`analysis.paths`)::

    index.html, index.en.html                       site index (analysis.site)
    towns/<town>/<lang>/<appendix>.html             appendix page
    towns/<town>/<lang>/index.html                  combined page
    towns/<town>/<lang>/indicators/<indicator>.html indicator page
    indicators/<lang>/<indicator>.html              cross-town indicator page
    cross-town/<lang>.html                          cross-town page
    downloads/<town>.csv, <town>_results.csv, <town>.xlsx
    downloads/<town>.th.csv, <town>.th.xlsx, <town>.gpkg (Thai-header results, GIS layers)
    towns/<town>/<lang>/<town>-<lang>.pdf           printed combined page (build --pdf)

All labels come from ``i18n/<lang>/nav.yaml``; all text is escaped.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from analysis.i18n import LANGS, get_translator
from analysis.report.fmt import esc

__all__ = [
    "TOWN_APPENDICES",
    "PageRef",
    "download_links",
    "href",
    "index_page",
    "pager",
    "pdf_link_item",
    "pdf_path",
    "site_header",
    "site_path",
]

#: The town appendices in reading order (the ids of :data:`analysis.report.appendices.APPENDICES`).
TOWN_APPENDICES: tuple[str, ...] = ("a", "b", "c", "d", "e")
_KINDS = frozenset({"appendix", "combined", "cross", "indicator", "index"})


@dataclass(frozen=True)
class PageRef:
    """Where a page sits in the site.

    Attributes
    ----------
    kind : {"appendix", "combined", "cross", "indicator", "index"}
        Page kind.
    lang : str
        Page language.
    town_id : str or None
        The town (``None`` for the cross-town page, a cross-town indicator page and the
        site index).
    appendix : str or None
        Appendix id ``"a"`` .. ``"e"`` (appendix pages only).
    indicator_id : str or None
        Indicator id (indicator pages only).
    """

    kind: str
    lang: str
    town_id: str | None = None
    appendix: str | None = None
    indicator_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            msg = f"PageRef kind must be one of {sorted(_KINDS)}, got {self.kind!r}"
            raise ValueError(msg)
        if self.lang not in LANGS:
            msg = f"PageRef lang must be one of {LANGS}, got {self.lang!r}"
            raise ValueError(msg)
        if self.kind in {"appendix", "combined"} and not self.town_id:
            msg = f"a {self.kind} page needs a town_id"
            raise ValueError(msg)
        if self.kind == "indicator" and not self.indicator_id:
            msg = "an indicator page needs an indicator_id"
            raise ValueError(msg)

    def in_lang(self, lang: str) -> PageRef:
        """Return the same page in ``lang``.

        Parameters
        ----------
        lang : {"th", "en"}
            Page language.

        Returns
        -------
        PageRef
            The same kind, town, appendix and indicator in ``lang``.
        """
        return PageRef(self.kind, lang, self.town_id, self.appendix, self.indicator_id)


def index_page(lang: str) -> str:
    """Return the site index file of ``lang`` (Thai is ``index.html``).

    Parameters
    ----------
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The file name of the index page.

    Examples
    --------
    >>> index_page("th"), index_page("en")
    ('index.html', 'index.en.html')
    """
    return "index.html" if lang == "th" else f"index.{lang}.html"


def site_path(ref: PageRef) -> str:
    """Return the page's path relative to the site root.

    Parameters
    ----------
    ref : PageRef
        The page.

    Returns
    -------
    str
        The POSIX path relative to the site root.

    Examples
    --------
    >>> site_path(PageRef("appendix", "th", "nakhon-sawan", "b"))
    'towns/nakhon-sawan/th/b.html'
    >>> site_path(PageRef("indicator", "en", "nakhon-sawan", indicator_id="pm25_annual"))
    'towns/nakhon-sawan/en/indicators/pm25_annual.html'
    >>> site_path(PageRef("indicator", "th", None, indicator_id="pm25_annual"))
    'indicators/th/pm25_annual.html'
    >>> site_path(PageRef("cross", "en"))
    'cross-town/en.html'
    """
    if ref.kind == "index":
        return index_page(ref.lang)
    if ref.kind == "cross":
        return f"cross-town/{ref.lang}.html"
    if ref.kind == "indicator" and not ref.town_id:
        return f"indicators/{ref.lang}/{ref.indicator_id}.html"
    base = f"towns/{ref.town_id}/{ref.lang}"
    if ref.kind == "combined":
        return f"{base}/index.html"
    if ref.kind == "indicator":
        return f"{base}/indicators/{ref.indicator_id}.html"
    return f"{base}/{ref.appendix}.html"


def href(source: PageRef, target: str) -> str:
    """Return the link from page ``source`` to ``target`` (a path relative to the site root).

    Parameters
    ----------
    source : PageRef
        The page the link is on.
    target : str
        Site path of the linked file.

    Returns
    -------
    str
        The relative link.

    Examples
    --------
    >>> href(PageRef("appendix", "th", "t1", "b"), "index.html")
    '../../../index.html'
    >>> href(PageRef("appendix", "th", "t1", "b"), "towns/t1/en/b.html")
    '../en/b.html'
    """
    here = posixpath.dirname(site_path(source)) or "."
    return posixpath.relpath(target, here)


def _town_pages(ref: PageRef) -> list[PageRef]:
    """Return the town's pages in reading order: combined page, then appendices A .. E."""
    town = ref.town_id
    return [
        PageRef("combined", ref.lang, town),
        *(PageRef("appendix", ref.lang, town, a) for a in TOWN_APPENDICES),
    ]


def _label(ref: PageRef) -> str:
    tr = get_translator(ref.lang)
    if ref.kind == "combined":
        return tr("nav.all_appendices")
    if ref.kind == "cross":
        return tr("nav.cross_town")
    if ref.kind == "appendix":
        return f"{tr(f'report.{ref.appendix}.label')} {tr(f'report.{ref.appendix}.title')}"
    return tr("nav.home")


def download_links(ref: PageRef) -> list[tuple[str, str]]:
    """Return (label, href) of the town's downloads, as seen from page ``ref``.

    Parameters
    ----------
    ref : PageRef
        The page the links are on.

    Returns
    -------
    list of (str, str)
        Translated label and relative link of each download; empty for a page without a town.
    """
    if not ref.town_id:
        return []
    tr = get_translator(ref.lang)
    town = ref.town_id
    links = [
        (tr("nav.download.csv"), href(ref, f"downloads/{town}.csv")),
        (tr("nav.download.results"), href(ref, f"downloads/{town}_results.csv")),
        (tr("nav.download.xlsx"), href(ref, f"downloads/{town}.xlsx")),
        # deliverables (analysis.site.gis, analysis.site.results_th, analysis.batch.pdf)
        (tr("deliver.results_th.csv"), href(ref, f"downloads/{town}.th.csv")),
        (tr("deliver.results_th.xlsx"), href(ref, f"downloads/{town}.th.xlsx")),
        (tr("deliver.gis.link"), href(ref, f"downloads/{town}.gpkg")),
    ]
    pdf = pdf_path(town, ref.lang)
    if _published(pdf):
        links.append((tr("deliver.pdf.link"), href(ref, pdf)))
    return links


def pdf_path(town_id: str, lang: str) -> str:
    """Return the site path of a town's PDF (written by ``ecoplan build --pdf``).

    Parameters
    ----------
    town_id : str
        The town.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The path relative to the site root.

    Examples
    --------
    >>> pdf_path("t1", "th")
    'towns/t1/th/t1-th.pdf'
    """
    return f"towns/{town_id}/{lang}/{town_id}-{lang}.pdf"


def _published(site_file: str) -> bool:
    """Whether a file exists in the published site (pages link only files that exist)."""
    from analysis.errors import ConfigError  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415

    try:
        return (get_paths().site / site_file).is_file()
    except ConfigError:
        return False


def pdf_link_item(lang: str, url: str) -> str:
    """Return the ``<li>`` of the PDF link in a page's downloads list (see :func:`pager`).

    Parameters
    ----------
    lang : {"th", "en"}
        Page language.
    url : str
        The link to the PDF, relative to the page.

    Returns
    -------
    str
        The ``<li>`` element.
    """
    return f"<li>{_a(url, get_translator(lang)('deliver.pdf.link'))}</li>"


def _a(url: str, text: str, *, css: str = "", current: bool = False, extra: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    cur = ' aria-current="page"' if current else ""
    return f'<a href="{esc(url)}"{cls}{cur}{extra}>{esc(text)}</a>'


def site_header(
    ref: PageRef,
    *,
    town_name: str = "",
    page_title: str = "",
    available: Callable[[PageRef], bool] | None = None,
) -> str:
    """Return the site header of a page: site name, town, language switch, breadcrumb, menu.

    Parameters
    ----------
    ref : PageRef
        The page.
    town_name : str
        The town's name in the page language (shown and used in the breadcrumb).
    page_title : str
        Last breadcrumb item of an indicator page (its indicator name).
    available : callable, optional
        ``available(page)`` is False for a town page that was not built: it is left out of
        the menu (default: every page is linked).

    Returns
    -------
    str
        A ``<header class="site-header">`` element (hidden in print).
    """
    tr = get_translator(ref.lang)
    other = next(x for x in LANGS if x != ref.lang)
    home = href(ref, index_page(ref.lang))
    switch = href(ref, site_path(ref.in_lang(other)))
    crumbs = [_a(home, tr("nav.home"))]
    if ref.town_id:
        combined = PageRef("combined", ref.lang, ref.town_id)
        crumbs.append(
            _a(href(ref, site_path(combined)), town_name or ref.town_id, current=ref == combined)
        )
    if ref.kind == "appendix":
        crumbs.append(f'<span aria-current="page">{esc(tr(f"report.{ref.appendix}.label"))}</span>')
    elif ref.kind == "indicator":
        crumbs.append(
            f'<span aria-current="page">{esc(page_title or str(ref.indicator_id))}</span>'
        )
    elif ref.kind == "cross":
        crumbs.append(f'<span aria-current="page">{esc(tr("nav.cross_town"))}</span>')
    crumb_html = "".join(f"<li>{c}</li>" for c in crumbs)
    menu = []
    if ref.town_id:
        for page in _town_pages(ref):
            if available is not None and not available(page):
                continue
            if page.kind == "combined":
                text = tr("nav.all_appendices")
            else:
                text = tr(f"nav.short.{page.appendix}")
            title = f' title="{esc(_label(page))}"'
            menu.append(_a(href(ref, site_path(page)), text, current=page == ref, extra=title))
    cross = PageRef("cross", ref.lang)
    menu.append(_a(href(ref, site_path(cross)), tr("nav.cross_town"), current=ref == cross))
    menu_html = "".join(f"<li>{m}</li>" for m in menu)
    town_html = f'<span class="site-town">{esc(town_name)}</span>' if town_name else ""
    return (
        f'<header class="site-header">'
        f'<a class="skip-link" href="#content">{esc(tr("nav.skip"))}</a>'
        f'<div class="site-bar">{_a(home, tr("nav.site_name"), css="site-name")}{town_html}'
        f'<a class="lang-switch" href="{esc(switch)}" hreflang="{other}" lang="{other}" '
        f'title="{esc(tr("nav.lang_other_title"))}">{esc(tr("nav.lang_other"))}</a></div>'
        f'<nav class="breadcrumb" aria-label="{esc(tr("nav.breadcrumb"))}"><ol>{crumb_html}</ol></nav>'
        f'<nav class="appendix-nav" aria-label="{esc(tr("nav.appendices"))}"><ul>{menu_html}</ul></nav>'
        f"</header>"
    )


def pager(ref: PageRef) -> str:
    """Return the page footer: previous/next page of the town and the town's downloads.

    The cross-town page and the site index have no town, so only the home link is shown.

    Parameters
    ----------
    ref : PageRef
        The page.

    Returns
    -------
    str
        The footer navigation markup.
    """
    tr = get_translator(ref.lang)
    parts = []
    if ref.town_id and ref.kind in {"appendix", "combined"}:
        pages = _town_pages(ref)
        i = pages.index(ref)
        links = []
        if i > 0:
            prev = pages[i - 1]
            links.append(
                f'<a class="pager-prev" rel="prev" href="{esc(href(ref, site_path(prev)))}">'
                f'<span class="pager-dir">{esc(tr("nav.prev"))}</span> {esc(_label(prev))}</a>'
            )
        if i + 1 < len(pages):
            nxt = pages[i + 1]
            links.append(
                f'<a class="pager-next" rel="next" href="{esc(href(ref, site_path(nxt)))}">'
                f'<span class="pager-dir">{esc(tr("nav.next"))}</span> {esc(_label(nxt))}</a>'
            )
        parts.append(
            f'<nav class="pager" aria-label="{esc(tr("nav.pager"))}">{"".join(links)}</nav>'
        )
    downloads = download_links(ref)
    if downloads:
        items = "".join(f"<li>{_a(url, text)}</li>" for text, url in downloads)
        parts.append(
            f'<nav class="town-downloads" aria-label="{esc(tr("nav.downloads"))}">'
            f'<h2 class="nav-heading">{esc(tr("nav.downloads"))}</h2><ul>{items}</ul></nav>'
        )
    return f'<footer class="site-footer">{"".join(parts)}</footer>' if parts else ""
