"""Appendix B: the daily record of a town's PCD air-quality station, by month.

:func:`seasonal_profile` draws monthly box plots of the station's daily 24-hour means with
the Thai 24-hour standard as a step at its effective date (PM2.5: 50 µg/m³ to 31 May 2023,
37.5 µg/m³ from 1 June 2023), then a table of each calendar year: valid days, coverage,
and either the stored annual values (marked like every value on the page) or
"incomplete" when the year is below the completeness rule. It says which of the page's
values are measured and which synthetic, and which synthetic values the measured ones
replaced. Towns without daily data get an empty block.

Everything is read from the store: ``air_daily``, ``air_coverage``, ``air_stations``,
``superseded.csv`` (written by ``ecoplan ingest``) and the stored values of the results
(:func:`analysis.report.data.town_values`); nothing is recomputed here but the box-plot
quartiles of the drawing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.cbook import boxplot_stats
from matplotlib.figure import Figure

from analysis.catalogue import load_catalogue
from analysis.i18n import Translator
from analysis.ingest.air import PM10_24H_STANDARD, standard_on
from analysis.ingest.pcd import POLLUTANTS
from analysis.report.agg_text import tight_layout
from analysis.report.blocks import (
    HtmlBlock,
    chart_data,
    data_span,
    heading,
    join,
    paragraph,
)
from analysis.report.blocks import table_html as _table
from analysis.report.data import spatial_table, town_values
from analysis.report.extend import page_table
from analysis.report.figure_block import figure
from analysis.report.figures import axis_note, value_axis
from analysis.report.fmt import esc, fmt_number, fmt_quantity, fmt_year
from analysis.report.params import RunParams
from analysis.report.valuemark import value_mark
from analysis.style import use_report_style

__all__ = ["measured_note", "seasonal_chart", "seasonal_chart_data", "seasonal_profile"]

_ANNUAL = {
    "pm25": ("pm25_annual", "pm25_24h_max", "pm25_days_over_24h_std"),
    "pm10": ("pm10_annual", None, None),
}


def _store_csv(name: str) -> pd.DataFrame | None:
    from analysis.paths import get_paths  # noqa: PLC0415

    path = Path(get_paths().processed) / name
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"town_id": str, "indicator_id": str})


def _monthly_stats(daily: pd.DataFrame) -> list[tuple[int, int, dict]]:
    """Return (year, month, box-plot statistics) of each month present, in order."""
    df = daily.assign(date=pd.to_datetime(daily["date"]))
    months = sorted({(d.year, d.month) for d in df["date"]})
    out = []
    for y, m in months:
        values = df.loc[(df["date"].dt.year == y) & (df["date"].dt.month == m), "value"]
        values = values.dropna().to_numpy(dtype=float)
        stats = boxplot_stats(values)[0] if values.size else {}
        out.append((y, m, {**stats, "n": int(values.size)}))
    return out


def _monthly_limits(pollutant: str, months: list[tuple[int, int]]) -> list[float | None]:
    cat = load_catalogue()
    return [
        standard_on(cat, pollutant, dt.date(y, m, 1))
        if pollutant == "pm25"
        else PM10_24H_STANDARD
        if pollutant == "pm10"
        else None
        for y, m in months
    ]


def seasonal_chart_data(daily: pd.DataFrame, pollutant: str, tr: Translator) -> pd.DataFrame:
    """Return exactly what :func:`seasonal_chart` draws, one row per month.

    Parameters
    ----------
    daily : pandas.DataFrame
        One station's rows of ``air_daily`` for one pollutant (``date``, ``value``).
    pollutant : str
        ``pm25`` or ``pm10`` (the standard drawn); others have no standard column.
    tr : Translator
        Month names and years in the page's language.

    Returns
    -------
    pandas.DataFrame
        ``month`` (e.g. "ม.ค. 2567"), ``days`` (days measured), ``whislo``, ``q1``,
        ``med``, ``q3``, ``whishi`` (the box plot: whiskers, quartiles and median) and
        ``standard`` (the 24-hour standard in force on the 1st of the month, if any).
    """
    stats = _monthly_stats(daily)
    limits = _monthly_limits(pollutant, [(y, m) for y, m, _ in stats])
    rows = [
        {
            "month": f"{tr(f'air.month.{m}')} {fmt_year(y, tr.lang)}",
            "days": st["n"],
            **{k: float(st[k]) if k in st else float("nan") for k in _BOX_KEYS},
            "standard": float("nan") if limit is None else float(limit),
        }
        for (y, m, st), limit in zip(stats, limits, strict=True)
    ]
    data = pd.DataFrame(rows)
    if all(v is None for v in limits):
        data = data.drop(columns="standard")
    return data


_BOX_KEYS = ("whislo", "q1", "med", "q3", "whishi")


def seasonal_chart(daily: pd.DataFrame, pollutant: str, tr: Translator) -> Figure:
    """Draw monthly box plots of daily 24-hour means with the 24-hour standard as a step.

    Parameters
    ----------
    daily : pandas.DataFrame
        One station's rows of ``air_daily`` for one pollutant (``date``, ``value``).
    pollutant : str
        ``pm25`` or ``pm10`` (the standard drawn); others are drawn without one.
    tr : Translator
        Labels in the page's language.

    Returns
    -------
    matplotlib.figure.Figure
        One axis; months in order across the years present; the y-axis from zero (a
        concentration, :func:`analysis.report.figures.value_axis`).
    """
    use_report_style()
    cat = load_catalogue()
    stats = _monthly_stats(daily)
    months = [(y, m) for y, m, _ in stats]
    width = min(max(6.0, 0.5 * len(months) + 1.5), 11.0)
    fig, ax = plt.subplots(figsize=(width, 3.6))
    pos = list(range(1, len(months) + 1))
    drawn = [(p, st) for p, (_, _, st) in zip(pos, stats, strict=True) if st["n"]]
    ax.bxp(
        [st for _, st in drawn],
        positions=[p for p, _ in drawn],
        widths=0.6,
        showfliers=True,
        flierprops={"markersize": 2.5},
    )
    lang = tr.lang
    labels = [
        tr(f"air.month.{m}") + (f"\n{fmt_year(y, lang)}" if m == 1 or i == 0 else "")
        for i, (y, m) in enumerate(months)
    ]
    ax.set_xticks(pos, labels, fontsize=8)
    ax.set_xlim(0.5, len(months) + 0.5)
    limits = _monthly_limits(pollutant, months)
    if any(v is not None for v in limits):
        xs = [p - 0.5 for p in pos] + [pos[-1] + 0.5]
        ys = [v if v is not None else float("nan") for v in limits]
        ax.step(
            xs,
            [*ys, ys[-1]],
            where="post",
            color="#b2182b",
            linewidth=1.4,
            label=tr("air.standard_label"),
        )
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    unit = cat.unit_symbol("ug_m3", lang) if pollutant in ("pm25", "pm10") else "ppb"
    ax.set_ylabel(f"{POLLUTANTS.get(pollutant, (pollutant,))[0]} ({unit})")
    value_axis(ax, "ug_m3" if pollutant in ("pm25", "pm10") else "ppb")
    ax.grid(axis="y", alpha=0.3)
    tight_layout(fig)
    return fig


def _mark(run: RunParams, values: pd.DataFrame, ind: str | None, year: int) -> str:
    if ind is None:
        return ""
    hit = values[(values["indicator_id"] == ind) & (values["year"] == year)]
    if hit.empty:
        return ""
    value = float(hit["value"].iloc[0])
    return value_mark(
        esc(fmt_number(value)),
        town_id=run.town_id or "",
        indicator_id=ind,
        year=year,
        value=value,
    )


def measured_note(run: RunParams) -> HtmlBlock:
    """Say which of the town's stored values are measured and which synthetic.

    Lists the measured indicator-years (with their source), the number of synthetic
    values, and the synthetic values a measured one replaced (``superseded.csv``; the old
    value is named but not shown as a value of the page).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Empty when the town has no measured values.
    """
    if run.town_id is None:
        return HtmlBlock("")
    tr, lang = run.tr, run.lang
    values = town_values(run.town_id)
    if values.empty or "is_synthetic" not in values:
        return HtmlBlock("")
    reported = (
        values[values.get("origin", "reported") == "reported"] if "origin" in values else values
    )
    real = reported[~reported["is_synthetic"].astype(bool)]
    if real.empty:
        return HtmlBlock("")
    cat = load_catalogue()
    items = []
    for (ind, source), grp in real.groupby(["indicator_id", "source"], sort=True):
        name = cat.get(str(ind)).name_th if lang == "th" else cat.get(str(ind)).name_en
        years = ", ".join(fmt_year(int(y), lang) for y in sorted(grp["year"]))
        items.append(f"<li>{esc(name)} ({esc(years)}): {data_span(source)}</li>")
    n_syn = int(reported["is_synthetic"].astype(bool).sum())
    parts = [
        paragraph(tr("air.measured_intro", n=len(real), n_syn=n_syn), css_class="measured-note"),
        HtmlBlock(f'<ul class="measured-list">{"".join(items)}</ul>'),
    ]
    sup = _store_csv("superseded.csv")
    if sup is not None and len(sup):
        sup = sup[sup["town_id"] == run.town_id]
        if len(sup):
            replaced = "; ".join(
                f"{cat.get(ind_id).name_th if lang == 'th' else cat.get(ind_id).name_en}"
                f" {fmt_year(int(year), lang)}"
                for ind_id, year in zip(sup["indicator_id"], sup["year"], strict=True)
            )
            parts.append(paragraph(tr("air.replaced", items=replaced), css_class="measured-note"))
    return join(*parts)


def seasonal_profile(run: RunParams) -> HtmlBlock:
    """Return the daily-record section of appendix B (chart, year table, real/synthetic note).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Empty for towns (and cross-town pages) without daily station data.
    """
    if run.town_id is None:
        return HtmlBlock("")
    daily = spatial_table("air_daily", run.town_id)
    if daily is None or daily.empty:
        return HtmlBlock("")
    tr, lang = run.tr, run.lang
    coverage = spatial_table("air_coverage", run.town_id)
    stations = spatial_table("air_stations", run.town_id)
    values = town_values(run.town_id)
    blocks: list[HtmlBlock] = [heading(tr("air.heading"), 3)]
    for (code, pol), grp in daily.groupby(["station_code", "pollutant"], sort=True):
        st = stations[stations["station_code"] == code] if stations is not None else pd.DataFrame()
        address = str(st["address_th"].iloc[0]) if len(st) else ""
        relation = str(st["relation"].iloc[0]) if len(st) else ""
        dist = float(st["distance_km"].iloc[0]) if len(st) else float("nan")
        where = tr(
            "air.station_nearby" if relation == "named_nearby" else "air.station_own",
            code=code,
            address=address,
            km=fmt_number(dist, 1),
        )
        files = ", ".join(sorted(grp["src_file"].unique()))
        name = POLLUTANTS.get(str(pol), (str(pol),))[0]
        fig = seasonal_chart(grp, str(pol), tr)
        drawn = seasonal_chart_data(grp, str(pol), tr)
        table = page_table(
            drawn,
            run,
            caption=tr("air.chart_data.caption", pollutant=name, station=code),
            headers={c: tr(f"air.chart_data.{c}") for c in drawn.columns},
        )
        note = axis_note(fig, tr)
        blocks.append(
            figure(
                fig,
                alt=f"{tr('air.chart_alt', pollutant=name, station=where)} {note}".strip(),
                caption=tr("air.chart_caption", pollutant=name, station=where, files=files),
                fit_width=7.2,
                source=tr("air.chart_source", station=code),
                data=chart_data(table, tr("report.chart_data.summary")),
            )
        )
        cov = (
            coverage[(coverage["station_code"] == code) & (coverage["pollutant"] == pol)]
            if coverage is not None
            else pd.DataFrame()
        )
        mean_id, max_id, days_id = _ANNUAL.get(str(pol), (None, None, None))
        rows = []
        for rec in cov.sort_values("year").to_dict("records"):
            year = int(rec["year"])
            share = fmt_quantity(100 * rec["coverage"], "percent", lang, 1)
            days = f"{int(rec['days_valid'])} / {int(rec['days_in_year'])}"
            if rec["complete"]:
                cells = [_mark(run, values, i, year) for i in (mean_id, max_id, days_id)]
                status = esc(tr("air.complete"))
            else:
                cells = [esc(tr("air.incomplete"))] * 3
                status = esc(tr("air.incomplete_status", rule=fmt_quantity(75, "percent", lang)))
            rows.append([esc(fmt_year(year, lang)), esc(days), esc(share), *cells, status])
        if rows:
            blocks.append(
                _table(
                    [
                        tr("report.col.year"),
                        tr("air.col.valid_days"),
                        tr("air.col.coverage"),
                        tr("air.col.mean"),
                        tr("air.col.max"),
                        tr("air.col.days_over"),
                        tr("report.col.status"),
                    ],
                    rows,
                    caption=tr("air.table_caption", pollutant=name, station=code),
                    note=esc(tr("air.rule_note")),
                    numeric=(1, 2, 3, 4, 5),
                )
            )
    blocks.append(measured_note(run))
    return join(*blocks)
