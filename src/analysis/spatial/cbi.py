"""GIS-computable indicators of the Singapore Index on Cities' Biodiversity (CBI).

Formulas follow domain.md s3.2; bands (0-4 points) are data in ``cbi_bands.yaml`` for the
2014 manual and the 2021 handbook (parameter ``version``). Indicator ids use the 2021
numbering (I-1, I-2, I-8, I-10, I-11, I-12, I-13); the 2014 number is in ``number_2014``.

Choices made here (documented in the table's ``method`` column):

* Natural area (I-1, I-2, I-8) = classes flagged ``natural`` (forest, wetland, water) that
  are not barriers (a concrete canal is not natural). Parks do not count.
* City area = the town's analysis area (:mod:`analysis.spatial.area`: a municipal
  boundary, the tambon, or the part of the tambon matching the registered area).
  Terrestrial area (I-10, I-11) = city area minus water.
* Connectivity (I-2): patches < 100 m apart form one group unless a barrier polygon
  (``barrier`` column: major roads, canals) separates them. Recipe of Kirk et al.
  (urbanConnect): buffer by 50 m, union, subtract barriers, explode, intersect the
  patches with the groups; EMS = sum(A_Gi^2) / A_total with A_total the total natural
  area. 2021 coherence = EMS / A_total x 100; 2014 scores EMS in hectares.
* Recreation (I-12) = park area + protected natural area, ha per 1000 persons. The
  layer does not say which parks hold natural areas, so every public park counts.
* Proximity (I-13): population is spread over the built-up area on a 100 m grid (each
  cell weighted by its built-up area); a cell is served when its centre lies within 400 m
  (straight line) of a park. With the population unknown the share is still the
  built-up-area-weighted share, and the note says so.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.errors import ParameterError
from analysis.spatial.landuse import class_flags
from analysis.yamltext import load_yaml

__all__ = [
    "CBI_COLUMNS",
    "CBI_INDICATORS",
    "Connectivity",
    "band_edges",
    "cbi_table",
    "cbi_values",
    "connectivity",
    "natural_connectivity",
    "natural_mask",
    "population_share_near_parks",
    "score",
]

CbiVersion = Literal["2014", "2021"]

#: Indicators computed here, in table order.
CBI_INDICATORS: tuple[str, ...] = ("I-1", "I-2", "I-8", "I-10", "I-11", "I-12", "I-13")

#: Columns of :func:`cbi_table`.
CBI_COLUMNS: tuple[str, ...] = (
    "town_id",
    "version",
    "indicator",
    "number_2014",
    "value",
    "unit",
    "score",
    "ems_ha",
    "method",
    "note",
    "is_synthetic",
)

_METHOD = {
    "I-1": "natural area (forest, wetland, water; not parks, not barriers) / analysis area x 100",
    "I-2": "effective mesh size of natural patches, 100 m threshold, barriers split groups",
    "I-8": "protected natural area / analysis area x 100",
    "I-10": "permeable area / terrestrial area (analysis area minus water) x 100",
    "I-11": "tree-canopy area / terrestrial area x 100",
    "I-12": "(all public parks + protected natural area) in ha per 1000 persons",
    "I-13": "built-up-weighted population on a 100 m grid within 400 m of a park / total x 100",
}


@functools.cache
def _bands() -> dict[str, dict[str, dict]]:
    text = (files("analysis.spatial") / "cbi_bands.yaml").read_text(encoding="utf-8")
    return load_yaml(text)["versions"]


def _check_version(version: str) -> str:
    version = str(version)
    if version not in _bands():
        msg = f"unknown CBI version {version!r}: expected one of {', '.join(sorted(_bands()))}"
        raise ParameterError(msg)
    return version


def band_edges(indicator: str, version: CbiVersion) -> list[tuple[float, bool]]:
    """Return the lower edges ``(edge, inclusive)`` of bands 1-4 of ``indicator``.

    Parameters
    ----------
    indicator : str
        A CBI indicator key of ``cbi_bands.yaml``.
    version : {"2014", "2021"}
        The CBI user's manual version.

    Returns
    -------
    list of (float, bool)
        Lower edge of bands 1 to 4 and whether a value equal to the edge is in the band.

    Raises
    ------
    ParameterError
        Unknown version, or the indicator is not scored in that version.
    """
    table = _bands()[_check_version(version)]
    if indicator not in table:
        msg = f"CBI indicator {indicator!r} is not scored in the {version} edition"
        raise ParameterError(msg)
    return [(float(e), bool(inc)) for e, inc in table[indicator]["edges"]]


def score(indicator: str, value: float, version: CbiVersion) -> int | None:
    """Return the 0-4 score of ``value`` for ``indicator`` in ``version``.

    Parameters
    ----------
    indicator : str
        ``"I-1"``, ``"I-2"``, ...; I-2 is scored on coherence % (2021) or EMS in ha (2014).
    value : float
        The indicator value in the band's unit.
    version : {"2014", "2021"}
        Scoring edition.

    Returns
    -------
    int or None
        The score, or None when ``value`` is NaN (not computable).

    Examples
    --------
    >>> score("I-2", 62.5, "2021")
    3
    >>> score("I-1", 20.0, "2021"), score("I-1", 20.01, "2021")
    (3, 4)
    """
    if math.isnan(value):
        return None
    points = 0
    for k, (edge, inclusive) in enumerate(band_edges(indicator, version), start=1):
        if value > edge or (inclusive and value == edge):
            points = k
    return points


@dataclass(frozen=True)
class Connectivity:
    """Effective mesh size of natural patches.

    Attributes
    ----------
    ems_m2 : float
        Effective mesh size, m² (sum of squared group areas / total natural area).
    total_m2 : float
        Total natural area A_total, m².
    group_areas_m2 : numpy.ndarray
        Natural area of each group, m², largest first.
    groups : geopandas.GeoDataFrame
        The group polygons (buffered union minus barriers), with ``natural_m2``.
    distance_m : float
        The connection threshold used.
    """

    ems_m2: float
    total_m2: float
    group_areas_m2: np.ndarray
    groups: gpd.GeoDataFrame
    distance_m: float = 100.0

    @property
    def ems_ha(self) -> float:
        """Effective mesh size in hectares (2014 scoring unit)."""
        return self.ems_m2 / 10_000.0

    @property
    def coherence_pct(self) -> float:
        """EMS / A_total x 100 (2021 scoring unit); NaN without natural area."""
        return 100.0 * self.ems_m2 / self.total_m2 if self.total_m2 > 0 else float("nan")


def connectivity(
    patches: np.ndarray | gpd.GeoSeries,
    barriers: np.ndarray | gpd.GeoSeries | None = None,
    *,
    distance: float = 100.0,
    crs: object = None,
) -> Connectivity:
    """Group natural patches closer than ``distance`` and compute the effective mesh size.

    Parameters
    ----------
    patches : array of shapely geometries or GeoSeries
        Natural-area polygons in a metric CRS (need not be dissolved).
    barriers : array of shapely geometries or GeoSeries, optional
        Polygons that break connections (major roads, canals).
    distance : float, default 100
        Patches closer than this (m) are connected.
    crs : optional
        CRS of the returned groups.

    Returns
    -------
    Connectivity
        EMS, total area and groups.

    Examples
    --------
    >>> from shapely import box
    >>> c = connectivity([box(0, 0, 100, 100), box(150, 0, 250, 100)])
    >>> len(c.group_areas_m2), round(c.ems_m2)
    (1, 20000)
    """
    geoms = np.asarray(getattr(patches, "values", patches), dtype=object)
    geoms = geoms[~shapely.is_empty(geoms)] if len(geoms) else geoms
    area = shapely.area(geoms) if len(geoms) else np.zeros(0)
    total = float(area.sum())
    if total <= 0:
        empty = gpd.GeoDataFrame({"natural_m2": []}, geometry=[], crs=crs)
        return Connectivity(0.0, 0.0, np.zeros(0), empty, distance)
    half = distance / 2.0
    # 8 segments per quarter circle: the polygonal buffer falls at most 0.24 m short of
    # the true 50 m, and on the benchmark sample the groups equal a pairwise-distance check
    buffered = shapely.union_all(shapely.buffer(geoms, half, quad_segs=8))
    if barriers is not None and len(barriers):
        bars = np.asarray(getattr(barriers, "values", barriers), dtype=object)
        barrier = shapely.union_all(bars)
        # only the barrier that crosses the buffered habitat matters
        buffered = shapely.difference(
            buffered, shapely.intersection(barrier, shapely.envelope(buffered))
        )
    groups = shapely.get_parts(buffered)
    groups = groups[shapely.area(groups) > 0]
    tree = shapely.STRtree(groups)
    # most patches lie inside one group; only patches cut by a barrier are shared
    pin, gin = tree.query(geoms, predicate="within")
    cut = np.ones(len(geoms), dtype=bool)
    cut[pin] = False
    cidx = np.flatnonzero(cut)
    pcut, gcut = tree.query(geoms[cidx], predicate="intersects")
    pcut = cidx[pcut]
    part_cut = shapely.area(shapely.intersection(geoms[pcut], groups[gcut]))
    gidx = np.concatenate([gin, gcut])
    part = np.concatenate([area[pin], part_cut])
    group_area = np.bincount(gidx, weights=part, minlength=len(groups))
    order = np.argsort(-group_area, kind="stable")
    group_area = group_area[order]
    keep = group_area > 0
    gdf = gpd.GeoDataFrame({"natural_m2": group_area[keep]}, geometry=groups[order][keep], crs=crs)
    ems = float(np.sum(group_area**2) / total)
    return Connectivity(ems, total, group_area[keep], gdf, distance)


def population_share_near_parks(
    landuse: gpd.GeoDataFrame, *, radius: float = 400.0, cell: float = 100.0
) -> float:
    """Return the share (%) of built-up-weighted population within ``radius`` m of a park.

    Population is spread over built-up land on a ``cell`` m grid, each cell weighted by its
    built-up area; a cell counts as served when its centre is within ``radius`` of a park.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    radius : float, default 400
        Walking distance to a park, in metres.
    cell : float, default 100
        Grid cell size, in metres.

    Returns
    -------
    float
        Percent, NaN when the town has no built-up area.
    """
    built = landuse.geometry.to_numpy()[(landuse["lu_class"] == "built_up").to_numpy()]
    parks = landuse.geometry.to_numpy()[(landuse["lu_class"] == "park").to_numpy()]
    if len(built) == 0:
        return float("nan")
    if len(parks) == 0:
        return 0.0
    x0, y0, x1, y1 = shapely.total_bounds(built)
    xs = np.arange(math.floor(x0 / cell) * cell, x1, cell)
    ys = np.arange(math.floor(y0 / cell) * cell, y1, cell)
    gx, gy = np.meshgrid(xs, ys)
    cells = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell, gy.ravel() + cell)
    tree = shapely.STRtree(built)
    cidx, bidx = tree.query(cells, predicate="intersects")
    weight = np.bincount(
        cidx,
        weights=shapely.area(shapely.intersection(cells[cidx], built[bidx])),
        minlength=len(cells),
    )
    used = np.flatnonzero(weight > 0)
    centres = shapely.points(gx.ravel()[used] + cell / 2, gy.ravel()[used] + cell / 2)
    ptree = shapely.STRtree(parks)
    near_idx, _ = ptree.query(centres, predicate="dwithin", distance=radius)
    served = np.zeros(len(used), dtype=bool)
    served[np.unique(near_idx)] = True
    w = weight[used]
    return float(100.0 * w[served].sum() / w.sum())


def natural_mask(landuse: gpd.GeoDataFrame) -> np.ndarray:
    """Return which polygons are natural area (natural class and not a barrier).

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use (``lu_class``, ``barrier``).

    Returns
    -------
    numpy.ndarray of bool
        One entry per polygon.
    """
    natural = np.isin(landuse["lu_class"].to_numpy(), list(class_flags("natural")))
    return natural & ~landuse["barrier"].to_numpy(dtype=bool)


def natural_connectivity(landuse: gpd.GeoDataFrame, *, distance: float = 100.0) -> Connectivity:
    """Return the :func:`connectivity` of a town's natural area, its barriers splitting groups.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    distance : float, default 100
        Patches closer than this (metres) are connected.

    Returns
    -------
    Connectivity
    """
    geoms = landuse.geometry.to_numpy()
    barrier = landuse["barrier"].to_numpy(dtype=bool)
    return connectivity(
        geoms[natural_mask(landuse)], geoms[barrier], distance=distance, crs=landuse.crs
    )


def cbi_values(
    landuse: gpd.GeoDataFrame,
    *,
    town_area_m2: float,
    population: int | None,
    conn: Connectivity | None = None,
) -> dict[str, float]:
    """Return the raw indicator values of one town (before scoring).

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    town_area_m2 : float
        City area.
    population : int or None
        Population (None: unknown).
    conn : Connectivity, optional
        Precomputed :func:`natural_connectivity` (it is the expensive part).

    Returns
    -------
    dict
        ``I-1, I-8, I-10, I-11, I-13`` in %, ``I-12`` in ha per 1000 persons,
        ``ems_m2``, ``ems_ha`` and ``coherence_pct`` for I-2, ``natural_m2``.
    """
    cls = landuse["lu_class"].to_numpy()
    area = landuse["area_m2"].to_numpy()
    natural = natural_mask(landuse)
    water = cls == "water"
    permeable = np.isin(cls, list(class_flags("permeable"))) & ~water
    protected_nat = natural & landuse["protected"].to_numpy(dtype=bool)
    canopy = landuse["tree_canopy"].to_numpy(dtype=bool) & ~water
    terrestrial = town_area_m2 - float(area[water].sum())
    if conn is None:
        conn = natural_connectivity(landuse)
    recreation_ha = (float(area[cls == "park"].sum()) + float(area[protected_nat].sum())) / 10_000.0
    return {
        "I-1": 100.0 * float(area[natural].sum()) / town_area_m2,
        "ems_m2": conn.ems_m2,
        "ems_ha": conn.ems_ha,
        "coherence_pct": conn.coherence_pct,
        "natural_m2": conn.total_m2,
        "I-8": 100.0 * float(area[protected_nat].sum()) / town_area_m2,
        "I-10": 100.0 * float(area[permeable].sum()) / terrestrial
        if terrestrial > 0
        else float("nan"),
        "I-11": 100.0 * float(area[canopy].sum()) / terrestrial
        if terrestrial > 0
        else float("nan"),
        "I-12": recreation_ha / (population / 1000.0) if population else float("nan"),
        "I-13": population_share_near_parks(landuse),
    }


def cbi_table(
    landuse: gpd.GeoDataFrame,
    *,
    town_area_m2: float,
    population: int | None,
    version: CbiVersion = "2021",
    values: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Return the CBI indicator table of one town, scored with ``version``'s bands.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    town_area_m2 : float
        City area (the analysis area, :mod:`analysis.spatial.area`).
    population : int or None
        Population; None when unknown (I-12 is then not computed; the note says so).
    version : {"2014", "2021"}, default "2021"
        Scoring edition. 2014 scores connectivity on EMS (ha) and has no I-13.
    values : dict, optional
        Precomputed :func:`cbi_values` (to score both versions without recomputing).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CBI_COLUMNS`, one row per indicator.
    """
    version = cast("CbiVersion", _check_version(version))
    vals = (
        values
        if values is not None
        else cbi_values(landuse, town_area_m2=town_area_m2, population=population)
    )
    table = _bands()[version]
    town_id = str(landuse["town_id"].iloc[0]) if len(landuse) else ""
    rows = []
    for ind in CBI_INDICATORS:
        if ind == "I-2":
            value = vals["ems_ha"] if version == "2014" else vals["coherence_pct"]
        else:
            value = vals[ind]
        spec = table.get(ind)
        note = ""
        if spec is None:
            note = "not in the 2014 edition"
        elif ind == "I-12" and math.isnan(value):
            note = "population not known"
        elif ind == "I-13" and population is None:
            note = "population not known: share of built-up area used as population weight"
        if version == "2014" and spec is not None and ind not in ("I-1", "I-12"):
            note = (
                note + "; " if note else ""
            ) + "2014 band edges from memory in domain.md: verify"
        rows.append(
            {
                "town_id": town_id,
                "version": version,
                "indicator": ind,
                "number_2014": spec.get("number")
                if spec and version == "2014"
                else _NUMBER_2014.get(ind),
                "value": float(value),
                "unit": spec["unit"] if spec else "percent",
                "score": score(ind, float(value), version) if spec else None,
                "ems_ha": vals["ems_ha"] if ind == "I-2" else float("nan"),
                "method": _METHOD[ind],
                "note": note,
                "is_synthetic": bool(landuse["is_synthetic"].any()) if len(landuse) else False,
            }
        )
    out = pd.DataFrame(rows, columns=list(CBI_COLUMNS))
    out["number_2014"] = out["number_2014"].astype("Int64")
    out["score"] = out["score"].astype("Int64")
    for col in ("town_id", "version", "indicator", "unit", "method", "note"):
        out[col] = out[col].astype("string")
    return out


_NUMBER_2014 = {"I-1": 1, "I-2": 2, "I-8": 9, "I-10": 11, "I-11": 12, "I-12": 13}
