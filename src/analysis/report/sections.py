"""Notebook-facing calls shared by every chapter, and those of Appendix B (status).

A notebook cell holds exactly one of these calls (after
:func:`~analysis.report.params.validate_params`), e.g. ``report.status_table(run, "air")``.
Every call reads the processed store through :mod:`analysis.report.data`, uses the
statistics of :mod:`analysis.stats` and the maps of :mod:`analysis.spatial`, translates
with ``run.lang`` and returns an :class:`~analysis.report.blocks.HtmlBlock`.
"""

from __future__ import annotations

import functools

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.catalogue.models import THEMES
from analysis.i18n.prose import count_key, join_list
from analysis.report.blocks import (
    HtmlBlock,
    data_span,
    heading,
    join,
    paragraph,
    table_html,
)
from analysis.report.data import (
    read_boundaries_cached,
    read_indicators_cached,
    read_towns_cached,
    results_manifest,
    town_analysis,
    town_indicators,
    town_record,
)
from analysis.report.fmt import (
    esc,
    fmt_date,
    fmt_number,
    fmt_year,
    fmt_year_range,
    is_missing,
    place_unit,
)
from analysis.report.gaps import (
    DATA_SECTION_KEYS,
    indicators_without_data,
    needs_theme_data,
    needs_town_data,
    no_data_table,
    no_town_data_block,
    town_has_data,
)
from analysis.report.pagemeta import PageHeaderBlock, PageMeta
from analysis.report.params import RunParams, TownParams, town_params
from analysis.report.public import public_rows
from analysis.report.reconcile import reconciliation
from analysis.report.valuemark import value_mark
from analysis.report.versions import build_date, code_version, source_years

__all__ = [
    "LIGHTS",
    "THEMES",
    "chart_mark",
    "chart_marks",
    "indicator_link",
    "indicator_name",
    "intro",
    "is_synthetic",
    "light_cell",
    "location_map",
    "method_note",
    "page_header",
    "page_meta_for",
    "provenance",
    "section_heading",
    "status_overview",
    "status_table",
    "synthetic_note",
    "theme_heading",
    "trend_chart",
    "trend_word",
]

LIGHTS: tuple[str, ...] = ("green", "amber", "red", "grey")


def check_theme(theme: str) -> None:
    """Raise ``ValueError`` naming the valid themes if ``theme`` is not one.

    Parameters
    ----------
    theme : str
        The theme a notebook asked for.
    """
    if theme not in THEMES:
        msg = f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}"
        raise ValueError(msg)


def rows_for(run: RunParams) -> pd.DataFrame:
    """Return the indicator rows behind a page (every town's for cross-town pages).

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    pandas.DataFrame
        The reported values of the page's town (or of every town), catalogue indicators only.
    """
    if run.town_id is None:
        cat = load_catalogue()
        df = read_indicators_cached()
        return df[df["indicator_id"].isin(cat.ids)]
    return town_indicators(run.town_id)


def indicator_link(indicator_id: str, text_html: str) -> str:
    """Link an indicator's name in an appendix row to its indicator page.

    The page (``indicators/<id>.html`` beside the appendix, written by ``ecoplan site``;
    :mod:`analysis.site.indicators`) has its chart, data table, status by year and
    metadata.

    Parameters
    ----------
    indicator_id : str
        Catalogue id.
    text_html : str
        The link text, already markup (escape names first).

    Returns
    -------
    str
        The ``<a>`` element.

    Examples
    --------
    >>> indicator_link("pm25_annual", "PM2.5")
    '<a class="indicator-link" href="indicators/pm25_annual.html">PM2.5</a>'
    """
    return f'<a class="indicator-link" href="indicators/{esc(indicator_id)}.html">{text_html}</a>'


def indicator_name(indicator_id: str, lang: str) -> str:
    """Return the catalogue name of an indicator in ``lang``.

    A reported indicator that also has a value measured from the land-use map is named
    "... (reported by the town)", so the two are never read as one quantity; the map
    indicator's own name says "measured from the land-use map".

    Parameters
    ----------
    indicator_id : str
        Catalogue id.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The name, plain text.
    """
    from analysis.i18n import get_translator  # noqa: PLC0415

    cat = load_catalogue()
    ind = cat.get(indicator_id)
    name = ind.name_th if lang == "th" else ind.name_en
    if ind.origin == "reported" and cat.counterpart_of(indicator_id) is not None:
        name += get_translator(lang)("report.reported_suffix")
    return name


def trend_word(change: object, run: RunParams) -> str:
    """Return the translated trend word of a stats ``change`` value (else "insufficient").

    Parameters
    ----------
    change : object
        A ``change`` value: ``"improving"``, ``"worsening"``, ``"no_trend"`` or anything else.
    run : RunParams
        Validated parameters (gives the language).

    Returns
    -------
    str
        The translated word.
    """
    key = str(change) if change in {"improving", "worsening", "no_trend"} else "insufficient"
    return run.tr(f"plan.trend.{key}")


def is_synthetic(run: RunParams) -> bool:
    """Return whether any indicator row behind the page is synthetic.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    bool
        True when any row of :func:`rows_for` is synthetic.
    """
    rows = rows_for(run)
    return bool(rows["is_synthetic"].any()) if not rows.empty else False


def synthetic_note(run: RunParams, *, force: bool = False) -> str:
    """Return the under-table note for synthetic data, or "" when the page says it already.

    The synthetic notice is shown once per page (the banner of :func:`page_header`, shown
    when the page's indicator rows are synthetic) and on each chart image
    (:func:`chart_mark`), not under every table; the note is kept only for synthetic
    spatial layers on a page whose indicator data is real.

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    force : bool
        The table shows synthetic spatial layers.

    Returns
    -------
    str
        The note's markup, or ``""``.
    """
    if force and not is_synthetic(run):
        return f'<span class="synthetic-note">{esc(run.tr("report.synthetic_note"))}</span>'
    return ""


def chart_mark(run: RunParams, *, force: bool = False) -> str:
    """Return the watermark of a chart image ("" for real data).

    A chart pasted into slides keeps its warning: a synthetic chart carries a small
    "synthetic demonstration data" mark (:func:`analysis.report.figure_block.figure`).

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    force : bool
        The chart draws synthetic spatial layers.

    Returns
    -------
    str
        The translated mark, or ``""``.
    """
    return run.tr("report.synthetic_short") if force or is_synthetic(run) else ""


def chart_marks(run: RunParams) -> dict[str, str]:
    """Return each indicator's chart watermark: "" where all its rows are real.

    A grid of one panel per indicator mixes real and synthetic series when a town has a
    real file for some indicators only (a Pollution Control Department station workbook
    next to demonstration data, say); each panel then carries its own indicator's mark,
    not the page's. An indicator with no rows behind the page gets the page's mark.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    dict of str to str
        Indicator id to the translated mark or ``""``, for every catalogue indicator.
    """
    rows = rows_for(run)
    page = chart_mark(run)
    cat = load_catalogue()
    marks = {ind.id: page for ind in (*cat.indicators, *cat.map_indicators)}
    if rows.empty:
        return marks
    label = run.tr("report.synthetic_short")
    synthetic = rows.groupby(rows["indicator_id"].astype(str), sort=False)["is_synthetic"].any()
    marks.update({str(k): label if bool(v) else "" for k, v in synthetic.items()})
    return marks


def _banner(run: RunParams) -> str:
    if not is_synthetic(run):
        return ""
    return (
        f'<div class="synthetic-banner" role="note">{esc(run.tr("report.synthetic_banner"))}</div>'
    )


def _subtitle(run: RunParams) -> str:
    tr = run.tr
    if run.town_id is None:
        return tr("report.town_subtitle_x")
    rec = town_record(run.town_id)
    lang = run.lang
    return tr(
        "report.town_subtitle",
        town=rec.name(lang),
        district=str(rec.get(f"district_{lang}") or ""),
        province=str(rec.get(f"province_{lang}") or ""),
    )


def page_meta_for(run: RunParams, appendix_id: str) -> PageMeta:
    """Return the page metadata of a run's appendix page (what the renderer reads back).

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    appendix_id : str
        ``"a"`` .. ``"e"`` or ``"x"``.

    Returns
    -------
    PageMeta
        Chapter title, town name, synthetic flag, language, appendix and town.
    """
    town_name = (
        run.tr("report.town_subtitle_x")
        if run.town_id is None
        else town_record(run.town_id).name(run.lang)
    )
    return PageMeta(
        title=run.tr(f"report.{appendix_id}.title"),
        town_name=town_name,
        synthetic=is_synthetic(run),
        lang=run.lang,
        appendix=appendix_id,
        town_id=run.town_id,
    )


def page_header(run: RunParams, appendix_id: str) -> PageHeaderBlock:
    """Return the chapter header: synthetic-data banner, appendix label, title, town.

    Its output also carries the page metadata (:func:`page_meta_for`) that the renderer
    reads (:func:`analysis.report.pagemeta.page_meta`), so every appendix notebook calls it
    once, in its header cell.

    Parameters
    ----------
    run : RunParams
        Validated parameters.
    appendix_id : str
        ``"a"`` .. ``"e"`` or ``"x"``.

    Returns
    -------
    PageHeaderBlock
        The header markup and the page metadata.
    """
    tr = run.tr
    return PageHeaderBlock(
        f'{_banner(run)}<header class="chapter-header">'
        f'<p class="chapter-label">{esc(tr(f"report.{appendix_id}.label"))}</p>'
        f'<h1 class="chapter-title" id="appendix-{esc(appendix_id)}">'
        f"{esc(tr(f'report.{appendix_id}.title'))}</h1>"
        f'<p class="chapter-town">{esc(_subtitle(run))}</p></header>',
        meta=page_meta_for(run, appendix_id),
    )


def intro(run: RunParams, appendix_id: str) -> HtmlBlock:
    """Return the chapter's introductory paragraph.

    For a town without indicator data, appendices B, C and E add the one block that says
    so (:func:`analysis.report.gaps.no_town_data_block`); their data sections are empty.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    appendix_id : str
        ``"a"`` .. ``"e"`` or ``"x"``.

    Returns
    -------
    HtmlBlock
        The paragraph, and the no-data block where it applies.
    """
    return join(
        paragraph(run.tr(f"report.{appendix_id}.intro"), css_class="lead"),
        no_town_data_block(run, appendix_id),
    )


def section_heading(run: RunParams, key: str, level: int = 2) -> HtmlBlock:
    """Return a heading from translation key ``report.<key>``.

    Headings of data sections (:data:`analysis.report.gaps.DATA_SECTION_KEYS`) are left
    out for a town without indicator data, like the sections under them.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    key : str
        The key after ``report.``, e.g. ``b.status_heading``.
    level : int
        Heading level.

    Returns
    -------
    HtmlBlock
        The heading, or an empty block for a data section of a town without data.
    """
    if key in DATA_SECTION_KEYS and run.town_id is not None and not town_has_data(run.town_id):
        return HtmlBlock("")
    return heading(run.tr(f"report.{key}"), level)


def location_map(run: TownParams) -> HtmlBlock:
    """Map the town's tambon within its district and province (real boundaries).

    Parameters
    ----------
    run : TownParams
        Validated parameters of a town page.

    Returns
    -------
    HtmlBlock
        The map figure with alt text, caption and the boundaries' source.
    """
    # Drawing modules are imported where a figure is made: the summary and the page
    # renderer read this module's page helpers without loading matplotlib.
    from analysis.report.figure_block import figure  # noqa: PLC0415
    from analysis.spatial.maps import plot_location_map  # noqa: PLC0415 - heavy

    run = town_params(run, "report.location_map")
    tr, lang = run.tr, run.lang
    rec = town_record(run.town_id)
    fig = plot_location_map(
        run.town_id, boundaries=read_boundaries_cached(), towns=read_towns_cached(), lang=lang
    )
    names = {
        "town": rec.name(lang),
        "tambon": str(rec.get(f"tambon_{lang}") or ""),
        "district": str(rec.get(f"district_{lang}") or ""),
        "province": str(rec.get(f"province_{lang}") or ""),
    }
    return figure(
        fig,
        alt=tr("report.map.alt", **names),
        caption=tr("report.map.caption", **names),
        fit_width=7.6,
    )


#: Context groups of :func:`analysis.stats.status.latest_status`, shown in the "other
#: yardstick" column (the first one in force).
_CONTEXT_GROUPS: tuple[str, ...] = ("asean", "cbi", "ref")
#: Group -> its yardstick category (see :data:`analysis.stats.status.CATEGORY_GROUPS`).
_GROUP_CATEGORY: dict[str, str] = {
    "th": "legal_standard",
    "who": "guideline",
    "asean": "award_criterion",
    "cbi": "index_band",
    "ref": "reference",
}


def _kind_label(group: str, issuer: object, run: RunParams) -> str:
    """Return what a yardstick is, e.g. "ASEAN award criterion" or "PCD WQI band"."""
    category = _GROUP_CATEGORY[group]
    if category == "index_band" and issuer == "TH_PCD":
        return run.tr("report.groups_short.index_band_pcd")
    return run.tr(f"report.groups_short.{category}")


def _limit_cell(row: pd.Series, group: str, run: RunParams, *, label: bool = False) -> str:
    """One yardstick of a group: limit, and pass/fail (legal) or meets/below (context)."""
    limit = row.get(f"{group}_value")
    if limit is None or pd.isna(limit):
        return f'<span class="muted">{esc(run.tr("report.none"))}</span>'
    sign = "≤" if row.get(f"{group}_kind") == "max" else "≥"
    ok = bool(row.get(f"{group}_pass"))
    if group == "th":
        word = run.tr("report.col.pass" if ok else "report.col.fail")
        css = "pass" if ok else "fail"
    else:  # context only: never "fail"
        word = run.tr("report.groups_short.meets" if ok else "report.groups_short.below")
        css = "context"  # neutral: pass/fail colours are for legal standards only
    kind = (
        f'<span class="yard-kind">{esc(_kind_label(group, row.get(f"{group}_issuer"), run))}:</span> '
        if label
        else ""
    )
    return (
        f'<span class="yard {css}">{kind}{sign} {esc(fmt_number(limit))}'
        f' <span class="yard-word">{esc(word)}</span></span>'
    )


def light_cell(light: str, run: RunParams) -> str:
    """Return the markup of a traffic light (dot + short word).

    Parameters
    ----------
    light : str
        ``"green"``, ``"amber"``, ``"red"`` or ``"grey"``.
    run : RunParams
        Validated parameters (gives the language).

    Returns
    -------
    str
        The dot and the translated word.
    """
    light = light if light in LIGHTS else "grey"
    return (
        f'<span class="light light-{esc(light)}" aria-hidden="true"></span>'
        f"{esc(run.tr(f'report.status.{light}'))}"
    )


def _latest(run: RunParams) -> pd.DataFrame:
    """Return the town's latest status rows with their theme, in catalogue order (shared)."""
    run = town_params(run, "this status section")
    return _latest_sorted(run.town_id, run.horizon, results_manifest().generation)


@functools.lru_cache(maxsize=8)
def _latest_sorted(town_id: str, horizon: int, _generation: str) -> pd.DataFrame:
    latest = town_analysis(town_id, horizon).latest_status
    cat = load_catalogue()
    theme = {i.id: i.theme for i in cat.indicators}
    order = {i: k for k, i in enumerate(cat.ids)}
    ids = latest["indicator_id"].astype(str)
    out = latest.assign(indicator_id=ids, theme=ids.map(theme), _o=ids.map(order).astype("int64"))
    return out.sort_values("_o").drop(columns="_o").reset_index(drop=True)


@needs_theme_data
def status_table(run: RunParams, theme: str) -> HtmlBlock:
    """Tabulate a theme's indicators: decisive legal standard, context yardsticks, target.

    Only the Thai legal standard (or, without one, the plan target) decides the status;
    the WHO guideline and the other yardsticks (ASEAN award criterion, index band,
    commonly cited reference) are context, each labelled for what it is.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).
    theme : str
        ESC theme.

    Returns
    -------
    HtmlBlock
        One row per indicator of the theme; empty for a theme without data
        (:func:`~analysis.report.gaps.needs_theme_data`).
    """
    check_theme(theme)
    tr, lang = run.tr, run.lang
    cat = load_catalogue()
    status = _latest(run)
    status = status[status["theme"] == theme]
    header = [
        tr("report.col.indicator"),
        tr("report.col.year"),
        tr("report.col.value"),
        tr("report.groups_short.thai"),
        tr("report.groups_short.who"),
        tr("report.groups_short.asean"),
        tr("report.col.target"),
        tr("report.col.status"),
        tr("report.col.trend"),
    ]
    rows = []
    for _, row in status.iterrows():
        ind = cat.get(str(row["indicator_id"]))
        value = row["latest_value"]
        value_txt = (
            value_mark(
                place_unit(esc(fmt_number(value)), ind.unit, lang, catalogue=cat, html=True),
                town_id=run.town_id or "",
                indicator_id=ind.id,
                year=row["latest_year"],
                value=value,
            )
            if not is_missing(value)
            else esc(tr("report.not_published"))
        )
        target = (
            f"{'≥' if ind.higher_is_better else '≤'} {esc(fmt_number(ind.target.value))} "
            f"({esc(fmt_year(ind.target.year, lang))})"
            if ind.target
            else esc(tr("report.none"))
        )
        context = next((g for g in _CONTEXT_GROUPS if pd.notna(row.get(f"{g}_value"))), "ref")
        light = str(row["light"])
        if row.get("headline_category") == "target":  # met / not yet met, never a breach
            word = "target_met" if bool(row.get("headline_pass")) else "target_not_met"
            status_cell = (
                f'<span class="light light-{esc(light)}" aria-hidden="true"></span>'
                f"{esc(tr(f'report.groups_short.{word}'))}"
            )
        else:
            status_cell = light_cell(light, run)
        if bool(row.get("standard_changed_in_year", False)):
            status_cell += f' <span class="yard-basis">({esc(tr("report.groups_short.changed_in_year"))})</span>'
        rows.append(
            [
                indicator_link(ind.id, esc(indicator_name(ind.id, lang))),
                esc(fmt_year(row["latest_year"], lang)),
                value_txt,
                _limit_cell(row, "th", run),
                _limit_cell(row, "who", run),
                _limit_cell(row, context, run, label=True),
                target,
                status_cell,
                esc(trend_word(row["change"], run)),
            ]
        )
    theme_name = tr(f"report.themes.{theme}")
    table = table_html(
        header,
        rows,
        caption=tr("report.b.table_caption", theme=theme_name),
        note=synthetic_note(run),
        numeric=(1, 2),
        css_class="report-table status-table",
    )
    return join(table, reconciliation(run, status["indicator_id"].astype(str)))


@needs_town_data
def status_overview(run: RunParams) -> HtmlBlock:
    """Count indicators per theme and traffic light.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    HtmlBlock
        One row per theme with its count per light, and a total row.
    """
    tr = run.tr
    status = _latest(run)
    header = [
        tr("report.col.theme"),
        *(tr(f"report.status.{x}") for x in LIGHTS),
        tr("report.col.total"),
    ]
    rows = []
    for theme in THEMES:
        sub = status[status["theme"] == theme]
        counts = [int((sub["light"] == x).sum()) for x in LIGHTS]
        rows.append(
            [
                esc(tr(f"report.themes.{theme}")),
                *(
                    f'<span class="light light-{x}" aria-hidden="true"></span>{n}'
                    for x, n in zip(LIGHTS, counts, strict=True)
                ),
                str(len(sub)),
            ]
        )
    return table_html(
        header,
        rows,
        caption=tr("report.b.overview_caption"),
        note=synthetic_note(run),
        numeric=(1, 2, 3, 4, 5),
    )


def _names(ids: list[str], run: RunParams) -> str:
    return join_list(
        (run.tr("report.name_in_text", name=indicator_name(i, run.lang)) for i in ids), run.tr
    )


#: Status groups of the narrative, in the order they are named: the light split by what
#: decides it (a legal standard, or a plan target when there is none; red is always legal).
NARRATIVE_GROUPS: tuple[str, ...] = (
    "green_legal",
    "green_target",
    "amber_legal",
    "amber_target",
    "red",
    "grey",
)


def status_groups(status: pd.DataFrame) -> pd.Series:
    """Return each indicator's :data:`NARRATIVE_GROUPS` entry (light x yardstick kind).

    Parameters
    ----------
    status : pandas.DataFrame
        Latest status rows (light and the kind of the decisive yardstick).

    Returns
    -------
    pandas.Series
        The group name per row, same index.
    """
    light = status["light"].astype(str)
    if "headline_category" in status:
        category = status["headline_category"].astype(object)
    else:
        category = pd.Series([None] * len(status), index=status.index, dtype=object)
    kind = category.map(lambda c: "target" if c == "target" else "legal")
    split = light.isin(["green", "amber"])
    return light.where(~split, light + "_" + kind)


def counts_sentence(run: RunParams, theme_name: str, groups: pd.Series) -> str:
    """Say how many indicators a theme has in each status group; groups of 0 are left out.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    theme_name : str
        The translated theme name.
    groups : pandas.Series
        Each indicator's status group (:func:`status_groups`).

    Returns
    -------
    str
        One plain-text sentence.
    """
    tr = run.tr
    n = len(groups)
    counts = {g: int((groups == g).sum()) for g in NARRATIVE_GROUPS}
    if n == 1:
        only = next(g for g, k in counts.items() if k)
        return tr(
            "report.b.narr_counts_one", theme=theme_name, parts=tr(f"report.b.cnt_{only}_only")
        )
    parts = [tr(count_key(f"report.b.cnt_{g}", k), n=k) for g, k in counts.items() if k]
    return tr("report.b.narr_counts_many", theme=theme_name, n=n, parts=join_list(parts, tr))


@needs_town_data
def theme_heading(run: RunParams, theme: str) -> HtmlBlock:
    """Return the theme heading with a short generated narrative of status and trends.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    HtmlBlock
        The heading and the narrative paragraph.
    """
    check_theme(theme)
    tr = run.tr
    theme_name = tr(f"report.themes.{theme}")
    status = _latest(run)
    status = status[status["theme"] == theme]
    parts = [heading(theme_name, 2, anchor=f"theme-{theme}")]
    if status.empty:
        parts.append(paragraph(tr("report.b.narr_no_data", theme=theme_name)))
        return join(*parts)
    sentences = [counts_sentence(run, theme_name, status_groups(status))]
    for key, mask in (
        ("narr_red", status["light"] == "red"),
        ("narr_worsening", status["change"] == "worsening"),
        ("narr_improving", status["change"] == "improving"),
    ):
        ids = status.loc[mask, "indicator_id"].tolist()
        if ids:
            sentences.append(tr(f"report.b.{key}", names=_names(ids, run)))
    parts.append(paragraph(" ".join(sentences), css_class="narrative"))
    return join(*parts)


@needs_town_data
def trend_chart(run: RunParams, theme: str) -> HtmlBlock:
    """Chart a theme's series with the yardsticks in force each year.

    Only indicators with data get a panel (:func:`analysis.report.figures.panel_indicators`);
    the others are listed in one "no data yet" table under the chart
    (:func:`analysis.report.gaps.no_data_table`). A theme without any value shows only
    that table.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    theme : str
        ESC theme (:data:`analysis.catalogue.models.THEMES`).

    Returns
    -------
    HtmlBlock
        The small-multiple chart with its data table, then the no-data table.
    """
    from analysis.report import figures  # noqa: PLC0415 - see location_map

    check_theme(theme)
    tr = run.tr
    cat = load_catalogue()
    rows = rows_for(run)
    drawn = [i.id for i in figures.panel_indicators(rows, cat, theme)]
    gap = (
        no_data_table(run, theme, indicators_without_data(rows, theme, drawn=drawn))
        if run.town_id is not None
        else HtmlBlock("")
    )
    if not drawn:
        return gap
    from analysis.report.chartgrid import trend_grid  # noqa: PLC0415 - imports extend

    theme_name = tr(f"report.themes.{theme}")
    chart = trend_grid(
        rows,
        run,
        theme,
        caption=tr("report.b.chart_caption", theme=theme_name),
        marks=chart_marks(run),
    )
    return join(chart, gap)


def method_note(run: RunParams, appendix_id: str = "b") -> HtmlBlock:
    """Return the method note of a chapter (heading and paragraph).

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).
    appendix_id : str
        ``"a"`` .. ``"e"`` or ``"x"``.

    Returns
    -------
    HtmlBlock
        The heading and the note.
    """
    tr = run.tr
    return join(
        heading(tr(f"report.{appendix_id}.method_heading"), 3),
        paragraph(tr(f"report.{appendix_id}.method"), css_class="method"),
    )


def provenance(run: RunParams) -> HtmlBlock:
    """Return the footer: data sources with years, catalogue, build date, code version.

    Parameters
    ----------
    run : RunParams
        Validated parameters (a town, or none for the cross-town page).

    Returns
    -------
    HtmlBlock
        The footer block.
    """
    tr, lang = run.tr, run.lang
    sources = source_years(public_rows(rows_for(run), lang))
    items = "".join(
        "<li>"
        + tr(
            "report.prov.source_years",
            source=str(r["source"]),  # reader's HTML (analysis.report.public.source_html)
            years=esc(fmt_year_range(r["first_year"], r["last_year"], lang)),
        )
        + "</li>"
        for _, r in sources.iterrows()
    )
    items += f"<li>{esc(tr('report.map.attribution'))}</li>"
    meta = [
        (tr("report.prov.catalogue"), data_span(load_catalogue().version)),
        (tr("report.prov.built"), esc(fmt_date(build_date(), lang))),
        (tr("report.prov.code"), data_span(code_version())),
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
    return HtmlBlock(
        f'<footer class="provenance"><h2>{esc(tr("report.prov.heading"))}</h2>'
        f'<h3>{esc(tr("report.prov.sources"))}</h3><ul class="sources">{items}</ul>'
        f'<dl class="meta">{dl}</dl><p class="generator">{esc(tr("report.prov.generator"))}</p></footer>'
    )
