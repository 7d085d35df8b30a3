"""One cross-town page per indicator: every town's values, latest status and trend.

Written by ``ecoplan site`` (:func:`analysis.site.index.build_site`) under
``reports/site/indicators/<lang>/``::

    <indicator>.html   a chart of every town's reported values, a table of each town's
                       latest value, its status against the decisive yardstick and its
                       trend (each town linked to its own indicator page), and the
                       indicator's metadata and standards
    <indicator>.csv    exactly the table's numbers (Thai headers and Buddhist Era years on
                       the Thai page)

Like the town indicator pages, nothing is computed here: latest values and statuses come
from the results ``latest`` table, the trend from ``trend`` and the drawn points from
``values``; every value is marked with :func:`analysis.report.valuemark.value_mark`, so the
one-truth test covers these pages too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.catalogue import Catalogue, Indicator, load_catalogue
from analysis.i18n import LANGS, get_translator
from analysis.paths import ProjectPaths
from analysis.report.fmt import esc, fmt_value, fmt_year
from analysis.report.nav import PageRef, href, site_path
from analysis.report.neutralise import csv_text
from analysis.report.valuemark import value_mark
from analysis.site.pages import built_towns, write_page_and_csv
from analysis.store.publish import OutputWriter

__all__ = [
    "MAX_LINES",
    "national_page_ids",
    "national_rows",
    "national_table_csv",
    "write_national_indicator_pages",
]

#: Above this many towns the chart shows the median and the middle half of towns per year
#: instead of one line per town (a chart of 7,000 lines says nothing).
MAX_LINES = 12


def _town_names(towns: pd.DataFrame, lang: str) -> dict[str, str]:
    col = f"name_{lang}"
    out: dict[str, str] = {}
    for rec in towns.to_dict("records"):
        tid = str(rec["town_id"])
        name = rec.get(col)
        out[tid] = str(name) if isinstance(name, str) and name.strip() else tid
    return out


def national_rows(
    tables: dict[str, pd.DataFrame], indicator_id: str, town_ids: Sequence[str]
) -> pd.DataFrame:
    """Return one row per town with a stored value of ``indicator_id`` (latest and trend).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Stored results: at least ``latest`` and ``trend``.
    indicator_id : str
        The indicator.
    town_ids : sequence of str
        Towns to include (those whose pages were built), in any order.

    Returns
    -------
    pandas.DataFrame
        Columns ``town_id, latest_year, latest_value, headline_pass, headline_name_th,
        headline_name_en, change``, sorted by town id; towns without a latest value are left
        out.
    """
    latest = tables["latest"]
    keep = latest["indicator_id"].astype(str).eq(indicator_id) & latest["town_id"].astype(str).isin(
        set(town_ids)
    )
    rows = latest.loc[
        keep,
        [
            "town_id",
            "latest_year",
            "latest_value",
            "headline_pass",
            "headline_name_th",
            "headline_name_en",
        ],
    ].copy()
    rows["town_id"] = rows["town_id"].astype(str)
    rows = rows[rows["latest_value"].notna()]
    trend = tables["trend"]
    trend = trend[trend["indicator_id"].astype(str) == indicator_id]
    change = dict(zip(trend["town_id"].astype(str), trend["change"].astype(str), strict=True))
    rows["change"] = [change.get(town, "insufficient") for town in rows["town_id"]]
    return rows.sort_values("town_id").reset_index(drop=True)


def national_page_ids(tables: dict[str, pd.DataFrame], town_ids: Sequence[str]) -> set[str]:
    """Return the indicators that get a cross-town page (a latest value in a built town).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Stored results: at least ``latest``.
    town_ids : sequence of str
        The towns whose pages were built.

    Returns
    -------
    set of str
        Indicator ids; the town indicator pages link the cross-town page only for these.
    """
    latest = tables["latest"]
    keep = latest["town_id"].astype(str).isin(set(town_ids)) & latest["latest_value"].notna()
    return set(latest.loc[keep, "indicator_id"].astype(str))


def _status_word(passes: object, lang: str) -> str:
    tr = get_translator(lang)
    if passes is None or pd.isna(passes):
        return tr("site.national.no_yardstick")
    return tr("site.indicator.passes" if bool(passes) else "site.indicator.fails")


def _trend_word(change: str, lang: str) -> str:
    tr = get_translator(lang)
    known = {"improving", "worsening", "no_trend"}
    return tr(f"plan.trend.{change if change in known else 'insufficient'}")


def national_table_csv(rows: pd.DataFrame, names: dict[str, str], lang: str, unit: str) -> str:
    """Return the CSV of a cross-town indicator table (the numbers the page shows).

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`national_rows`.
    names : dict of str to str
        Town names in ``lang``.
    lang : {"th", "en"}
        Headers and words in this language; Thai files give Buddhist Era years.
    unit : str
        Unit symbol written in every row.

    Returns
    -------
    str
        CSV text with a header row.
    """
    tr = get_translator(lang)
    cols = ("town", "year", "value", "unit", "status", "trend")
    records = [
        [
            names.get(rec["town_id"], rec["town_id"]),
            fmt_year(rec["latest_year"], lang),
            rec["latest_value"],
            unit,
            _status_word(rec["headline_pass"], lang),
            _trend_word(str(rec["change"]), lang),
        ]
        for rec in rows.to_dict("records")
    ]
    out = pd.DataFrame(records, columns=[tr(f"site.national.csv.{c}") for c in cols])
    return csv_text(out)  # town names are data: formula-like text made inert


def _chart(
    values: pd.DataFrame,
    names: dict[str, str],
    *,
    lang: str,
    title: str,
    unit: str,
    mark: str,
    unit_key: str = "",
) -> str:
    """Return the chart block: one line per town, or the median and middle half per year.

    The y-axis follows the report's rule (:func:`analysis.report.figures.value_axis`, by
    the catalogue ``unit_key``); a folded table under the chart gives the values drawn.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415
    import seaborn as sns  # noqa: PLC0415

    from analysis.report.blocks import chart_data  # noqa: PLC0415
    from analysis.report.extend import page_table  # noqa: PLC0415
    from analysis.report.figure_block import figure  # noqa: PLC0415
    from analysis.report.figures import axis_note, value_axis  # noqa: PLC0415
    from analysis.report.params import RunParams  # noqa: PLC0415
    from analysis.style import be_year_formatter, use_report_style  # noqa: PLC0415

    use_report_style()
    tr = get_translator(lang)
    obs = values.dropna(subset=["year", "value"]).sort_values(["town_id", "year"])
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    towns = list(dict.fromkeys(obs["town_id"].astype(str)))
    if len(towns) <= MAX_LINES:
        colours = sns.color_palette("colorblind", len(towns))
        markers = "osD^v<>ph*XP"
        for i, town in enumerate(towns):
            part = obs[obs["town_id"].astype(str) == town]
            ax.plot(
                part["year"],
                part["value"],
                marker=markers[i % len(markers)],
                markersize=3.5,
                linewidth=1.2,
                color=colours[i],
                label=names.get(town, town),
            )
        alt = tr("site.national.chart_alt_lines", name=title, n=len(towns))
        drawn = obs.assign(town=[names.get(str(t), str(t)) for t in obs["town_id"]]).pivot_table(
            index="year", columns="town", values="value", sort=False
        )
        drawn = drawn.reindex(columns=[names.get(t, t) for t in towns]).reset_index()
        headers = {c: str(c) for c in drawn.columns if c != "year"}
    else:
        q = obs.groupby("year")["value"].agg(
            lo=lambda v: v.quantile(0.25), mid="median", hi=lambda v: v.quantile(0.75)
        )
        ax.fill_between(q.index, q["lo"], q["hi"], color="#9ecae1", alpha=0.6, linewidth=0)
        ax.plot(q.index, q["mid"], color="#08519c", linewidth=1.6, label=tr("site.national.median"))
        alt = tr("site.national.chart_alt_band", name=title, n=len(towns))
        drawn = q.reset_index()[["year", "lo", "mid", "hi"]]
        headers = {
            "lo": tr("site.national.quartile_lo"),
            "mid": tr("site.national.median_col"),
            "hi": tr("site.national.quartile_hi"),
        }
    ax.set_ylabel(unit)
    ax.xaxis.set_major_formatter(be_year_formatter(lang))
    value_axis(ax, unit_key)
    note = axis_note(fig, tr)
    run = RunParams(lang=lang)
    table = page_table(drawn, run, caption=f"{title} ({unit})", headers=headers)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10, loc="left")
    return str(
        figure(
            fig,
            alt=f"{alt} {note}".strip(),
            caption=f"{tr('site.national.chart_caption')} {note}".strip(),
            watermark=mark,
            fit_width=7.2,
            data=chart_data(table, tr("report.chart_data.summary")),
        )
    )


def _table(
    rows: pd.DataFrame,
    names: dict[str, str],
    *,
    ref: PageRef,
    ind: Indicator,
    unit: str,
) -> str:
    tr = get_translator(ref.lang)
    lang = ref.lang
    body = []
    for rec in rows.to_dict("records"):
        town = str(rec["town_id"])
        page = PageRef("indicator", lang, town, indicator_id=ind.id)
        shown = value_mark(
            esc(fmt_value(rec["latest_value"], lang)),
            town_id=town,
            indicator_id=ind.id,
            year=rec["latest_year"],
            value=rec["latest_value"],
        )
        yardstick = rec[f"headline_name_{lang}"]
        status = esc(_status_word(rec["headline_pass"], lang))
        if isinstance(yardstick, str) and yardstick:
            status += f' <span class="muted">({esc(yardstick)})</span>'
        body.append(
            f'<tr><th scope="row"><a href="{esc(href(ref, site_path(page)))}">'
            f"{esc(names.get(town, town))}</a></th>"
            f"<td>{esc(fmt_year(rec['latest_year'], lang))}</td>"
            f'<td class="num">{shown}</td><td>{status}</td>'
            f"<td>{esc(_trend_word(str(rec['change']), lang))}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{esc(tr(f"site.national.col.{c}"))}</th>'
        for c in ("town", "year", "value", "status", "trend")
    )
    return (
        f'<h2 id="towns">{esc(tr("site.national.table_heading"))}</h2>'
        f'<div class="table-wrap"><table class="report-table">'
        f"<caption>{esc(tr('site.national.table_caption', unit=unit))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _page_body(
    *,
    cat: Catalogue,
    ind: Indicator,
    ref: PageRef,
    rows: pd.DataFrame,
    values: pd.DataFrame,
    names: dict[str, str],
    synthetic: bool,
) -> tuple[str, str]:
    from analysis.site.indicators import _standards_html  # noqa: PLC0415

    lang = ref.lang
    tr = get_translator(lang)
    name = ind.name_th if lang == "th" else ind.name_en
    unit = cat.unit_symbol(ind.unit, lang)
    parts = []
    if synthetic:
        parts.append(
            f'<div class="synthetic-banner" role="note">{esc(tr("report.synthetic_banner"))}</div>'
        )
    parts.append(
        '<header class="chapter-header">'
        f'<p class="chapter-label">{esc(tr("site.national.label"))}</p>'
        f'<h1 class="chapter-title" id="indicator">{esc(name)}</h1>'
        f'<p class="chapter-town">{esc(tr("site.national.subtitle", n=len(rows)))}</p></header>'
    )
    mark = tr("report.synthetic_short") if synthetic else ""
    if values["year"].notna().any():
        parts.append(
            _chart(values, names, lang=lang, title=name, unit=unit, mark=mark, unit_key=ind.unit)
        )
    parts.append(
        f'<p class="csv-link"><a href="{esc(ind.id)}.csv" download>'
        f"{esc(tr('site.national.csv_link'))}</a></p>"
    )
    parts.append(_table(rows, names, ref=ref, ind=ind, unit=unit))
    direction = tr(f"site.indicator.direction.{ind.direction}")
    meta = [
        (tr("site.indicator.meta.theme"), esc(tr(f"report.themes.{ind.theme}"))),
        (tr("site.indicator.meta.unit"), esc(unit)),
        (tr("site.indicator.meta.direction"), esc(direction)),
        (tr("site.indicator.meta.id"), f"<code>{esc(ind.id)}</code>"),
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    parts.append(
        f'<h2 id="metadata">{esc(tr("site.indicator.meta_heading"))}</h2>'
        f'<dl class="indicator-meta">{dl}</dl>'
        f'<h3 id="standards">{esc(tr("site.indicator.standards_heading"))}</h3>'
        + _standards_html(ind, lang)
    )
    return "\n".join(parts), name


def write_national_indicator_pages(
    paths: ProjectPaths,
    writer: OutputWriter,
    tables: dict[str, pd.DataFrame],
    towns: pd.DataFrame,
    *,
    langs: Sequence[str] = LANGS,
) -> list[Path]:
    """Write the cross-town page (and CSV) of every indicator some built town reports.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories (pages go under ``paths.site``).
    writer : OutputWriter
        Atomic writer of the site build.
    tables : dict of str to pandas.DataFrame
        Stored results: at least ``values``, ``latest`` and ``trend``.
    towns : pandas.DataFrame
        The town registry (names).
    langs : sequence of str
        Page languages.

    Returns
    -------
    list of Path
        Pages and CSV files written.
    """
    cat = load_catalogue()
    values = tables["values"]
    built = built_towns(paths, values, langs)
    values = values[values["town_id"].astype(str).isin(built)]
    out: list[Path] = []
    for iid in sorted(values["indicator_id"].astype(str).unique()):
        try:
            ind = cat.get(iid)
        except KeyError:
            continue
        mine = values[values["indicator_id"].astype(str) == iid]
        rows = national_rows(tables, iid, built)
        if rows.empty:
            continue
        synthetic = bool(mine["is_synthetic"].astype(bool).any())
        for lang in langs:
            names = _town_names(towns, lang)
            ref = PageRef("indicator", lang, None, indicator_id=iid)
            body, name = _page_body(
                cat=cat,
                ind=ind,
                ref=ref,
                rows=rows,
                values=mine,
                names=names,
                synthetic=synthetic,
            )
            unit = cat.unit_symbol(ind.unit, lang)
            out += write_page_and_csv(
                paths,
                writer,
                ref,
                body,
                national_table_csv(rows, names, lang, unit),
                title=f"{name} – {get_translator(lang)('site.national.label')}",
                crumb=name,
                synthetic=synthetic,
            )
    return out
