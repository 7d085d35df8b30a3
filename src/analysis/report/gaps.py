"""Partial data: what a page shows for indicators, themes or whole towns without values.

A town with few indicator values is normal (issue 12, item 7). The report never draws
an empty chart panel for it; instead the indicators without any value are collapsed
into one compact "no data yet" table per theme (:func:`no_data_table`), saying what is
needed and how to get the town's data-entry form. A town with no indicator value at all
still gets its profile (A) and green-space (D) appendices; the data-driven sections of
B, C and E are then left out (:func:`needs_town_data`) and the chapter says why in one
block (:func:`no_town_data_block`).

Every such block carries a machine-readable HTML comment (:func:`warning_marker`); the
build collects them from the executed notebook and reports the page as "built with
warnings" (:mod:`analysis.batch.worker`). The renderer strips comments from pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report.blocks import HtmlBlock, table_html
from analysis.report.data import _stamp, read_indicators_cached, town_record
from analysis.report.fmt import esc
from analysis.report.params import RunParams

__all__ = [
    "DATA_SECTION_KEYS",
    "FORM_HREF",
    "WARNING_PREFIX",
    "form_note",
    "indicators_without_data",
    "min_projection_points",
    "min_trend_points",
    "needed_text",
    "needs_theme_data",
    "needs_town_data",
    "no_data_table",
    "no_town_data_block",
    "theme_has_data",
    "town_has_data",
    "warning_marker",
]

#: Link from a town page (``towns/<town>/<lang>/<x>.html``) to the town's data-entry form,
#: which ``ecoplan site`` writes to ``towns/<town>/form.xlsx`` (:mod:`analysis.site.index`).
FORM_HREF = "../form.xlsx"

#: Start of the HTML comment that marks a data gap on a page (read by the build).
WARNING_PREFIX = "<!-- ecoplan-warning: "

#: Section headings (``report.<key>``) of B, C and E that introduce data-driven sections;
#: left out, with their sections, for a town without indicator data.
DATA_SECTION_KEYS: frozenset[str] = frozenset(
    {
        "b.overview_heading",
        "c.progress_heading",
        "c.milestone_heading",
        "e.overview_heading",
        "e.priorities_heading",
        "e.esc_heading",
    }
)

#: Appendices whose content is all indicator statistics.
_DATA_APPENDICES = ("b", "c", "e")

F = TypeVar("F", bound=Callable[..., Any])


def min_trend_points() -> int:
    """Fewest annual values for a trend test (:data:`analysis.stats.panel.MIN_POINTS`).

    Returns
    -------
    int
        The number of annual values.
    """
    from analysis.stats.panel import MIN_POINTS  # noqa: PLC0415

    return int(MIN_POINTS)


def min_projection_points() -> int:
    """Fewest annual values for a projection (the rule of :mod:`analysis.stats.projection`).

    Returns
    -------
    int
        The number of annual values.
    """
    from analysis.stats import projection  # noqa: PLC0415

    for name in ("MIN_PROJECTION_POINTS", "FEW_POINTS"):
        if hasattr(projection, name):
            return int(getattr(projection, name))
    return 8  # pragma: no cover - both names gone


@functools.lru_cache(maxsize=4)
def _themes_by_town(_path: str, _mtime: int) -> dict[str, frozenset[str]]:
    cat = load_catalogue()
    theme = {i.id: i.theme for i in cat.indicators}
    df = read_indicators_cached()
    df = df.loc[df["indicator_id"].isin(cat.ids) & df["value"].notna(), ["town_id", "indicator_id"]]
    pairs = df.astype(str).drop_duplicates()
    pairs = pairs.assign(theme=pairs["indicator_id"].map(theme))
    return {str(t): frozenset(g["theme"]) for t, g in pairs.groupby("town_id", sort=False)}


def _themes_of(town_id: str) -> frozenset[str]:
    return _themes_by_town(*_stamp("indicators.parquet")).get(town_id, frozenset())


def town_has_data(town_id: str) -> bool:
    """Return whether the town has at least one catalogue indicator value in the store.

    Parameters
    ----------
    town_id : str
        The town.

    Returns
    -------
    bool
        True when the town has any catalogue indicator value.
    """
    return bool(_themes_of(town_id))


def theme_has_data(town_id: str, theme: str) -> bool:
    """Return whether the town has at least one value of an indicator of ``theme``.

    Parameters
    ----------
    town_id : str
        The town.
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    bool
        True when some indicator of the theme has a value.
    """
    return theme in _themes_of(town_id)


def _blank(run: RunParams, theme: str | None = None) -> bool:
    if run.town_id is None:
        return False
    if theme is None:
        return not town_has_data(run.town_id)
    return not theme_has_data(run.town_id, theme)


def needs_town_data(func: F) -> F:
    """Decorate a section ``f(run, ...)``: for a town without indicator data it returns nothing.

    The chapter's :func:`no_town_data_block` (shown by ``intro``) says why instead.

    Parameters
    ----------
    func : callable
        The section function.

    Returns
    -------
    callable
        The wrapped function (an empty block for a town without data).
    """

    @functools.wraps(func)
    def wrapper(run: RunParams, *args: Any, **kwargs: Any) -> Any:
        if _blank(run):
            return HtmlBlock("")
        return func(run, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def needs_theme_data(func: F) -> F:
    """Decorate a section ``f(run, theme, ...)``: nothing when the town has no value in ``theme``.

    Use it for tables and charts that would be empty; the theme's :func:`no_data_table`
    lists its indicators instead.

    Parameters
    ----------
    func : callable
        The section function.

    Returns
    -------
    callable
        The wrapped function (an empty block for a theme without data).
    """

    @functools.wraps(func)
    def wrapper(run: RunParams, theme: str, *args: Any, **kwargs: Any) -> Any:
        if _blank(run, theme):
            return HtmlBlock("")
        return func(run, theme, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def warning_marker(text: str) -> str:
    """Return the HTML comment that makes the build report a page as built with warnings.

    Parameters
    ----------
    text : str
        The warning, plain text (escaped; ``--`` is broken up).

    Returns
    -------
    str
        An HTML comment the build reads back (:func:`analysis.batch.worker.notebook_warnings`).

    Examples
    --------
    >>> warning_marker("no data yet (air): pm10_annual")
    '<!-- ecoplan-warning: no data yet (air): pm10_annual -->'
    """
    clean = esc(text).replace("--", "- -")
    return f"{WARNING_PREFIX}{clean} -->"


def indicators_without_data(
    rows: pd.DataFrame, theme: str, *, column: str = "value", drawn: Sequence[str] | None = None
) -> list[str]:
    """Return the ids of ``theme``'s catalogue indicators that have no value in ``rows``.

    Parameters
    ----------
    rows : pandas.DataFrame
        One town's rows with ``indicator_id`` and ``column`` (e.g. the store's indicator
        rows, or the observed rows of a projection table with ``column="mean"``).
    theme : str
        ESC theme.
    column : str, default "value"
        The value column.
    drawn : sequence of str, optional
        Ids already shown (e.g. the panels of a chart): never reported as missing.

    Returns
    -------
    list of str
        In catalogue order; ``measured_only`` indicators (from daily station records)
        are listed only by the pages that have such records, never as missing here.
    """
    have = set(rows.loc[rows[column].notna(), "indicator_id"].astype(str)) if len(rows) else set()
    have |= set(drawn or ())
    return [
        i.id
        for i in load_catalogue().indicators
        if i.theme == theme and i.id not in have and not i.measured_only
    ]


def needed_text(run: RunParams) -> str:
    """Return the plain text of what an indicator needs (values, years for trend/projection).

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    str
        Plain text in the page language.
    """
    return run.tr(
        "report.gaps.needed", trend=min_trend_points(), projection=min_projection_points()
    )


def form_note(run: RunParams) -> str:
    """Return the markup saying how to get and fill in the town's data-entry form.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    str
        A sentence with a link to the form and the ``ecoplan template`` command.
    """
    tr = run.tr
    town_id = run.town_id or ""
    link = f'<a href="{FORM_HREF}">{esc(tr("report.gaps.form_link"))}</a>'
    command = f"<code>{esc(f'ecoplan template --town {town_id}')}</code>"
    # Escape the sentence, then put the link and the command markup into its slots.
    text = esc(tr("report.gaps.form_note", form="\x00form\x00", command="\x00command\x00"))
    return text.replace("\x00form\x00", link).replace("\x00command\x00", command)


def no_data_table(run: RunParams, theme: str, indicator_ids: Sequence[str]) -> HtmlBlock:
    """Return the compact "no data yet" table of a theme's indicators without values.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    theme : str
        ESC theme.
    indicator_ids : sequence of str
        The indicators without values (:func:`indicators_without_data`); an empty
        sequence gives an empty block.

    Returns
    -------
    HtmlBlock
        Columns: indicator (unit) and what is needed; under it, how to get the form.
    """
    if not indicator_ids:
        return HtmlBlock("")
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    needed = esc(needed_text(run))
    rows = []
    for ind_id in indicator_ids:
        ind = cat.get(ind_id)
        name = ind.name_th if lang == "th" else ind.name_en
        rows.append([esc(f"{name} ({cat.unit_symbol(ind.unit, lang)})"), needed])
    theme_name = tr(f"report.themes.{theme}")
    table = table_html(
        [tr("report.col.indicator"), tr("report.gaps.col_needed")],
        rows,
        caption=tr("report.gaps.caption", theme=theme_name, n=len(rows)),
        note=form_note(run),
        css_class="report-table no-data-table",
    )
    marker = warning_marker(f"no data yet ({theme}): {', '.join(indicator_ids)}")
    return HtmlBlock(f'<div class="no-data-yet">{marker}{table.html}</div>')


def no_town_data_block(run: RunParams, appendix_id: str) -> HtmlBlock:
    """Return the one block that B, C and E show for a town without indicator data.

    Empty for other appendices and for towns with data.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    appendix_id : str
        ``"a"`` .. ``"e"`` or ``"x"``.

    Returns
    -------
    HtmlBlock
        A note naming the town and what its indicators need, with a build-warning marker; empty
        when not needed.
    """
    if appendix_id not in _DATA_APPENDICES or not _blank(run):
        return HtmlBlock("")
    tr = run.tr
    town = town_record(run.town_id or "").name(run.lang)
    text = tr("report.gaps.town_text", town=town, needed=needed_text(run))
    marker = warning_marker("no indicator data for this town")
    return HtmlBlock(
        f'<div class="no-town-data" role="note">{marker}'
        f"<h2>{esc(tr('report.gaps.town_heading'))}</h2>"
        f"<p>{esc(text)}</p><p>{form_note(run)}</p></div>"
    )
