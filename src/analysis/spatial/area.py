"""The analysis area of a town: the land that zoning, green inventory and the CBI cover.

The boundary set (COD-AB) has tambons, not municipalities, and a municipality is often
much smaller than its tambon (Takhli: 16 km² registered, tambon 194 km²). The analysis
area is the best available stand-in for the municipal area, chosen per town in this order
(:data:`METHODS`):

``municipal_boundary``
    The town's polygon in ``data/raw/geo/municipal_boundaries.geojson``
    (:data:`MUNICIPAL_BOUNDARY_FILE`; format in :func:`read_municipal_boundaries`).
``tambon``
    The tambon polygon, when the town covers it: the registered area (``towns.csv``
    ``area_km2``, shown in appendix A) is at least the tambon's area
    (:data:`COVERS_TAMBON_RATIO`), or the registered area is not known (a subdistrict
    administrative organisation governs its whole tambon).
``tambon_clip``
    Otherwise the part of the tambon around the town point with the registered area: the
    tambon intersected with a disc around ``towns.csv`` lat/lon whose radius is found by
    bisection so that the clipped area equals the registered area (to
    :data:`CLIP_REL_TOLERANCE`). This is an approximation of the municipal boundary, not
    the boundary itself; the pages say so.

The land-use layer is clipped to the analysis area before anything is computed, so zone
and green totals never exceed it; :func:`clip_landuse` refuses a layer that covers less
than :data:`MIN_COVERAGE_PCT` of the analysis area (typically another town's layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.errors import SpatialInputError
from analysis.spatial.landuse import polygonal_parts

__all__ = [
    "CLIP_REL_TOLERANCE",
    "COVERS_TAMBON_RATIO",
    "METHODS",
    "MIN_COVERAGE_PCT",
    "MUNICIPAL_BOUNDARY_FILE",
    "AnalysisArea",
    "AreaMethod",
    "choose_analysis_area",
    "clip_landuse",
    "clip_to_area",
    "read_municipal_boundaries",
]

AreaMethod = Literal["municipal_boundary", "tambon", "tambon_clip"]

#: The analysis-area methods, in order of preference.
METHODS: tuple[str, ...] = ("municipal_boundary", "tambon", "tambon_clip")

#: Municipal boundary file, relative to ``data/raw`` (optional; one polygon per town_id).
MUNICIPAL_BOUNDARY_FILE = "geo/municipal_boundaries.geojson"

#: The tambon is used whole when registered area >= this x tambon area. 1.0 (not a looser
#: 0.9) keeps zone and green totals equal to the area appendix A states whenever the town
#: is smaller than its tambon (Phitsanulok: 18.26 km² registered, tambon 18.85 km²).
COVERS_TAMBON_RATIO = 1.0

#: Relative tolerance of the clipped area against the registered area.
CLIP_REL_TOLERANCE = 1e-6

#: A land-use layer must cover at least this share (%) of the analysis area.
MIN_COVERAGE_PCT = 50.0

_TOWN_ID_COLUMNS = ("town_id",)


@dataclass(frozen=True)
class AnalysisArea:
    """The land a town's spatial tables are computed on.

    Attributes
    ----------
    town_id : str
        The town.
    method : {"municipal_boundary", "tambon", "tambon_clip"}
        How the area was obtained (see the module docstring).
    geometry : shapely.Geometry
        The area's (multi)polygon in ``epsg``.
    epsg : int
        Metric CRS of ``geometry``.
    tambon_area_m2 : float
        Area of the town's tambon polygon.
    registered_area_km2 : float or None
        ``towns.csv`` area_km2 (appendix A), None when not known.
    radius_m : float or None
        Radius of the disc around the town point (``tambon_clip`` only).
    source : str
        Where the geometry comes from (file, relative to ``data/raw``).
    """

    town_id: str
    method: AreaMethod
    geometry: shapely.Geometry
    epsg: int
    tambon_area_m2: float
    registered_area_km2: float | None
    radius_m: float | None = None
    source: str = ""

    @property
    def area_m2(self) -> float:
        """Area of :attr:`geometry` in m²."""
        return float(shapely.area(self.geometry))

    @property
    def area_km2(self) -> float:
        """Area of :attr:`geometry` in km²."""
        return self.area_m2 / 1e6

    def frame(self) -> gpd.GeoDataFrame:
        """Return the area as a one-row GeoDataFrame (``analysis_areas.parquet`` row).

        Returns
        -------
        geopandas.GeoDataFrame
            ``town_id, analysis_area_method, analysis_area_km2, tambon_area_km2,
            registered_area_km2, radius_m, source, geometry`` in :attr:`epsg`.
        """
        return gpd.GeoDataFrame(
            {
                "town_id": pd.array([self.town_id], dtype="string"),
                "analysis_area_method": pd.array([self.method], dtype="string"),
                "analysis_area_km2": [self.area_km2],
                "tambon_area_km2": [self.tambon_area_m2 / 1e6],
                "registered_area_km2": [
                    np.nan if self.registered_area_km2 is None else self.registered_area_km2
                ],
                "radius_m": [np.nan if self.radius_m is None else self.radius_m],
                "source": pd.array([self.source], dtype="string"),
            },
            geometry=[self.geometry],
            crs=self.epsg,
        )


def read_municipal_boundaries(path: Path, *, src: str | None = None) -> gpd.GeoDataFrame:
    """Read the optional municipal boundary file (:data:`MUNICIPAL_BOUNDARY_FILE`).

    Format: a GeoJSON (or any OGR vector file) of Polygon/MultiPolygon features with a
    ``town_id`` property naming a town of ``towns.csv``, one feature per town, in a
    declared CRS (GeoJSON: WGS 84 lon/lat). Optional ``source`` property.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    src : str, optional
        Its name in messages (default: the path).

    Returns
    -------
    geopandas.GeoDataFrame
        ``town_id``, ``source`` and ``geometry``, in the file's CRS.

    Raises
    ------
    SpatialInputError
        Unreadable file, no CRS, no ``town_id`` column, a duplicate or empty town_id, or
        a feature that is not a polygon with area (the message names the feature).
    """
    src = src or str(path)
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several unrelated types
        msg = f"{src}: cannot read the municipal boundaries: {exc}"
        raise SpatialInputError(msg) from exc
    if gdf.crs is None:
        msg = f"{src}: the municipal boundaries have no CRS; expected a declared CRS (EPSG:4326)"
        raise SpatialInputError(msg)
    if "town_id" not in gdf.columns:
        msg = f"{src}: no town_id column; expected one feature per town with a town_id property"
        raise SpatialInputError(msg)
    ids = gdf["town_id"].astype("string").str.strip()
    for i, tid in enumerate(ids):
        if pd.isna(tid) or not tid:
            msg = f"{src}: feature {i + 1}: town_id is empty; expected a town_id of towns.csv"
            raise SpatialInputError(msg)
    dup = ids[ids.duplicated()]
    if len(dup):
        msg = f"{src}: town_id {dup.iloc[0]!r} has more than one feature; expected one per town"
        raise SpatialInputError(msg)
    geoms = gdf.geometry.to_numpy()
    for i, geom in enumerate(geoms):
        ok = geom is not None and not shapely.is_empty(geom) and shapely.get_type_id(geom) in (3, 6)
        if not ok or not shapely.area(geom) > 0:
            kind = "missing" if geom is None else geom.geom_type
            msg = (
                f"{src}: feature {i + 1} (town_id {ids.iloc[i]}) is {kind}; "
                "expected a Polygon or MultiPolygon with area"
            )
            raise SpatialInputError(msg)
    geoms = np.asarray([g if g.is_valid else shapely.make_valid(g) for g in geoms], dtype=object)
    source = gdf["source"].astype("string") if "source" in gdf.columns else pd.NA
    return gpd.GeoDataFrame(
        {"town_id": ids.to_numpy(), "source": source},
        geometry=polygonal_parts(geoms),
        crs=gdf.crs,
    )


def clip_to_area(
    region: shapely.Geometry,
    centre: shapely.Point,
    target_m2: float,
    *,
    rel_tol: float = CLIP_REL_TOLERANCE,
    max_iter: int = 200,
) -> tuple[shapely.Geometry, float]:
    """Return the part of ``region`` within a disc around ``centre`` of area ``target_m2``.

    The clipped area grows monotonically with the radius, so the radius is found by
    bisection between 0 and the farthest point of the region from the centre.

    Parameters
    ----------
    region : shapely.Geometry
        The tambon polygon, metric CRS.
    centre : shapely.Point
        The town point, same CRS.
    target_m2 : float
        Wanted area (the registered area), smaller than the region's.
    rel_tol : float, default :data:`CLIP_REL_TOLERANCE`
        Stop when the clipped area is within this relative distance of the target.
    max_iter : int, default 200
        Bisection steps at most.

    Returns
    -------
    tuple of (shapely.Geometry, float)
        The clipped (multi)polygon and the disc radius in metres.

    Raises
    ------
    SpatialInputError
        If ``target_m2`` is not positive or not smaller than the region.

    Examples
    --------
    >>> from shapely import Point, box
    >>> geom, r = clip_to_area(box(0, 0, 1000, 1000), Point(500, 500), 250_000)
    >>> round(geom.area), 250 < r < 300
    (250000, True)
    """
    total = float(shapely.area(region))
    if not target_m2 > 0 or target_m2 >= total:
        msg = (
            f"cannot clip a region of {total / 1e6:.4g} km² to {target_m2 / 1e6:.4g} km²: "
            "expected a positive area smaller than the region"
        )
        raise SpatialInputError(msg, code="boundary")
    shapely.prepare(region)
    coords = shapely.get_coordinates(region)
    lo = 0.0
    hi = float(np.max(np.hypot(coords[:, 0] - centre.x, coords[:, 1] - centre.y))) + 1.0
    best = region
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi)
        geom = shapely.intersection(region, shapely.buffer(centre, mid, quad_segs=64))
        area = float(shapely.area(geom))
        best = geom
        if abs(area - target_m2) <= rel_tol * target_m2:
            break
        if area < target_m2:
            lo = mid
        else:
            hi = mid
    parts = polygonal_parts(np.asarray([best], dtype=object))[0]
    return parts, mid


def choose_analysis_area(
    town: dict | pd.Series,
    *,
    tambon: shapely.Geometry,
    epsg: int,
    municipal: gpd.GeoDataFrame | None = None,
    municipal_src: str = MUNICIPAL_BOUNDARY_FILE,
    tambon_src: str = "geo (COD-AB tambon polygon)",
) -> AnalysisArea:
    """Choose the town's analysis area (municipal boundary, tambon, or tambon clip).

    Parameters
    ----------
    town : dict or pandas.Series
        The town's ``towns.csv`` row (``town_id``, ``area_km2``, ``lat``, ``lon``).
    tambon : shapely.Geometry
        The town's tambon polygon in ``epsg``.
    epsg : int
        Metric CRS.
    municipal : geopandas.GeoDataFrame, optional
        :func:`read_municipal_boundaries` output, when the file exists.
    municipal_src, tambon_src : str
        Names of the sources in the table.

    Returns
    -------
    AnalysisArea
        The area with its method.
    """
    town_id = str(town["town_id"])
    area = town.get("area_km2")
    registered = None if area is None or pd.isna(area) else float(area)
    tambon_m2 = float(shapely.area(tambon))
    if municipal is not None:
        sel = municipal[municipal["town_id"] == town_id]
        if len(sel):
            geom = gpd.GeoSeries(sel.geometry.to_numpy(), crs=municipal.crs).to_crs(epsg)
            src = sel["source"].iloc[0]
            src = municipal_src if pd.isna(src) else f"{municipal_src} ({src})"
            return AnalysisArea(
                town_id,
                "municipal_boundary",
                geom.union_all(),
                epsg,
                tambon_m2,
                registered,
                source=src,
            )
    if (
        registered is None
        or not registered > 0
        or registered * 1e6 >= COVERS_TAMBON_RATIO * tambon_m2
    ):
        return AnalysisArea(
            town_id, "tambon", tambon, epsg, tambon_m2, registered, source=tambon_src
        )
    lon, lat = town.get("lon"), town.get("lat")
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        msg = (
            f"towns.csv: town {town_id!r} has no lat/lon; expected the town point, needed to "
            f"place its {registered:g} km² inside tambon of {tambon_m2 / 1e6:.2f} km² "
            f"(or supply {MUNICIPAL_BOUNDARY_FILE})"
        )
        raise SpatialInputError(msg, code="boundary")
    centre = gpd.GeoSeries([shapely.Point(float(lon), float(lat))], crs=4326).to_crs(epsg)
    geom, radius = clip_to_area(tambon, centre.iloc[0], registered * 1e6)
    return AnalysisArea(
        town_id,
        "tambon_clip",
        geom,
        epsg,
        tambon_m2,
        registered,
        radius_m=radius,
        source=tambon_src,
    )


def clip_landuse(
    landuse: gpd.GeoDataFrame, area: AnalysisArea, *, src: str
) -> tuple[gpd.GeoDataFrame, float]:
    """Clip a normalised land-use layer to the analysis area and check it covers it.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use (metric CRS, :func:`analysis.spatial.landuse.read_landuse`).
    area : AnalysisArea
        The town's analysis area.
    src : str
        The land-use file, for messages.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, float)
        The clipped layer (``area_m2`` recomputed, ``attrs["notes"]`` kept, pieces under
        0.01 m² dropped) and the share (%) of the analysis area it covers.

    Raises
    ------
    SpatialInputError
        If the layer covers less than :data:`MIN_COVERAGE_PCT` of the analysis area
        (e.g. another town's layer), naming the file, the share and the expected area.
    """
    lu = landuse.to_crs(area.epsg) if landuse.crs.to_epsg() != area.epsg else landuse
    region = area.geometry
    shapely.prepare(region)
    geoms = lu.geometry.to_numpy()
    hit = shapely.intersects(region, geoms)
    inside = np.zeros(len(geoms), dtype=bool)
    inside[hit] = shapely.contains(region, geoms[hit])
    cut = np.flatnonzero(hit & ~inside)
    out_geoms = geoms.copy()
    out_geoms[cut] = polygonal_parts(shapely.intersection(geoms[cut], region))
    keep = hit & (shapely.area(out_geoms) > 0.01)
    covered = float(shapely.area(out_geoms[keep]).sum())
    coverage = 100.0 * covered / area.area_m2 if area.area_m2 > 0 else 0.0
    if coverage < MIN_COVERAGE_PCT:
        msg = (
            f"{src}: the land-use layer covers {coverage:.1f} % of the town's analysis area "
            f"({area.method}, {area.area_km2:.2f} km²); expected at least "
            f"{MIN_COVERAGE_PCT:g} % (is it another town's layer or in the wrong place?)"
        )
        raise SpatialInputError(msg, code="coverage")
    notes = list(landuse.attrs.get("notes", ()))
    out = lu.iloc[np.flatnonzero(keep)].copy()
    out = out.set_geometry(gpd.GeoSeries(out_geoms[keep], crs=lu.crs, index=out.index))
    out["area_m2"] = shapely.area(out.geometry.to_numpy())
    out = out.reset_index(drop=True)
    if coverage < 99.5:
        notes.append(
            f"{src}: the land-use layer covers {coverage:.1f} % of the analysis area; "
            "shares are of the whole analysis area"
        )
    out.attrs["notes"] = notes
    return out, coverage
