"""Appendix E (ภาคผนวก จ): strategy framework, priorities, phase targets, measures, ASEAN ESC."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.i18n.prose import count_key
from analysis.report.blocks import HtmlBlock, data_span, heading, join, paragraph, table_html
from analysis.report.data import result_table, town_analysis
from analysis.report.fmt import esc, fmt_number, fmt_year, place_unit
from analysis.report.gaps import needs_town_data
from analysis.report.params import RunParams, town_params
from analysis.report.sections import (
    THEMES,
    indicator_link,
    indicator_name,
    light_cell,
    synthetic_note,
    trend_word,
)
from analysis.report.valuemark import value_mark

__all__ = [
    "HTML_SLOT",
    "MEASURE_CLASSES",
    "PLAN_CLASSES",
    "count_row",
    "dated_value_html",
    "esc_readiness_table",
    "indicator_name_link",
    "indicator_state",
    "measures_overview",
    "measures_table",
    "phase_note",
    "plan_class_table",
    "plan_overview",
    "priority_list",
    "priority_order",
    "total_row",
    "town_measures",
    "unaddressed_ids",
    "unaddressed_problems",
    "with_html",
]

PLAN_CLASSES: tuple[str, ...] = ("solve", "prevent", "opportunity", "maintain")
_CLASS_RANK: dict[str, int] = {c: k for k, c in enumerate(PLAN_CLASSES)}


def _plan(run: RunParams) -> pd.DataFrame:
    run = town_params(run, "this appendix E section")
    a = town_analysis(run.town_id, run.horizon)
    cat = load_catalogue()
    theme = {i.id: i.theme for i in cat.indicators}
    order = {i: k for k, i in enumerate(cat.ids)}
    plan = a.plan.assign(
        indicator_id=a.plan["indicator_id"].astype(str), plan_class=a.plan["plan_class"].astype(str)
    )
    latest = a.latest_status.assign(indicator_id=a.latest_status["indicator_id"].astype(str))
    plan = plan.merge(latest[["indicator_id", "light"]], on="indicator_id", how="left")
    plan["theme"] = plan["indicator_id"].map(theme)
    plan["_o"] = plan["indicator_id"].map(order).astype("int64")
    return plan.sort_values("_o").drop(columns="_o").reset_index(drop=True)


def _priority(plan: pd.DataFrame) -> pd.DataFrame:
    """Order: solve by relative shortfall, prevent by breach year, then opportunity, maintain.

    A stable sort on (class, key), computed on arrays: a page orders a few dozen rows
    several times, and a pandas assign-and-sort cost about 2 ms each time.
    """
    cls = plan["plan_class"].to_numpy(dtype=object)
    headline = plan["headline_value"].to_numpy(dtype=float, na_value=np.nan)
    latest = plan["latest_value"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        shortfall = np.abs(headline - latest) / np.where(headline != 0, np.abs(headline), np.nan)
    breach = pd.to_numeric(plan["breach_year"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    key = np.where(
        cls == "solve",
        -np.nan_to_num(shortfall, nan=0.0),
        np.where(cls == "prevent", np.nan_to_num(breach, nan=9999.0), 0.0),
    )
    # an unknown class sorts last, as a missing value does in pandas
    rank = np.array([_CLASS_RANK.get(c, np.nan) for c in cls], dtype=float)
    return plan.iloc[np.lexsort((key, rank))]


def count_row(label: str, frame: pd.DataFrame, column: str, values: Iterable[object]) -> list[str]:
    """Return a count-table row: its label, the rows per value of ``column``, the total.

    Parameters
    ----------
    label : str
        The row's label, plain text (escaped here).
    frame : pandas.DataFrame
        The rows counted.
    column : str
        The column whose values are counted.
    values : iterable of object
        The values, in column order.

    Returns
    -------
    list of str
        Cell markup: the label, one count per value, the number of rows of ``frame``.

    Examples
    --------
    >>> count_row("A<B", pd.DataFrame({"c": ["x", "y", "x"]}), "c", ["x", "y", "z"])
    ['A&lt;B', '2', '1', '0', '3']
    """
    counts = frame[column].value_counts()
    return [esc(label), *(str(int(counts.get(v, 0))) for v in values), str(len(frame))]


def total_row(cells: Sequence[str]) -> list[str]:
    """Return a table's total row: every cell of ``cells`` in bold.

    Parameters
    ----------
    cells : sequence of str
        Cell markup (a :func:`count_row` of the whole table).

    Returns
    -------
    list of str
        The cells wrapped in ``<strong>``.

    Examples
    --------
    >>> total_row(["Total", "3"])
    ['<strong>Total</strong>', '<strong>3</strong>']
    """
    return [f"<strong>{c}</strong>" for c in cells]


@needs_town_data
def plan_overview(run: RunParams) -> HtmlBlock:
    """Count indicators per plan class (solve / prevent / opportunity / maintain) and theme.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per theme with its count per class, and a total row.
    """
    tr = run.tr
    plan = _plan(run)
    header = [
        tr("report.col.theme"),
        *(tr(f"plan.class.{c}") for c in PLAN_CLASSES),
        tr("report.col.total"),
    ]
    rows = [
        count_row(
            tr(f"report.themes.{theme}"), plan[plan["theme"] == theme], "plan_class", PLAN_CLASSES
        )
        for theme in THEMES
    ]
    rows.append(total_row(count_row(tr("report.col.total"), plan, "plan_class", PLAN_CLASSES)))
    return table_html(
        header,
        rows,
        caption=tr("report.e.overview_caption"),
        note=synthetic_note(run),
        numeric=(1, 2, 3, 4, 5),
    )


@needs_town_data
def plan_class_table(run: RunParams, plan_class: str) -> HtmlBlock:
    """Show one plan class: heading, definition, indicators by priority with reasons.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    plan_class : {"solve", "prevent", "opportunity", "maintain"}
        The class.

    Returns
    -------
    HtmlBlock
        Heading, definition and the table (or a line that the class is empty).
    """
    if plan_class not in PLAN_CLASSES:
        msg = f"unknown plan class {plan_class!r}; expected one of {', '.join(PLAN_CLASSES)}"
        raise ValueError(msg)
    tr, lang = run.tr, run.lang
    plan = _priority(_plan(run))
    sub = plan[plan["plan_class"] == plan_class]
    parts = [
        heading(tr(f"plan.class.{plan_class}"), 2, anchor=f"class-{plan_class}"),
        paragraph(tr(f"plan.class_help.{plan_class}"), css_class="lead"),
    ]
    if sub.empty:
        parts.append(paragraph(tr("report.e.class_empty"), css_class="muted"))
        return join(*parts)
    rows = [
        [
            str(k),
            esc(indicator_name(r["indicator_id"], lang)),
            esc(tr(f"report.themes.{r['theme']}")),
            value_mark(
                value_with_unit(esc(fmt_number(r["latest_value"])), str(r["indicator_id"]), lang),
                town_id=run.town_id or "",
                indicator_id=str(r["indicator_id"]),
                year=r["latest_year"],
                value=r["latest_value"],
            )
            + f" ({esc(fmt_year(r['latest_year'], lang))})",
            light_cell(str(r["light"]), run),
            esc(str(r.get(f"reason_{lang}") or "")),
        ]
        for k, (_, r) in enumerate(sub.iterrows(), start=1)
    ]
    parts.append(
        table_html(
            [
                tr("report.e.col_priority"),
                tr("report.col.indicator"),
                tr("report.col.theme"),
                tr("report.col.value"),
                tr("report.col.status"),
                tr("report.e.col_reason"),
            ],
            rows,
            caption=tr("report.e.class_caption", cls=tr(f"plan.class.{plan_class}")),
            note=synthetic_note(run),
            numeric=(0, 3),
            css_class="report-table plan-table",
        )
    )
    return join(*parts)


@needs_town_data
def priority_list(run: RunParams, top: int | None = None) -> HtmlBlock:
    """List the indicators to solve or prevent, by priority, with their phase milestones.

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    top : int, optional
        Keep the first ``top`` items; default all.

    Returns
    -------
    HtmlBlock
        An ordered list of the indicators with their milestones, or a line that there are none.
    """
    tr, lang = run.tr, run.lang
    plan = _priority(_plan(run))
    plan = plan[plan["plan_class"].isin(["solve", "prevent"])]
    plan = plan if top is None else plan.head(top)
    if plan.empty:
        return paragraph(tr("report.e.no_priorities"))
    miles = town_analysis(run.town_id or "", run.horizon).milestones
    miles = miles.assign(indicator_id=miles["indicator_id"].astype(str))
    cat = load_catalogue()
    items = []
    for _, r in plan.iterrows():
        ind = cat.get(r["indicator_id"])
        m = miles[miles["indicator_id"] == r["indicator_id"]].sort_values("phase_start")
        steps = ", ".join(
            esc(
                tr(
                    "report.e.milestone_step",
                    end=fmt_year(x["phase_end"], lang),
                    value="\x00",
                )
            ).replace(
                "\x00",
                value_mark(
                    place_unit(
                        esc(fmt_number(x["required_value"])),
                        ind.unit,
                        lang,
                        catalogue=cat,
                        html=True,
                    ),
                    town_id=run.town_id or "",
                    indicator_id=ind.id,
                    year=x["phase_end"],
                    value=x["required_value"],
                    kind="required",
                ),
            )
            for _, x in m.iterrows()
            if pd.notna(x["required_value"])
        )
        items.append(
            f"<li><strong>{esc(indicator_name(ind.id, lang))}</strong> "
            f"({esc(tr(f'plan.class.{r.plan_class}'))}): {steps or esc(tr('report.none'))}</li>"
        )
    return HtmlBlock(f'<ol class="priorities">{"".join(items)}</ol>')


@needs_town_data
def esc_readiness_table(run: RunParams) -> HtmlBlock:
    """Tabulate per theme: relative score and rank (context) and the ASEAN ESC screening.

    The screening column gives the status of the current award round's categories that
    cover the theme (stored ``esc_eligibility``; rules in ``analysis.catalogue.esc``).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per theme.
    """
    from analysis.catalogue.esc import load_rounds  # noqa: PLC0415

    tr = run.tr
    town_id = run.town_id or ""
    scores = result_table("scores")
    scores = scores.assign(town_id=scores["town_id"].astype(str), theme=scores["theme"].astype(str))
    current = list(load_rounds().values())[-1]
    elig = result_table("esc_eligibility")
    elig = elig.loc[
        (elig["round_id"].astype(str) == current.id) & (elig["town_id"].astype(str) == town_id)
    ]
    status = dict(zip(elig["category"].astype(str), elig["status"].astype(str), strict=True))
    n_towns = scores["town_id"].nunique()
    plan = _plan(run)
    rows = []
    for theme in (*THEMES, "overall"):
        hit = scores[(scores["town_id"] == town_id) & (scores["theme"] == theme)]
        name = tr(f"report.themes.{theme}") if theme != "overall" else tr("report.x.overall")
        if hit.empty:
            rows.append([esc(name), "—", "—", "—", "—"])
            continue
        fails = (
            int(((plan["theme"] == theme) & (plan["light"] == "red")).sum())
            if theme != "overall"
            else int((plan["light"] == "red").sum())
        )
        screening = "; ".join(
            f"{tr(f'esc.category.{c.id}')}: {tr(f'esc.status.{status[c.id]}')}"
            for c in current.categories
            if theme in c.themes and c.id in status
        )
        rows.append(
            [
                esc(name),
                esc(fmt_number(hit["score"].iloc[0], 0)),
                esc(tr("report.e.rank_of", rank=int(hit["rank"].iloc[0]), n=n_towns)),
                str(fails),
                # an award screening, not a legal standard: no pass/fail colours
                f'<span class="esc-screening">{esc(screening)}</span>' if screening else "—",
            ]
        )
    return table_html(
        [
            tr("report.col.theme"),
            tr("report.e.col_score"),
            tr("report.e.col_rank"),
            tr("report.e.col_fails"),
            tr("report.e.col_shortlist"),
        ],
        rows,
        caption=tr("report.e.esc_caption"),
        note=esc(tr("report.e.score_note", n=n_towns)) + " " + synthetic_note(run),
        numeric=(1, 2, 3),
    )


def phase_note(run: RunParams) -> HtmlBlock:
    """State the plan period and its 5-year phases (National Strategy B.E. 2561-2580).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One paragraph.
    """
    tr, lang = run.tr, run.lang
    return paragraph(
        tr("report.e.phase_note", start=fmt_year(2018, lang), end=fmt_year(run.horizon, lang))
    )


# --------------------------------------------------------------------------- measures register
# The towns' programmes and projects (analysis.ingest.measures), linked to the state of the
# indicators they target: appendix E and the executive summary (analysis.report.summary).

#: Plan classes a measure serves (``maintain`` needs none).
MEASURE_CLASSES: tuple[str, ...] = ("solve", "prevent", "opportunity")


def town_measures(run: RunParams) -> pd.DataFrame:
    """Return the town's measures register, ordered by phase and code.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    pandas.DataFrame
        The ``measures`` results table's rows of the town, plus ``indicators`` (the
        targeted ids as a list).
    """
    measures = result_table("measures", run.town_id or "")
    measures = measures.assign(
        indicators=[
            str(x).split(";") if isinstance(x, str) else [] for x in measures["indicator_ids"]
        ]
    )
    return measures.sort_values(["phase", "measure_id"], kind="stable").reset_index(drop=True)


def indicator_state(run: RunParams) -> pd.DataFrame:
    """Return, per indicator of the town, its plan class, status, trend and projection.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    pandas.DataFrame
        One row per indicator with data, in catalogue order: ``indicator_id, theme,
        plan_class, light, change, latest_year, latest_value, headline_value,
        breach_year, proj_year, proj_mean`` (the projected mean at the horizon, or at the
        last projected year before it; missing when withheld) and ``problem`` (fails its
        yardstick, worsens significantly, or is classed solve / prevent).
    """
    plan = _plan(run)  # its ``change`` is the trend of the latest status
    a = town_analysis(run.town_id or "", run.horizon)
    proj = a.projections
    proj = proj[
        (proj["kind"].astype(str) == "projected")
        & (proj["year"] <= run.horizon)
        & proj["mean"].notna()
    ]
    proj = proj.assign(indicator_id=proj["indicator_id"].astype(str))
    last = proj.sort_values("year").groupby("indicator_id").tail(1)
    plan = plan.merge(
        last[["indicator_id", "year", "mean"]].rename(
            columns={"year": "proj_year", "mean": "proj_mean"}
        ),
        on="indicator_id",
        how="left",
    )
    plan["problem"] = (
        plan["plan_class"].isin(["solve", "prevent"])
        | (plan["light"] == "red")
        | (plan["change"] == "worsening")
    )
    return plan


def problem_reasons(row: pd.Series, run: RunParams) -> list[str]:
    """Return why an indicator is a problem, as translated words (may be empty).

    Parameters
    ----------
    row : pandas.Series
        One row of :func:`indicator_state`.
    run : RunParams
        Validated parameters (gives the language).

    Returns
    -------
    list of str
        Fails its yardstick, worsens, is classed solve / prevent: the ones that apply.
    """
    out = []
    if row["light"] == "red":
        out.append(run.tr("measures.why.fails"))
    if row["change"] == "worsening":
        out.append(run.tr("measures.why.worsening"))
    if row["plan_class"] in ("solve", "prevent"):
        out.append(run.tr(f"measures.why.{row['plan_class']}"))
    return out


def priority_order(plan: pd.DataFrame) -> pd.DataFrame:
    """Order indicators as appendix E does: solve by shortfall, prevent by breach year, ...

    Parameters
    ----------
    plan : pandas.DataFrame
        Plan rows (:func:`indicator_state`).

    Returns
    -------
    pandas.DataFrame
        The rows, solve (largest relative shortfall first), prevent (earliest breach
        first), opportunity, maintain.
    """
    return _priority(plan)


def unaddressed_ids(state: pd.DataFrame, measures: pd.DataFrame) -> list[str]:
    """Return the problem indicators no measure targets, in the order of ``state``.

    Parameters
    ----------
    state : pandas.DataFrame
        :func:`indicator_state`.
    measures : pandas.DataFrame
        :func:`town_measures`.

    Returns
    -------
    list of str
        Indicator ids.

    Examples
    --------
    >>> state = pd.DataFrame({"indicator_id": ["a", "b", "c"], "problem": [True, True, False]})
    >>> unaddressed_ids(state, pd.DataFrame({"indicators": [["b", "c"]]}))
    ['a']
    """
    targeted = {i for ids in measures["indicators"] for i in ids}
    return [i for i in state.loc[state["problem"], "indicator_id"] if i not in targeted]


def measures_for(indicator_id: str, measures: pd.DataFrame) -> pd.DataFrame:
    """Return the measures that target ``indicator_id``.

    Parameters
    ----------
    indicator_id : str
        Catalogue id.
    measures : pandas.DataFrame
        :func:`town_measures`.

    Returns
    -------
    pandas.DataFrame
        The rows of ``measures`` whose ``indicators`` include it.
    """
    mask = [indicator_id in ids for ids in measures["indicators"]]
    return measures.loc[mask]


def value_with_unit(value_html: str, indicator_id: str, lang: str) -> str:
    """Return a marked value with its unit in the language's order ("ร้อยละ 5" in Thai).

    Parameters
    ----------
    value_html : str
        The value's markup (already marked and escaped).
    indicator_id : str
        Catalogue id (gives the unit).
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The value with its unit before it (Thai percent) or after it.

    Examples
    --------
    >>> value_with_unit("5", "green_area_pct", "th")
    '<span class="unit">ร้อยละ</span> 5'
    >>> value_with_unit("5", "green_area_pct", "en")
    '5<span class="unit">%</span>'
    """
    cat = load_catalogue()
    return place_unit(value_html, cat.get(indicator_id).unit, lang, catalogue=cat, html=True)


def _phase_label(phase: int, run: RunParams, *, short: bool = False) -> str:
    from analysis.stats.plan import PHASES  # noqa: PLC0415

    start, end = PHASES[int(phase) - 1]
    if short:
        return run.tr("measures.phase_short", n=int(phase))
    return run.tr(
        "measures.phase", n=int(phase), start=fmt_year(start, run.lang), end=fmt_year(end, run.lang)
    )


#: Where trusted HTML goes in a translated text that is escaped first (:func:`with_html`).
HTML_SLOT = "\x00"


def with_html(text: str, html: str) -> str:
    """Escape a translated ``text`` and put trusted ``html`` in its :data:`HTML_SLOT`.

    Parameters
    ----------
    text : str
        Translated plain text, with :data:`HTML_SLOT` as the value of one placeholder.
    html : str
        Markup that is already safe (a marked value, a list of links).

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> with_html(f"a < b: {HTML_SLOT}", "<em>5</em>")
    'a &lt; b: <em>5</em>'
    """
    return esc(text).replace(HTML_SLOT, html)


def indicator_name_link(indicator_id: str, lang: str) -> str:
    """Return an indicator's catalogue name in ``lang``, linked to its indicator page.

    Parameters
    ----------
    indicator_id : str
        Catalogue id.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        HTML (:func:`analysis.report.sections.indicator_link` of the escaped name).
    """
    return indicator_link(indicator_id, esc(indicator_name(indicator_id, lang)))


def dated_value_html(
    run: RunParams,
    indicator_id: str,
    *,
    year: object,
    value: object,
    key: str = "measures.latest",
    kind: str = "observed",
) -> str:
    """Return the translated "value in year" phrase of one town value, marked, with its unit.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    indicator_id : str
        Catalogue id (gives the unit).
    year : object
        The value's CE year (shown B.E. on Thai pages).
    value : object
        The value, as stored.
    key : str
        The translation key; it takes ``year`` and ``value`` (default the latest value).
    kind : str
        The :func:`analysis.report.valuemark.value_mark` kind (``observed``, ``projected``).

    Returns
    -------
    str
        HTML, e.g. "ค่าล่าสุด (2566): <mark>…</mark>" with the unit in the language's order.
    """
    lang = run.lang
    marked = value_mark(
        esc(fmt_number(value)),
        town_id=run.town_id or "",
        indicator_id=indicator_id,
        year=year,
        value=value,
        kind=kind,
    )
    return with_html(
        run.tr(key, year=fmt_year(year, lang), value=HTML_SLOT),
        value_with_unit(marked, indicator_id, lang),
    )


def indicator_state_html(row: pd.Series, run: RunParams) -> str:
    """Return one indicator's link, light, trend, latest value and projection (marked).

    Parameters
    ----------
    row : pandas.Series
        One row of :func:`indicator_state`.
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    str
        HTML: the parts joined by " · "; "no projection" when the projection is withheld.
    """
    ind = str(row["indicator_id"])
    parts = [
        indicator_name_link(ind, run.lang),
        light_cell(str(row["light"]), run),
        esc(trend_word(row["change"], run)),
        dated_value_html(run, ind, year=row["latest_year"], value=row["latest_value"]),
    ]
    if pd.notna(row.get("proj_mean")):
        parts.append(
            dated_value_html(
                run,
                ind,
                year=row["proj_year"],
                value=row["proj_mean"],
                key="measures.projected",
                kind="projected",
            )
        )
    else:
        parts.append(esc(run.tr("measures.no_projection")))
    return " · ".join(parts)


def _measures_note(run: RunParams, measures: pd.DataFrame) -> str:
    notes = [synthetic_note(run)]
    if len(measures) and bool(measures["is_synthetic"].any()):
        notes.append(esc(run.tr("measures.synthetic_note")))
    return " ".join(n for n in notes if n)


@needs_town_data
def measures_overview(run: RunParams) -> HtmlBlock:
    """Head the measures section; count the measures per plan class and phase, with budgets.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Heading, lead and the count table (or a line that none are registered).
    """
    from analysis.stats.plan import PHASES  # noqa: PLC0415

    tr = run.tr
    measures = town_measures(run)
    parts = [
        heading(tr("measures.heading"), 2, anchor="measures"),
        paragraph(tr("measures.lead"), css_class="lead"),
    ]
    if measures.empty:
        parts.append(paragraph(tr("measures.none_registered"), css_class="muted"))
        return join(*parts)
    phases = range(1, len(PHASES) + 1)

    def with_budget(label: str, sub: pd.DataFrame) -> list[str]:
        budget = esc(fmt_number(float(sub["budget_baht"].sum()), 0))
        return [*count_row(label, sub, "phase", phases), budget]

    rows = [
        with_budget(tr(f"plan.class.{cls}"), measures[measures["plan_class"] == cls])
        for cls in MEASURE_CLASSES
    ]
    rows.append(total_row(with_budget(tr("measures.col_total"), measures)))
    parts.append(
        table_html(
            [
                tr("measures.col_class"),
                *(_phase_label(p, run) for p in phases),
                tr("measures.col_total"),
                tr("measures.col_budget_total"),
            ],
            rows,
            caption=tr("measures.overview_caption"),
            note=_measures_note(run, measures),
            numeric=tuple(range(1, len(PHASES) + 3)),
        )
    )
    return join(*parts)


@needs_town_data
def measures_table(run: RunParams, plan_class: str) -> HtmlBlock:
    """Show the town's measures of one plan class by phase, linked to their indicators.

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    plan_class : {"solve", "prevent", "opportunity"}
        The class.

    Returns
    -------
    HtmlBlock
        Heading and one row per measure: phase, name and kind, the target indicators
        (link to the indicator page, status, trend, latest value, projection), agencies,
        budget and its source, years (B.E. on Thai pages) and the KPI with its target.
    """
    if plan_class not in MEASURE_CLASSES:
        msg = f"unknown plan class {plan_class!r}; expected one of {', '.join(MEASURE_CLASSES)}"
        raise ValueError(msg)
    tr, lang = run.tr, run.lang
    measures = town_measures(run)
    if measures.empty:
        return HtmlBlock("")
    cls_name = tr(f"plan.class.{plan_class}")
    parts = [heading(cls_name, 3, anchor=f"measures-{plan_class}")]
    sub = measures[measures["plan_class"] == plan_class]
    if sub.empty:
        parts.append(paragraph(tr("measures.class_empty", cls=cls_name), css_class="muted"))
        return join(*parts)
    state = indicator_state(run).set_index("indicator_id", drop=False)
    rows = []
    for _, m in sub.iterrows():
        items = "".join(
            f"<li>{indicator_state_html(state.loc[i], run)}</li>"
            if i in state.index
            else f"<li>{indicator_name_link(i, lang)} · {esc(tr('report.none'))}</li>"
            for i in m["indicators"]
        )
        partners = (
            f" ({data_span(m['partner_agencies'])})"
            if isinstance(m["partner_agencies"], str)
            else ""
        )
        budget = (
            esc(fmt_number(float(m["budget_baht"]), 0))
            if float(m["budget_baht"]) > 0
            else esc(tr("measures.no_budget"))
        )
        if isinstance(m["budget_source"], str):
            budget += f'<br><span class="muted">{data_span(m["budget_source"])}</span>'
        desc = (
            f'<br><span class="muted">{data_span(m["description"])}</span>'
            if isinstance(m["description"], str)
            else ""
        )
        kpi_unit = str(m["kpi_unit"]) if isinstance(m["kpi_unit"], str) else ""
        rows.append(
            [
                esc(_phase_label(int(m["phase"]), run, short=True)),
                # the register's own words, as the town wrote them (data, in its language)
                f"<strong>{data_span(m['name'])}</strong> ({esc(tr(f'measures.kind.{m.kind}'))}){desc}",
                f'<ul class="measure-indicators">{items}</ul>',
                data_span(m["lead_agency"]) + partners,
                budget,
                esc(f"{fmt_year(m['start_year'], lang)}–{fmt_year(m['end_year'], lang)}"),
                data_span(m["kpi"])
                + " ("
                + with_html(
                    tr("measures.kpi_target", value=HTML_SLOT),
                    place_unit(
                        esc(fmt_number(float(m["kpi_target"]))),
                        kpi_unit,
                        lang,
                        unit_html=data_span(kpi_unit) if kpi_unit else None,
                    ),
                )
                + ")",
            ]
        )
    parts.append(
        table_html(
            [
                tr("measures.phase_short", n="").strip(),
                tr("measures.col_measure"),
                tr("measures.col_indicators"),
                tr("measures.col_agency"),
                tr("measures.col_budget"),
                tr("measures.col_years"),
                tr("measures.col_kpi"),
            ],
            rows,
            caption=tr("measures.class_caption", cls=cls_name),
            note=_measures_note(run, measures),
            numeric=(4,),
            css_class="report-table measures-table",
        )
    )
    return join(*parts)


@needs_town_data
def unaddressed_problems(run: RunParams) -> HtmlBlock:
    """Flag the problem indicators (failing, worsening, solve / prevent) no measure targets.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Heading and a table of the unaddressed problems (or a line that there are none).
    """
    tr = run.tr
    state = indicator_state(run)
    measures = town_measures(run)
    parts = [heading(tr("measures.unaddressed_heading"), 3, anchor="measures-unaddressed")]
    if not bool(state["problem"].any()):
        parts.append(paragraph(tr("measures.no_problems")))
        return join(*parts)
    missing = unaddressed_ids(state, measures)
    if not missing:
        parts.append(paragraph(tr("measures.all_addressed")))
        return join(*parts)
    by_id = state.set_index("indicator_id", drop=False)
    rows = [
        [
            indicator_state_html(by_id.loc[i], run),
            esc(", ".join(problem_reasons(by_id.loc[i], run))),
            f'<span class="flag flag-unaddressed">{esc(tr("measures.flag"))}</span>',
        ]
        for i in missing
    ]
    parts.append(
        paragraph(tr(count_key("measures.unaddressed_lead", len(missing)), n=len(missing)))
    )
    parts.append(
        table_html(
            [tr("report.col.indicator"), tr("measures.col_why"), tr("measures.col_measure")],
            rows,
            caption=tr("measures.unaddressed_caption"),
            note=synthetic_note(run),
            css_class="report-table unaddressed-table",
        )
    )
    return HtmlBlock(f'<div class="unaddressed">{join(*parts).html}</div>')
