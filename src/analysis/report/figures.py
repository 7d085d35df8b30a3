"""Figure builders of the appendices; each returns a matplotlib Figure.

The functions take data frames (and a translator), never read files, and leave
embedding to :func:`analysis.report.figure_block.figure`. Year axes are labelled in
Buddhist Era in Thai (:func:`analysis.style.be_year_formatter`).
"""

from __future__ import annotations

import math
import unicodedata

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysis.catalogue import Catalogue, Indicator, load_catalogue
from analysis.i18n import Translator
from analysis.report import panelpool
from analysis.report.agg_text import tight_layout
from analysis.style import be_year_formatter, use_report_style

__all__ = [
    "GROUP_STYLES",
    "LIGHT_COLOURS",
    "SCORE_CMAP",
    "STATION_UNIT_QUANTITY",
    "ZERO_BASED_QUANTITIES",
    "axis_includes_zero",
    "axis_note",
    "coverage_data",
    "coverage_heatmap",
    "panel_indicators",
    "projection_chart",
    "projection_panel",
    "projection_panel_data",
    "score_data",
    "score_heatmap",
    "set_year_axis",
    "small_multiples",
    "standard_in_force_series",
    "trend_chart",
    "trend_panel",
    "trend_panel_data",
    "unit_quantity",
    "value_axis",
    "wrap_label",
]

#: Traffic-light colours, chosen to stay apart under deuteranopia, protanopia and
#: tritanopia (a teal green, an amber and a dark red that differ in lightness as well as
#: hue; tests/unit/test_palettes_cvd.py checks them with a colour-vision simulation). The
#: same values are the ``--green``/``--amber``/``--red``/``--grey`` variables of report.css.
LIGHT_COLOURS: dict[str, str] = {
    "green": "#138d75",
    "amber": "#f0a202",
    "red": "#8b0000",
    "none": "#d0d0d0",
}

#: Colour map of relative (min-max, rank-like) scores: a neutral, colour-blind safe
#: sequential ramp, never the traffic-light colours that mean pass/fail against a standard.
SCORE_CMAP = "crest"

#: Line styles of the yardstick groups on trend charts.
GROUP_STYLES: dict[str, dict[str, object]] = {
    "thai": {"color": "#c0392b", "linestyle": "--", "linewidth": 1.6},
    "who": {"color": "#6c3483", "linestyle": ":", "linewidth": 1.8},
    "asean": {"color": "#117a65", "linestyle": "-.", "linewidth": 1.6},
}

_VALUE_COLOUR = "#1f4e79"
_GROUP_ISSUERS: dict[str, tuple[str, ...]] = {
    "thai": ("TH_NEB", "TH_PCD", "TH_ONEP"),
    "who": ("WHO",),
    "asean": ("ASEAN", "CBI"),
}


#: What the station unit ``ppb`` measures; catalogue units say it themselves
#: (``quantity`` in ``catalogue/indicators.yaml``). :func:`axis_includes_zero` reads both.
STATION_UNIT_QUANTITY: dict[str, str] = {"ppb": "concentration"}
#: Quantities whose value axis must start at zero: counts, shares, concentrations and
#: amounts per person (ratio scales, where a bar or line height is read against zero).
ZERO_BASED_QUANTITIES: frozenset[str] = frozenset({"count", "share", "concentration", "amount"})
#: ``gid`` of the axes whose y-axis shows an indicator's values (see :func:`value_axis`).
VALUE_AXIS_GID = "ecoplan-value-axis"


def axis_includes_zero(unit: str) -> bool:
    """Return whether a value axis in ``unit`` must start at zero: the one y-axis rule.

    Parameters
    ----------
    unit : str
        A catalogue unit key (``percent``, ``ug_m3``, ...) or ``ppb``.

    Returns
    -------
    bool
        True for counts, shares, concentrations and per-person amounts
        (:data:`ZERO_BASED_QUANTITIES`); False for indices and unknown units, whose
        charts say that the axis does not start at zero (:func:`axis_note`).

    Examples
    --------
    >>> axis_includes_zero("percent"), axis_includes_zero("ug_m3"), axis_includes_zero("index")
    (True, True, False)
    """
    return unit_quantity(unit) in ZERO_BASED_QUANTITIES


def unit_quantity(unit: str) -> str:
    """Return what ``unit`` measures: the catalogue's ``quantity``, or a station unit's.

    Parameters
    ----------
    unit : str
        A catalogue unit key or ``ppb``.

    Returns
    -------
    str
        ``concentration``, ``share``, ``count``, ``amount``, ``level`` or ``index``;
        ``index`` for a unit nobody described (its chart then says the axis does not
        start at zero rather than implying a zero it may not have).

    Examples
    --------
    >>> unit_quantity("percent"), unit_quantity("ppb"), unit_quantity("unheard-of")
    ('share', 'concentration', 'index')
    """
    units = load_catalogue().units
    if unit in units:
        return units[unit].quantity
    return STATION_UNIT_QUANTITY.get(unit, "index")


def value_axis(ax: plt.Axes, unit: str) -> None:
    """Apply the y-axis rule to an axes already drawn: zero at the bottom where required.

    Call it after every line, band and marker is drawn (the top keeps the autoscaled
    limit). The axes is marked as a value axis so :func:`axis_note` can check it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose y-axis shows values in ``unit``.
    unit : str
        The catalogue unit of the values.
    """
    ax.set_gid(VALUE_AXIS_GID)
    if not axis_includes_zero(unit):
        return
    lo, hi = ax.get_ylim()
    data_lo = float(ax.dataLim.y0) if np.isfinite(ax.dataLim.y0) else 0.0
    bottom = 0.0 if data_lo >= 0 else lo  # a negative value (never expected) stays visible
    if hi <= bottom:  # every value 0: a readable 0-1 axis, not matplotlib's +-0.05
        hi = bottom + 1.0
    ax.set_ylim(bottom, hi)


def axis_note(fig: Figure, tr: Translator) -> str:
    """Return "the vertical axis does not start at zero" if a value axis of ``fig`` does not.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart whose value axes went through :func:`value_axis`.
    tr : Translator
        Language of the note.

    Returns
    -------
    str
        The note (a sentence) or ``""`` when every value axis starts at zero.
    """
    for ax in fig.axes:
        if ax.get_visible() and ax.get_gid() == VALUE_AXIS_GID and ax.get_ylim()[0] != 0:
            return tr("report.axis.not_from_zero")
    return ""


def standard_in_force_series(ind: Indicator, years: list[int], group: str) -> pd.Series:
    """Strictest limit of one yardstick group (thai, who, asean) in force per year.

    Parameters
    ----------
    ind : Indicator
        The catalogue indicator.
    years : list of int
        CE years.
    group : {"thai", "who", "asean"}
        The yardstick group (Thai: legal standards only).

    Returns
    -------
    pandas.Series
        The strictest limit in force on 1 January of each year, indexed by year; NaN where none
        is.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> s = standard_in_force_series(load_catalogue().get("pm25_annual"), [2022, 2023], "thai")
    >>> s.tolist()  # in force on 1 January: 15 (from 9 Jul 2022) applies from 2023
    [25.0, 15.0]
    """
    values = []
    for year in years:
        limits = [
            s
            for s in ind.standards_in_force(year)
            if s.issuer in _GROUP_ISSUERS[group]
            and (group != "thai" or s.category == "legal_standard")  # bands/refs: not law
        ]
        if not limits:
            values.append(np.nan)
        elif limits[0].kind == "max":
            values.append(min(s.value for s in limits))
        else:
            values.append(max(s.value for s in limits))
    return pd.Series(values, index=years, dtype=float)


def set_year_axis(ax: plt.Axes, lang: str) -> None:
    """Label a CE-year x axis with integer years, in B.E. for Thai.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axes whose x values are CE years.
    lang : {"th", "en"}
        Page language.
    """
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.xaxis.set_major_formatter(be_year_formatter(lang))


def _display_width(text: str) -> int:
    """Count the characters that take horizontal space (Thai vowel and tone marks do not)."""
    return sum(
        1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn"
    )


def wrap_label(text: str, width: int) -> str:
    """Break ``text`` at spaces into lines of at most ``width`` visible characters.

    Thai above and below marks (vowels, tone marks) take no width, so Thai labels are
    measured by their base characters. A word longer than ``width`` stays whole.

    Parameters
    ----------
    text : str
        The label.
    width : int
        Most visible characters per line.

    Returns
    -------
    str
        The label, its lines joined by newlines.

    Examples
    --------
    >>> print(wrap_label("Days per year with air quality index above 100", 30))
    Days per year with air quality
    index above 100
    >>> wrap_label("ร้อยละของพื้นที่เรือนยอดไม้", 30)
    'ร้อยละของพื้นที่เรือนยอดไม้'
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and _display_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


# Small-multiple geometry, in inches: a fixed layout draws each figure once, where
# ``tight_layout`` plus ``bbox_inches="tight"`` measured every text three times (about
# half the cost of a trend chart; benchmarks/bench_build.py).
_PANEL_W, _PANEL_H = 2.95, 1.75
_LEFT, _RIGHT, _WSPACE = 0.62, 0.12, 0.78
_TITLE_SPACE, _TICK_SPACE = 0.48, 0.32
_TITLE_CHARS = 50


def small_multiples(
    n: int, *, legend_rows: int = 1, ncols: int = 2
) -> tuple[Figure, list[plt.Axes]]:
    """Create a grid of ``n`` panels (two columns) with a fixed, pre-computed layout.

    Room is left above each panel for a two-line title (see :func:`wrap_label`), below
    it for the year ticks, at the left for the unit label, and at the bottom for a
    figure legend of ``legend_rows`` rows. Unused cells of the grid are hidden.

    Parameters
    ----------
    n : int
        Number of panels.
    legend_rows : int, default 1
        Rows of the figure legend to leave room for.
    ncols : int, default 2
        Columns of the grid (1 for a one-panel chart, :func:`trend_panel`).

    Returns
    -------
    (Figure, list of Axes)
        The figure and its ``n`` visible axes in reading order.

    Raises
    ------
    ValueError
        If ``n`` < 1: a chart without panels is not drawn (callers show the
        "no data yet" table of :mod:`analysis.report.gaps` instead).
    """
    if n < 1:
        msg = f"small_multiples needs at least one panel, got {n}"
        raise ValueError(msg)
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    size, adjust = _grid_layout(nrows, ncols, legend_rows)
    fig, grid = plt.subplots(nrows, ncols, figsize=size, squeeze=False)
    fig.subplots_adjust(**adjust)
    axes = [grid[k // ncols][k % ncols] for k in range(nrows * ncols)]
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _grid_layout(
    nrows: int, ncols: int, legend_rows: int
) -> tuple[tuple[float, float], dict[str, float]]:
    """Figure size (inches) and ``subplots_adjust`` arguments of a small-multiple grid."""
    legend = 0.12 + 0.22 * legend_rows
    row_h = _TITLE_SPACE + _PANEL_H + _TICK_SPACE
    width = _LEFT + ncols * _PANEL_W + (ncols - 1) * _WSPACE + _RIGHT
    height = nrows * row_h + legend
    adjust = {
        "left": _LEFT / width,
        "right": 1 - _RIGHT / width,
        "top": 1 - _TITLE_SPACE / height,
        "bottom": (legend + _TICK_SPACE) / height,
        "wspace": _WSPACE / _PANEL_W,
        "hspace": (_TITLE_SPACE + _TICK_SPACE) / _PANEL_H,
    }
    return (width, height), adjust


def one_panel(legend_rows: int) -> tuple[Figure, plt.Axes]:
    """Return a one-panel figure with the layout of ``small_multiples(1, ncols=1)``.

    The figure comes from this process's pool of panel figures
    (:mod:`analysis.report.panelpool`): the same picture as a new one, without building
    the axes and their ticks again. :func:`analysis.report.figure_block.figure` gives it back
    once its image is written. It is not a pyplot figure, so a notebook does not show it
    by itself.

    Parameters
    ----------
    legend_rows : int
        Rows of the figure legend to leave room for.

    Returns
    -------
    (Figure, Axes)
        The figure and its axes.
    """

    def make() -> tuple[Figure, plt.Axes]:
        size, adjust = _grid_layout(1, 1, legend_rows)
        fig = Figure(figsize=size)
        ax = fig.subplots()
        fig.subplots_adjust(**adjust)
        return fig, ax

    return panelpool.take(("one_panel", legend_rows), make)


def _panel_title(ax: plt.Axes, title: str) -> None:
    # An explicit ``y`` turns off matplotlib's automatic title placement, which measures
    # every tick label of the axes on each draw (a third of a chart's drawing time).
    ax.set_title(wrap_label(title, _TITLE_CHARS), fontsize=9.5, loc="left", y=1.0, pad=5)


def panel_indicators(
    rows: pd.DataFrame, catalogue: Catalogue, theme: str, *, column: str = "value"
) -> list[Indicator]:
    """Return the theme's indicators that have at least one value: the panels to draw.

    Charts draw panels only for these; the others go into the theme's "no data yet"
    table (:func:`analysis.report.gaps.no_data_table`).

    Parameters
    ----------
    rows : pandas.DataFrame
        One town's rows with ``indicator_id`` and ``column``; for a projection table pass
        its observed rows and ``column="mean"``.
    catalogue : Catalogue
        Theme and order of the indicators.
    theme : str
        ESC theme.
    column : str, default "value"
        The value column.

    Returns
    -------
    list of Indicator
        In catalogue order; empty when the theme has no value.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.catalogue import load_catalogue
    >>> rows = pd.DataFrame({"indicator_id": ["pm25_24h_max"], "value": [74.0]})
    >>> [i.id for i in panel_indicators(rows, load_catalogue(), "air")]
    ['pm25_24h_max']
    """
    if len(rows) == 0:
        return []
    have = set(rows.loc[rows[column].notna(), "indicator_id"].astype(str))
    return [i for i in catalogue.indicators if i.theme == theme and i.id in have]


def trend_panel_data(indicators: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Return exactly what one trend panel draws: each year's value and yardsticks.

    Parameters
    ----------
    indicators : pandas.DataFrame
        One town's indicator rows (``indicator_id, year, value``).
    ind : Indicator
        The panel's indicator (with a value in ``indicators``).

    Returns
    -------
    pandas.DataFrame
        ``year`` (CE, every year from the first to the last value), ``value`` (NaN where
        not reported) and one column per yardstick group in force (``thai``, ``who``,
        ``asean``, see :data:`GROUP_STYLES`); groups without a limit are left out.
    """
    # A town has a few hundred rows and a panel a few dozen: plain arrays, not a pandas
    # filter and group-by per panel (a third of the panel's data time).
    values = indicators["value"].to_numpy(dtype=float, na_value=np.nan)
    chosen = (indicators["indicator_id"].to_numpy(dtype=object) == ind.id) & ~np.isnan(values)
    # each year's last reported value, in row order
    by_year = dict(
        zip(
            indicators["year"].to_numpy()[chosen].astype(int).tolist(),
            values[chosen].tolist(),
            strict=True,
        )
    )
    years = list(range(min(by_year), max(by_year) + 1))
    data = pd.DataFrame(
        {"year": years, "value": np.array([by_year.get(y, np.nan) for y in years], dtype=float)}
    )
    for group in GROUP_STYLES:
        limits = standard_in_force_series(ind, years, group)
        if limits.notna().any():
            data[group] = limits.to_numpy()
    return data


def _draw_trend(ax: plt.Axes, data: pd.DataFrame, ind: Indicator, unit: str, lang: str) -> None:
    """Draw one trend panel from :func:`trend_panel_data` into ``ax``."""
    drawn = data[data["value"].notna()]
    ax.plot(
        drawn["year"].to_numpy(),
        drawn["value"].to_numpy(),
        marker="o",
        color=_VALUE_COLOUR,
        linewidth=1.8,
        markersize=4.5,
    )
    years = data["year"].tolist()
    for group, style in GROUP_STYLES.items():
        if group not in data.columns:
            continue
        if len(years) == 1:  # one year: a short level line, a step would not show
            ax.plot([years[0] - 0.4, years[0] + 0.4], [data[group].iloc[0]] * 2, **style)  # type: ignore[arg-type]
        else:
            ax.step(data["year"], data[group].to_numpy(), where="mid", **style)  # type: ignore[arg-type]
    ax.set_ylabel(unit, fontsize=9)
    ax.set_xlabel("")
    ax.tick_params(labelsize=8.5)
    set_year_axis(ax, lang)
    if len(years) == 1:  # a readable one-year axis, not matplotlib's +-100 years
        ax.set_xlim(years[0] - 1, years[0] + 1)
        ax.set_xticks([years[0]])
    value_axis(ax, ind.unit)


def _trend_legend(fig: Figure, groups: set[str], tr: Translator, ncol: int | None = None) -> None:
    handles = [
        Line2D(
            [],
            [],
            color=_VALUE_COLOUR,
            marker="o",
            linewidth=1.8,
            label=tr("report.b.legend_value"),
        )
    ]
    handles += [
        Line2D([], [], label=tr(f"report.groups.{g}"), **GROUP_STYLES[g])  # type: ignore[arg-type]
        for g in GROUP_STYLES
        if g in groups
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=ncol or len(handles),
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.0),
    )


def trend_chart(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    theme: str,
    tr: Translator,
) -> Figure:
    """Small multiples of a theme's indicator series with the yardsticks in force.

    Pages draw one :func:`trend_panel` per indicator instead (a grid that reflows on a
    phone); this one-image form is kept for slides and notebooks.

    Parameters
    ----------
    indicators : pandas.DataFrame
        One town's indicator rows (``indicator_id, year, value``).
    catalogue : Catalogue
        For names, units and standards.
    theme : str
        ESC theme (``air``, ``water``, ``waste``, ``green``, ``biodiversity``).
    tr : Translator
        Labels in the page language.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per indicator of the theme that has data (:func:`panel_indicators`),
        in 2 columns.

    Raises
    ------
    ValueError
        If no indicator of the theme has a value.
    """
    use_report_style()
    lang = tr.lang
    inds = panel_indicators(indicators, catalogue, theme)
    if not inds:
        msg = f"no indicator of theme {theme!r} has a value: nothing to chart"
        raise ValueError(msg)
    fig, axes = small_multiples(len(inds))
    used_groups: set[str] = set()
    for ax, ind in zip(axes, inds, strict=True):
        data = trend_panel_data(indicators, ind)
        _panel_title(ax, ind.name_th if lang == "th" else ind.name_en)
        _draw_trend(ax, data, ind, catalogue.unit_symbol(ind.unit, lang), lang)
        used_groups.update(g for g in GROUP_STYLES if g in data.columns)
    _trend_legend(fig, used_groups, tr)
    return fig


def trend_panel(data: pd.DataFrame, ind: Indicator, catalogue: Catalogue, tr: Translator) -> Figure:
    """One indicator's trend chart with the yardsticks in force, as its own image.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`trend_panel_data` of the indicator: the values drawn (and the data table
        under the chart).
    ind : Indicator
        The indicator.
    catalogue : Catalogue
        Its unit symbol.
    tr : Translator
        Labels in the page language.

    Returns
    -------
    matplotlib.figure.Figure
        One panel with its title and its own legend, about 3.7 inches wide.
    """
    use_report_style()
    groups = {g for g in GROUP_STYLES if g in data.columns}
    fig, ax = one_panel(math.ceil((len(groups) + 1) / 2))
    _panel_title(ax, ind.name_th if tr.lang == "th" else ind.name_en)
    _draw_trend(ax, data, ind, catalogue.unit_symbol(ind.unit, tr.lang), tr.lang)
    _trend_legend(fig, groups, tr, ncol=min(len(groups) + 1, 2))
    return fig


def coverage_data(indicators: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """Return what :func:`coverage_heatmap` draws: 1 where a year has a value, else 0.

    Parameters
    ----------
    indicators : pandas.DataFrame
        One town's indicator rows (``indicator_id, year``).
    catalogue : Catalogue
        Row order and names.
    lang : str
        Language of the indicator names (the index).

    Returns
    -------
    pandas.DataFrame
        Indicator names x CE years (every year from the first to the last row).
    """
    years = (
        list(range(int(indicators["year"].min()), int(indicators["year"].max()) + 1))
        if not indicators.empty
        else []
    )
    present = set(zip(indicators["indicator_id"], indicators["year"].astype(int), strict=True))
    return pd.DataFrame(
        [[1 if (i.id, y) in present else 0 for y in years] for i in catalogue.indicators],
        index=[i.name_th if lang == "th" else i.name_en for i in catalogue.indicators],
        columns=years,
    )


def coverage_heatmap(indicators: pd.DataFrame, catalogue: Catalogue, tr: Translator) -> Figure:
    """Heatmap of data coverage, indicator x year (dark = reported).

    Parameters
    ----------
    indicators : pandas.DataFrame
        One town's indicator rows.
    catalogue : Catalogue
        Row order and names.
    tr : Translator
        Labels in the page language.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap; x tick labels are years in the page's era.
    """
    use_report_style()
    lang = tr.lang
    cover = coverage_data(indicators, catalogue, lang)
    years = [int(c) for c in cover.columns]
    grid = cover.to_numpy(dtype=float)
    labels = list(cover.index)
    fig, ax = plt.subplots(figsize=(7.6, 0.3 * len(labels) + 1.5))
    ax.imshow(
        grid if grid.size else np.zeros((len(labels), 1)),
        aspect="auto",
        cmap=plt.matplotlib.colors.ListedColormap(["#f2f2f2", "#1f4e79"]),
        vmin=0,
        vmax=1,
        extent=(years[0] - 0.5, years[-1] + 0.5, len(labels) - 0.5, -0.5) if years else None,
    )
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.set_xticks(years, [str(y) for y in years])
    set_year_axis(ax, lang)
    # at most eight year ticks: the labels share the width with the indicator names, and a
    # tick for each of 13 or more years ran the labels into each other
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(len(years), 8) or 1))
    ax.tick_params(axis="x", labelsize=8.5, rotation=0)
    ax.grid(False)
    ax.set_xlabel(tr("report.axis.year"), fontsize=9)
    handles = [
        Patch(facecolor="#1f4e79", label=tr("report.a.coverage_legend_yes")),
        Patch(facecolor="#f2f2f2", edgecolor="#bbbbbb", label=tr("report.a.coverage_legend_no")),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
        fontsize=9,
    )
    tight_layout(fig)
    return fig


def _projection_ylim(
    values: list[np.ndarray | pd.Series],
    bounds: tuple[float | None, float | None],
    *,
    zero: bool = False,
) -> tuple[float, float] | None:
    """Y-limits from the observed values, trend/projected means and target, never the band.

    Pads the range by 8 % (or by 10 % of the value, at least 1, when the range is 0) and
    keeps the limits inside the indicator's natural bounds; with ``zero`` (the y-axis rule,
    :func:`axis_includes_zero`) the axis starts at zero unless a value is negative.
    """
    arr = np.concatenate([np.asarray(v, dtype=float).ravel() for v in values] or [np.zeros(0)])
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    vmin, vmax = float(arr.min()), float(arr.max())
    pad = 0.08 * (vmax - vmin) if vmax > vmin else max(0.1 * abs(vmax), 1.0)
    lo, hi = vmin - pad, vmax + pad
    if zero and vmin >= 0:
        lo = 0.0
    if bounds[0] is not None:
        lo = max(lo, float(bounds[0]))
    if bounds[1] is not None:
        hi = min(hi, float(bounds[1]))
    if hi <= lo:  # degenerate bounds
        hi = lo + pad
    return lo, hi


def _withheld_note(rows: pd.DataFrame, tr: Translator) -> str:
    """One short line on a panel saying why (part of) the projection is withheld."""
    if "withheld_reason" not in rows.columns:
        return ""
    held = rows[rows["kind"].astype(str) == "withheld"]
    if held.empty:
        return ""
    first = held.iloc[0]
    if str(first["withheld_reason"]) == "too_few_points":
        from analysis.stats.projection import MIN_PROJECTION_POINTS  # noqa: PLC0415

        return tr(
            "report.c.chart_withheld_too_few_points",
            n=int(first["n_points"]),
            min=MIN_PROJECTION_POINTS,
        )
    year = int(first["span_end"])
    return tr(
        "report.c.chart_withheld_beyond_observed_span",
        year=year + 543 if tr.lang == "th" else year,
    )


def projection_panel_data(projections: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Return exactly what one projection panel draws, one row per year.

    Parameters
    ----------
    projections : pandas.DataFrame
        One town's :func:`analysis.stats.projection.projection_table` rows.
    ind : Indicator
        The panel's indicator.

    Returns
    -------
    pandas.DataFrame
        ``year`` and ``observed``, ``fitted``, ``projected``, ``lo``, ``hi`` (the 95 %
        interval of the projection, not cut to the axis) and ``target`` (the plan target
        at its year); NaN where a year has no such value.
    """
    # Plain arrays: a panel's few dozen rows cost more in pandas calls than in work.
    mine = (projections["indicator_id"].astype(str) == ind.id).to_numpy()
    kind = projections["kind"].astype(str).to_numpy()[mine]
    year = projections["year"].astype(int).to_numpy()[mine]
    years = sorted({int(y) for y in year[kind != "withheld"]})
    if ind.target is not None:
        years = sorted({*years, int(ind.target.year)})

    def by_year(of_kind: str, column: str) -> np.ndarray:
        part = kind == of_kind
        values = projections[column].astype(float).to_numpy()[mine][part]
        found = dict(zip(year[part].tolist(), values.tolist(), strict=True))  # last one wins
        return np.array([found.get(y, np.nan) for y in years], dtype=float)

    data = {"year": np.array(years, dtype=int)}
    for name in ("observed", "fitted", "projected"):
        data[name] = by_year(name, "mean")
    for bound in ("lo", "hi"):
        data[bound] = by_year("projected", bound)
    target = np.full(len(years), np.nan)
    if ind.target is not None:
        target[data["year"] == int(ind.target.year)] = float(ind.target.value)
    data["target"] = target
    return pd.DataFrame(data)


#: Share of the value range added above a projection panel for the phase labels.
_PHASE_HEADROOM = 0.16


def _phase_bands(ax: plt.Axes, phases: list[tuple[int, int]], tr: Translator) -> None:
    """Shade alternate plan phases and label every phase at the top of the panel."""
    label_at = ax.get_xaxis_transform()  # x in years, y in axes fractions
    for n, (start, end) in enumerate(phases):
        if n % 2 == 0:
            ax.axvspan(start - 0.5, end + 0.5, color="#eef2f7", zorder=0, linewidth=0)
        ax.text(
            (start + end) / 2,
            0.99,
            tr("report.c.phase_band", n=n + 1),
            transform=label_at,
            ha="center",
            va="top",
            fontsize=6.5,
            color="#5f6b7a",
            zorder=0.5,
            clip_on=True,
            gid="ecoplan-phase-label",
        )


def _draw_projection(
    ax: plt.Axes,
    data: pd.DataFrame,
    rows: pd.DataFrame,
    ind: Indicator,
    *,
    unit: str,
    tr: Translator,
    phases: list[tuple[int, int]] | None,
) -> None:
    """Draw one projection panel from :func:`projection_panel_data` into ``ax``."""
    ax.set_ylabel(unit, fontsize=9)
    _phase_bands(ax, phases or [], tr)
    obs = data[data["observed"].notna()]
    fit = data[data["fitted"].notna()]
    proj = data[data["projected"].notna()]
    target = data["target"].dropna().to_numpy()
    ylim = _projection_ylim(
        [obs["observed"], fit["fitted"], proj["projected"], target],
        ind.bounds,
        zero=axis_includes_zero(ind.unit),
    )
    if not proj.empty:
        lo = proj["lo"].to_numpy(dtype=float)
        hi = proj["hi"].to_numpy(dtype=float)
        if ylim is not None:
            lo, hi = np.clip(lo, *ylim), np.clip(hi, *ylim)
        ax.fill_between(
            proj["year"].to_numpy(), lo, hi, color="#9ecae1", alpha=0.55, linewidth=0, zorder=1
        )
        ax.plot(
            proj["year"],
            proj["projected"],
            color="#08519c",
            linestyle="--",
            linewidth=1.6,
            zorder=2,
            clip_on=False,  # within the limits; visible even on a natural bound
        )
    if not fit.empty:
        ax.plot(
            fit["year"],
            fit["fitted"],
            color="#08519c",
            linewidth=1.2,
            alpha=0.8,
            zorder=2,
            clip_on=False,
        )
    ax.plot(
        obs["year"].to_numpy(),
        obs["observed"].to_numpy(),
        marker="o",
        markersize=4.2,
        linestyle="",
        color="#1b1b1b",
        zorder=3,
        clip_on=False,
    )
    if ind.target is not None:
        ax.plot(
            [ind.target.year],
            [ind.target.value],
            marker="D",
            color="#d95f02",
            markersize=7,
            zorder=4,
            linestyle="",
            clip_on=False,
        )
    if ylim is not None:
        ax.set_ylim(*ylim)
        if phases:  # headroom for the phase labels, clear of every value and the band
            ax.set_ylim(ylim[0], ylim[1] + _PHASE_HEADROOM * (ylim[1] - ylim[0]))
            ax.set_yticks([t for t in ax.get_yticks() if ylim[0] <= t <= ylim[1]])
    note = _withheld_note(rows, tr)
    if note:
        # In the vertical half away from the latest value / projection end.
        last = proj["projected"] if not proj.empty else obs["observed"]
        ref = float(last.iloc[-1]) if len(last) else math.nan
        up = ylim is not None and math.isfinite(ref) and ref > (ylim[0] + ylim[1]) / 2
        ax.text(
            0.97,
            0.04 if up else 0.86,
            note,
            ha="right",
            va="bottom" if up else "top",
            transform=ax.transAxes,
            fontsize=7,
            color="#444",
            zorder=3.5,
            bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0, "pad": 1.5},
        )
    if obs.empty and proj.empty:
        ax.text(
            0.5,
            0.5,
            tr("report.not_published"),
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#777",
        )
    ax.set_xlabel("")
    ax.tick_params(labelsize=8.5)
    set_year_axis(ax, tr.lang)
    ax.set_gid(VALUE_AXIS_GID)
    if ylim is None:
        value_axis(ax, ind.unit)


def _projection_legend(fig: Figure, tr: Translator, ncol: int = 3) -> None:
    handles = [
        Line2D(
            [],
            [],
            color="#1b1b1b",
            marker="o",
            linestyle="",
            markersize=4,
            label=tr("report.c.legend_observed"),
        ),
        Line2D([], [], color="#08519c", linewidth=1.2, label=tr("report.c.legend_fitted")),
        Line2D(
            [],
            [],
            color="#08519c",
            linestyle="--",
            linewidth=1.6,
            label=tr("report.c.legend_projected"),
        ),
        Patch(facecolor="#9ecae1", alpha=0.55, label=tr("report.c.legend_interval")),
        Line2D(
            [],
            [],
            color="#d95f02",
            marker="D",
            linestyle="",
            markersize=6,
            label=tr("report.c.legend_target"),
        ),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=ncol,
        frameon=False,
        fontsize=8.5,
        bbox_to_anchor=(0.5, 0.0),
    )


def projection_chart(
    projections: pd.DataFrame,
    catalogue: Catalogue,
    theme: str,
    tr: Translator,
    *,
    phases: list[tuple[int, int]] | None = None,
) -> Figure:
    """Observed values, fitted trend and the one projection with its interval, per indicator.

    The y-axis is set from the observed values, the trend and projected means and the
    target (with padding, inside the natural bounds; from zero for counts, shares,
    concentrations and amounts, :func:`axis_includes_zero`), never from the interval: the
    band is cut off at the panel's edge so short real series stay readable. Withheld
    projections get a one-line note in the panel. Pages draw one :func:`projection_panel`
    per indicator instead (a grid that reflows on a phone).

    Parameters
    ----------
    projections : pandas.DataFrame
        One town's :func:`analysis.stats.projection.projection_table` rows
        (``indicator_id, year, mean, lo, hi, kind``; ``withheld_reason, n_points,
        span_end`` for the withheld note).
    catalogue : Catalogue
        Names, units, bounds and targets.
    theme : str
        ESC theme.
    tr : Translator
        Labels in the page language.
    phases : list of (start, end), optional
        5-year plan phases, shaded alternately and labelled at the top of each panel.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per indicator with observed values (:func:`panel_indicators`); the
        plan target is a diamond at its year.

    Raises
    ------
    ValueError
        If no indicator of the theme has an observed value (show the "no data yet" table
        instead: :func:`analysis.report.gaps.no_data_table`).
    """
    use_report_style()
    lang = tr.lang
    observed = projections[projections["kind"].astype(str) == "observed"]
    inds = panel_indicators(observed, catalogue, theme, column="mean")
    fig, axes = small_multiples(len(inds), legend_rows=2)
    ids = projections["indicator_id"].astype(str)
    for ax, ind in zip(axes, inds, strict=True):
        rows = projections[ids == ind.id]
        _panel_title(ax, ind.name_th if lang == "th" else ind.name_en)
        data = projection_panel_data(rows, ind)
        _draw_projection(
            ax, data, rows, ind, unit=catalogue.unit_symbol(ind.unit, lang), tr=tr, phases=phases
        )
    _projection_legend(fig, tr)
    return fig


def projection_panel(
    data: pd.DataFrame,
    rows: pd.DataFrame,
    ind: Indicator,
    catalogue: Catalogue,
    tr: Translator,
    *,
    phases: list[tuple[int, int]] | None = None,
) -> Figure:
    """One indicator's observed values, trend and projection, as its own image.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`projection_panel_data` of the indicator: the values drawn (and the data
        table under the chart).
    rows : pandas.DataFrame
        The indicator's projection rows (for the withheld note).
    ind : Indicator
        The indicator.
    catalogue : Catalogue
        Its unit symbol.
    tr : Translator
        Labels in the page language.
    phases : list of (start, end), optional
        5-year plan phases, shaded alternately and labelled.

    Returns
    -------
    matplotlib.figure.Figure
        One panel with its title and its own legend.
    """
    use_report_style()
    fig, ax = one_panel(3)
    _panel_title(ax, ind.name_th if tr.lang == "th" else ind.name_en)
    _draw_projection(
        ax, data, rows, ind, unit=catalogue.unit_symbol(ind.unit, tr.lang), tr=tr, phases=phases
    )
    _projection_legend(fig, tr, ncol=2)
    return fig


def score_data(scores: pd.DataFrame, town_names: dict[str, str]) -> pd.DataFrame:
    """Return what :func:`score_heatmap` draws: towns x themes, by overall score.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``town_id, theme, score`` (theme includes ``"overall"``).
    town_names : dict
        Display name per town id (the index).

    Returns
    -------
    pandas.DataFrame
        Columns are theme ids in report order, then ``overall``.
    """
    themes = ["air", "water", "waste", "green", "biodiversity", "overall"]
    wide = scores.assign(
        town_id=scores["town_id"].astype(str), theme=scores["theme"].astype(str)
    ).pivot_table(index="town_id", columns="theme", values="score", observed=True)
    wide = wide.reindex(columns=[t for t in themes if t in wide.columns])
    if "overall" in wide.columns:
        wide = wide.sort_values("overall", ascending=False)
    wide.index = [town_names.get(t, t) for t in wide.index]
    return wide


def score_heatmap(scores: pd.DataFrame, town_names: dict[str, str], tr: Translator) -> Figure:
    """Town x theme heatmap of relative 0-100 scores (:func:`analysis.stats.summary.town_scores`).

    The scores are min-max across the towns compared, so they rank towns; they are drawn
    in the neutral sequential :data:`SCORE_CMAP` and labelled as relative, never in the
    pass/fail traffic-light colours.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``town_id, theme, score`` (theme includes ``"overall"``).
    town_names : dict
        Display name per town id.
    tr : Translator
        Labels in the page language.

    Returns
    -------
    matplotlib.figure.Figure
        Rows are towns ordered by overall score.
    """
    use_report_style()
    wide = score_data(scores, town_names)
    labels_x = [
        tr(f"report.themes.{t}") if t != "overall" else tr("report.x.overall") for t in wide.columns
    ]
    fig, ax = plt.subplots(figsize=(7.6, 0.45 * len(wide) + 1.4))
    import seaborn as sns  # noqa: PLC0415 - heavy (scipy); only this chart needs it

    sns.heatmap(
        wide,
        annot=True,
        fmt=".0f",
        cmap=SCORE_CMAP,
        vmin=0,
        vmax=100,
        linewidths=0.5,
        linecolor="white",
        ax=ax,
        annot_kws={"fontsize": 10},
    )
    # Thai text does not read well rotated: the colour-bar label goes on top, horizontal.
    cbar = ax.collections[0].colorbar
    if cbar is not None:
        cbar.ax.set_title(
            wrap_label(tr("report.x.score_label", n=len(wide)), 28), fontsize=8.5, loc="left"
        )
    ax.set_xticklabels(labels_x, rotation=20, ha="right", fontsize=9)
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0, fontsize=9)
    ax.set_xlabel("")
    ax.set_ylabel("")
    tight_layout(fig)
    return fig
