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

The town area is the town's tambon polygon from ``data/raw/geo``: municipal boundaries
are not in the boundary set, so the tambon only approximates the municipality.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import SpatialInputError
from analysis.paths import ProjectPaths
from analysis.spatial.cbi import cbi_table
from analysis.spatial.greenspace import greenspace_inventory, greenspace_summary
from analysis.spatial.landuse import read_landuse
from analysis.spatial.zoning import zone_area_table, zoning
from analysis.store.boundaries import load_raw_boundaries
from analysis.store.io import write_geotable, write_table
from analysis.towns import load_towns

__all__ = [
    "LANDUSE_SUFFIXES",
    "SpatialSummary",
    "TownSpatialResult",
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
        extra = f"; {len(self.notes)} note(s)" if self.notes else ""
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
    """Return the land-use file of ``town_id`` in ``landuse_dir``, or None."""
    for suffix in LANDUSE_SUFFIXES:
        path = landuse_dir / f"{town_id}{suffix}"
        if path.is_file():
            return path
    return None


def town_area(boundaries: gpd.GeoDataFrame, tambon_pcode: str, epsg: int) -> gpd.GeoSeries:
    """Return the town's tambon polygon in ``epsg`` (the approximation of the town area).

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


def build_spatial(paths: ProjectPaths) -> SpatialSummary:
    """Build ``landuse``, ``greenspace``, ``cbi``, ``zones`` and ``zone_areas`` in the store.

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
    parts: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("landuse", "greenspace", "summary", "cbi", "zones", "areas")
    }
    for town in towns.itertuples(index=False):
        path = find_landuse_file(landuse_dir, town.town_id) if landuse_dir.is_dir() else None
        if path is None:
            skipped.append(town.town_id)
            continue
        t0 = time.perf_counter()
        src = str(path.relative_to(paths.raw)) if path.is_relative_to(paths.raw) else str(path)
        lu = read_landuse(path, town_id=town.town_id, src=src)
        area = town_area(boundaries, town.tambon_pcode, lu.crs.to_epsg())
        area_m2 = float(area.area.iloc[0])
        population = None if pd.isna(town.population) else int(town.population)
        inv = greenspace_inventory(lu)
        summ = greenspace_summary(
            inv, town_id=town.town_id, town_area_m2=area_m2, population=population
        )
        cbi = pd.concat(
            [
                cbi_table(lu, town_area_m2=area_m2, population=population, version=v)
                for v in ("2014", "2021")
            ],
            ignore_index=True,
        )
        zones = zoning(lu)
        areas = zone_area_table(zones)
        parts["landuse"].append(lu.to_crs(4326))
        parts["greenspace"].append(inv.to_crs(4326))
        parts["summary"].append(summ)
        parts["cbi"].append(cbi)
        parts["zones"].append(zones.to_crs(4326))
        parts["areas"].append(areas)
        natural = cbi.loc[(cbi["version"] == "2021") & (cbi["indicator"] == "I-1"), "value"]
        results.append(
            TownSpatialResult(
                town_id=town.town_id,
                n_polygons=len(lu),
                n_green_areas=len(inv),
                green_share_pct=float(summ["green_share_pct"].iloc[0]),
                natural_pct=float(natural.iloc[0]) if len(natural) else float("nan"),
                seconds=time.perf_counter() - t0,
                is_synthetic=bool(lu["is_synthetic"].any()),
                notes=tuple(lu.attrs.get("notes", ())),
            )
        )
    written: list[Path] = []
    if results:
        out = paths.processed
        written.append(write_geotable(_concat_geo(parts["landuse"]), "landuse.parquet", out))
        written.append(write_geotable(_concat_geo(parts["greenspace"]), "greenspace.parquet", out))
        written.append(
            write_table(
                pd.concat(parts["summary"], ignore_index=True), "greenspace_summary.parquet", out
            )
        )
        written.append(write_table(pd.concat(parts["cbi"], ignore_index=True), "cbi.parquet", out))
        written.append(write_geotable(_concat_geo(parts["zones"]), "zones.parquet", out))
        written.append(
            write_table(pd.concat(parts["areas"], ignore_index=True), "zone_areas.parquet", out)
        )
    return SpatialSummary(towns=tuple(results), skipped=tuple(skipped), written=tuple(written))


def _concat_geo(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
