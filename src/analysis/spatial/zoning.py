"""Eco-landscape zoning: conservation, restoration, sustainable use and development zones.

The rules are data (``zoning_rules.yaml``, see its header): a base zone per land-use class,
protected land to conservation, then overlays (urban infill, riparian buffers, habitat gaps
that would join separate connectivity groups). :func:`zoning` returns one (multi)polygon per
zone and :func:`zone_area_table` the areas in m², rai (1 rai = 1,600 m²) and km².
"""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from analysis.errors import ConfigError
from analysis.spatial.cbi import Connectivity, natural_connectivity, natural_mask
from analysis.spatial.landuse import CLASSES, M2_PER_RAI, polygonal_parts
from analysis.yamltext import load_yaml

__all__ = [
    "M2_PER_RAI",
    "ZONE_AREA_COLUMNS",
    "assign_zones",
    "habitat_gaps",
    "load_zoning_rules",
    "zone_area_table",
    "zoning",
]


ZONE_AREA_COLUMNS: tuple[str, ...] = (
    "town_id",
    "zone",
    "area_m2",
    "area_rai",
    "area_km2",
    "share_pct",
    "is_synthetic",
)


@functools.cache
def _default_rules_text() -> str:
    return (files("analysis.spatial") / "zoning_rules.yaml").read_text(encoding="utf-8")


def load_zoning_rules(path: Path | str | None = None) -> dict[str, Any]:
    """Read and check zoning rules (default: the packaged ``zoning_rules.yaml``).

    Parameters
    ----------
    path : pathlib.Path or str, optional
        A rules file; default the packaged one.

    Returns
    -------
    dict
        ``zones``, ``priority``, ``colors``, ``classes``, ``protected_zone`` and
        ``overlays`` as in the YAML.

    Raises
    ------
    ConfigError
        If a class has no zone, a zone is unknown or an overlay kind is unknown.
    """
    src = str(path) if path else "analysis/spatial/zoning_rules.yaml"
    text = Path(path).read_text(encoding="utf-8") if path else _default_rules_text()
    try:
        rules = load_yaml(text)
    except yaml.YAMLError as exc:
        msg = f"{src}: invalid YAML: {exc}"
        raise ConfigError(msg) from exc
    zones = list(rules.get("zones", []))
    missing = [c for c in CLASSES if c not in rules.get("classes", {})]
    if missing:
        msg = f"{src}: no zone for land-use class(es) {missing}"
        raise ConfigError(msg)
    used = [
        *rules["classes"].values(),
        rules.get("protected_zone"),
        *(o["zone"] for o in rules.get("overlays", [])),
    ]
    bad = sorted({z for z in used if z is not None and z not in zones})
    if bad or sorted(rules.get("priority", [])) != sorted(zones):
        msg = f"{src}: unknown zone(s) {bad} or priority does not list every zone {zones}"
        raise ConfigError(msg)
    for ov in rules.get("overlays", []):
        if ov.get("kind") not in ("infill", "riparian", "habitat_gaps"):
            msg = (
                f"{src}: unknown overlay kind {ov.get('kind')!r}: "
                "expected infill, riparian or habitat_gaps"
            )
            raise ConfigError(msg)
    return rules


def habitat_gaps(
    landuse: gpd.GeoDataFrame,
    *,
    distance_m: float = 100.0,
    max_gap_m: float = 300.0,
    conn: Connectivity | None = None,
    clip: bool = True,
) -> shapely.Geometry:
    """Return the land between separate habitat groups less than ``max_gap_m`` apart.

    Groups are the CBI connectivity groups (patches < ``distance_m`` apart, barriers
    split). Each group's reach is extended by ``(max_gap_m - distance_m) / 2``; where the
    reaches of two different groups overlap lies the gap whose restoration would join them.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    distance_m : float, default 100
        CBI connection threshold.
    max_gap_m : float, default 300
        Largest gap between groups considered restorable.
    conn : Connectivity, optional
        Precomputed :func:`analysis.spatial.cbi.natural_connectivity` (same ``distance_m``).
    clip : bool, default True
        Remove natural land and barriers from the result (zoning skips this: it only
        re-zones eligible classes anyway).

    Returns
    -------
    shapely.Geometry
        The gap area (possibly empty).
    """
    if conn is None or conn.distance_m != distance_m:
        conn = natural_connectivity(landuse, distance=distance_m)
    groups = conn.groups.geometry.to_numpy()
    if len(groups) < 2:
        return shapely.Polygon()
    reach = shapely.buffer(groups, (max_gap_m - distance_m) / 2.0, quad_segs=4)
    tree = shapely.STRtree(reach)
    a, b = tree.query(reach, predicate="intersects")
    pair = a < b
    if not pair.any():
        return shapely.Polygon()
    lens = shapely.union_all(shapely.intersection(reach[a[pair]], reach[b[pair]]))
    if not clip:
        return lens
    blocked = natural_mask(landuse) | landuse["barrier"].to_numpy(dtype=bool)
    return shapely.difference(lens, shapely.union_all(landuse.geometry.to_numpy()[blocked]))


def _split(
    geoms: np.ndarray,
    zone: np.ndarray,
    cls: np.ndarray,
    *,
    region: shapely.Geometry | None,
    new_zone: str,
    applies_to: list[str],
    rank: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Re-zone the parts of eligible polygons that fall inside ``region``."""
    if region is None or shapely.is_empty(region):
        return geoms, zone, cls
    shapely.prepare(region)
    eligible = np.isin(cls, applies_to) & (np.array([rank[z] for z in zone]) > rank[new_zone])
    cand = np.flatnonzero(eligible)
    cand = cand[shapely.intersects(region, geoms[cand])]
    if len(cand) == 0:
        return geoms, zone, cls
    inside = polygonal_parts(shapely.intersection(geoms[cand], region))
    outside = polygonal_parts(shapely.difference(geoms[cand], region))
    keep = np.ones(len(geoms), dtype=bool)
    keep[cand] = False
    ok_in = shapely.area(inside) > 0.01
    ok_out = shapely.area(outside) > 0.01
    geoms = np.concatenate([geoms[keep], inside[ok_in], outside[ok_out]])
    zone = np.concatenate(
        [zone[keep], np.full(ok_in.sum(), new_zone, dtype=object), zone[cand][ok_out]]
    )
    cls = np.concatenate([cls[keep], cls[cand][ok_in], cls[cand][ok_out]])
    return geoms, zone, cls


def assign_zones(
    landuse: gpd.GeoDataFrame,
    rules: dict[str, Any] | None = None,
    *,
    conn: Connectivity | None = None,
) -> gpd.GeoDataFrame:
    """Split land-use polygons where overlays apply and give every piece a zone.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    rules : dict, optional
        Output of :func:`load_zoning_rules` (default: the packaged rules).
    conn : Connectivity, optional
        Precomputed :func:`analysis.spatial.cbi.natural_connectivity` (reused for the
        habitat-gap overlay).

    Returns
    -------
    geopandas.GeoDataFrame
        ``lu_class``, ``zone`` and ``geometry`` of every piece (same CRS).
    """
    rules = rules or load_zoning_rules()
    rank = {z: i for i, z in enumerate(rules["priority"])}
    geoms = landuse.geometry.to_numpy().copy()
    cls = landuse["lu_class"].to_numpy(dtype=object)
    zone = np.array([rules["classes"][c] for c in cls], dtype=object)
    if rules.get("protected_zone"):
        zone[landuse["protected"].to_numpy(dtype=bool)] = rules["protected_zone"]
    for ov in rules.get("overlays", []):
        kind = ov["kind"]
        if kind == "infill":
            target = np.flatnonzero(np.isin(cls, ov["applies_to"]))
            nb = np.flatnonzero(np.isin(cls, ov["neighbours"]))
            if len(target) and len(nb):
                rings = shapely.difference(
                    shapely.buffer(geoms[target], ov["ring_m"], quad_segs=2), geoms[target]
                )
                tree = shapely.STRtree(geoms[nb])
                ri, ni = tree.query(rings, predicate="intersects")
                covered = np.bincount(
                    ri,
                    weights=shapely.area(shapely.intersection(rings[ri], geoms[nb][ni])),
                    minlength=len(rings),
                )
                share = covered / np.maximum(shapely.area(rings), 1e-9)
                hit = target[share >= ov["min_share"]]
                zone[hit] = ov["zone"]
            continue
        if kind == "riparian":
            water = geoms[np.isin(cls, ov["from"])]
            region = (
                shapely.union_all(shapely.buffer(water, ov["distance_m"], quad_segs=4))
                if len(water)
                else None
            )
        else:  # habitat_gaps
            region = habitat_gaps(
                landuse,
                distance_m=ov["distance_m"],
                max_gap_m=ov["max_gap_m"],
                conn=conn,
                clip=False,
            )
        geoms, zone, cls = _split(
            geoms,
            zone,
            cls,
            region=region,
            new_zone=ov["zone"],
            applies_to=ov["applies_to"],
            rank=rank,
        )
    return gpd.GeoDataFrame(
        {
            "lu_class": pd.array(cls.astype(str), dtype="string"),
            "zone": pd.array(zone.astype(str), dtype="string"),
        },
        geometry=geoms,
        crs=landuse.crs,
    )


def zoning(
    landuse: gpd.GeoDataFrame,
    rules: dict[str, Any] | None = None,
    *,
    conn: Connectivity | None = None,
) -> gpd.GeoDataFrame:
    """Return the eco-landscape zones of one town: one (multi)polygon per zone.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use of one town (metric CRS).
    rules : dict, optional
        Zoning rules (default: the packaged ``zoning_rules.yaml``).
    conn : Connectivity, optional
        Precomputed natural-area connectivity (see :func:`assign_zones`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``town_id, zone, area_m2, area_rai, area_km2, source, is_synthetic, geometry``,
        zones in the rules' order (zones without land are omitted).
    """
    rules = rules or load_zoning_rules()
    pieces = assign_zones(landuse, rules, conn=conn)
    town_id = str(landuse["town_id"].iloc[0]) if len(landuse) else ""
    rows = []
    piece_area = shapely.area(pieces.geometry.to_numpy())
    for z in rules["zones"]:
        mask = (pieces["zone"] == z).to_numpy()
        if not mask.any():
            continue
        # the area is the sum of the pieces (exact); the dissolved shape is for maps
        geom = shapely.union_all(pieces.geometry.to_numpy()[mask])
        rows.append({"zone": z, "area_m2": float(piece_area[mask].sum()), "geometry": geom})
    if not rows:
        rows_empty = {"zone": pd.Series(dtype="string"), "area_m2": pd.Series(dtype=float)}
        out = gpd.GeoDataFrame(rows_empty, geometry=[], crs=landuse.crs)
    else:
        out = gpd.GeoDataFrame(rows, geometry="geometry", crs=landuse.crs)
    area = out["area_m2"].to_numpy(dtype=float) if len(out) else np.zeros(0)
    out.insert(0, "town_id", pd.array([town_id] * len(out), dtype="string"))
    out["zone"] = out["zone"].astype("string")
    out["area_m2"] = area
    out["area_rai"] = area / M2_PER_RAI
    out["area_km2"] = area / 1e6
    out["source"] = pd.array(
        [str(landuse["source"].iloc[0]) if len(landuse) else ""] * len(out), dtype="string"
    )
    out["is_synthetic"] = bool(landuse["is_synthetic"].any()) if len(landuse) else False
    return out[
        ["town_id", "zone", "area_m2", "area_rai", "area_km2", "source", "is_synthetic", "geometry"]
    ]


def zone_area_table(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the area of each zone in m², rai and km², and its share of the zoned area.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Output of :func:`zoning`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ZONE_AREA_COLUMNS`.
    """
    area = zones["area_m2"].to_numpy(dtype=float) if len(zones) else np.zeros(0)
    total = float(area.sum())
    out = pd.DataFrame(
        {
            "town_id": zones["town_id"].astype("string").to_numpy(),
            "zone": zones["zone"].astype("string").to_numpy(),
            "area_m2": area,
            "area_rai": area / M2_PER_RAI,
            "area_km2": area / 1e6,
            "share_pct": 100.0 * area / total if total > 0 else np.full(len(area), np.nan),
            "is_synthetic": zones["is_synthetic"].to_numpy(dtype=bool),
        }
    )
    for col in ("town_id", "zone"):
        out[col] = out[col].astype("string")
    return out[list(ZONE_AREA_COLUMNS)]
