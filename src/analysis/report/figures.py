"""Figure builders of the appendices; each returns a matplotlib Figure.

The functions take data frames (and a translator), never read files, and leave
embedding to :func:`analysis.report.blocks.figure`. Year axes are labelled in
Buddhist Era in Thai (:func:`analysis.style.be_year_formatter`).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysis.catalogue import Catalogue, Indicator
from analysis.i18n import Translator
from analysis.style import be_year_formatter, use_report_style

__all__ = [
    "GROUP_STYLES",
    "LIGHT_COLOURS",
    "coverage_heatmap",
    "set_year_axis",
    "standard_in_force_series",
    "trend_chart",
]

#: Traffic-light colours (colour-blind safe enough with the text labels beside them).
LIGHT_COLOURS: dict[str, str] = {
    "green": "#1a9850",
    "amber": "#f0a202",
    "red": "#d73027",
    "none": "#9e9e9e",
}

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


def standard_in_force_series(ind: Indicator, years: list[int], group: str) -> pd.Series:
    """Strictest limit of one yardstick group (thai, who, asean) in force per year.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> s = standard_in_force_series(load_catalogue().get("pm25_annual"), [2021, 2022], "thai")
    >>> s.tolist()
    [25.0, 15.0]
    """
    values = []
    for year in years:
        limits = [s for s in ind.standards_in_force(year) if s.issuer in _GROUP_ISSUERS[group]]
        if not limits:
            values.append(np.nan)
        elif limits[0].kind == "max":
            values.append(min(s.value for s in limits))
        else:
            values.append(max(s.value for s in limits))
    return pd.Series(values, index=years, dtype=float)


def set_year_axis(ax: plt.Axes, lang: str) -> None:
    """Label a CE-year x axis with integer years, in B.E. for Thai."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.xaxis.set_major_formatter(be_year_formatter(lang))


def trend_chart(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    theme: str,
    tr: Translator,
) -> Figure:
    """Small multiples of a theme's indicator series with the yardsticks in force.

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
        One panel per indicator of the theme (2 columns).
    """
    use_report_style()
    lang = tr.lang
    inds = [i for i in catalogue.indicators if i.theme == theme]
    ncols = 2
    nrows = max(1, math.ceil(len(inds) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(9.5, 2.9 * nrows + 0.6), squeeze=False)
    used_groups: set[str] = set()
    for k, ind in enumerate(inds):
        ax = axes[k // ncols][k % ncols]
        series = indicators[indicators["indicator_id"] == ind.id].sort_values("year")
        title = ind.name_th if lang == "th" else ind.name_en
        ax.set_title(title, fontsize=10.5, loc="left", wrap=True)
        ax.set_ylabel(catalogue.unit_symbol(ind.unit, lang), fontsize=9)
        ax.set_xlabel("")
        if series.empty:
            ax.text(0.5, 0.5, tr("report.not_published"), ha="center", va="center",
                    transform=ax.transAxes, color="#777")
            continue
        sns.lineplot(data=series, x="year", y="value", marker="o", color=_VALUE_COLOUR,
                     ax=ax, linewidth=1.8, markersize=4.5)
        years = list(range(int(series["year"].min()), int(series["year"].max()) + 1))
        for group, style in GROUP_STYLES.items():
            limits = standard_in_force_series(ind, years, group)
            if limits.notna().any():
                ax.step(limits.index, limits.to_numpy(), where="mid", **style)  # type: ignore[arg-type]
                used_groups.add(group)
        ax.set_ylabel(catalogue.unit_symbol(ind.unit, lang), fontsize=9)
        ax.set_xlabel("")
        ax.tick_params(labelsize=8.5)
        set_year_axis(ax, lang)
    for k in range(len(inds), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles = [Line2D([], [], color=_VALUE_COLOUR, marker="o", linewidth=1.8,
                      label=tr("report.b.legend_value"))]
    handles += [Line2D([], [], label=tr(f"report.groups.{g}"), **GROUP_STYLES[g])  # type: ignore[arg-type]
                for g in GROUP_STYLES if g in used_groups]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=9,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


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
    years = (list(range(int(indicators["year"].min()), int(indicators["year"].max()) + 1))
             if not indicators.empty else [])
    present = set(zip(indicators["indicator_id"], indicators["year"].astype(int), strict=True))
    grid = np.array([[1.0 if (i.id, y) in present else 0.0 for y in years] for i in catalogue.indicators])
    labels = [i.name_th if lang == "th" else i.name_en for i in catalogue.indicators]
    fig, ax = plt.subplots(figsize=(9.5, 0.32 * len(labels) + 1.6))
    ax.imshow(grid if grid.size else np.zeros((len(labels), 1)), aspect="auto",
              cmap=plt.matplotlib.colors.ListedColormap(["#f2f2f2", "#1f4e79"]), vmin=0, vmax=1,
              extent=(years[0] - 0.5, years[-1] + 0.5, len(labels) - 0.5, -0.5) if years else None)
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.set_xticks(years, [str(y) for y in years])
    set_year_axis(ax, lang)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=len(years) or 1))
    ax.tick_params(axis="x", labelsize=8.5, rotation=0)
    ax.grid(False)
    ax.set_xlabel(tr("report.axis.year"), fontsize=9)
    handles = [Patch(facecolor="#1f4e79", label=tr("report.a.coverage_legend_yes")),
               Patch(facecolor="#f2f2f2", edgecolor="#bbbbbb", label=tr("report.a.coverage_legend_no"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False,
              fontsize=9)
    fig.tight_layout()
    return fig
