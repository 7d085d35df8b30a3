"""Appendix C (ภาคผนวก ค): trends, 20-year projections, progress and phase milestones."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.i18n.prose import count_key, join_list
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, heading, join, paragraph, table_html
from analysis.report.chartgrid import projection_grid
from analysis.report.data import town_analysis
from analysis.report.fmt import esc, fmt_number, fmt_year, is_missing
from analysis.report.gaps import (
    indicators_without_data,
    needs_theme_data,
    needs_town_data,
    no_data_table,
)
from analysis.report.params import RunParams, town_params
from analysis.report.sections import (
    chart_marks,
    check_theme,
    indicator_link,
    indicator_name,
    synthetic_note,
)
from analysis.report.valuemark import value_mark

__all__ = [
    "milestone_table",
    "phases",
    "progress_table",
    "projection_chart",
    "projection_table",
    "theme_title",
]


def _analysis(run: RunParams):
    run = town_params(run, "this appendix C section")
    return town_analysis(run.town_id, run.horizon)


def _mark(
    run: RunParams, indicator_id: str, year: object, value: object, kind: str = "observed"
) -> str:
    """Return a formatted value with its mark (:mod:`analysis.report.valuemark`)."""
    return value_mark(
        esc(fmt_number(value)),
        town_id=run.town_id or "",
        indicator_id=indicator_id,
        year=year,
        value=value,
        kind=kind,
    )


def phases(run: RunParams) -> list[tuple[int, int]]:
    """Return the 5-year plan phases (start, end) used by the milestone table.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    list of (int, int)
        CE start and end years, in order; the default phases when there are no milestones.
    """
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
    """Return the theme heading and a one-sentence summary of progress towards targets.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    HtmlBlock
        The heading and the sentence.
    """
    check_theme(theme)
    tr = run.tr
    theme_name = tr(f"report.themes.{theme}")
    cat = load_catalogue()
    ids = {i.id for i in cat.indicators if i.theme == theme}
    prog = _analysis(run).progress
    cats = prog.loc[prog["indicator_id"].astype(str).isin(ids), "category"].astype(str)
    counts = cats.value_counts()
    n = len(cats)
    parts = join_list(
        (
            tr(count_key("report.c.narr_part", n), label=tr(f"plan.progress.{c}"), n=int(counts[c]))
            for c in _CATEGORY_ORDER
            if c in counts.index and int(counts[c])
        ),
        tr,
    )
    text = tr(count_key("report.c.narr", n), theme=theme_name, n=n, parts=parts) if n else ""
    return join(
        heading(theme_name, 2, anchor=f"theme-{theme}"),
        paragraph(text, css_class="narrative") if text else "",
    )


@needs_town_data
def projection_chart(run: RunParams, theme: str) -> HtmlBlock:
    """Observed series, trend line and the one projection to the horizon with its interval.

    One image per indicator (:func:`analysis.report.chartgrid.projection_grid`), each with
    its data table; the indicators without data are listed in a table under the grid.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    HtmlBlock
        The grid of charts and the no-data table.
    """
    check_theme(theme)
    tr = run.tr
    cat = load_catalogue()
    proj = _analysis(run).projections
    observed = proj[proj["kind"].astype(str) == "observed"]
    drawn = [i.id for i in figures.panel_indicators(observed, cat, theme, column="mean")]
    gap = no_data_table(
        run, theme, indicators_without_data(observed, theme, column="mean", drawn=drawn)
    )
    if not drawn:
        return gap
    theme_name = tr(f"report.themes.{theme}")
    horizon = fmt_year(run.horizon, run.lang)
    chart = projection_grid(
        proj,
        run,
        theme,
        phases=phases(run),
        caption=tr(
            "report.c.chart_caption",
            theme=theme_name,
            horizon=horizon,
            method=tr("report.c.method_name"),
        ),
        marks=chart_marks(run),
    )
    return join(chart, gap)


def _value_interval(rows: pd.DataFrame, year: int, run: RunParams) -> tuple[str, bool]:
    """Return the projected value (interval) at ``year`` and whether it sits at a bound."""
    hit = rows[rows["year"] == year]
    if hit.empty or is_missing(hit.iloc[0]["mean"]):
        return "—", False
    r = hit.iloc[0]
    at_bound = str(r.get("flag", "")) == "at_bound"
    txt = value_mark(
        esc(fmt_number(r["mean"])),
        town_id=run.town_id or "",
        indicator_id=str(r["indicator_id"]),
        year=year,
        value=r["mean"],
        kind="projected",
    ) + ("†" if at_bound else "")
    if pd.notna(r["lo"]) and pd.notna(r["hi"]):
        txt += f' <span class="interval">({esc(fmt_number(r["lo"]))}–{esc(fmt_number(r["hi"]))})</span>'
    return txt, at_bound


def _withheld_sentence(rows: pd.DataFrame, run: RunParams) -> str:
    """Return the one-line reason a series' projection is (partly) withheld, or ``""``.

    Parameters
    ----------
    rows : pandas.DataFrame
        One series' projection rows (:func:`analysis.stats.projection.projection_table`).
    run : RunParams
        Language of the sentence (Buddhist Era years in Thai).

    Returns
    -------
    str
        Plain text, e.g. "Projection withheld: 6 annual values, at least 8 are needed."
    """
    from analysis.stats.projection import MIN_PROJECTION_POINTS  # noqa: PLC0415

    kind = rows["kind"].astype(str)
    held = rows[kind == "withheld"]
    if held.empty or "withheld_reason" not in rows.columns:
        return ""
    first = held.iloc[0]
    if str(first["withheld_reason"]) == "too_few_points":
        return run.tr(
            "report.c.withheld_too_few_points",
            n=int(first["n_points"]),
            min=MIN_PROJECTION_POINTS,
        )
    obs = rows[kind == "observed"]["year"]
    return run.tr(
        "report.c.withheld_beyond_observed_span",
        year=fmt_year(int(first["span_end"]), run.lang),
        first=fmt_year(int(obs.min()), run.lang),
        last=fmt_year(int(obs.max()), run.lang),
    )


@needs_theme_data
def projection_table(run: RunParams, theme: str) -> HtmlBlock:
    """Latest value and the projection (with 95 % intervals) at each phase end, or why not.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    HtmlBlock
        One row per indicator of the theme with data.
    """
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
    any_bound = False
    for ind in cat.indicators:
        if ind.theme != theme:
            continue
        r = proj[proj["indicator_id"] == ind.id]
        kind = r["kind"].astype(str)
        obs = r[kind == "observed"]
        future = r[kind.isin(["projected", "withheld"])]
        latest = (
            _mark(run, ind.id, obs["year"].iloc[-1], obs["mean"].iloc[-1])
            + f" ({esc(fmt_year(obs['year'].iloc[-1], lang))})"
            if not obs.empty
            else esc(tr("report.not_published"))
        )
        cells = []
        for e in ends:
            txt, bound = _value_interval(future, e, run)
            cells.append(txt)
            any_bound = any_bound or bound
        target = (
            f"{esc(fmt_number(ind.target.value))} ({esc(fmt_year(ind.target.year, lang))})"
            if ind.target
            else "—"
        )
        category = str(prog.loc[ind.id, "category"]) if ind.id in prog.index else "insufficient"
        key = f"plan.progress.{category}"
        name = esc(f"{indicator_name(ind.id, lang)} ({cat.unit_symbol(ind.unit, lang)})")
        if not obs.empty:  # the town has values, so `ecoplan site` wrote the indicator page
            name = indicator_link(ind.id, name)
        why = _withheld_sentence(r, run) if not r.empty else ""
        if why:
            name += f'<br><span class="withheld">{esc(why)}</span>'
        rows.append([name, latest, *cells, target, esc(tr(key) if tr.has(key) else category)])
    note = synthetic_note(run)
    if any_bound:
        note = esc(tr("report.c.at_bound_note")) + " " + note
    return table_html(
        header,
        rows,
        caption=tr(
            "report.c.table_caption",
            theme=tr(f"report.themes.{theme}"),
            method=tr("report.c.method_name"),
        ),
        note=note,
        numeric=tuple(range(1, 2 + len(ends))),
        css_class="report-table projection-table",
    )


@needs_town_data
def progress_table(run: RunParams) -> HtmlBlock:
    """Progress of every indicator from the base year towards its plan target.

    The figure at the target year is the progress method's own (UNSD: the CAGR continued
    to the target year, bounded to the natural range), labelled as such; it is not the
    projection of the charts. StatCan has no such figure and the column is left out.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per indicator with a target: base and latest values, progress category and the
        method's figure.
    """
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    prog = _analysis(run).progress
    prog = prog.assign(indicator_id=prog["indicator_id"].astype(str)).set_index("indicator_id")
    method = str(prog["method"].iloc[0]) if len(prog) else "unsd"
    value_col = (
        "progress_method_value" if "progress_method_value" in prog.columns else "projected_value"
    )
    show_figure = method == "unsd" and value_col in prog.columns
    header = [
        tr("report.col.indicator"),
        tr("report.c.col_base"),
        tr("report.c.col_latest"),
        tr("report.col.target"),
        *([tr("report.c.col_progress_figure")] if show_figure else []),
        tr("report.c.col_progress"),
    ]
    rows = []
    for ind in cat.indicators:
        if ind.id not in prog.index:
            continue
        p = prog.loc[ind.id]
        unit = cat.unit_symbol(ind.unit, lang)

        def vy(
            value: object, year: object, kind: str | None = "observed", ind_id: str = ind.id
        ) -> str:
            if is_missing(value):
                return "—"
            shown = _mark(run, ind_id, year, value, kind) if kind else esc(fmt_number(value))
            return f"{shown} ({esc(fmt_year(year, lang))})"

        key = f"plan.progress.{p['category']}"
        figure_cell = []
        if show_figure:
            cell = vy(p[value_col], p["target_year"], "progress")
            if cell != "—" and bool(p.get("progress_method_at_bound", False)):
                cell += "†"
            figure_cell = [cell]
        rows.append(
            [
                esc(f"{indicator_name(ind.id, lang)} ({unit})"),
                vy(p["base_value"], p["base_year"]),
                vy(p["latest_value"], p["latest_year"]),
                vy(p["target_value"], p["target_year"], None),
                *figure_cell,
                esc(tr(key) if tr.has(key) else str(p["category"])),
            ]
        )
    note = esc(tr(f"plan.progress_method.{method}"))
    if show_figure:
        note += " " + esc(tr("report.c.progress_figure_note"))
        if bool(prog.get("progress_method_at_bound", pd.Series(dtype=bool)).fillna(False).any()):
            note += " " + esc(tr("report.c.at_bound_note"))
    return table_html(
        header,
        rows,
        caption=tr("report.c.progress_caption"),
        note=note + " " + synthetic_note(run),
        numeric=tuple(range(1, 4 + int(show_figure))),
    )


@needs_town_data
def milestone_table(run: RunParams) -> HtmlBlock:
    """Per 5-year phase: the value required on the path to the target and the projection.

    Two rows per indicator: "required (path to target)" (a straight line from the latest
    value to the target) and "projected (<method>)" (the projection table's value at the
    phase end, with on track / off track, or the reason it is withheld).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Two rows per indicator with a target, one column per phase.
    """
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    miles = _analysis(run).milestones
    miles = miles.assign(indicator_id=miles["indicator_id"].astype(str))
    ph = phases(run)
    method = tr("report.c.method_name")
    header = [
        tr("report.col.indicator"),
        tr("report.c.col_latest"),
        tr("report.c.col_value"),
        *(tr("report.c.col_phase", start=fmt_year(a, lang), end=fmt_year(b, lang)) for a, b in ph),
        tr("report.c.col_note"),
    ]
    rows = []
    for ind in cat.indicators:
        m = miles[miles["indicator_id"] == ind.id]
        if m.empty:
            continue
        first = m.iloc[0]
        required, projected = [], []
        for a, _b in ph:
            hit = m[m["phase_start"] == a]
            x = hit.iloc[0] if not hit.empty else None
            required.append(
                _mark(run, ind.id, x["phase_end"], x["required_value"], "required")
                if x is not None and pd.notna(x["required_value"])
                else "—"
            )
            if x is None or is_missing(x["projected_value"]):
                projected.append("—")
                continue
            cell = _mark(run, ind.id, x["phase_end"], x["projected_value"], "projected")
            if str(x.get("projection_flag", "")) == "at_bound":
                cell += "†"
            if not is_missing(x["on_track"]):
                ok = bool(x["on_track"])
                cell += (
                    f'<br><span class="{"on-track" if ok else "off-track"}">'
                    f"{esc(tr('report.c.on_track' if ok else 'report.c.off_track'))}</span>"
                )
            projected.append(cell)
        why = next(
            (str(v) for v in m.get(f"projection_note_{lang}", pd.Series(dtype=str)) if v), ""
        )
        name = esc(f"{indicator_name(ind.id, lang)} ({cat.unit_symbol(ind.unit, lang)})")
        latest = (
            _mark(run, ind.id, first["latest_year"], first["latest_value"])
            + f" ({esc(fmt_year(first['latest_year'], lang))})"
        )
        rows.append(
            [
                name,
                latest,
                esc(tr("report.c.milestone_required")),
                *required,
                esc(str(first.get(f"note_{lang}") or "")),
            ]
        )
        rows.append(
            [
                "",
                "",
                esc(tr("report.c.milestone_projected")),
                *projected,
                f'<span class="withheld">{esc(why)}</span>' if why else "",
            ]
        )
    return table_html(
        header,
        rows,
        caption=tr("report.c.milestone_caption", method=method),
        note=synthetic_note(run),
        numeric=tuple(range(3, 3 + len(ph))),
        css_class="report-table milestone-table",
    )
