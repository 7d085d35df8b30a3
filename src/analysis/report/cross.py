"""Cross-town page: comparison of all towns and the ASEAN ESC Award screening.

The screening tables read the stored ``esc_eligibility``, ``esc_evidence`` and
``esc_nominees`` results (:mod:`analysis.stats.esc`) and the rules of the current award
round (:mod:`analysis.catalogue.esc`); the relative scores appear only as context.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.catalogue.esc import EscRound, load_rounds, resolved_key_indicators
from analysis.i18n.prose import join_list
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, join, paragraph, table_html
from analysis.report.data import all_analysis, read_towns_cached, result_table
from analysis.report.figure_block import figure
from analysis.report.fmt import esc, fmt_number, fmt_year, place_unit
from analysis.report.params import RunParams
from analysis.report.public import source_html
from analysis.report.sections import LIGHTS, chart_mark, indicator_name, synthetic_note
from analysis.report.valuemark import value_mark

__all__ = [
    "esc_evidence_table",
    "esc_nominee_table",
    "esc_rules_appendix",
    "esc_rules_note",
    "esc_screening_table",
    "status_matrix",
    "town_score_heatmap",
]


def _town_names(lang: str) -> dict[str, str]:
    towns = read_towns_cached()
    col = "name_th" if lang == "th" else "name_en"
    return {str(t): str(n) for t, n in zip(towns["town_id"], towns[col], strict=True)}


def town_score_heatmap(run: RunParams) -> HtmlBlock:
    """Heatmap of relative 0-100 scores per town and theme (ranks, not grades).

    Towns of the registry without indicator data are not compared; a line names them.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        The heatmap figure, and a line naming the towns not compared.
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
    from analysis.report.chartgrid import score_table  # noqa: PLC0415 - imports extend

    fig = figures.score_heatmap(scores, names, tr)
    return join(
        figure(
            fig,
            alt=tr("report.x.heatmap_alt"),
            caption=tr("report.x.heatmap_caption", n=n),
            watermark=chart_mark(run),
            data=score_table(scores, names, run),
        ),
        skipped,
    )


def status_matrix(run: RunParams) -> HtmlBlock:
    """Per town: number of indicators by traffic light, and the latest reported year.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        One row per town: indicators per traffic light and the latest reported year.
    """
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


def _current_round() -> EscRound:
    """Return the latest award round with a rules file (the one the page screens against)."""
    return list(load_rounds().values())[-1]


def _round_rows(name: str, rnd: EscRound) -> pd.DataFrame:
    table = result_table(name)
    table = table.loc[table["round_id"].astype(str) == rnd.id]
    return table.assign(
        town_id=table["town_id"].astype(str), category=table["category"].astype(str)
    )


def _source(text: str, lang: str) -> str:
    return source_html(text, lang)


def _evidence_cell(row: pd.Series, run: RunParams) -> str:
    """Return a key indicator's evidence: code, marked value with unit and year, band."""
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    head = esc(str(row["item"]))
    if row["evidence"] == "not_in_catalogue":
        return f"{head}: {esc(tr('esc.not_in_catalogue'))}"
    if row["evidence"] == "no_data":
        return f"{head}: {esc(tr('esc.no_data'))}"
    indicator_id = str(row["indicator_id"])
    shown = (
        value_mark(
            place_unit(
                esc(fmt_number(row["latest_value"])),
                cat.get(indicator_id).unit,
                lang,
                catalogue=cat,
                html=True,
            ),
            town_id=str(row["town_id"]),
            indicator_id=indicator_id,
            year=row["latest_year"],
            value=row["latest_value"],
        )
        + f" ({esc(fmt_year(int(row['latest_year']), lang))})"
    )
    if row["role"] == "context":
        return f"{esc(indicator_name(indicator_id, lang))} {shown}: {esc(tr('esc.context_row'))}"
    band = (
        tr("esc.band_of", band=int(row["band"]), n=int(row["n_bands"]), label=row["band_label"])
        if pd.notna(row["band"])
        else tr("esc.outside_bands")
    )
    return f"{head} {shown}: {esc(band)}"


def _round_name(rnd: EscRound, lang: str) -> str:
    return rnd.name_th if lang == "th" else rnd.name_en


def esc_rules_note(run: RunParams) -> HtmlBlock:
    """State the round screened against: what the rules are, size classes, quota, sources.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        Paragraphs naming the round, its size classes, quota and sources.
    """
    tr, lang = run.tr, run.lang
    rnd = _current_round()
    small = next(c for c in rnd.size_classes if c.id == "small")
    big = next(c for c in rnd.size_classes if c.id == "big")
    q = rnd.quota
    quota_note = q.note_th if lang == "th" else q.note_en
    return join(
        paragraph(tr("esc.rules_intro", round=_round_name(rnd, lang))),
        paragraph(
            tr(
                "esc.rules_classes",
                small_lo=fmt_number(small.lower),
                small_hi=fmt_number(small.upper),
                big_lo=fmt_number(big.lower),
                big_hi=fmt_number(big.upper),
                reliability=tr(f"esc.reliability.{small.reliability}"),
            )
        ),
        paragraph(
            esc(
                tr(
                    "esc.rules_quota",
                    esc=q.esc_award,
                    cor=q.cor_total,
                    per=q.cor_per_category_and_class,
                    reliability=tr(f"esc.reliability.{q.reliability}"),
                )
            )
            + (f" {esc(quota_note)}" if quota_note else ""),
            trusted=True,
        ),
        paragraph(tr("esc.rules_weights"), css_class="method"),
        paragraph(
            # the template ends with {source}: the escaped text, then the source's markup
            esc(tr("esc.rules_source", source="")).rstrip() + " " + _source(rnd.source, lang),
            trusted=True,
        ),
    )


def esc_nominee_table(run: RunParams) -> HtmlBlock:
    """Nominees proposed under the round's quota from the answer bands, with the evidence.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        The nominees per category under the round's quota, with the answer bands behind them,
        and a line on how they were chosen.
    """
    tr, lang = run.tr, run.lang
    rnd = _current_round()
    nominees = _round_rows("esc_nominees", rnd)
    evidence = _round_rows("esc_evidence", rnd)
    elig = _round_rows("esc_eligibility", rnd)
    names = _town_names(lang)
    n_towns = int(result_table("scores")["town_id"].nunique())
    esc_line = (
        paragraph(tr("esc.no_esc_nominee"))
        if not (nominees["award"].astype(str) == "esc").any()
        else ""
    )
    if nominees.empty:
        return join(paragraph(tr("esc.no_nominee", round=_round_name(rnd, lang))), esc_line)
    order = {c.id: i for i, c in enumerate(rnd.categories)}
    nominees = nominees.assign(_o=nominees["category"].map(order)).sort_values(
        ["_o", "size_class", "candidate_rank"], kind="stable"
    )
    rows = []
    for _, n in nominees.iterrows():
        town, category = str(n["town_id"]), str(n["category"])
        ev = evidence.loc[(evidence["town_id"] == town) & (evidence["category"] == category)]
        key = ev.loc[ev["role"].astype(str) == "key"]
        shown = key.loc[key["evidence"].astype(str) != "not_in_catalogue"]
        collect = key.loc[key["evidence"].astype(str) == "not_in_catalogue", "item"].astype(str)
        ctx = elig.loc[(elig["town_id"] == town) & (elig["category"] == category)].iloc[0]
        theme = str(ctx["context_theme"])
        theme_name = tr(f"report.themes.{theme}") if theme != "overall" else tr("report.x.overall")
        rank = (
            tr("esc.rank_of", theme=theme_name, rank=int(ctx["context_rank"]), n=n_towns)
            if pd.notna(ctx["context_rank"])
            else "—"
        )
        rows.append(
            [
                esc(tr(f"esc.category.{category}")),
                esc(tr(f"esc.size_class.{n['size_class']}")),
                esc(names.get(town, town)),
                esc(tr(f"esc.reason.{n['reason']}")),
                "<br>".join(_evidence_cell(r, run) for _, r in shown.iterrows()),
                esc(join_list(list(collect), tr)) if len(collect) else "—",
                f'<span class="context">{esc(rank)}</span>',
            ]
        )
    return join(
        table_html(
            [
                tr("esc.col_award"),
                tr("esc.col_size_class"),
                tr("report.col.town"),
                tr("esc.col_proposal"),
                tr("esc.col_evidence"),
                tr("esc.col_to_collect"),
                tr("esc.col_context_rank"),
            ],
            rows,
            caption=tr(
                "esc.nominee_caption",
                round=_round_name(rnd, lang),
                esc=rnd.quota.esc_award,
                cor=rnd.quota.cor_total,
            ),
            note=synthetic_note(run),
            css_class="report-table esc-table",
        ),
        esc_line,
    )


def esc_screening_table(run: RunParams) -> HtmlBlock:
    """Per town: population, size class and the screening status in every category.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        One row per town: population, size class and the screening status per category.
    """
    tr, lang = run.tr, run.lang
    rnd = _current_round()
    elig = _round_rows("esc_eligibility", rnd)
    names = _town_names(lang)
    rows = []
    for town in sorted(elig["town_id"].unique(), key=lambda t: names.get(t, t)):
        sub = elig.loc[elig["town_id"] == town].set_index("category")
        first = sub.iloc[0]
        pop = (
            f"{esc(fmt_number(first['population']))} ({esc(fmt_year(int(first['population_year']), lang))})"
            if pd.notna(first["population"]) and pd.notna(first["population_year"])
            else "—"
        )
        statuses = [str(sub.loc[c.id, "status"]) for c in rnd.categories]
        cells = [
            f'<span class="esc-status esc-{esc(st)}">{esc(tr(f"esc.status.{st}"))}</span>'
            for st in statuses
        ]
        rows.append(
            [
                esc(names.get(town, town)),
                pop,
                esc(tr(f"esc.size_class.{first['size_class']}")),
                *cells,
            ]
        )
    return table_html(
        [
            tr("report.col.town"),
            tr("esc.col_population"),
            tr("esc.col_size_class"),
            *(tr(f"esc.category.{c.id}") for c in rnd.categories),
        ],
        rows,
        caption=tr("esc.screening_caption", round=_round_name(rnd, lang)),
        note=esc(tr("esc.screening_note")),
        numeric=(1,),
        css_class="report-table esc-table",
    )


def esc_evidence_table(run: RunParams) -> HtmlBlock:
    """Evidence per town and key (or context) indicator: latest stored value and its band.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        One row per town and key or context indicator of the current round: latest
        stored value, its year and band; a note names the items the catalogue has no
        indicator for.
    """
    tr, lang = run.tr, run.lang
    rnd = _current_round()
    evidence = _round_rows("esc_evidence", rnd)
    names = _town_names(lang)
    shown = evidence.loc[evidence["evidence"].astype(str) != "not_in_catalogue"]
    order = {c.id: i for i, c in enumerate(rnd.categories)}
    shown = shown.assign(_o=shown["category"].map(order), _n=shown["town_id"].map(names))
    shown = shown.sort_values(["_o", "role", "item", "_n"], kind="stable")
    rows = [
        [
            esc(tr(f"esc.category.{r['category']}")),
            esc(names.get(str(r["town_id"]), str(r["town_id"]))),
            _evidence_cell(r, run),
        ]
        for _, r in shown.iterrows()
    ]
    missing = sorted(
        set(
            evidence.loc[evidence["evidence"].astype(str) == "not_in_catalogue", "item"].astype(str)
        )
    )
    note = esc(tr("esc.evidence_missing", items=join_list(missing, tr))) if missing else ""
    return table_html(
        [tr("esc.col_award"), tr("report.col.town"), tr("esc.col_evidence")],
        rows,
        caption=tr("esc.evidence_caption", round=_round_name(rnd, lang)),
        note=" ".join(x for x in (note, synthetic_note(run)) if x),
        css_class="report-table esc-table",
    )


def esc_rules_appendix(run: RunParams) -> HtmlBlock:
    """Tabulate the round's rules file: categories and criteria, key indicators, bands.

    Parameters
    ----------
    run : RunParams
        Validated parameters (the cross-town page: no town).

    Returns
    -------
    HtmlBlock
        Tables of the round's categories and criteria, key indicators and their answer bands.
    """
    tr, lang = run.tr, run.lang
    rounds = load_rounds()
    rnd = _current_round()
    cat = load_catalogue()
    cat_rows = []
    blocks: list[HtmlBlock | str] = []
    for c in rnd.categories:
        if c.criteria == "earlier_round":
            criteria = tr(
                "esc.criteria.earlier_round",
                round=fmt_year(rounds[str(c.criteria_round)].year, lang),
            )
        else:
            criteria = tr(f"esc.criteria.{c.criteria}")
        cat_rows.append(
            [
                esc(tr(f"esc.category.{c.id}")),
                esc(tr(f"esc.award.{c.award}")),
                esc(criteria),
                _source(c.source, lang),
                esc(tr(f"esc.reliability.{c.reliability}")),
            ]
        )
        keys = resolved_key_indicators(rounds, c)
        if keys:
            key_rows = [
                [
                    esc(k.code),
                    esc(k.name_th if lang == "th" else k.name_en),
                    esc(cat.unit_symbol(k.unit, lang)),
                    esc("; ".join(b.label for b in k.bands)),
                    (
                        esc(indicator_name(k.indicator_id, lang))
                        + f" ({esc(tr(f'esc.match.{k.match}'))})"
                        if k.indicator_id
                        else esc(tr("esc.not_in_catalogue"))
                    )
                    + (
                        f"<br>{esc(k.match_note_th if lang == 'th' else k.match_note_en)}"
                        if k.match_note_en
                        else ""
                    ),
                    _source(k.source, lang) + f" ({esc(tr(f'esc.reliability.{k.reliability}'))})",
                ]
                for k in keys
            ]
            blocks.append(
                table_html(
                    [
                        tr("esc.col_key"),
                        tr("report.col.indicator"),
                        tr("esc.col_unit"),
                        tr("esc.col_bands"),
                        tr("esc.col_indicator"),
                        tr("esc.col_source"),
                    ],
                    key_rows,
                    caption=tr("esc.keys_caption", category=tr(f"esc.category.{c.id}")),
                    css_class="report-table esc-table",
                )
            )
    ctx_rows = [
        [
            esc(tr(f"esc.category.{c.id}")),
            esc(indicator_name(x.indicator_id, lang)),
            esc(x.note_th if lang == "th" else x.note_en),
            _source(x.source, lang) + f" ({esc(tr(f'esc.reliability.{x.reliability}'))})",
        ]
        for c in rnd.categories
        for x in c.context_indicators
    ]
    if ctx_rows:
        blocks.append(
            table_html(
                [
                    tr("esc.col_award"),
                    tr("esc.col_indicator"),
                    tr("esc.col_note"),
                    tr("esc.col_source"),
                ],
                ctx_rows,
                caption=tr("esc.context_caption"),
                css_class="report-table esc-table",
            )
        )
    others = [fmt_year(r.year, lang) for r in rounds.values() if r.id != rnd.id]
    return join(
        table_html(
            [
                tr("esc.col_award"),
                tr("esc.col_award_kind"),
                tr("esc.col_criteria"),
                tr("esc.col_source"),
                tr("esc.col_reliability"),
            ],
            cat_rows,
            caption=tr("esc.rules_caption", round=_round_name(rnd, lang)),
            css_class="report-table esc-table",
        ),
        *blocks,
        paragraph(tr("esc.green_types")),
        paragraph(tr("esc.other_rounds", rounds=join_list(others, tr))) if others else "",
    )
