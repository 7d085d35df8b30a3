"""Cross-town page: comparison of all towns and the ASEAN ESC Award shortlist."""

from __future__ import annotations

from analysis.catalogue import load_catalogue
from analysis.i18n.prose import join_list
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, figure, join, paragraph, table_html
from analysis.report.data import all_analysis, read_towns_cached, result_table
from analysis.report.fmt import esc, fmt_number, fmt_year
from analysis.report.params import RunParams
from analysis.report.sections import LIGHTS, chart_mark, indicator_name, synthetic_note
from analysis.report.valuemark import value_mark

__all__ = ["shortlist_table", "status_matrix", "town_score_heatmap"]


def _town_names(lang: str) -> dict[str, str]:
    towns = read_towns_cached()
    col = "name_th" if lang == "th" else "name_en"
    return {str(t): str(n) for t, n in zip(towns["town_id"], towns[col], strict=True)}


def town_score_heatmap(run: RunParams) -> HtmlBlock:
    """Heatmap of relative 0-100 scores per town and theme (ranks, not grades).

    Towns of the registry without indicator data are not compared; a line names them.
    """
    tr = run.tr
    scores = result_table("scores")
    names = _town_names(run.lang)
    compared = {str(t) for t in scores["town_id"].astype(str).unique()}
    n = len(compared)
    missing = [names[t] for t in sorted(names, key=lambda t: names[t]) if t not in compared]
    skipped = (
        paragraph(tr("report.x.not_compared", names=join_list(missing, tr))) if missing else ""
    )
    if not n:
        return join(skipped)
    fig = figures.score_heatmap(scores, names, tr)
    return join(
        figure(
            fig,
            alt=tr("report.x.heatmap_alt"),
            caption=tr("report.x.heatmap_caption", n=n),
            watermark=chart_mark(run),
        ),
        skipped,
    )


def status_matrix(run: RunParams) -> HtmlBlock:
    """Per town: number of indicators by traffic light, and the latest reported year."""
    tr, lang = run.tr, run.lang
    latest = all_analysis(run.horizon).latest_status
    latest = latest.assign(town_id=latest["town_id"].astype(str))
    names = _town_names(lang)
    rows = []
    for town_id in sorted(latest["town_id"].unique(), key=lambda t: names.get(t, t)):
        sub = latest[latest["town_id"] == town_id]
        rows.append(
            [
                esc(names.get(town_id, town_id)),
                *(
                    f'<span class="light light-{x}" aria-hidden="true"></span>{int((sub["light"] == x).sum())}'
                    for x in LIGHTS
                ),
                esc(fmt_year(int(sub["latest_year"].max()), lang)),
            ]
        )
    return table_html(
        [
            tr("report.col.town"),
            *(tr(f"report.status.{x}") for x in LIGHTS),
            tr("report.x.col_latest"),
        ],
        rows,
        caption=tr("report.x.status_caption"),
        note=synthetic_note(run),
        numeric=(1, 2, 3, 4, 5),
    )


def shortlist_table(run: RunParams) -> HtmlBlock:
    """ASEAN ESC Award shortlist per theme with the evidence indicators."""
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    short = result_table("shortlist")
    if short.empty:
        return paragraph(tr("report.x.shortlist_empty"))
    names = _town_names(lang)
    rows = []
    for (theme, town_id), group in short.groupby(["theme", "town_id"], sort=False, observed=True):
        grp = group.sort_values("indicator_score", ascending=False)
        evidence = esc(tr("report.list_sep")).join(
            esc(indicator_name(str(r["indicator_id"]), lang))
            + " "
            + value_mark(
                esc(fmt_number(r["latest_value"])),
                town_id=str(town_id),
                indicator_id=str(r["indicator_id"]),
                year=r["latest_year"],
                value=r["latest_value"],
            )
            + " "
            + esc(cat.unit_symbol(cat.get(str(r["indicator_id"])).unit, lang))
            for _, r in grp.iterrows()
        )
        first = grp.iloc[0]
        rows.append(
            [
                esc(tr(f"report.themes.{theme}")),
                str(int(first["theme_rank"])),
                esc(names.get(str(town_id), str(town_id))),
                esc(fmt_number(first["theme_score"], 0)),
                evidence,
            ]
        )
    return table_html(
        [
            tr("report.col.theme"),
            tr("report.e.col_rank"),
            tr("report.col.town"),
            tr("report.e.col_score"),
            tr("report.x.col_evidence"),
        ],
        rows,
        caption=tr("report.x.shortlist_caption"),
        note=synthetic_note(run),
        numeric=(1, 3),
        css_class="report-table shortlist-table",
    )
