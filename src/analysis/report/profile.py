"""Appendix A (ภาคผนวก ก): town profile and data inventory."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report import figures
from analysis.report.blocks import HtmlBlock, data_span, join, paragraph, table_html
from analysis.report.data import town_record, town_rejected
from analysis.report.figure_block import figure
from analysis.report.fmt import esc, fmt_number, fmt_quantity, fmt_year, fmt_year_range
from analysis.report.params import RunParams, town_params
from analysis.report.public import public_rows, source_html
from analysis.report.sections import chart_mark, indicator_name, rows_for, synthetic_note
from analysis.report.versions import source_years

__all__ = [
    "coverage_heatmap",
    "data_gaps",
    "profile_table",
    "quality_table",
    "rejected_table",
    "sources_table",
]


def _need_town(run: RunParams) -> str:
    return town_params(run, "this appendix A section").town_id


def profile_table(run: RunParams) -> HtmlBlock:
    """Name, local-government type, location, population and area, each with its source.

    Empty registry values are shown as "not published" (never as 0 or blank).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per field with its value and source.
    """
    tr, lang = run.tr, run.lang
    rec = town_record(_need_town(run))
    missing = f'<span class="muted">{esc(tr("report.not_published"))}</span>'

    def src(column: str) -> str:
        value = rec.get(column)
        return source_html(value, lang) if value is not None else missing

    gov_key = rec.get("local_gov_type")
    gov = (
        tr(f"report.gov_type.{gov_key}")
        if gov_key and tr.has(f"report.gov_type.{gov_key}")
        else None
    )
    pop, pop_year = rec.get("population"), rec.get("population_year")
    area = rec.get("area_km2")
    lat, lon = rec.get("lat"), rec.get("lon")
    location = tr(
        "report.a.f_location_value",
        tambon=str(rec.get(f"tambon_{lang}") or ""),
        district=str(rec.get(f"district_{lang}") or ""),
        province=str(rec.get(f"province_{lang}") or ""),
    )
    rows = [
        [esc(tr("report.a.f_name")), data_span(rec.name(lang)), missing],
        [
            esc(tr("report.a.f_type")),
            esc(gov) if gov else data_span(gov_key or "") or missing,
            missing,
        ],
        [
            esc(tr("report.a.f_location")),
            f'{esc(location)} <span class="muted">({data_span(rec.get("tambon_pcode"))})</span>',
            missing,
        ],
        [
            esc(tr("report.a.f_population")),
            esc(
                tr(
                    "report.a.f_population_value",
                    value=fmt_number(pop),
                    year=fmt_year(pop_year, lang),
                )
            )
            if pop is not None
            else missing,
            src("population_source") if pop is not None else missing,
        ],
        [
            esc(tr("report.a.f_area")),
            esc(tr("report.a.f_area_value", value=fmt_number(area, 2)))
            if area is not None
            else missing,
            src("area_source") if area is not None else missing,
        ],
        *_analysis_area_rows(_need_town(run), run),
        [
            esc(tr("report.a.f_point")),
            esc(f"{fmt_number(lat, 4)}, {fmt_number(lon, 4)}")
            if lat is not None and lon is not None
            else missing,  # type: ignore[arg-type]
            src("point_source"),
        ],
    ]
    rows[0][2] = esc(tr("report.a.registry_source"))
    rows[1][2] = esc(tr("report.a.registry_source"))
    rows[2][2] = esc(tr("report.map.attribution"))
    return table_html(
        [tr("report.a.field"), tr("report.a.value"), tr("report.a.source")],
        rows,
        caption=tr("report.a.profile_caption"),
        css_class="report-table profile-table",
    )


def _analysis_area_rows(town_id: str | None, run: RunParams) -> list[list[str]]:
    """Return the profile row of the area appendix D is computed on (none if unknown)."""
    from analysis.report.green_area import analysis_area_summary  # noqa: PLC0415

    found = analysis_area_summary(str(town_id), run.lang) if town_id else None
    if found is None:
        return []
    km2, label = found
    tr = run.tr
    return [
        [
            esc(tr("report.a.f_analysis_area")),
            esc(tr("report.a.f_area_value", value=fmt_number(km2, 2))),
            esc(label),
        ]
    ]


def coverage_heatmap(run: RunParams) -> HtmlBlock:
    """Heatmap of the years with data, indicator x year.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    HtmlBlock
        The figure with alt text and caption.
    """
    tr = run.tr
    from analysis.report.chartgrid import coverage_table  # noqa: PLC0415 - imports extend

    rows = rows_for(run)
    fig = figures.coverage_heatmap(rows, load_catalogue(), tr)
    return figure(
        fig,
        alt=tr("report.a.coverage_alt"),
        caption=tr("report.a.coverage_caption"),
        watermark=chart_mark(run),
        data=coverage_table(rows, run),
    )


def sources_table(run: RunParams) -> HtmlBlock:
    """Every data source of the page with its years, indicator count and row count.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    HtmlBlock
        One row per source as the reader sees it.
    """
    tr, lang = run.tr, run.lang
    src = source_years(public_rows(rows_for(run), lang))
    rows = [
        [
            str(r["source"]),  # reader's HTML (analysis.report.public.source_html)
            str(int(r["n_indicators"])),
            esc(fmt_year_range(r["first_year"], r["last_year"], lang)),
            fmt_number(r["n_rows"]),
            esc(tr("report.answer_yes" if r["is_synthetic"] else "report.answer_no")),
        ]
        for _, r in src.iterrows()
    ]
    return table_html(
        [
            tr("report.a.col_source"),
            tr("report.a.col_indicators"),
            tr("report.a.col_years"),
            tr("report.a.col_rows"),
            tr("report.a.col_synthetic"),
        ],
        rows,
        caption=tr("report.a.sources_caption"),
        note=synthetic_note(run),
        numeric=(1, 2, 3),
    )


def data_gaps(indicators: pd.DataFrame) -> pd.DataFrame:
    """Missing years inside each indicator's reported period.

    Parameters
    ----------
    indicators : pandas.DataFrame
        One town's rows (``indicator_id, year``).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, first_year, last_year, n_years, n_missing, missing_years``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"indicator_id": ["x"] * 3, "year": [2010, 2011, 2014]})
    >>> row = data_gaps(df).iloc[0]
    >>> int(row["n_missing"]), row["missing_years"]
    (2, [2012, 2013])
    """
    rows = []
    for ind_id, grp in indicators.groupby(indicators["indicator_id"].astype(str), sort=False):
        years = sorted(int(y) for y in grp["year"].unique())
        gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        rows.append(
            {
                "indicator_id": ind_id,
                "first_year": years[0],
                "last_year": years[-1],
                "n_years": len(years),
                "n_missing": len(gaps),
                "missing_years": gaps,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "first_year",
            "last_year",
            "n_years",
            "n_missing",
            "missing_years",
        ],
    )


def quality_table(run: RunParams) -> HtmlBlock:
    """Data-quality flags: gaps, indicators without data, synthetic rows, rejected raw rows.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per flag with its count or share.
    """
    tr, lang = run.tr, run.lang
    town_id = _need_town(run)
    rows_df = rows_for(run)
    cat = load_catalogue()
    gaps = data_gaps(rows_df)
    n_missing = int(gaps["n_missing"].sum())
    expected = int(gaps["n_missing"].sum() + gaps["n_years"].sum())
    share = fmt_quantity(100 * n_missing / expected if expected else 0, "percent", lang, 1)
    with_gaps = gaps[gaps["n_missing"] > 0]
    gap_detail = "; ".join(
        f"{indicator_name(r['indicator_id'], lang)} ({', '.join(fmt_year(y, lang) for y in r['missing_years'])})"
        for _, r in with_gaps.iterrows()
    )
    gap_text = (
        tr("report.a.q_gaps_value", n=n_missing, share=share)
        + (f": {gap_detail}" if gap_detail else "")
        if n_missing
        else tr("report.a.q_gaps_none")
    )
    absent = [i for i in cat.ids if i not in set(rows_df["indicator_id"].astype(str))]
    absent_text = tr("report.list_sep").join(indicator_name(i, lang) for i in absent) or tr(
        "report.a.q_none"
    )
    n_syn = int(rows_df["is_synthetic"].sum()) if not rows_df.empty else 0
    rejected = town_rejected(town_id)
    n_rejected = _row_count(rejected[rejected["attributed"]])
    rows = [
        [esc(tr("report.a.q_gaps")), esc(gap_text)],
        [esc(tr("report.a.q_missing_ind")), esc(absent_text)],
        [
            esc(tr("report.a.q_synthetic")),
            esc(
                tr(
                    "report.a.q_synthetic_value",
                    n=fmt_number(n_syn),
                    total=fmt_number(len(rows_df)),
                )
            ),
        ],
        [
            esc(tr("report.a.q_rejected")),
            esc(
                tr("report.a.q_rejected_value", n=fmt_number(n_rejected))
                if n_rejected
                else tr("report.a.q_rejected_none")
            ),
        ],
    ]
    return table_html(
        [tr("report.a.col_check"), tr("report.a.col_result")],
        rows,
        caption=tr("report.a.quality_caption"),
        css_class="report-table quality-table",
    )


def rejected_table(run: RunParams) -> HtmlBlock:
    """Summary of the town's raw rows that ingest rejected: counts and reasons per file.

    Rows are attributed to the town they were resolved to, not by file name; rows whose
    town could not be read are counted per file. No cell text is published (a rejected
    cell or footnote can hold a person's name or phone number): the full list stays in
    ``data/processed/rejected.csv``.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per file with its rejected rows and reasons, or a line that none were rejected.
    """
    tr = run.tr
    rejected = town_rejected(_need_town(run))
    if rejected.empty:
        return paragraph(tr("report.a.rejected_none"), css_class="muted")
    rows = []
    for file, group in rejected.groupby("source_file", sort=True):
        mine = group[group["attributed"]]
        counts = group["code"].astype(str).value_counts()
        reasons = tr("report.list_sep").join(
            f"{_reason_label(run, str(code))} ({fmt_number(int(n))})"
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        rows.append(
            [
                data_span(str(file)),
                esc(fmt_number(_row_count(mine))),
                esc(fmt_number(_row_count(group[~group["attributed"]]))),
                esc(reasons),
            ]
        )
    return join(
        table_html(
            [
                tr("report.a.col_file"),
                tr("report.a.col_rejected_town"),
                tr("report.a.col_rejected_unresolved"),
                tr("report.a.col_reasons"),
            ],
            rows,
            caption=tr("report.a.rejected_heading"),
            note=esc(tr("report.a.rejected_privacy")),
            numeric=(1, 2),
        )
    )


def _row_count(rejected: pd.DataFrame) -> int:
    """Count distinct rejected rows (a problem with a whole file or sheet counts once)."""
    return int(rejected[["file", "row"]].drop_duplicates().shape[0])


def _reason_label(run: RunParams, code: str) -> str:
    """Name a reason category in the page language (a generic label when it has none)."""
    key = f"report.a.reject_code.{code}"
    return run.tr(key) if code and run.tr.has(key) else run.tr("report.a.reject_code_other")
