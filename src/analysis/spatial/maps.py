"""Print-quality maps: location, land use, green space and eco-landscape zoning.

Every map function returns a :class:`matplotlib.figure.Figure`, takes ``lang`` (``"th"`` or
``"en"``) for its labels (``i18n/<lang>/spatial.yaml``), applies the report style (Sarabun,
so Thai text renders), draws in the town's UTM CRS with a scale bar and a north arrow, and
writes an attribution line: the boundary attribution, the projection and, for synthetic
layers, the SYNTHETIC label. Which area the tables and maps cover (the analysis area,
:mod:`analysis.spatial.area`) is said in the page text, not inside the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from analysis.errors import DataError, ParameterError
from analysis.i18n import Translator, get_translator
from analysis.spatial.crs import utm_epsg_for_lon
from analysis.spatial.landuse import CLASSES, M2_PER_RAI
from analysis.spatial.polygons import plot_polygons
from analysis.spatial.zoning import load_zoning_rules
from analysis.store.boundaries import BOUNDARY_ATTRIBUTION, BOUNDARY_ATTRIBUTION_TH
from analysis.style import use_report_style

__all__ = [
    "CLASS_COLORS",
    "add_north_arrow",
    "add_scale_bar",
    "plot_greenspace_map",
    "plot_landuse_map",
    "plot_location_map",
    "plot_zoning_map",
]

#: Fill colour of each land-use class: near the usual land-use hues, moved apart so that
#: every pair stays distinguishable under deuteranopia, protanopia and tritanopia
#: (tests/unit/test_palettes_cvd.py checks this with a colour-vision simulation).
CLASS_COLORS: dict[str, str] = {
    "built_up": "#9e6061",
    "road": "#574867",
    "park": "#a4cf00",
    "forest": "#005900",
    "wetland": "#42e3e1",
    "water": "#3c94b0",
    "agriculture": "#ffffc6",
    "degraded": "#d69b8f",
}
_GREEN_COLORS = {key: CLASS_COLORS[key] for key in ("park", "forest", "wetland")}
_FIGSIZE = (10.0, 8.0)
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _town(towns: pd.DataFrame, town_id: str) -> pd.Series:
    sel = towns[towns["town_id"] == town_id]
    if sel.empty:
        msg = f"unknown town_id {town_id!r}: not in the town registry"
        raise ParameterError(msg)
    return sel.iloc[0]


def _town_layer(gdf: gpd.GeoDataFrame, town_id: str, epsg: int, what: str) -> gpd.GeoDataFrame:
    sel = gdf[gdf["town_id"] == town_id] if "town_id" in gdf.columns else gdf
    if sel.empty:
        msg = (
            f"no {what} for town {town_id!r}: run `ecoplan ingest` "
            f"(needs data/raw/landuse/{town_id}.gpkg)"
        )
        raise DataError(msg)
    return sel.to_crs(epsg)


def _name(row: pd.Series, lang: str) -> str:
    return str(row["name_th"] if lang == "th" else row["name_en"])


def _nice_length(span: float) -> float:
    target = span / 5.0
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


def add_scale_bar(ax: Axes, t: Translator, *, loc: tuple[float, float] = (0.04, 0.04)) -> None:
    """Draw a two-segment scale bar (axes in metres) at ``loc`` (axes fraction).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are metres.
    t : Translator
        For the unit labels.
    loc : tuple of (float, float), default (0.04, 0.04)
        Lower-left corner of the bar, in axes fraction.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    bx = x0 + loc[0] * (x1 - x0)
    by = y0 + loc[1] * (y1 - y0)
    h = 0.012 * (y1 - y0)
    for k, color in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (bx + k * length / 2, by),
                length / 2,
                h,
                facecolor=color,
                edgecolor="black",
                lw=0.8,
                zorder=10,
            )
        )
    label = (
        f"{length / 1000:g} {t('spatial.scale.km')}"
        if length >= 1000
        else f"{length:g} {t('spatial.scale.m')}"
    )
    ax.text(
        bx, by + 1.6 * h, "0", fontsize=8, ha="center", va="bottom", zorder=10, path_effects=_HALO
    )
    ax.text(
        bx + length,
        by + 1.6 * h,
        label,
        fontsize=8,
        ha="center",
        va="bottom",
        zorder=10,
        path_effects=_HALO,
    )


def add_north_arrow(ax: Axes, t: Translator, *, loc: tuple[float, float] = (0.95, 0.90)) -> None:
    """Draw a north arrow at ``loc`` (axes fraction); UTM grid north is within 1° of true north.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes.
    t : Translator
        For the ``N`` label.
    loc : tuple of (float, float), default (0.95, 0.90)
        Arrow tip, in axes fraction.
    """
    ax.annotate(
        t("spatial.map.north"),
        xy=(loc[0], loc[1]),
        xytext=(loc[0], loc[1] - 0.09),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="top",
        fontsize=12,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
        zorder=10,
        path_effects=_HALO,
    )


def _footer(fig: Figure, t: Translator, *, synthetic: bool, epsg: int | None) -> None:
    lines = []
    if synthetic:
        lines.append(t("spatial.map.synthetic"))
    attribution = BOUNDARY_ATTRIBUTION_TH if t.lang == "th" else BOUNDARY_ATTRIBUTION
    lines.append(
        attribution
        + (f"  {t('spatial.map.crs_note', zone=epsg - 32600, epsg=epsg)}" if epsg else "")
    )
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7.5, ha="left", va="bottom", color="#333333")
    if synthetic:
        fig.text(
            0.99,
            0.985,
            "SYNTHETIC",
            fontsize=11,
            ha="right",
            va="top",
            color="#b2182b",
            fontweight="bold",
        )


def _rows(gdf: gpd.GeoDataFrame, mask: np.ndarray) -> gpd.GeoDataFrame:
    """``gdf[mask]``, the rows taken by position.

    A boolean filter of the national boundaries copies every column of its thousands of
    rows; a map picks a handful of them, several times.
    """
    return gdf.iloc[np.flatnonzero(mask)]


def _tambon_outline(
    boundaries: gpd.GeoDataFrame | None, pcode: str, epsg: int
) -> gpd.GeoDataFrame | None:
    if boundaries is None:
        return None
    level, pcodes = boundaries["level"].to_numpy(), boundaries["pcode"].to_numpy()
    sel = _rows(boundaries, (level == "tambon") & (pcodes == pcode))
    return sel.to_crs(epsg) if not sel.empty else None


def _base(lang: str) -> tuple[Translator, Figure, Axes]:
    t = get_translator(lang)
    use_report_style()
    # a bare Figure (not pyplot): no global state, and Jupyter shows it once when returned
    fig = Figure(figsize=_FIGSIZE)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.02, right=0.72, top=0.93, bottom=0.10)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return t, fig, ax


def _finish(
    fig: Figure,
    ax: Axes,
    t: Translator,
    handles: list[Artist],
    legend_title: str,
    *,
    synthetic: bool,
    epsg: int | None,
) -> Figure:
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=10,
    )
    add_scale_bar(ax, t)
    add_north_arrow(ax, t)
    _footer(fig, t, synthetic=synthetic, epsg=epsg)
    return fig


@dataclass(frozen=True)
class _TownMap:
    """What every town map shares: the town's registry row, its UTM CRS and the canvas."""

    town: pd.Series
    epsg: int
    lang: str
    t: Translator
    fig: Figure
    ax: Axes
    extent: list[tuple[float, float, float, float]] = field(default_factory=list)

    def layer(self, gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
        """Return the town's rows of ``gdf`` in the town's UTM CRS (they set the view)."""
        sel = _town_layer(gdf, str(self.town["town_id"]), self.epsg, what)
        self.extent.append(tuple(sel.total_bounds))
        return sel

    def outline(self, boundaries: gpd.GeoDataFrame | None) -> None:
        """Draw the tambon outline for context when ``boundaries`` are given.

        The view stays on the town's layers (its analysis area), see :meth:`fit_view`.
        """
        outline = _tambon_outline(boundaries, str(self.town["tambon_pcode"]), self.epsg)
        if outline is not None:
            outline.boundary.plot(ax=self.ax, color="black", linewidth=1.0)

    def fit_view(self, pad: float = 0.05) -> None:
        """Set the view to the town's layers plus ``pad`` (share of the larger side)."""
        if not self.extent:
            return
        x0 = min(b[0] for b in self.extent)
        y0 = min(b[1] for b in self.extent)
        x1 = max(b[2] for b in self.extent)
        y1 = max(b[3] for b in self.extent)
        margin = pad * max(x1 - x0, y1 - y0, 1.0)
        self.ax.set_xlim(x0 - margin, x1 + margin)
        self.ax.set_ylim(y0 - margin, y1 + margin)

    def area_patch(self, color: str, label_key: str, area_m2: float) -> Patch:
        """Legend patch labelled with a translated name and its area in rai."""
        rai = area_m2 / M2_PER_RAI
        return Patch(facecolor=color, label=f"{self.t(label_key)} ({rai:,.0f} {_rai(self.lang)})")

    def finish(self, handles: list[Artist], *, title: str, legend: str, synthetic: bool) -> Figure:
        """Add the title, legend, scale bar, north arrow and footer; return the figure.

        ``title`` and ``legend`` are the suffixes of the ``spatial.map.title_*`` and
        ``spatial.map.legend_*`` strings.
        """
        t = self.t
        self.fit_view()
        # an explicit y skips matplotlib's automatic title placement (costly on each draw)
        self.ax.set_title(
            t(f"spatial.map.title_{title}", town=_name(self.town, self.lang)),
            fontsize=14,
            y=1.0,
            pad=8,
        )
        return _finish(
            self.fig,
            self.ax,
            t,
            handles,
            t(f"spatial.map.legend_{legend}"),
            synthetic=synthetic,
            epsg=self.epsg,
        )


def _town_map(town_id: str, towns: pd.DataFrame, lang: str) -> _TownMap:
    """Look the town up, pick its UTM zone and open a styled canvas."""
    town = _town(towns, town_id)
    epsg = utm_epsg_for_lon(float(town["lon"]))
    t, fig, ax = _base(lang)
    return _TownMap(town, epsg, lang, t, fig, ax)


def plot_landuse_map(
    town_id: str,
    *,
    landuse: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    lang: str = "th",
    boundaries: gpd.GeoDataFrame | None = None,
) -> Figure:
    """Map a town's land use by class, with tree canopy and protected land hatched.

    Parameters
    ----------
    town_id : str
        The town.
    landuse : geopandas.GeoDataFrame
        ``landuse.parquet`` (any CRS, may hold every town) or a normalised layer.
    towns : pandas.DataFrame
        The town registry.
    lang : {"th", "en"}
        Label language.
    boundaries : geopandas.GeoDataFrame, optional
        ``boundaries.parquet``; draws the tambon outline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m = _town_map(town_id, towns, lang)
    t, ax = m.t, m.ax
    lu = m.layer(landuse, "land use")
    colors = lu["lu_class"].map(CLASS_COLORS).fillna("#ffffff").to_numpy()
    plot_polygons(lu, ax, color=colors, edgecolor="none", linewidth=0)
    overlays = (
        (lu["tree_canopy"] & (lu["lu_class"] != "forest"), "#00441b", "....", 0.0, "tree_canopy"),
        (lu["protected"], "#08306b", "////", 0.4, "protected"),
    )
    # hatched overlays are dissolved first: hatching thousands of patches is slow
    for mask, edge, hatch, lw, _ in overlays:
        if mask.any():
            merged = shapely.union_all(lu.geometry.to_numpy()[mask.to_numpy()], grid_size=0.01)
            gpd.GeoSeries([merged], crs=lu.crs).plot(
                ax=ax, facecolor="none", edgecolor=edge, hatch=hatch, linewidth=lw
            )
    m.outline(boundaries)
    present = [c for c in CLASSES if (lu["lu_class"] == c).any()]
    handles: list[Artist] = [
        Patch(facecolor=CLASS_COLORS[c], label=t(f"spatial.class.{c}")) for c in present
    ]
    handles += [
        Patch(facecolor="white", edgecolor=edge, hatch=hatch, label=t(f"spatial.map.{key}"))
        for _, edge, hatch, _, key in overlays
    ]
    return m.finish(
        handles, title="landuse", legend="landuse", synthetic=bool(lu["is_synthetic"].any())
    )


def plot_zoning_map(
    town_id: str,
    *,
    zones: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    lang: str = "th",
    boundaries: gpd.GeoDataFrame | None = None,
) -> Figure:
    """Map a town's eco-landscape zones (conservation, restoration, sustainable use, development).

    Parameters
    ----------
    town_id : str
        The town.
    zones : geopandas.GeoDataFrame
        ``zones.parquet`` or :func:`analysis.spatial.zoning.zoning` output.
    towns : pandas.DataFrame
        The town registry.
    lang : {"th", "en"}
        Label language.
    boundaries : geopandas.GeoDataFrame, optional
        ``boundaries.parquet``; draws the tambon outline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m = _town_map(town_id, towns, lang)
    z = m.layer(zones, "zones")
    rules = load_zoning_rules()
    plot_polygons(
        z,
        m.ax,
        color=z["zone"].map(rules["colors"]).fillna("#ffffff").to_numpy(),
        edgecolor="none",
    )
    m.outline(boundaries)
    area = z.groupby("zone", observed=True)["area_m2"].sum()
    handles: list[Artist] = [
        m.area_patch(rules["colors"][zone], f"spatial.zone.{zone}", float(area[zone]))
        for zone in rules["zones"]
        if zone in area.index
    ]
    return m.finish(
        handles, title="zoning", legend="zones", synthetic=bool(z["is_synthetic"].any())
    )


def _rai(lang: str) -> str:
    return "ไร่" if lang == "th" else "rai"


def plot_greenspace_map(
    town_id: str,
    *,
    greenspace: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    lang: str = "th",
    landuse: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    label_top: int = 5,
) -> Figure:
    """Map the green-space inventory by type, over a grey land-use background.

    Parameters
    ----------
    town_id : str
        The town.
    greenspace : geopandas.GeoDataFrame
        ``greenspace.parquet`` or :func:`analysis.spatial.greenspace.greenspace_inventory`.
    towns : pandas.DataFrame
        The town registry.
    lang : {"th", "en"}
        Label language.
    landuse : geopandas.GeoDataFrame, optional
        Land use drawn in light grey underneath.
    boundaries : geopandas.GeoDataFrame, optional
        ``boundaries.parquet``; draws the tambon outline.
    label_top : int, default 5
        Label the ids of the largest green areas.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m = _town_map(town_id, towns, lang)
    ax = m.ax
    g = m.layer(greenspace, "green-space inventory")
    if landuse is not None:
        lu = m.layer(landuse, "land use")
        plot_polygons(lu, ax, color="#eeeeee", edgecolor="#dddddd", linewidth=0.2)
    plot_polygons(
        g, ax, color=g["type"].map(_GREEN_COLORS).fillna("#7fbc41").to_numpy(), edgecolor="none"
    )
    m.outline(boundaries)
    top = g.nlargest(label_top, "area_m2") if label_top else g.iloc[:0]
    for row in top.itertuples():
        p = row.geometry.representative_point()
        ax.annotate(
            str(row.green_id).rsplit("-", 1)[-1],
            (p.x, p.y),
            fontsize=7,
            ha="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    area = g.groupby("type", observed=True)["area_m2"].sum()
    handles: list[Artist] = [
        m.area_patch(color, f"spatial.class.{kind}", float(area[kind]))
        for kind, color in _GREEN_COLORS.items()
        if kind in area.index
    ]
    return m.finish(
        handles, title="greenspace", legend="green", synthetic=bool(g["is_synthetic"].any())
    )


def plot_location_map(
    town_id: str,
    *,
    boundaries: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    lang: str = "th",
) -> Figure:
    """Map where the town's tambon lies within its district and province (real boundaries).

    An inset shows the province within Thailand.

    Parameters
    ----------
    town_id : str
        The town.
    boundaries : geopandas.GeoDataFrame
        ``boundaries.parquet`` (``level, pcode, parent_pcode, name_th, name_en``).
    towns : pandas.DataFrame
        The town registry.
    lang : {"th", "en"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        If ``town_id`` is not in the registry.
    DataError
        If the town's district is not in ``boundaries``.
    """
    m = _town_map(town_id, towns, lang)
    town, epsg, t, fig, ax = m.town, m.epsg, m.t, m.fig, m.ax
    district_pcode = str(town["district_pcode"])
    tambon_pcode = str(town["tambon_pcode"])
    level = boundaries["level"].to_numpy()
    pcode = boundaries["pcode"].to_numpy()
    parent = boundaries["parent_pcode"].to_numpy()
    is_district = level == "district"
    district = _rows(boundaries, is_district & (pcode == district_pcode))
    if district.empty:
        msg = f"district {district_pcode} of {town_id} is not in the boundaries"
        raise DataError(msg)
    province_pcode = str(district["parent_pcode"].iloc[0])
    provinces = _rows(boundaries, level == "province")
    province = _rows(boundaries, (level == "province") & (pcode == province_pcode)).to_crs(epsg)
    prov_districts = _rows(boundaries, is_district & (parent == province_pcode)).to_crs(epsg)
    tambon = _rows(boundaries, (level == "tambon") & (pcode == tambon_pcode)).to_crs(epsg)
    namecol = "name_th" if lang == "th" else "name_en"
    tambon_name = tambon[namecol].iloc[0] if len(tambon) else ""
    x0, y0, x1, y1 = province.total_bounds
    pad = 0.05 * max(x1 - x0, y1 - y0)
    # Only the provinces around the town's are in view: project and draw just those.
    lonlat = (
        provinces
        if provinces.crs is None or provinces.crs.to_epsg() == 4326
        else provinces.to_crs(4326)
    )
    province_ll = lonlat[lonlat["pcode"] == province_pcode]
    lon0, lat0, lon1, lat1 = province_ll.total_bounds
    margin = 0.5 * max(lon1 - lon0, lat1 - lat0)
    around = lonlat.cx[lon0 - margin : lon1 + margin, lat0 - margin : lat1 + margin]
    plot_polygons(around.to_crs(epsg), ax, color="#f0f0f0", edgecolor="#bdbdbd", linewidth=0.6)
    plot_polygons(province, ax, color="#fff7e0", edgecolor="black", linewidth=1.2)
    plot_polygons(prov_districts, ax, facecolor="none", edgecolor="#969696", linewidth=0.5)
    plot_polygons(district.to_crs(epsg), ax, color="#fdd49e", edgecolor="#7f2704", linewidth=1.0)
    plot_polygons(tambon, ax, color="#d7301f", edgecolor="#67000d", linewidth=0.8)
    pt = gpd.GeoSeries(gpd.points_from_xy([town["lon"]], [town["lat"]]), crs=4326).to_crs(epsg)
    ax.plot(pt.x, pt.y, marker="*", color="black", markersize=12, zorder=6)
    for row in prov_districts.itertuples():
        p = row.geometry.representative_point()
        ax.text(
            p.x, p.y, getattr(row, namecol), fontsize=7, ha="center", va="center", color="#525252"
        )
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    # Inset, the province within Thailand: a thumbnail drawn in longitude/latitude (no
    # reprojection) with the aspect that keeps shapes true at the country's mid-latitude.
    inset = fig.add_axes((0.74, 0.12, 0.22, 0.36))
    plot_polygons(lonlat, inset, color="#e0e0e0", edgecolor="white", linewidth=0.2)
    plot_polygons(province_ll, inset, color="#d7301f")
    _, south, _, north = lonlat.total_bounds
    inset.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    inset.set_axis_off()
    handles: list[Artist] = [
        Patch(
            facecolor="#fff7e0",
            edgecolor="black",
            label=f"{t('spatial.map.province_of_town')} {province[namecol].iloc[0]}",
        ),
        Patch(
            facecolor="#fdd49e",
            edgecolor="#7f2704",
            label=f"{t('spatial.map.district_of_town')} {district[namecol].iloc[0]}",
        ),
        Patch(
            facecolor="#d7301f",
            label=f"{t('spatial.map.tambon_of_town')} {tambon_name}",
        ),
        Line2D(
            [],
            [],
            marker="*",
            color="black",
            linestyle="none",
            markersize=11,
            label=_name(town, lang),
        ),
        Patch(facecolor="#f0f0f0", edgecolor="#bdbdbd", label=t("spatial.map.other_provinces")),
    ]
    return m.finish(handles, title="location", legend="location", synthetic=False)
