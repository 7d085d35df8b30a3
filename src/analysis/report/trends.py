"""Appendix C (ภาคผนวก ค): trends, 20-year projections, progress and phase milestones."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, figure, heading, join, paragraph, table_html
from analysis.report.data import town_analysis
from analysis.report.fmt import esc, fmt_number, fmt_year, is_missing
from analysis.report.gaps import needs_theme_data, needs_town_data
from analysis.report.params import RunParams
from analysis.report.sections import check_theme, indicator_name, synthetic_note

__all__ = [
    "milestone_table",
    "phases",
    "progress_table",
    "projection_chart",
    "projection_table",
    "theme_title",
]


def _analysis(run: RunParams):
    if run.town_id is None:
        msg = "this section needs a town_id"
        raise ValueError(msg)
    return town_analysis(run.town_id, run.horizon)


def phases(run: RunParams) -> list[tuple[int, int]]:
    """Return the 5-year plan phases (start, end) used by the milestone table."""
    miles = _analysis(run).milestones
    pairs = {
        (int(a), int(b)) for a, b in zip(miles["phase_start"], miles["phase_end"], strict=True)
    }
    return sorted(pairs) or [(2023, 2027), (2028, 2032), (2033, run.horizon)]


_CATEGORY_ORDER = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "stagnation_or_regression",
    "deterioration",
    "insufficient",
)


@needs_town_data
def theme_title(run: RunParams, theme: str) -> HtmlBlock:
    """Return the theme heading and a one-sentence summary of progress towards targets."""
    check_theme(theme)
    tr = run.tr
    theme_name = tr(f"report.themes.{theme}")
    cat = load_catalogue()
    ids = {i.id for i in cat.indicators if i.theme == theme}
    prog = _analysis(run).progress
    cats = prog.loc[prog["indicator_id"].astype(str).isin(ids), "category"].astype(str)
    counts = cats.value_counts()
    parts = tr("report.list_sep").join(
        tr("report.c.narr_part", label=tr(f"plan.progress.{c}"), n=int(counts[c]))
        for c in _CATEGORY_ORDER
        if c in counts.index
    )
    text = tr("report.c.narr", theme=theme_name, n=len(cats), parts=parts) if len(cats) else ""
    return join(
        heading(theme_name, 2, anchor=f"theme-{theme}"),
        paragraph(text, css_class="narrative") if text else "",
    )


@needs_town_data
def projection_chart(run: RunParams, theme: str) -> HtmlBlock:
    """Observed series, trend fit and projection to the horizon with its interval."""
    check_theme(theme)
    tr = run.tr
    cat = load_catalogue()
    fig = figures.projection_chart(_analysis(run).projections, cat, theme, tr, phases=phases(run))
    theme_name = tr(f"report.themes.{theme}")
    return figure(
        fig,
        alt=tr("report.c.chart_alt", theme=theme_name, horizon=fmt_year(run.horizon, run.lang)),
        caption=tr(
            "report.c.chart_caption", theme=theme_name, horizon=fmt_year(run.horizon, run.lang)
        ),
        trim=False,
    )


def _value_interval(rows: pd.DataFrame, year: int) -> str:
    hit = rows[rows["year"] == year]
    if hit.empty:
        return "—"
    r = hit.iloc[0]
    txt = esc(fmt_number(r["mean"]))
    if pd.notna(r["lo"]) and pd.notna(r["hi"]):
        txt += f' <span class="interval">({esc(fmt_number(r["lo"]))}–{esc(fmt_number(r["hi"]))})</span>'
    return txt


@needs_theme_data
def projection_table(run: RunParams, theme: str) -> HtmlBlock:
    """Latest value and projected values (with 95 % intervals) at each phase end."""
    check_theme(theme)
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    a = _analysis(run)
    proj = a.projections.assign(indicator_id=a.projections["indicator_id"].astype(str))
    prog = a.progress.assign(indicator_id=a.progress["indicator_id"].astype(str)).set_index(
        "indicator_id"
    )
    ends = [end for _, end in phases(run)]
    header = [
        tr("report.col.indicator"),
        tr("report.c.col_latest"),
        *(tr("report.c.col_projected", year=fmt_year(e, lang)) for e in ends),
        tr("report.col.target"),
        tr("report.c.col_progress"),
    ]
    rows = []
    for ind in cat.indicators:
        if ind.theme != theme:
            continue
        r = proj[proj["indicator_id"] == ind.id]
        obs = r[r["kind"] == "observed"]
        projected = r[r["kind"] == "projected"]
        latest = (
            f"{esc(fmt_number(obs['mean'].iloc[-1]))} ({esc(fmt_year(obs['year'].iloc[-1], lang))})"
            if not obs.empty
            else esc(tr("report.not_published"))
        )
        cells = [_value_interval(projected, e) for e in ends]
        target = (
            f"{esc(fmt_number(ind.target.value))} ({esc(fmt_year(ind.target.year, lang))})"
            if ind.target
            else "—"
        )
        category = str(prog.loc[ind.id, "category"]) if ind.id in prog.index else "insufficient"
        key = f"plan.progress.{category}"
        rows.append(
            [
                esc(f"{indicator_name(ind.id, lang)} ({cat.unit_symbol(ind.unit, lang)})"),
                latest,
                *cells,
                target,
                esc(tr(key) if tr.has(key) else category),
            ]
        )
    return table_html(
        header,
        rows,
        caption=tr("report.c.table_caption", theme=tr(f"report.themes.{theme}")),
        note=synthetic_note(run),
        numeric=tuple(range(1, 2 + len(ends))),
        css_class="report-table projection-table",
    )


@needs_town_data
def progress_table(run: RunParams) -> HtmlBlock:
    """Progress of every indicator from the base year towards its plan target."""
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    prog = _analysis(run).progress
    prog = prog.assign(indicator_id=prog["indicator_id"].astype(str)).set_index("indicator_id")
    header = [
        tr("report.col.indicator"),
        tr("report.c.col_base"),
        tr("report.c.col_latest"),
        tr("report.col.target"),
        tr("report.c.col_expected"),
        tr("report.c.col_progress"),
    ]
    rows = []
    for ind in cat.indicators:
        if ind.id not in prog.index:
            continue
        p = prog.loc[ind.id]
        unit = cat.unit_symbol(ind.unit, lang)

        def vy(value: object, year: object) -> str:
            if is_missing(value):
                return "—"
            return f"{esc(fmt_number(value))} ({esc(fmt_year(year, lang))})"

        key = f"plan.progress.{p['category']}"
        rows.append(
            [
                esc(f"{indicator_name(ind.id, lang)} ({unit})"),
                vy(p["base_value"], p["base_year"]),
                vy(p["latest_value"], p["latest_year"]),
                vy(p["target_value"], p["target_year"]),
                vy(p["projected_value"], p["target_year"]),
                esc(tr(key) if tr.has(key) else str(p["category"])),
            ]
        )
    method = prog["method"].iloc[0] if len(prog) else "unsd"
    return table_html(
        header,
        rows,
        caption=tr("report.c.progress_caption"),
        note=esc(tr(f"plan.progress_method.{method}")) + " " + synthetic_note(run),
        numeric=(1, 2, 3, 4),
    )


@needs_town_data
def milestone_table(run: RunParams) -> HtmlBlock:
    """Milestone value per 5-year phase on the path from the latest value to the target."""
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    miles = _analysis(run).milestones
    miles = miles.assign(indicator_id=miles["indicator_id"].astype(str))
    ph = phases(run)
    header = [
        tr("report.col.indicator"),
        tr("report.c.col_latest"),
        *(tr("report.c.col_phase", start=fmt_year(a, lang), end=fmt_year(b, lang)) for a, b in ph),
        tr("report.c.col_note"),
    ]
    rows = []
    for ind in cat.indicators:
        m = miles[miles["indicator_id"] == ind.id]
        if m.empty:
            continue
        first = m.iloc[0]
        cells = []
        for a, _b in ph:
            hit = m[m["phase_start"] == a]
            cells.append(
                esc(fmt_number(hit["milestone"].iloc[0]))
                if not hit.empty and pd.notna(hit["milestone"].iloc[0])
                else "—"
            )
        note = str(first.get(f"note_{lang}") or "")
        rows.append(
            [
                esc(f"{indicator_name(ind.id, lang)} ({cat.unit_symbol(ind.unit, lang)})"),
                f"{esc(fmt_number(first['latest_value']))} ({esc(fmt_year(first['latest_year'], lang))})",
                *cells,
                esc(note),
            ]
        )
    return table_html(
        header,
        rows,
        caption=tr("report.c.milestone_caption"),
        note=synthetic_note(run),
        numeric=tuple(range(1, 2 + len(ph))),
        css_class="report-table milestone-table",
    )
