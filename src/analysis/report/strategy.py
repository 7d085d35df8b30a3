"""Appendix E (ภาคผนวก จ): strategy framework, priorities, phase targets, ASEAN ESC readiness."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report.blocks import HtmlBlock, heading, join, paragraph, table_html
from analysis.report.data import result_table, town_analysis
from analysis.report.fmt import esc, fmt_number, fmt_year
from analysis.report.gaps import needs_town_data
from analysis.report.params import RunParams
from analysis.report.sections import THEMES, indicator_name, light_cell, synthetic_note
from analysis.report.valuemark import value_mark

__all__ = [
    "PLAN_CLASSES",
    "esc_readiness_table",
    "phase_note",
    "plan_class_table",
    "plan_overview",
    "priority_list",
]

PLAN_CLASSES: tuple[str, ...] = ("solve", "prevent", "opportunity", "maintain")


def _plan(run: RunParams) -> pd.DataFrame:
    if run.town_id is None:
        msg = "this section needs a town_id"
        raise ValueError(msg)
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
    """Order: solve by relative shortfall, prevent by breach year, then opportunity, maintain."""
    rel = (plan["headline_value"] - plan["latest_value"]).abs() / plan[
        "headline_value"
    ].abs().where(plan["headline_value"] != 0)
    breach = pd.to_numeric(plan["breach_year"], errors="coerce")
    key = pd.Series(0.0, index=plan.index)
    key[plan["plan_class"] == "solve"] = -rel[plan["plan_class"] == "solve"].fillna(0)
    key[plan["plan_class"] == "prevent"] = breach[plan["plan_class"] == "prevent"].fillna(9999)
    cls = plan["plan_class"].map({c: k for k, c in enumerate(PLAN_CLASSES)})
    return (
        plan.assign(_cls=cls, _key=key).sort_values(["_cls", "_key"]).drop(columns=["_cls", "_key"])
    )


@needs_town_data
def plan_overview(run: RunParams) -> HtmlBlock:
    """Count indicators per plan class (solve / prevent / opportunity / maintain) and theme."""
    tr = run.tr
    plan = _plan(run)
    header = [
        tr("report.col.theme"),
        *(tr(f"plan.class.{c}") for c in PLAN_CLASSES),
        tr("report.col.total"),
    ]
    rows = []
    for theme in THEMES:
        sub = plan[plan["theme"] == theme]
        rows.append(
            [
                esc(tr(f"report.themes.{theme}")),
                *(str(int((sub["plan_class"] == c).sum())) for c in PLAN_CLASSES),
                str(len(sub)),
            ]
        )
    rows.append(
        [
            f"<strong>{esc(tr('report.col.total'))}</strong>",
            *(f"<strong>{int((plan['plan_class'] == c).sum())}</strong>" for c in PLAN_CLASSES),
            f"<strong>{len(plan)}</strong>",
        ]
    )
    return table_html(
        header,
        rows,
        caption=tr("report.e.overview_caption"),
        note=synthetic_note(run),
        numeric=(1, 2, 3, 4, 5),
    )


@needs_town_data
def plan_class_table(run: RunParams, plan_class: str) -> HtmlBlock:
    """Show one plan class: heading, definition, indicators by priority with reasons."""
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
    cat = load_catalogue()
    rows = [
        [
            str(k),
            esc(indicator_name(r["indicator_id"], lang)),
            esc(tr(f"report.themes.{r['theme']}")),
            value_mark(
                esc(fmt_number(r["latest_value"])),
                town_id=run.town_id or "",
                indicator_id=str(r["indicator_id"]),
                year=r["latest_year"],
                value=r["latest_value"],
            )
            + f' <span class="unit">{esc(cat.unit_symbol(cat.get(r["indicator_id"]).unit, lang))}</span>'
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
        unit = cat.unit_symbol(ind.unit, lang)
        m = miles[miles["indicator_id"] == r["indicator_id"]].sort_values("phase_start")
        steps = ", ".join(
            esc(
                tr(
                    "report.e.milestone_step",
                    end=fmt_year(x["phase_end"], lang),
                    value="\x00",
                    unit=unit,
                )
            ).replace(
                "\x00",
                value_mark(
                    esc(fmt_number(x["required_value"])),
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
    """Tabulate ASEAN ESC Award readiness per theme: score, rank, shortlist."""
    tr = run.tr
    town_id = run.town_id or ""
    scores = result_table("scores")
    scores = scores.assign(town_id=scores["town_id"].astype(str), theme=scores["theme"].astype(str))
    shortlist = result_table("shortlist")
    short = {
        (str(a), str(b)) for a, b in zip(shortlist["town_id"], shortlist["theme"], strict=True)
    }
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
        ready = (town_id, theme) in short
        rows.append(
            [
                esc(name),
                esc(fmt_number(hit["score"].iloc[0], 0)),
                esc(tr("report.e.rank_of", rank=int(hit["rank"].iloc[0]), n=n_towns)),
                str(fails),
                "—"
                if theme == "overall"
                # a relative criterion (rank among the towns compared): no pass/fail colours
                else f'<span class="shortlist shortlist-{"yes" if ready else "no"}">{esc(tr("report.e.ready" if ready else "report.e.not_ready"))}</span>',
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
    """State the plan period and its 5-year phases (National Strategy B.E. 2561-2580)."""
    tr, lang = run.tr, run.lang
    return paragraph(
        tr("report.e.phase_note", start=fmt_year(2018, lang), end=fmt_year(run.horizon, lang))
    )
