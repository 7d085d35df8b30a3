"""One page per town x indicator, read from the stored analysis results.

Written by ``ecoplan site`` (:func:`analysis.site.index.build_site`) under
``reports/site/towns/<town>/<lang>/indicators/``::

    <indicator>.html   chart, data table (Buddhist Era years on Thai pages), status
                       against each yardstick by year, trend and projection summary,
                       catalogue metadata (unit, direction, standards with their
                       categories, instruments and dates, plan target)
    <indicator>.csv    exactly what the chart draws (Thai headers and BE years on the
                       Thai page; English headers and CE years on the English one)

Nothing is computed here: values come from the results ``values`` table, statuses from
``status``, the trend from ``trend`` and the one projection from ``projection``; every
value shown is marked with :func:`analysis.report.valuemark.value_mark` so the
one-truth test covers these pages too.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.i18n import LANGS, get_translator
from analysis.paths import ProjectPaths
from analysis.report.fmt import (
    esc,
    fmt_averaging,
    fmt_date_or,
    fmt_number,
    fmt_quantity,
    fmt_value,
    fmt_year,
    place_unit,
)
from analysis.report.nav import PageRef, site_path
from analysis.report.public import source_html
from analysis.report.valuemark import value_mark
from analysis.site.national import national_page_ids
from analysis.site.pages import built_towns, write_page_and_csv
from analysis.store.publish import OutputWriter

__all__ = ["indicator_csv", "indicator_href", "write_indicator_pages"]


def indicator_href(indicator_id: str) -> str:
    """Return the link from a town appendix page to its indicator page.

    Parameters
    ----------
    indicator_id : str
        Catalogue id.

    Returns
    -------
    str
        A relative link, ``indicators/<id>.html``.

    Examples
    --------
    >>> indicator_href("pm25_annual")
    'indicators/pm25_annual.html'
    """
    return f"indicators/{indicator_id}.html"


def _rows(frame: pd.DataFrame, town: str, indicator: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    hit = (frame["town_id"].astype(str) == town) & (frame["indicator_id"].astype(str) == indicator)
    return frame.loc[hit]


def indicator_csv(projection: pd.DataFrame, values: pd.DataFrame, lang: str, unit: str) -> str:
    """Return the CSV of what an indicator chart draws (observed values, fit, projection).

    Parameters
    ----------
    projection : pandas.DataFrame
        The town x indicator rows of the results ``projection`` table.
    values : pandas.DataFrame
        Its rows of the results ``values`` table (map values without a year included).
    lang : {"th", "en"}
        Headers in this language; Thai files give Buddhist Era years.
    unit : str
        Unit symbol written in every row.

    Returns
    -------
    str
        CSV text: one row per drawn point (year, kind, value, interval, unit), fit and
        projection first, then the observed values.
    """
    tr = get_translator(lang)
    cols = ["year", "kind", "value", "lo", "hi", "unit"]
    header = [tr(f"site.indicator.csv.{c}") for c in cols]
    rows = []
    drawn = projection.sort_values(["kind", "year"]) if not projection.empty else projection
    for _, r in drawn.iterrows():
        rows.append(
            [
                fmt_year(r["year"], lang),
                tr(f"site.indicator.kind.{r['kind']}"),
                r["mean"],
                r["lo"],
                r["hi"],
                unit,
            ]
        )
    if projection.empty:
        for _, r in values.iterrows():
            rows.append(
                [
                    fmt_year(r["year"], lang) if pd.notna(r["year"]) else "",
                    tr("site.indicator.kind.observed"),
                    r["value"],
                    None,
                    None,
                    unit,
                ]
            )
    out = pd.DataFrame(rows, columns=header)
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    return buf.getvalue()


def _chart(
    projection: pd.DataFrame, values: pd.DataFrame, *, lang: str, title: str, unit: str, mark: str
) -> str:
    """Return the chart as a figure block: observed points, fitted line, projection band."""
    import matplotlib.pyplot as plt  # noqa: PLC0415

    from analysis.report.figure_block import figure  # noqa: PLC0415
    from analysis.style import be_year_formatter, use_report_style  # noqa: PLC0415

    use_report_style()
    tr = get_translator(lang)
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    obs = values.dropna(subset=["year"]).sort_values("year")
    if not obs.empty:
        ax.plot(
            obs["year"],
            obs["value"],
            "o",
            color="#1f3a5f",
            label=tr("site.indicator.kind.observed"),
        )
    for kind, style in (("fitted", "-"), ("projected", "--")):
        part = projection[projection["kind"] == kind].sort_values("year")
        if part.empty:
            continue
        ax.plot(
            part["year"],
            part["mean"],
            style,
            color="#b35806",
            label=tr(f"site.indicator.kind.{kind}"),
        )
        if part["lo"].notna().any():
            ax.fill_between(part["year"], part["lo"], part["hi"], color="#fdb863", alpha=0.35, lw=0)
    ax.set_ylabel(unit)
    ax.xaxis.set_major_formatter(be_year_formatter(lang))
    low = min([0.0, *obs["value"].dropna().tolist(), *projection["lo"].dropna().tolist()])
    ax.set_ylim(bottom=low)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10, loc="left")
    return str(
        figure(
            fig,
            alt=tr("site.indicator.chart_alt", name=title),
            caption=tr("site.indicator.chart_caption"),
            watermark=mark,
        )
    )


def _standards_html(ind: object, lang: str) -> str:
    tr = get_translator(lang)
    items = []
    for s in getattr(ind, "standards", ()):
        name = s.name_th if lang == "th" else s.name_en
        sign = "≤" if s.kind == "max" else "≥"
        until = fmt_date_or(s.effective_to, lang)
        items.append(
            "<li>"
            + esc(
                tr(
                    "site.indicator.standard",
                    name=name,
                    category=tr(f"report.groups_short.{s.category}"),
                    sign=sign,
                    value=fmt_quantity(s.value, str(getattr(ind, "unit")), lang),  # noqa: B009
                    averaging=fmt_averaging(s.averaging, lang),
                    since=fmt_date_or(s.effective_from, lang),
                    until=until or tr("site.indicator.in_force"),
                )
            )
            + f" — {source_html(f'{s.source} ({s.reliability})', lang)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>" if items else f"<p>{esc(tr('report.none'))}</p>"


def _values_table(
    values: pd.DataFrame, status: pd.DataFrame, *, town: str, iid: str, lang: str, unit: str
) -> str:
    """Return the data table: each year's stored value and its status against each yardstick."""
    tr = get_translator(lang)
    rows_html = []
    for _, r in values.sort_values("year", na_position="first").iterrows():
        year = r["year"]
        shown = value_mark(
            esc(fmt_value(r["value"], lang)),
            town_id=town,
            indicator_id=iid,
            year=None if pd.isna(year) else year,
            value=r["value"],
        )
        st = status[status["year"] == year] if pd.notna(year) else status.iloc[0:0]
        verdicts = []
        for _, s in st.iterrows():
            sname = s["standard_name_th"] if lang == "th" else s["standard_name_en"]
            word = tr("site.indicator.passes" if bool(s["passes"]) else "site.indicator.fails")
            sign = "≤" if s["kind"] == "max" else "≥"
            verdicts.append(
                f"{esc(sname)} ({sign} {esc(fmt_number(s['standard_value']))}): {esc(word)}"
            )
        rows_html.append(
            f"<tr><td>{esc(fmt_year(year, lang)) if pd.notna(year) else esc(tr('site.indicator.map_value'))}</td>"
            f'<td class="num">{shown}</td>'
            f"<td>{'<br>'.join(verdicts) or esc(tr('report.none'))}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{esc(tr(k))}</th>'
        for k in (
            "site.indicator.col.year",
            "site.indicator.col.value",
            "site.indicator.col.status",
        )
    )
    return (
        f'<h2 id="data">{esc(tr("site.indicator.data_heading"))}</h2>'
        f'<div class="table-wrap"><table class="report-table"><caption>{esc(tr("site.indicator.data_caption", unit=unit))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows_html)}</tbody></table></div>"
    )


def _page_body(
    *,
    cat: Catalogue,
    ind: object,
    town: str,
    town_name: str,
    lang: str,
    tables: dict[str, pd.DataFrame],
    synthetic: bool,
    compare: bool = False,
) -> tuple[str, str]:
    tr = get_translator(lang)
    iid = str(getattr(ind, "id"))  # noqa: B009 - catalogue model
    name = str(getattr(ind, "name_th" if lang == "th" else "name_en"))
    unit_id = str(getattr(ind, "unit"))  # noqa: B009
    unit = cat.unit_symbol(unit_id, lang)
    values = _rows(tables["values"], town, iid)
    proj = _rows(tables["projection"], town, iid)
    status = _rows(tables["status"], town, iid)
    trend = _rows(tables["trend"], town, iid)
    mark = tr("report.synthetic_short") if synthetic else ""
    parts = []
    if synthetic:
        parts.append(
            f'<div class="synthetic-banner" role="note">{esc(tr("report.synthetic_banner"))}</div>'
        )
    parts.append(
        '<header class="chapter-header">'
        f'<p class="chapter-label">{esc(tr("site.indicator.label"))}</p>'
        f'<h1 class="chapter-title" id="indicator">{esc(name)}</h1>'
        f'<p class="chapter-town">{esc(town_name)}</p></header>'
    )
    if not proj.empty or values["year"].notna().any():
        parts.append(_chart(proj, values, lang=lang, title=name, unit=unit, mark=mark))
    compare_html = (
        f' · <a href="../../../../indicators/{lang}/{esc(iid)}.html">'
        f"{esc(tr('site.national.compare_link'))}</a>"
        if compare
        else ""
    )
    parts.append(
        f'<p class="csv-link"><a href="{esc(iid)}.csv" download>{esc(tr("site.indicator.csv_link"))}</a>'
        f"{compare_html}</p>"
    )
    parts.append(_values_table(values, status, town=town, iid=iid, lang=lang, unit=unit))
    # trend and projection summary
    summary = []
    if not trend.empty:
        t = trend.iloc[0]
        change = (
            str(t["change"])
            if str(t["change"]) in {"improving", "worsening", "no_trend"}
            else "insufficient"
        )
        summary.append(
            esc(
                tr(
                    "site.indicator.trend",
                    word=tr(f"plan.trend.{change}"),
                    first=fmt_year(t["first_year"], lang),
                    last=fmt_year(t["last_year"], lang),
                    n=int(t["n"]),
                )
            )
        )
    future = proj[proj["kind"] == "projected"].sort_values("year")
    if not future.empty:
        end = future.iloc[-1]
        shown = value_mark(
            place_unit(esc(fmt_number(end["mean"])), unit_id, lang, catalogue=cat, html=True),
            town_id=town,
            indicator_id=iid,
            year=end["year"],
            value=end["mean"],
            kind="projected",
        )
        slot = "\u0000value\u0000"
        text = tr("site.indicator.projection", year=fmt_year(end["year"], lang), value=slot)
        summary.append(esc(text).replace(esc(slot), shown))
    elif not proj.empty and proj["withheld_reason"].astype(str).str.len().gt(0).any():
        summary.append(esc(tr("site.indicator.withheld")))
    parts.append(
        f'<h2 id="trend">{esc(tr("site.indicator.trend_heading"))}</h2>'
        + "".join(f"<p>{s}</p>" for s in summary or [esc(tr("report.none"))])
    )
    # metadata from the catalogue
    direction = tr(f"site.indicator.direction.{getattr(ind, 'direction')}")  # noqa: B009
    target = getattr(ind, "target", None)
    meta = [
        (tr("site.indicator.meta.theme"), esc(tr(f"report.themes.{getattr(ind, 'theme')}"))),  # noqa: B009
        (tr("site.indicator.meta.unit"), esc(unit)),
        (tr("site.indicator.meta.direction"), esc(direction)),
        (tr("site.indicator.meta.id"), f"<code>{esc(iid)}</code>"),
    ]
    if target is not None:
        meta.append(
            (
                tr("site.indicator.meta.target"),
                esc(
                    f"{fmt_quantity(target.value, unit_id, lang, catalogue=cat)}"
                    f" ({fmt_year(target.year, lang)})"
                )
                + " — "
                + source_html(f"{target.source} ({target.reliability})", lang),
            )
        )
    sources = sorted({str(s) for s in values["source"].dropna()}) if not values.empty else []
    if sources:
        from analysis.report.public import reader_sources  # noqa: PLC0415

        meta.append(
            (
                tr("site.indicator.meta.source"),
                "; ".join(source_html(s, lang) for s in reader_sources(sources)),
            )
        )
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    parts.append(
        f'<h2 id="metadata">{esc(tr("site.indicator.meta_heading"))}</h2>'
        f'<dl class="indicator-meta">{dl}</dl>'
        f'<h3 id="standards">{esc(tr("site.indicator.standards_heading"))}</h3>'
        + _standards_html(ind, lang)
    )
    return "\n".join(parts), name


def write_indicator_pages(
    paths: ProjectPaths,
    writer: OutputWriter,
    tables: dict[str, pd.DataFrame],
    towns: pd.DataFrame,
    *,
    langs: Sequence[str] = LANGS,
) -> list[Path]:
    """Write every town x indicator page (and its CSV) that has stored values.

    Only towns whose appendix pages ``ecoplan build`` has written get indicator pages
    (the appendix rows link them; a town without pages is not linked from the index).

    Parameters
    ----------
    paths : ProjectPaths
        Project directories (pages go under ``paths.site``).
    writer : OutputWriter
        Atomic writer of the site build.
    tables : dict of str to pandas.DataFrame
        Stored results: at least ``values``, ``status``, ``trend``, ``projection``.
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
    out: list[Path] = []
    names = towns.set_index(towns["town_id"].astype(str))
    built = built_towns(paths, values, langs)  # like the index: towns `ecoplan build` wrote
    national = national_page_ids(tables, built)  # the cross-town pages that will exist
    for town in built:
        mine = values[values["town_id"].astype(str) == town]
        synthetic = bool(mine["is_synthetic"].astype(bool).any())
        for iid in sorted(mine["indicator_id"].astype(str).unique()):
            try:
                ind = cat.get(iid)
            except KeyError:
                continue
            for lang in langs:
                rec = names.loc[town] if town in names.index else None
                town_name = str(rec.get(f"name_{lang}") or town) if rec is not None else town
                body, name = _page_body(
                    cat=cat,
                    ind=ind,
                    town=town,
                    town_name=town_name,
                    lang=lang,
                    tables=tables,
                    synthetic=synthetic,
                    compare=iid in national,
                )
                unit = cat.unit_symbol(ind.unit, lang)
                csv = indicator_csv(
                    _rows(tables["projection"], town, iid), _rows(values, town, iid), lang, unit
                )
                out += write_page_and_csv(
                    paths,
                    writer,
                    PageRef("indicator", lang, town, indicator_id=iid),
                    body,
                    csv,
                    title=f"{name} – {town_name}",
                    crumb=name,
                    synthetic=synthetic,
                    town_name=town_name,
                    available=lambda page: (paths.site / site_path(page)).is_file(),
                )
    return out
