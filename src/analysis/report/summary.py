"""Executive summary (บทสรุปผู้บริหาร): one printed page that opens a town's combined page.

Generated only from the results tables (latest status, trend, projection, plan class,
milestones) and the measures register, in the page language:

* where the town stands: one sentence of status counts and a table per theme (traffic
  lights, significant trends, indicators without data);
* the top problems to solve, the risks to prevent and the opportunities, each with its
  latest value, its yardstick, and the programmes or projects that target it (or a flag
  that none does);
* the register in one sentence (number of measures, total budget) and the problems no
  measure addresses;
* the data gaps: indicators without data (:mod:`analysis.report.gaps`) and series too
  short for a trend test.

Sentences never carry a zero-count clause and lists follow each language's convention
(:mod:`analysis.i18n.prose`). Every indicator value is marked with
:func:`analysis.report.valuemark.value_mark`, so the one-truth test reads it back.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.i18n.prose import count_key, join_list
from analysis.report.blocks import HtmlBlock, data_span, heading, join, paragraph, table_html
from analysis.report.data import town_analysis, town_record
from analysis.report.fmt import esc, fmt_number, fmt_year
from analysis.report.gaps import indicators_without_data, min_trend_points, town_has_data
from analysis.report.params import RunParams, TownParams, town_params
from analysis.report.sections import (
    THEMES,
    indicator_name,
    is_synthetic,
    rows_for,
)
from analysis.report.strategy import (
    HTML_SLOT,
    dated_value_html,
    indicator_name_link,
    indicator_state,
    measures_for,
    priority_order,
    town_measures,
    unaddressed_ids,
    value_with_unit,
    with_html,
)

__all__ = [
    "LIGHT_ORDER",
    "TOP_ITEMS",
    "data_gaps",
    "executive_summary",
    "glance_sentence",
    "glance_table",
    "light_counts",
    "measures_summary",
    "priority_items",
    "summary_fragment",
]

#: Traffic lights in the order the summary counts them.
LIGHT_ORDER: tuple[str, ...] = ("green", "amber", "red", "grey")
#: Items shown per group (solve / prevent / opportunity) so the summary fits one A4 page.
TOP_ITEMS = 3


def light_counts(state: pd.DataFrame) -> dict[str, int]:
    """Count indicators per traffic light.

    Parameters
    ----------
    state : pandas.DataFrame
        With a ``light`` column (:func:`analysis.report.strategy.indicator_state`).

    Returns
    -------
    dict of str to int
        Every light of :data:`LIGHT_ORDER` (an unknown light counts as grey).

    Examples
    --------
    >>> light_counts(pd.DataFrame({"light": ["red", "green", "red", None]}))
    {'green': 1, 'amber': 0, 'red': 2, 'grey': 1}
    """
    lights = _lights(state)
    return {k: int((lights == k).sum()) for k in LIGHT_ORDER}


def _lights(state: pd.DataFrame) -> pd.Series:
    """Each indicator's traffic light, an unknown or missing one as grey."""
    return state["light"].where(state["light"].isin(LIGHT_ORDER), "grey")


def glance_sentence(run: RunParams, state: pd.DataFrame) -> str:
    """Return the sentence of status counts (zero counts are left out).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    state : pandas.DataFrame
        :func:`analysis.report.strategy.indicator_state`.

    Returns
    -------
    str
        Plain text, e.g. "… มีข้อมูลตัวชี้วัด 18 ตัว โดยผ่านมาตรฐาน 7 ตัว และไม่ผ่านมาตรฐาน 3 ตัว".
    """
    tr = run.tr
    counts = light_counts(state)
    parts = [tr(count_key(f"summary.cnt_{k}", n), n=n) for k, n in counts.items() if n]
    town = town_record(run.town_id or "").name(run.lang)
    n = len(state)
    text = tr(count_key("summary.lead", n), town=town, n=n, parts=join_list(parts, tr))
    return text if run.lang == "th" else f"{text}."


def glance_table(run: RunParams, state: pd.DataFrame) -> HtmlBlock:
    """Tabulate per theme the traffic lights, significant trends and indicators without data.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    state : pandas.DataFrame
        :func:`analysis.report.strategy.indicator_state`.

    Returns
    -------
    HtmlBlock
        One row per theme with data or catalogue indicators.
    """
    tr = run.tr
    rows_all = rows_for(run)
    # Counted in one pass over the town's few dozen indicators (a pandas filter per theme
    # and count cost about 1 ms each, paid for every town and language).
    by_light = Counter(zip(state["theme"], _lights(state), strict=True))
    by_change = Counter(zip(state["theme"], state["change"], strict=True))
    rows = []
    for theme in THEMES:
        missing = indicators_without_data(rows_all, theme)
        rows.append(
            [
                esc(tr(f"report.themes.{theme}")),
                *(str(by_light[theme, k]) for k in LIGHT_ORDER),
                str(by_change[theme, "improving"]),
                str(by_change[theme, "worsening"]),
                str(len(missing)),
            ]
        )
    header = [
        tr("report.col.theme"),
        *(tr(f"report.status.{k}") for k in LIGHT_ORDER),
        tr("summary.col_improving"),
        tr("summary.col_worsening"),
        tr("summary.col_missing"),
    ]
    return table_html(
        header,
        rows,
        caption=tr("summary.glance_caption"),
        numeric=tuple(range(1, len(header))),
        css_class="report-table summary-glance",
    )


def _item(row: pd.Series, run: RunParams, measures: pd.DataFrame) -> str:
    tr, lang = run.tr, run.lang
    ind = str(row["indicator_id"])
    text = [
        f"<strong>{indicator_name_link(ind, lang)}</strong>: "
        + dated_value_html(run, ind, year=row["latest_year"], value=row["latest_value"])
    ]
    if pd.notna(row.get("headline_value")):
        # a yardstick (standard or target), not an indicator value: not marked
        limit = value_with_unit(esc(fmt_number(row["headline_value"])), ind, lang)
        text.append(with_html(tr("summary.limit", value=HTML_SLOT), limit))
    breach = pd.to_numeric(pd.Series([row.get("breach_year")]), errors="coerce").iloc[0]
    if row["plan_class"] == "prevent" and pd.notna(breach):
        text.append(esc(tr("summary.breach", year=fmt_year(int(breach), lang))))
    hits = measures_for(ind, measures)
    if len(hits):
        names = join_list([f"“{data_span(n)}”" for n in hits["name"]], tr)
        text.append(with_html(tr("summary.measures_for", names=HTML_SLOT), names))
    elif row["plan_class"] in ("solve", "prevent"):
        flag = esc(tr("summary.no_measure"))
        text.append(f'<span class="flag flag-unaddressed">{flag}</span>')
    return "<li>" + "; ".join(text) + "</li>"


def priority_items(
    run: RunParams,
    state: pd.DataFrame,
    measures: pd.DataFrame,
    plan_class: str,
    *,
    top: int = TOP_ITEMS,
) -> HtmlBlock:
    """List the first ``top`` indicators of a plan class, by priority, with their measures.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    state : pandas.DataFrame
        :func:`analysis.report.strategy.indicator_state`.
    measures : pandas.DataFrame
        :func:`analysis.report.strategy.town_measures`.
    plan_class : {"solve", "prevent", "opportunity"}
        The group.
    top : int
        How many to show; the others are counted ("and 4 more").

    Returns
    -------
    HtmlBlock
        Heading and list (or a short "none" line).
    """
    tr = run.tr
    # the group's rows, then their order (the order within a group does not depend on
    # the other groups' rows)
    sub = priority_order(state[state["plan_class"] == plan_class])
    parts = [heading(tr(f"summary.{plan_class}_heading"), 3)]
    if sub.empty:
        parts.append(paragraph(tr("summary.class_none"), css_class="muted"))
        return join(*parts)
    items = "".join(_item(r, run, measures) for _, r in sub.head(top).iterrows())
    rest = len(sub) - top
    more = (
        f'<li class="muted">{esc(tr(count_key("summary.more", rest), n=rest))}</li>'
        if rest > 0
        else ""
    )
    parts.append(HtmlBlock(f'<ul class="summary-items">{items}{more}</ul>'))
    return join(*parts)


def measures_summary(run: RunParams, state: pd.DataFrame, measures: pd.DataFrame) -> HtmlBlock:
    """Summarise the register (count, total budget) and the problems no measure addresses.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    state : pandas.DataFrame
        :func:`analysis.report.strategy.indicator_state`.
    measures : pandas.DataFrame
        :func:`analysis.report.strategy.town_measures`.

    Returns
    -------
    HtmlBlock
        Heading and one paragraph.
    """
    tr, lang = run.tr, run.lang
    n = len(measures)
    if n:
        budget = fmt_number(float(measures["budget_baht"].sum()), 0)
        first = esc(tr(count_key("summary.register", n), n=n, budget=budget))
    else:
        first = esc(tr("summary.register_none"))
    sentences = [first]
    missing = unaddressed_ids(state, measures)
    if missing:
        names = join_list([indicator_name_link(i, lang) for i in missing], tr)
        key = count_key("summary.unaddressed", len(missing))
        sentences.append(with_html(tr(key, n=len(missing), names=HTML_SLOT), names))
    elif bool(state["problem"].any()):
        sentences.append(esc(tr("summary.all_addressed")))
    end = "" if lang == "th" else "."
    sep = " " if lang == "th" else ". "
    return join(
        heading(tr("summary.measures_heading"), 3),
        paragraph(sep.join(sentences) + end, trusted=True),
    )


def data_gaps(run: RunParams) -> HtmlBlock:
    """State the indicators without data and the series too short for a trend test.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        Heading and one paragraph (no zero-count clause: a complete record says so).
    """
    tr, lang = run.tr, run.lang
    rows = rows_for(run)
    missing = [i for theme in THEMES for i in indicators_without_data(rows, theme)]
    k = min_trend_points()
    short: list[str] = []
    if town_has_data(run.town_id or ""):
        trends = town_analysis(run.town_id or "", run.horizon).trends
        short = [str(i) for i, n in zip(trends["indicator_id"], trends["n"], strict=True) if n < k]
    sentences = []
    if missing:
        names = join_list([indicator_name(i, lang) for i in missing], tr)
        sentences.append(
            tr(count_key("summary.missing", len(missing)), n=len(missing), names=names)
        )
    if short:
        names = join_list([indicator_name(i, lang) for i in short], tr)
        sentences.append(tr(count_key("summary.short", len(short)), n=len(short), k=k, names=names))
    if not sentences:
        sentences.append(tr("summary.no_gaps"))
    sep, end = (" ", "") if lang == "th" else (". ", ".")
    return join(heading(tr("summary.gaps_heading"), 3), paragraph(sep.join(sentences) + end))


def _header(run: RunParams) -> str:
    tr, lang = run.tr, run.lang
    rec = town_record(run.town_id or "")
    banner = (
        f'<div class="synthetic-banner" role="note">{esc(tr("report.synthetic_banner"))}</div>'
        if is_synthetic(run)
        else ""
    )
    subtitle = tr(
        "report.town_subtitle",
        town=rec.name(lang),
        district=str(rec.get(f"district_{lang}") or ""),
        province=str(rec.get(f"province_{lang}") or ""),
    )
    return (
        f'{banner}<header class="chapter-header">'
        f'<p class="chapter-label">{esc(tr("report.doc_title"))}</p>'
        f'<h1 class="chapter-title" id="executive-summary">{esc(tr("summary.title"))}</h1>'
        f'<p class="chapter-town">{esc(subtitle)}</p></header>'
    )


def executive_summary(run: TownParams) -> HtmlBlock:
    """Return the executive summary of one town in the page language.

    Parameters
    ----------
    run : TownParams
        Validated parameters of a town page.

    Returns
    -------
    HtmlBlock
        ``<section class="exec-summary">``: header, status sentence and table, the top
        problems, risks and opportunities with their measures, the register and the data
        gaps. A town without indicator data gets the header, a line saying so and its
        data gaps.

    Raises
    ------
    ValueError
        If ``run`` has no town.
    """
    run = town_params(run, "report.executive_summary")
    if not town_has_data(run.town_id):
        body = join(paragraph(run.tr("summary.no_data"), css_class="lead"), data_gaps(run))
    else:
        state = indicator_state(run)
        measures = town_measures(run)
        body = join(
            paragraph(glance_sentence(run, state), css_class="lead"),
            glance_table(run, state),
            HtmlBlock('<div class="summary-groups">'),
            *(priority_items(run, state, measures, c) for c in ("solve", "prevent", "opportunity")),
            HtmlBlock("</div>"),
            measures_summary(run, state, measures),
            data_gaps(run),
        )
    return HtmlBlock(f'<section class="exec-summary">{_header(run)}{body.html}</section>')


def summary_fragment(town_id: str, lang: str) -> str:
    """Return the executive summary's HTML for the combined page of a town.

    Parameters
    ----------
    town_id : str
        The town.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The fragment (horizon: the one the published results were computed for).

    Raises
    ------
    ParameterError
        If the town is not in the store.
    DataError
        If there are no current results (run ``ecoplan analyse``).
    """
    from analysis.report.data import results_manifest  # noqa: PLC0415
    from analysis.report.params import validate_params  # noqa: PLC0415

    horizon = int(results_manifest().horizon)
    run = validate_params(town_id=town_id, lang=lang, horizon=horizon, style=False)
    return executive_summary(run).html
