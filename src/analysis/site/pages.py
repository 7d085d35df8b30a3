"""What the town and the cross-town indicator pages share when they are written.

Both :mod:`analysis.site.indicators` (one page per town x indicator) and
:mod:`analysis.site.national` (one page per indicator across towns) write pages only for
the towns whose appendix pages ``ecoplan build`` wrote, and each page goes out as an HTML
file with the CSV of its numbers beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from analysis.paths import ProjectPaths, town_index
from analysis.report.nav import PageRef, site_path
from analysis.store.publish import OutputWriter

__all__ = ["built_towns", "write_page_and_csv"]


def built_towns(paths: ProjectPaths, values: pd.DataFrame, langs: Sequence[str]) -> list[str]:
    """Return the towns of ``values`` whose pages ``ecoplan build`` wrote, sorted.

    Like the site index, the indicator pages link only towns that have an appendix index
    page in at least one of ``langs``.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories (the pages are looked for under ``paths.reports``).
    values : pandas.DataFrame
        The results ``values`` table (its ``town_id`` column).
    langs : sequence of str
        Page languages.

    Returns
    -------
    list of str
        Town ids, sorted.
    """
    return [
        town
        for town in sorted(values["town_id"].astype(str).unique())
        if any(town_index(paths.reports, town, lang).exists() for lang in langs)
    ]


def write_page_and_csv(
    paths: ProjectPaths,
    writer: OutputWriter,
    ref: PageRef,
    body: str,
    csv: str,
    *,
    title: str,
    crumb: str,
    synthetic: bool,
    town_name: str | None = None,
    available: Callable[[PageRef], bool] | None = None,
) -> list[Path]:
    """Render one indicator page with the site's navigation and write it and its CSV.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories (the page goes to ``paths.site / site_path(ref)``).
    writer : OutputWriter
        Atomic writer of the site build.
    ref : PageRef
        Where the page sits (its language and town, ``None`` for a cross-town page).
    body : str
        The page's trusted markup.
    csv : str
        The CSV text written beside the page (same name, ``.csv``).
    title : str
        The page title.
    crumb : str
        The last breadcrumb (the indicator's name).
    synthetic : bool
        Whether the page shows synthetic demonstration data (marks the printed page).
    town_name : str, optional
        The town's name in the running header (town pages); ``None`` on a cross-town page.
    available : callable, optional
        Tells whether a linked page exists (language switch); default: every page.

    Returns
    -------
    list of Path
        The page and the CSV file, in that order.
    """
    from analysis.report.render import render_body_page  # noqa: PLC0415

    html = render_body_page(
        body,
        lang=ref.lang,
        town_id=ref.town_id,
        title=title,
        ref=ref,
        crumb=crumb,
        available=available,
        town_name=town_name,
        synthetic=synthetic,
    )
    target = paths.site / site_path(ref)
    return [writer.write_text(target, html), writer.write_text(target.with_suffix(".csv"), csv)]
