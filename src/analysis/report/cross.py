"""Cross-town page: comparison of all towns and the ASEAN ESC Award shortlist."""

from __future__ import annotations

from analysis.catalogue import load_catalogue
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, figure, paragraph, table_html
from analysis.report.data import all_analysis, read_indicators_cached, read_towns_cached
from analysis.report.fmt import esc, fmt_number, fmt_year
from analysis.report.params import RunParams
from analysis.report.sections import LIGHTS, indicator_name, synthetic_note

__all__ = ["shortlist_table", "status_matrix", "town_score_heatmap"]


def _town_names(lang: str) -> dict[str, str]:
    towns = read_towns_cached()
    col = "name_th" if lang == "th" else "name_en"
    return {str(t): str(n) for t, n in zip(towns["town_id"], towns[col], strict=True)}


def _indicators():
    cat = load_catalogue()
    ind = read_indicators_cached()
    return ind[ind["indicator_id"].isin(cat.ids)], cat


def town_score_heatmap(run: RunParams) -> HtmlBlock:
    """Heatmap of normalised 0-100 scores per town and theme."""
    from analysis.stats.summary import town_scores  # noqa: PLC0415

    tr = run.tr
    ind, cat = _indicators()
    fig = figures.score_heatmap(town_scores(ind, cat), _town_names(run.lang), tr)
    return figure(fig, alt=tr("report.x.heatmap_alt"), caption=tr("report.x.heatmap_caption"))


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
    from analysis.stats.ranking import esc_shortlist  # noqa: PLC0415

    tr, lang = run.tr, run.lang
    ind, cat = _indicators()
    short = esc_shortlist(ind, cat, latest=all_analysis(run.horizon).latest_status)
    if short.empty:
        return paragraph(tr("report.x.shortlist_empty"))
    names = _town_names(lang)
    rows = []
    for (theme, town_id), group in short.groupby(["theme", "town_id"], sort=False, observed=True):
        grp = group.sort_values("indicator_score", ascending=False)
        evidence = tr("report.list_sep").join(
            f"{indicator_name(str(r['indicator_id']), lang)} {fmt_number(r['latest_value'])}"
            f" {cat.unit_symbol(cat.get(str(r['indicator_id'])).unit, lang)}"
            for _, r in grp.iterrows()
        )
        first = grp.iloc[0]
        rows.append(
            [
                esc(tr(f"report.themes.{theme}")),
                str(int(first["theme_rank"])),
                esc(names.get(str(town_id), str(town_id))),
                esc(fmt_number(first["theme_score"], 0)),
                esc(evidence),
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
