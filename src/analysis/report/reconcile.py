"""Reported and map-measured values of the same quantity, side by side, with one line why.

Some quantities exist twice: the town reports them (``green_area_pct``) and the spatial
stage measures them from the land-use map (``green_area_pct_map``). They are different
indicators with their own ids and names, and the two numbers usually differ (other area,
other definition). Wherever one of them is shown, :func:`reconciliation` adds the other
with a one-line explanation, so a reader never meets two numbers under one label and
never wonders which one is right.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report.blocks import HtmlBlock
from analysis.report.data import town_values
from analysis.report.fmt import esc, fmt_number, fmt_year, place_unit
from analysis.report.params import RunParams
from analysis.report.valuemark import value_mark

__all__ = ["counterpart_pairs", "reconciliation"]

_WHY = "report.reconcile.why_default"


def counterpart_pairs(indicator_ids: Iterable[str]) -> list[tuple[str, str]]:
    """Return ``(reported id, map id)`` for each given id that has a counterpart.

    Parameters
    ----------
    indicator_ids : iterable of str
        Reported or map indicator ids.

    Returns
    -------
    list of (str, str)
        In the order given, without repeats.

    Examples
    --------
    >>> counterpart_pairs(["pm25_annual", "green_area_pct", "natural_area_pct_map"])
    [('green_area_pct', 'green_area_pct_map'), ('natural_area_pct', 'natural_area_pct_map')]
    """
    cat = load_catalogue()
    out: list[tuple[str, str]] = []
    for ind_id in indicator_ids:
        other = cat.counterpart_of(ind_id)
        if other is None:
            continue
        pair = (ind_id, other) if cat.get(ind_id).origin == "reported" else (other, ind_id)
        if pair not in out:
            out.append(pair)
    return out


def _latest(values: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    rows = values[values["indicator_id"] == indicator_id]
    if rows.empty:
        return None
    if rows["year"].notna().any():
        rows = rows.sort_values("year", na_position="first")
    return rows.iloc[-1]


def _shown(run: RunParams, row: pd.Series, unit: str) -> str:
    """Return the marked value, its unit and its year ("map year not stated" if none)."""
    year = row["year"]
    year_txt = (
        fmt_year(int(year), run.lang) if not pd.isna(year) else run.tr("report.map_year_unknown")
    )
    mark = value_mark(
        esc(fmt_number(row["value"])),
        town_id=str(row["town_id"]),
        indicator_id=str(row["indicator_id"]),
        year=None if pd.isna(year) else int(year),
        value=row["value"],
    )
    return f"{place_unit(mark, unit, run.lang, html=True)} ({esc(year_txt)})"


def reconciliation(run: RunParams, indicator_ids: Iterable[str]) -> HtmlBlock:
    """List both values of every given quantity that was reported *and* measured from the map.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    indicator_ids : iterable of str
        The indicators a section shows (reported or map ids).

    Returns
    -------
    HtmlBlock
        One line per quantity with both values, or nothing when no quantity has both.
    """
    if run.town_id is None:
        return HtmlBlock("")
    cat = load_catalogue()
    values = town_values(run.town_id)
    values = values.assign(indicator_id=values["indicator_id"].astype(str))
    tr, lang = run.tr, run.lang
    items = []
    for reported_id, map_id in counterpart_pairs(indicator_ids):
        reported, mapped = _latest(values, reported_id), _latest(values, map_id)
        if reported is None or mapped is None:
            continue
        rep, mp = cat.get(reported_id), cat.get(map_id)
        items.append(
            "<li>"
            + esc(tr("report.reconcile.line_start"))
            + f" <strong>{esc(rep.name_th if lang == 'th' else rep.name_en)}</strong> "
            + _shown(run, reported, rep.unit)
            + "; "
            + f"<strong>{esc(mp.name_th if lang == 'th' else mp.name_en)}</strong> "
            + _shown(run, mapped, mp.unit)
            + ". "
            + esc(tr(why) if tr.has(why := f"report.reconcile.why.{reported_id}") else tr(_WHY))
            + "</li>"
        )
    if not items:
        return HtmlBlock("")
    return HtmlBlock(
        f'<div class="reconcile"><p class="reconcile-head">{esc(tr("report.reconcile.heading"))}</p>'
        f"<ul>{''.join(items)}</ul></div>"
    )
