"""Small-multiple charts as a grid of one-panel images, each with its data table.

Appendix B's trend charts and appendix C's projection charts draw one image per
indicator (:func:`analysis.report.figures.trend_panel`,
:func:`analysis.report.figures.projection_panel`) laid out by
:func:`analysis.report.blocks.figure_grid`: two columns on a wide page and in print, one
column on a phone. Under each image a folded table gives exactly the values drawn
(:func:`analysis.report.figures.trend_panel_data`,
:func:`analysis.report.figures.projection_panel_data`), with Buddhist Era years on Thai
pages; its alt text states what the panel shows and, where the y-axis does not start at
zero, says so (:func:`analysis.report.figures.axis_note`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from analysis.catalogue import Indicator, load_catalogue
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, chart_data, figure_grid
from analysis.report.extend import page_table
from analysis.report.figure_block import figure
from analysis.report.fmt import esc, fmt_number, fmt_year
from analysis.report.params import RunParams

__all__ = [
    "coverage_table",
    "data_table",
    "panel_figure",
    "projection_grid",
    "score_table",
    "trend_grid",
]

_PANEL_CLASS = "report-figure chart-panel"


def data_table(data: pd.DataFrame, run: RunParams, *, caption: str) -> HtmlBlock:
    """Return the table of a panel's drawn values, headed in the page language.

    Parameters
    ----------
    data : pandas.DataFrame
        A panel's data (``year`` and value columns named like the
        ``report.chart_data.*`` keys or a yardstick group of ``report.groups.*``).
    run : RunParams
        Language (Buddhist Era years in Thai).
    caption : str
        The table caption (the indicator and its unit).

    Returns
    -------
    HtmlBlock
        The table (:func:`analysis.report.extend.page_table`).
    """
    tr = run.tr
    headers = {
        c: tr(f"report.chart_data.{c}")
        if tr.has(f"report.chart_data.{c}")
        else tr(f"report.groups.{c}")
        for c in data.columns
    }
    return page_table(data, run, caption=caption, headers=headers)


def panel_figure(
    fig: Figure, run: RunParams, *, alt: str, data: HtmlBlock, mark: str, mark_strip: bool = False
) -> HtmlBlock:
    """Embed one panel with its alt text, the axis note and its folded data table.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The one-panel chart.
    run : RunParams
        Language.
    alt : str
        What the panel shows.
    data : HtmlBlock
        Its data table (:func:`data_table`).
    mark : str
        The synthetic watermark ("" for real data).
    mark_strip : bool, default False
        Keep the watermark's strip empty without a mark (another panel of the grid has
        one), so the panels line up.

    Returns
    -------
    HtmlBlock
        A ``<figure class="report-figure chart-panel">``.
    """
    note = figures.axis_note(fig, run.tr)
    # The note is a paragraph, not a <figcaption>: the grid's own caption is the one the
    # printed report numbers (analysis.batch.pdf takes a figure's first figcaption).
    shown = f'<p class="axis-note">{esc(note)}</p>' if note else ""
    return figure(
        fig,
        alt=f"{alt} {note}".strip(),
        trim=False,
        watermark=mark,
        data=shown + chart_data(data, run.tr("report.chart_data.summary")),
        css_class=_PANEL_CLASS,
        mark_strip=mark_strip,
    )


def _name_unit(ind: Indicator, run: RunParams) -> tuple[str, str]:
    cat = load_catalogue()
    name = ind.name_th if run.lang == "th" else ind.name_en
    return name, cat.unit_symbol(ind.unit, run.lang)


def _trend_alt(data: pd.DataFrame, ind: Indicator, run: RunParams) -> str:
    tr, lang = run.tr, run.lang
    name, unit = _name_unit(ind, run)
    values = data[data["value"].notna()]
    first, last = values.iloc[0], values.iloc[-1]
    text = tr(
        "report.chart_data.panel_alt",
        name=name,
        unit=unit,
        first=fmt_year(first["year"], lang),
        last=fmt_year(last["year"], lang),
        start=fmt_number(first["value"]),
        end=fmt_number(last["value"]),
    )
    if "thai" in data.columns and pd.notna(data["thai"].iloc[-1]):
        text += " " + tr(
            "report.chart_data.panel_alt_limit",
            last=fmt_year(data["year"].iloc[-1], lang),
            limit=fmt_number(data["thai"].iloc[-1]),
        )
    return text


def trend_grid(
    rows: pd.DataFrame, run: RunParams, theme: str, *, caption: str, marks: Mapping[str, str]
) -> HtmlBlock:
    """Return a theme's trend charts: one panel per indicator with data, in a grid.

    Parameters
    ----------
    rows : pandas.DataFrame
        The page's indicator rows (``indicator_id, year, value``).
    run : RunParams
        Language.
    theme : str
        ESC theme.
    caption : str
        Caption of the grid.
    marks : mapping of str to str
        Each indicator's synthetic watermark ("" for real data), from
        :func:`analysis.report.sections.chart_marks`.

    Returns
    -------
    HtmlBlock
        The grid (empty when no indicator of the theme has a value).
    """
    cat = load_catalogue()
    panels = []
    drawn = figures.panel_indicators(rows, cat, theme)
    strip = any(marks[ind.id] for ind in drawn)
    for ind in drawn:
        data = figures.trend_panel_data(rows, ind)
        fig = figures.trend_panel(data, ind, cat, run.tr)
        name, unit = _name_unit(ind, run)
        panels.append(
            panel_figure(
                fig,
                run,
                alt=_trend_alt(data, ind, run),
                data=data_table(data, run, caption=f"{name} ({unit})"),
                mark=marks[ind.id],
                mark_strip=strip,
            )
        )
    return figure_grid(panels, caption=caption) if panels else HtmlBlock("")


def _projection_alt(data: pd.DataFrame, ind: Indicator, run: RunParams) -> str:
    tr, lang = run.tr, run.lang
    name, unit = _name_unit(ind, run)
    obs = data[data["observed"].notna()]
    proj = data[data["projected"].notna()]
    args = {
        "name": name,
        "unit": unit,
        "first": fmt_year(obs["year"].iloc[0], lang),
        "last": fmt_year(obs["year"].iloc[-1], lang),
        "end": fmt_number(obs["observed"].iloc[-1]),
    }
    if proj.empty:
        text = tr("report.chart_data.panel_alt_withheld", **args)
    else:
        text = tr(
            "report.chart_data.panel_alt_projection",
            horizon=fmt_year(proj["year"].iloc[-1], lang),
            **args,
        )
    if ind.target is not None:
        text += " " + tr(
            "report.chart_data.panel_alt_target",
            target=fmt_number(ind.target.value),
            year=fmt_year(ind.target.year, lang),
        )
    return text


def projection_grid(
    projections: pd.DataFrame,
    run: RunParams,
    theme: str,
    *,
    phases: list[tuple[int, int]],
    caption: str,
    marks: Mapping[str, str],
) -> HtmlBlock:
    """Return a theme's projection charts: one panel per indicator observed, in a grid.

    Parameters
    ----------
    projections : pandas.DataFrame
        The town's projection table rows.
    run : RunParams
        Language.
    theme : str
        ESC theme.
    phases : list of (start, end)
        The plan phases, shaded and labelled in each panel.
    caption : str
        Caption of the grid.
    marks : mapping of str to str
        Each indicator's synthetic watermark ("" for real data), from
        :func:`analysis.report.sections.chart_marks`.

    Returns
    -------
    HtmlBlock
        The grid (empty when no indicator of the theme has an observed value).
    """
    cat = load_catalogue()
    observed = projections[projections["kind"].astype(str) == "observed"]
    ids = projections["indicator_id"].astype(str)
    panels = []
    drawn = figures.panel_indicators(observed, cat, theme, column="mean")
    strip = any(marks[ind.id] for ind in drawn)
    for ind in drawn:
        rows = projections[ids == ind.id]
        data = figures.projection_panel_data(rows, ind)
        fig = figures.projection_panel(data, rows, ind, cat, run.tr, phases=phases)
        name, unit = _name_unit(ind, run)
        panels.append(
            panel_figure(
                fig,
                run,
                alt=_projection_alt(data, ind, run),
                data=data_table(data, run, caption=f"{name} ({unit})"),
                mark=marks[ind.id],
                mark_strip=strip,
            )
        )
    return figure_grid(panels, caption=caption) if panels else HtmlBlock("")


def coverage_table(indicators: pd.DataFrame, run: RunParams) -> str:
    """Return the folded data table of the coverage heatmap: ✓ where a year has a value.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The page's indicator rows.
    run : RunParams
        Language (Buddhist Era years in Thai).

    Returns
    -------
    str
        :func:`analysis.report.blocks.chart_data` markup.
    """
    tr = run.tr
    cover = figures.coverage_data(indicators, load_catalogue(), run.lang)
    shown = pd.DataFrame(
        {f"y{y}": ["✓" if v else "–" for v in cover[y]] for y in cover.columns},
        index=cover.index,
    )
    shown.insert(0, "indicator", cover.index)
    headers = {f"y{y}": fmt_year(y, run.lang) for y in cover.columns}
    headers["indicator"] = tr("report.col.indicator")
    caption = (
        f"{tr('report.a.coverage_caption')} (✓ {tr('report.a.coverage_legend_yes')}; "
        f"– {tr('report.a.coverage_legend_no')})"
    )
    table = page_table(shown, run, caption=caption, headers=headers)
    return chart_data(table, tr("report.chart_data.summary"))


def score_table(scores: pd.DataFrame, town_names: dict[str, str], run: RunParams) -> str:
    """Return the folded data table of the town score heatmap (the scores drawn).

    Parameters
    ----------
    scores : pandas.DataFrame
        ``town_id, theme, score``.
    town_names : dict
        Display name per town id.
    run : RunParams
        Language.

    Returns
    -------
    str
        :func:`analysis.report.blocks.chart_data` markup.
    """
    tr = run.tr
    wide = figures.score_data(scores, town_names)
    shown = wide.reset_index(names="town")
    headers = {
        t: tr(f"report.themes.{t}") if t != "overall" else tr("report.x.overall")
        for t in wide.columns
    }
    headers["town"] = tr("report.col.town")
    table = page_table(
        shown,
        run,
        caption=tr("report.x.heatmap_caption", n=len(wide)),
        headers=headers,
        decimals=0,
    )
    return chart_data(table, tr("report.chart_data.summary"))
