"""Build the spatial tables of the processed store from ``data/raw/landuse``.

:func:`build_spatial` is called by ``ecoplan ingest``. For every town of the registry
that has a land-use file ``data/raw/landuse/<town_id>.(gpkg|geojson|shp)`` it reads and
normalises the layer, builds the green-space inventory, both CBI scoring versions and
the eco-landscape zones, and writes (atomically, GeoParquet in EPSG:4326):

``landuse.parquet``      every land-use polygon, normalised classes (all towns)
``greenspace.parquet``   the green-space inventory (one row per green area)
``cbi.parquet``          CBI indicators, values and 0-4 scores, versions 2014 and 2021
``zones.parquet``        eco-landscape zone polygons (one multipolygon per town x zone)
``zone_areas.parquet``   zone areas in m², rai and km²
``greenspace_summary.parquet``  per-town green area, share, m² per person vs yardsticks
``spatial_notes.parquet``  geometry repairs and CRS assumptions made while reading

The town area is the town's tambon polygon from ``data/raw/geo``: municipal boundaries
are not in the boundary set, so the tambon only approximates the municipality.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.errors import GEOSException

from analysis.errors import SpatialInputError
from analysis.paths import ProjectPaths
from analysis.spatial.cbi import cbi_table, cbi_values, natural_connectivity
from analysis.spatial.greenspace import (
    area_mismatch_note,
    greenspace_inventory,
    greenspace_summary,
)
from analysis.spatial.landuse import read_landuse
from analysis.spatial.zoning import zone_area_table, zoning
from analysis.store.boundaries import load_raw_boundaries
from analysis.store.io import store_path, write_geotable, write_table
from analysis.towns import load_towns

__all__ = [
    "LANDUSE_SUFFIXES",
    "SPATIAL_TABLES",
    "SpatialSummary",
    "TownSpatial",
    "TownSpatialResult",
    "analyse_town",
    "build_spatial",
    "find_landuse_file",
    "town_area",
]

#: Accepted land-use file types, in order of preference.
LANDUSE_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".shp")


@dataclass(frozen=True)
class TownSpatialResult:
    """What :func:`build_spatial` produced for one town."""

    town_id: str
    n_polygons: int
    n_green_areas: int
    green_share_pct: float
    natural_pct: float
    seconds: float
    is_synthetic: bool
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        label = " SYNTHETIC" if self.is_synthetic else ""
        extra = f"; {len(self.notes)} note(s) in spatial_notes.parquet" if self.notes else ""
        return (
            f"{self.town_id}:{label} {self.n_polygons} land-use polygons, "
            f"{self.n_green_areas} green areas, "
            f"green {self.green_share_pct:.1f} % of area, natural {self.natural_pct:.1f} % "
            f"({self.seconds:.2f} s{extra})"
        )


@dataclass(frozen=True)
class SpatialSummary:
    """Result of :func:`build_spatial`: per-town results, towns skipped and files written."""

    towns: tuple[TownSpatialResult, ...]
    skipped: tuple[str, ...] = ()
    written: tuple[Path, ...] = field(default=())

    def __str__(self) -> str:
        lines = [str(t) for t in self.towns]
        lines += [f"{tid}: no land-use file in data/raw/landuse (skipped)" for tid in self.skipped]
        if not lines:
            lines = ["spatial: no towns"]
        return "\n".join(lines)


def find_landuse_file(landuse_dir: Path, town_id: str) -> Path | None:
    """Return the land-use file of ``town_id`` in ``landuse_dir``, or None.

    Parameters
    ----------
    landuse_dir : pathlib.Path
        Usually ``data/raw/landuse``.
    town_id : str
        The town.

    Returns
    -------
    pathlib.Path or None
        The first of ``<town_id>.gpkg``, ``.geojson``, ``.shp`` that exists.
    """
    for suffix in LANDUSE_SUFFIXES:
        path = landuse_dir / f"{town_id}{suffix}"
        if path.is_file():
            return path
    return None


def town_area(boundaries: gpd.GeoDataFrame, tambon_pcode: str, epsg: int) -> gpd.GeoSeries:
    """Return the town's tambon polygon in ``epsg`` (the approximation of the town area).

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        ``boundaries.parquet``.
    tambon_pcode : str
        The town's tambon.
    epsg : int
        Target CRS.

    Returns
    -------
    geopandas.GeoSeries
        One polygon.

    Raises
    ------
    SpatialInputError
        If the tambon pcode is not in the boundaries.
    """
    sel = boundaries[(boundaries["level"] == "tambon") & (boundaries["pcode"] == tambon_pcode)]
    if sel.empty:
        msg = (
            f"tambon {tambon_pcode!r} (towns.csv tambon_pcode) is not in the boundary files "
            "of data/raw/geo"
        )
        raise SpatialInputError(msg)
    return gpd.GeoSeries([sel.geometry.union_all()], crs=sel.crs).to_crs(epsg)


@dataclass(frozen=True)
class TownSpatial:
    """Every spatial table of one town (metric CRS), as :func:`analyse_town` returns them.

    Attributes
    ----------
    landuse, greenspace, zones : geopandas.GeoDataFrame
        Normalised land use, green-space inventory, zone polygons.
    greenspace_summary, cbi, zone_areas : pandas.DataFrame
        Green-space summary (one row), CBI table (both editions), zone areas.
    notes : tuple of str
        Repairs and assumptions made while reading the layer.
    """

    landuse: gpd.GeoDataFrame
    greenspace: gpd.GeoDataFrame
    greenspace_summary: pd.DataFrame
    cbi: pd.DataFrame
    zones: gpd.GeoDataFrame
    zone_areas: pd.DataFrame
    notes: tuple[str, ...] = ()


def analyse_town(
    landuse: gpd.GeoDataFrame,
    *,
    town_area_m2: float,
    population: int | None,
    registered_area_km2: float | None = None,
) -> TownSpatial:
    """Compute the inventory, both CBI editions and the zoning of one town's land use.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use (:func:`analysis.spatial.landuse.read_landuse`).
    town_area_m2 : float
        City area (the tambon polygon, see :func:`town_area`).
    population : int or None
        Population, None when unknown.
    registered_area_km2 : float, optional
        Registered municipal area, to flag per-person figures when it differs from the tambon.

    Returns
    -------
    TownSpatial
        The tables, in the layer's metric CRS.
    """
    town_id = str(landuse["town_id"].iloc[0])
    inv = greenspace_inventory(landuse)
    summ = greenspace_summary(
        inv,
        town_id=town_id,
        town_area_m2=town_area_m2,
        population=population,
        registered_area_km2=registered_area_km2,
    )
    conn = natural_connectivity(landuse)
    values = cbi_values(landuse, town_area_m2=town_area_m2, population=population, conn=conn)
    cbi = pd.concat(
        [
            cbi_table(
                landuse, town_area_m2=town_area_m2, population=population, version=v, values=values
            )
            for v in ("2014", "2021")
        ],
        ignore_index=True,
    )
    mismatch = area_mismatch_note(town_area_m2, registered_area_km2)
    if mismatch and population is not None:
        per_person = (cbi["indicator"] == "I-12").to_numpy()
        cbi.loc[per_person, "note"] = [
            f"{n}; {mismatch}" if n else mismatch for n in cbi.loc[per_person, "note"]
        ]
    zones = zoning(landuse, conn=conn)
    return TownSpatial(
        landuse=landuse,
        greenspace=inv,
        greenspace_summary=summ,
        cbi=cbi,
        zones=zones,
        zone_areas=zone_area_table(zones),
        notes=tuple(landuse.attrs.get("notes", ())),
    )


#: Tables written by :func:`build_spatial` (GeoParquet for the geometric ones).
SPATIAL_TABLES: tuple[str, ...] = (
    "landuse.parquet",
    "greenspace.parquet",
    "greenspace_summary.parquet",
    "cbi.parquet",
    "zones.parquet",
    "zone_areas.parquet",
    "spatial_notes.parquet",
)


def build_spatial(paths: ProjectPaths) -> SpatialSummary:
    """Build the spatial tables of the store (:data:`SPATIAL_TABLES`) for every town.

    Towns without a land-use file are skipped (and listed). When no town has one, stale
    spatial tables of an earlier run are removed so the store never mixes runs.

    Parameters
    ----------
    paths : analysis.paths.ProjectPaths
        Project directories: reads ``raw/landuse``, ``raw/towns.csv`` and ``raw/geo``,
        writes to ``processed``.

    Returns
    -------
    SpatialSummary
        One line per town when printed.

    Raises
    ------
    SpatialInputError
        If a land-use file is unusable (the message names the file and the feature).
    """
    towns = load_towns(paths.towns_csv)
    landuse_dir = paths.raw / "landuse"
    boundaries = load_raw_boundaries(paths.raw_geo)
    results: list[TownSpatialResult] = []
    skipped: list[str] = []
    done: list[TownSpatial] = []
    for town in towns.to_dict("records"):
        town_id = str(town["town_id"])
        path = find_landuse_file(landuse_dir, town_id) if landuse_dir.is_dir() else None
        if path is None:
            skipped.append(town_id)
            continue
        t0 = time.perf_counter()
        src = str(path.relative_to(paths.raw)) if path.is_relative_to(paths.raw) else str(path)
        try:
            lu = read_landuse(path, town_id=town_id, src=src)
            area = town_area(boundaries, str(town["tambon_pcode"]), lu.crs.to_epsg())
            res = analyse_town(
                lu,
                town_area_m2=float(area.area.iloc[0]),
                population=None if pd.isna(town["population"]) else int(town["population"]),
                registered_area_km2=None if pd.isna(town["area_km2"]) else float(town["area_km2"]),
            )
        except GEOSException as exc:
            msg = f"{src}: a geometry operation failed ({exc}); check the layer for broken polygons"
            raise SpatialInputError(msg) from exc
        done.append(res)
        natural = res.cbi.loc[
            (res.cbi["version"] == "2021") & (res.cbi["indicator"] == "I-1"), "value"
        ]
        results.append(
            TownSpatialResult(
                town_id=town_id,
                n_polygons=len(lu),
                n_green_areas=len(res.greenspace),
                green_share_pct=float(res.greenspace_summary["green_share_pct"].iloc[0]),
                natural_pct=float(natural.iloc[0]) if len(natural) else float("nan"),
                seconds=time.perf_counter() - t0,
                is_synthetic=bool(lu["is_synthetic"].any()),
                notes=res.notes,
            )
        )
    out = paths.processed
    written: list[Path] = []
    if not done:
        for name in SPATIAL_TABLES:
            store_path(name, out).unlink(missing_ok=True)
        return SpatialSummary(towns=(), skipped=tuple(skipped), written=())
    geo = {
        "landuse.parquet": [r.landuse for r in done],
        "greenspace.parquet": [r.greenspace for r in done],
        "zones.parquet": [r.zones for r in done],
    }
    for name, frames in geo.items():
        written.append(write_geotable(_concat_geo([f.to_crs(4326) for f in frames]), name, out))
    plain = {
        "greenspace_summary.parquet": [r.greenspace_summary for r in done],
        "cbi.parquet": [r.cbi for r in done],
        "zone_areas.parquet": [r.zone_areas for r in done],
    }
    for name, frames in plain.items():
        written.append(write_table(pd.concat(frames, ignore_index=True), name, out))
    notes = pd.DataFrame(
        [(t.town_id, n) for t in results for n in t.notes],
        columns=["town_id", "note"],
        dtype="string",
    )
    written.append(write_table(notes, "spatial_notes.parquet", out))
    return SpatialSummary(towns=tuple(results), skipped=tuple(skipped), written=tuple(written))


def _concat_geo(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
