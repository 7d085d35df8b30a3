"""Appendix D (ภาคผนวก ง): green space, biodiversity (CBI) and the eco-landscape zoning map."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.report.blocks import HtmlBlock, join, paragraph, table_html
from analysis.report.data import (
    read_boundaries_cached,
    read_towns_cached,
    spatial_table,
    town_record,
    town_values,
)
from analysis.report.figure_block import figure
from analysis.report.fmt import esc, fmt_number, fmt_year, is_missing, place_unit
from analysis.report.params import RunParams, town_params
from analysis.report.public import reader_sources, source_html
from analysis.report.reconcile import reconciliation
from analysis.report.sections import chart_mark, synthetic_note
from analysis.report.valuemark import value_mark

__all__ = [
    "cbi_table",
    "greenspace_map",
    "greenspace_table",
    "spatial_available",
    "zone_area_table",
    "zone_descriptions",
    "zoning_map",
]


#: Singapore Index indicator -> the catalogue's map indicator that stands for it.
_CBI_MAP_IDS: dict[str, str] = {
    m.map_source.cbi_indicator: m.id
    for m in load_catalogue().map_indicators
    if m.map_source is not None and m.map_source.cbi_indicator is not None
}


def _town(run: RunParams) -> str:
    return town_params(run, "this appendix D section").town_id


def spatial_available(run: RunParams) -> bool:
    """Whether the store holds the town's land-use derived layers.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    bool
        True when the town has zone areas in the store.
    """
    zones = spatial_table("zone_areas", _town(run))
    return zones is not None and not zones.empty


def _missing(run: RunParams) -> HtmlBlock:
    return paragraph(run.tr("report.d.no_landuse"), css_class="muted")


def _map_value(run: RunParams, indicator_id: str, digits: int = 1) -> str | None:
    """Return the stored map-measured value of an indicator, marked, or None if absent."""
    values = town_values(_town(run))
    hit = values[values["indicator_id"].astype(str) == indicator_id]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return value_mark(
        esc(fmt_number(r["value"], digits)),
        town_id=str(r["town_id"]),
        indicator_id=indicator_id,
        year=None if pd.isna(r["year"]) else r["year"],
        value=r["value"],
    )


def _note(run: RunParams, frame: pd.DataFrame) -> str:
    synthetic = bool(frame["is_synthetic"].any()) if "is_synthetic" in frame else False
    return synthetic_note(run, force=synthetic)


def _mark(run: RunParams, frame: pd.DataFrame | None) -> str:
    synthetic = frame is not None and "is_synthetic" in frame and bool(frame["is_synthetic"].any())
    return chart_mark(run, force=synthetic)


def greenspace_table(run: RunParams) -> HtmlBlock:
    """Green area, its share of the town and per person, against the catalogue's yardsticks.

    The ONEP target (15 m²/person by 2037) is labelled as a plan target ("not yet" when
    below it); the commonly cited 9 m²/person as a reference, not a standard.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        The table with each yardstick labelled for what it is, or a note that the layer is
        missing.
    """
    from analysis.spatial.greenspace import YARDSTICKS  # noqa: PLC0415 - heavy

    tr = run.tr
    summ = spatial_table("greenspace_summary", _town(run))
    if summ is None or summ.empty:
        return _missing(run)
    r = summ.iloc[0]
    missing = esc(tr("report.not_published"))

    def meets(flag: object, category: str = "reference") -> str:
        if is_missing(flag):
            return missing
        ok = bool(flag)
        word = "meets" if ok else ("not_yet" if category == "target" else "below")
        return f'<span class="yard {"pass" if ok else "fail"}">{esc(tr(f"spatial.yardstick.{word}"))}</span>'

    per_cap = r.get("green_m2_per_capita")
    rows = [
        [
            esc(tr("spatial.table.green_area")),
            esc(
                tr(
                    "report.d.area_value",
                    rai=fmt_number(r["green_area_rai"]),
                    km2=fmt_number(r["green_area_m2"] / 1e6, 2),
                )
            ),
        ],
        [
            esc(tr("spatial.table.green_share")),
            place_unit(
                _map_value(run, "green_area_pct_map") or esc(fmt_number(r["green_share_pct"], 1)),
                "percent",
                run.lang,
                html=True,
            ),
        ],
        [
            esc(tr("spatial.table.per_capita")),
            esc(f"{fmt_number(per_cap, 1)} {tr('report.d.m2_per_person')}")
            if pd.notna(per_cap)
            else esc(tr("spatial.table.population_unknown")),
        ],
        [
            esc(tr("spatial.table.park_per_capita")),
            (
                _map_value(run, "green_space_per_capita_map")
                or esc(fmt_number(r["park_m2_per_capita"], 1))
            )
            + f" {esc(tr('report.d.m2_per_person'))}"
            if pd.notna(r.get("park_m2_per_capita"))
            else esc(tr("spatial.table.population_unknown")),
        ],
        *(
            [
                esc(
                    tr(
                        f"spatial.yardstick.{ys.category}",
                        value=fmt_number(ys.m2_per_capita),
                        year=fmt_year(ys.year, run.lang) if ys.year else "",
                    )
                ),
                meets(r.get(f"meets_{ys.key}"), ys.category),
            ]
            for ys in YARDSTICKS
        ),
    ]
    table = table_html(
        [tr("report.a.field"), tr("report.a.value")],
        rows,
        caption=tr("report.d.green_caption"),
        note=_note(run, summ),
        css_class="report-table quality-table",
    )
    return join(table, reconciliation(run, ["green_area_pct_map", "green_space_per_capita_map"]))


def greenspace_map(run: RunParams) -> HtmlBlock:
    """Map of the green-space inventory over the land use.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        The map figure, or a note that the layer is missing.
    """
    from analysis.spatial.maps import plot_greenspace_map  # noqa: PLC0415 - heavy

    tr = run.tr
    town_id = _town(run)
    green = spatial_table("greenspace", town_id)
    if green is None or green.empty:
        return _missing(run)
    fig = plot_greenspace_map(
        town_id,
        greenspace=green,
        towns=read_towns_cached(),
        lang=run.lang,
        landuse=spatial_table("landuse", town_id),
        boundaries=read_boundaries_cached(),
    )
    town = town_record(town_id).name(run.lang)
    return figure(
        fig,
        alt=tr("report.d.green_alt", town=town),
        watermark=_mark(run, green),
        caption=tr("report.d.green_map_caption", town=town),
        fit_width=7.6,
    )


def cbi_table(run: RunParams) -> HtmlBlock:
    """Singapore Index (CBI) indicators computed from land use: values and 0-4 scores, 2014 and 2021.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per CBI indicator with its values and scores in both versions, or a note that
        the layer is missing.
    """
    tr = run.tr
    cbi = spatial_table("cbi", _town(run))
    if cbi is None or cbi.empty:
        return _missing(run)
    cbi = cbi.assign(indicator=cbi["indicator"].astype(str), version=cbi["version"].astype(str))
    order = list(dict.fromkeys(cbi["indicator"]))
    rows = []
    for code in order:
        cells = [
            esc(
                f"{code} {tr(f'spatial.cbi.{code}') if tr.has(f'spatial.cbi.{code}') else ''}".strip()
            )
        ]
        sub = cbi[cbi["indicator"] == code]
        v21 = sub[sub["version"] == "2021"]
        base = v21 if not v21.empty else sub
        unit = str(base["unit"].iloc[0])
        unit_txt = tr(f"spatial.unit.{unit}") if tr.has(f"spatial.unit.{unit}") else unit
        map_id = _CBI_MAP_IDS.get(code)
        shown = (_map_value(run, map_id, 2) if map_id else None) or esc(
            fmt_number(base["value"].iloc[0])
        )
        cells.append(
            place_unit(shown, "percent" if unit == "percent" else unit_txt, run.lang, html=True)
        )
        for version in ("2014", "2021"):
            hit = sub[sub["version"] == version]
            score = hit["score"].iloc[0] if not hit.empty else None
            cells.append(
                esc(str(int(score)))
                if score is not None and pd.notna(score)
                else f'<span class="muted">{esc(tr("spatial.cbi.not_scored"))}</span>'
            )
        rows.append(cells)
    header = [
        tr("spatial.table.indicator"),
        tr("spatial.table.value"),
        tr("report.d.col_score", version=fmt_year(2014, run.lang)),
        tr("report.d.col_score", version=fmt_year(2021, run.lang)),
    ]
    table = table_html(
        header, rows, caption=tr("report.d.cbi_caption"), note=_note(run, cbi), numeric=(1, 2, 3)
    )
    return join(table, reconciliation(run, list(_CBI_MAP_IDS.values())))


def zoning_map(run: RunParams) -> HtmlBlock:
    """Map the eco-landscape zones (แผนผังภูมินิเวศ): conservation, restoration, use, development.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        The map figure, or a note that the layer is missing.
    """
    from analysis.spatial.maps import plot_zoning_map  # noqa: PLC0415 - heavy

    tr = run.tr
    town_id = _town(run)
    zones = spatial_table("zones", town_id)
    if zones is None or zones.empty:
        return _missing(run)
    fig = plot_zoning_map(
        town_id,
        zones=zones,
        towns=read_towns_cached(),
        lang=run.lang,
        boundaries=read_boundaries_cached(),
    )
    town = town_record(town_id).name(run.lang)
    return figure(
        fig,
        alt=tr("report.d.zoning_alt", town=town),
        watermark=_mark(run, zones),
        caption=tr("report.d.zoning_caption", town=town),
        fit_width=7.6,
    )


def zone_area_table(run: RunParams) -> HtmlBlock:
    """Area of each eco-landscape zone in rai, km² and share of the town.

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        One row per zone, or a note that the layer is missing.
    """
    tr = run.tr
    areas = spatial_table("zone_areas", _town(run))
    if areas is None or areas.empty:
        return _missing(run)
    rows = []
    for _, r in areas.iterrows():
        zone = str(r["zone"])
        rows.append(
            [
                f'<span class="swatch zone-{esc(zone)}" aria-hidden="true"></span>{esc(tr(f"spatial.zone.{zone}"))}',
                esc(fmt_number(r["area_rai"], 0)),
                esc(fmt_number(r["area_km2"], 2)),
                esc(fmt_number(r["share_pct"], 1)),
            ]
        )
    rows.append(
        [
            f"<strong>{esc(tr('report.col.total'))}</strong>",
            esc(fmt_number(areas["area_rai"].sum(), 0)),
            esc(fmt_number(areas["area_km2"].sum(), 2)),
            esc(fmt_number(areas["share_pct"].sum(), 1)),
        ]
    )
    return table_html(
        [
            tr("spatial.table.zone"),
            tr("spatial.table.area_rai"),
            tr("spatial.table.area_km2"),
            tr("spatial.table.share_pct"),
        ],
        rows,
        caption=tr("report.d.zone_caption"),
        note=_note(run, areas),
        numeric=(1, 2, 3),
    )


def zone_descriptions(run: RunParams) -> HtmlBlock:
    """Explain each zone and what the plan does in it (definition list).

    Parameters
    ----------
    run : RunParams
        Validated parameters (with a town).

    Returns
    -------
    HtmlBlock
        A definition list of the four zones, with the zoning's source.
    """
    tr = run.tr
    items = "".join(
        f"<dt>{esc(tr(f'spatial.zone.{z}'))}</dt><dd>{esc(tr(f'report.d.zone_help.{z}'))}</dd>"
        for z in ("conservation", "restoration", "sustainable_use", "development")
    )
    sources = spatial_table("zones", _town(run))
    src = ""
    if sources is not None and not sources.empty and "source" in sources:
        names = sorted({str(s) for s in sources["source"].dropna()})
        src = paragraph(
            esc(tr("report.d.zone_source"))
            + " "
            + "; ".join(source_html(s, run.lang) for s in reader_sources(names)),
            css_class="table-note",
            trusted=True,
        ).html
    return join(HtmlBlock(f'<dl class="zone-help">{items}</dl>'), src)
