"""Build the spatial tables of the processed store from ``data/raw/landuse``.

:func:`build_spatial` is called by ``ecoplan ingest``, after the rest of the ingest has
written the town registry (``towns.parquet``), the administrative boundaries
(``boundaries.parquet``) and the municipal boundaries (``municipal_boundaries.parquet``)
into the store: it reads those from the store, never ``towns.csv`` or ``data/raw/geo``
(raw -> store -> analysis; the land-use layers are its own raw input). For every
registered town that has a land-use file ``data/raw/landuse/<town_id>.(gpkg|geojson|shp)``
it reads and normalises the layer, chooses the town's analysis area
(:mod:`analysis.spatial.area`: a municipal boundary, the tambon, or the part of the tambon
matching the registered area), clips the layer to it, builds the green-space inventory,
both CBI scoring versions
and the eco-landscape zones, checks them (:mod:`analysis.spatial.checks`), and writes
(atomically, GeoParquet in EPSG:4326):

``landuse.parquet``      every land-use polygon inside the analysis area (all towns)
``greenspace.parquet``   the green-space inventory (one row per green area)
``cbi.parquet``          CBI indicators, values and 0-4 scores, versions 2014 and 2021
``zones.parquet``        eco-landscape zone polygons (one multipolygon per town x zone)
``zone_areas.parquet``   zone areas in m², rai and km²
``greenspace_summary.parquet``  per-town green area, share, m² per person vs yardsticks
``analysis_areas.parquet``  the analysis area polygon of each town with results
``spatial_status.parquet``  one row per town: ``ok`` / ``failed`` / ``no_landuse``, the
                         analysis area and, for a failed town, the located error
``spatial_notes.parquet``  geometry repairs and CRS assumptions made while reading

``greenspace_summary``, ``cbi``, ``zones`` and ``zone_areas`` carry
``analysis_area_method`` and ``analysis_area_km2``. Towns are independent: a town whose
land use is unusable gets a located error in ``spatial_status`` and the ingest manifest
(``spatial`` entry) and no rows in the other tables, while the other towns proceed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.errors import GEOSException

from analysis.errors import SpatialInputError
from analysis.paths import ProjectPaths
from analysis.spatial.area import (
    AnalysisArea,
    choose_analysis_area,
    clip_landuse,
)
from analysis.spatial.cbi import cbi_table, cbi_values, natural_connectivity
from analysis.spatial.checks import check_town_results
from analysis.spatial.crs import utm_epsg_for_lon
from analysis.spatial.greenspace import (
    area_mismatch_note,
    greenspace_inventory,
    greenspace_summary,
)
from analysis.spatial.landuse import read_landuse
from analysis.spatial.zoning import zone_area_table, zoning
from analysis.store.atomic import atomic_write_text
from analysis.store.boundaries import MUNICIPAL_TABLE
from analysis.store.io import (
    read_boundaries,
    read_geotable,
    read_towns,
    store_path,
    write_geotable,
    write_table,
)
from analysis.store.schema import columns

__all__ = [
    "LANDUSE_SUFFIXES",
    "SPATIAL_STATUS_COLUMNS",
    "SPATIAL_TABLES",
    "SpatialSummary",
    "TownSpatial",
    "TownSpatialFailure",
    "TownSpatialResult",
    "analyse_town",
    "build_spatial",
    "find_landuse_file",
    "town_area",
]

#: Accepted land-use file types, in order of preference.
LANDUSE_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".shp")

#: Columns of ``spatial_status.parquet``.
SPATIAL_STATUS_COLUMNS: tuple[str, ...] = columns("spatial_status.parquet")


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
    src_file: str = ""
    analysis_area_method: str = ""
    analysis_area_km2: float = float("nan")
    tambon_area_km2: float = float("nan")
    registered_area_km2: float = float("nan")
    coverage_pct: float = float("nan")

    def __str__(self) -> str:
        label = " SYNTHETIC" if self.is_synthetic else ""
        extra = f"; {len(self.notes)} note(s) in spatial_notes.parquet" if self.notes else ""
        return (
            f"{self.town_id}:{label} {self.n_polygons} land-use polygons, "
            f"{self.n_green_areas} green areas, "
            f"green {self.green_share_pct:.1f} % of area, natural {self.natural_pct:.1f} % "
            f"(analysis area {self.analysis_area_method} {self.analysis_area_km2:.2f} km²; "
            f"{self.seconds:.2f} s{extra})"
        )


@dataclass(frozen=True)
class TownSpatialFailure:
    """A town whose land use could not be used: no spatial results, a located error."""

    town_id: str
    src_file: str
    error: str
    #: Why, for a reader (:data:`analysis.spatial.checks.REFUSAL_CODES`).
    code: str = "unusable"

    def __str__(self) -> str:
        return f"{self.town_id}: ERROR {self.error} (no spatial results for this town)"


@dataclass(frozen=True)
class SpatialSummary:
    """Result of :func:`build_spatial`: per-town results and failures, towns skipped, files."""

    towns: tuple[TownSpatialResult, ...]
    skipped: tuple[str, ...] = ()
    written: tuple[Path, ...] = field(default=())
    failed: tuple[TownSpatialFailure, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no town failed."""
        return not self.failed

    def manifest(self) -> dict[str, object]:
        """Return the ``spatial`` entry of ``ingest_manifest.json``.

        Returns
        -------
        dict
            ``towns_ok`` (with their analysis area), ``towns_failed`` (file and error),
            ``towns_without_landuse`` and ``outputs``.
        """
        return {
            "towns_ok": [
                {
                    "town_id": t.town_id,
                    "src_file": t.src_file,
                    "analysis_area_method": t.analysis_area_method,
                    "analysis_area_km2": round(t.analysis_area_km2, 6),
                    "landuse_coverage_pct": round(t.coverage_pct, 3),
                    "notes": list(t.notes),
                }
                for t in self.towns
            ],
            "towns_failed": [
                {"town_id": f.town_id, "src_file": f.src_file, "error": f.error}
                for f in self.failed
            ],
            "towns_without_landuse": list(self.skipped),
            "outputs": [p.name for p in self.written],
        }

    def __str__(self) -> str:
        lines = [str(t) for t in self.towns]
        lines += [str(f) for f in self.failed]
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
    """Return the town's tambon polygon in ``epsg``.

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
            "of data/raw/geo (as ingested into boundaries.parquet)"
        )
        raise SpatialInputError(msg, code="boundary")
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


def _with_area(frame: pd.DataFrame, method: str | None, area_km2: float) -> pd.DataFrame:
    """Add ``analysis_area_method`` and ``analysis_area_km2`` to a table (copy)."""
    out = frame.copy()
    out["analysis_area_method"] = pd.array([method] * len(out), dtype="string")
    out["analysis_area_km2"] = float(area_km2)
    return out


def analyse_town(
    landuse: gpd.GeoDataFrame,
    *,
    town_area_m2: float,
    population: int | None,
    registered_area_km2: float | None = None,
    area_method: str | None = None,
) -> TownSpatial:
    """Compute the inventory, both CBI editions and the zoning of one town's land use.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use (:func:`analysis.spatial.landuse.read_landuse`), clipped to the
        analysis area (:func:`analysis.spatial.area.clip_landuse`).
    town_area_m2 : float
        City area: the analysis area (:class:`analysis.spatial.area.AnalysisArea`).
    population : int or None
        Population, None when unknown.
    registered_area_km2 : float, optional
        Registered municipal area, to flag per-person figures when it differs from the
        analysis area.
    area_method : str, optional
        How the analysis area was obtained; stored with ``town_area_m2`` in the
        ``analysis_area_method`` and ``analysis_area_km2`` columns of every table.

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
    km2 = town_area_m2 / 1e6
    return TownSpatial(
        landuse=landuse,
        greenspace=inv,
        greenspace_summary=_with_area(summ, area_method, km2),
        cbi=_with_area(cbi, area_method, km2),
        zones=_with_area(zones, area_method, km2),
        zone_areas=_with_area(zone_area_table(zones), area_method, km2),
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
    "analysis_areas.parquet",
    "spatial_status.parquet",
    "spatial_notes.parquet",
)


def _optional(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _stored_boundaries(processed: Path, towns: pd.DataFrame, landuse_dir: Path) -> gpd.GeoDataFrame:
    """Read ``boundaries.parquet``, only when some town has a land-use layer (else none)."""
    has_layer = landuse_dir.is_dir() and any(
        find_landuse_file(landuse_dir, str(t)) for t in towns["town_id"]
    )
    if not has_layer:
        return gpd.GeoDataFrame({"level": [], "pcode": []}, geometry=[], crs=4326)
    return read_boundaries(processed_dir=processed)


def _municipal(processed: Path) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """Read the stored municipal boundaries: (frame, None), (None, error) or (None, None).

    Ingest stores a valid municipal boundary file as ``municipal_boundaries.parquet`` and
    records an invalid one's located error in ``ingest_manifest.json``
    (``municipal_boundaries``).
    """
    manifest = processed / "ingest_manifest.json"
    if manifest.is_file():
        entry = json.loads(manifest.read_text(encoding="utf-8")).get("municipal_boundaries")
        if isinstance(entry, dict) and entry.get("error"):
            return None, str(entry["error"])
    path = store_path(MUNICIPAL_TABLE, processed)
    if not path.is_file():
        return None, None
    return read_geotable(MUNICIPAL_TABLE, processed), None


#: A municipal boundary whose area differs from the registered area by more than this
#: share is noted (``spatial_notes``); the page states both areas.
BOUNDARY_AREA_NOTE_SHARE = 0.10


def _area_notes(area: AnalysisArea) -> tuple[str, ...]:
    """Note a supplied municipal boundary whose area disagrees with appendix A."""
    registered = area.registered_area_km2
    if area.method != "municipal_boundary" or registered is None or not registered > 0:
        return ()
    if abs(area.area_km2 - registered) <= BOUNDARY_AREA_NOTE_SHARE * registered:
        return ()
    return (
        f"{area.source}: municipal boundary of {area.town_id} is {area.area_km2:.2f} km² but "
        f"towns.csv area_km2 (appendix A) is {registered:g} km²; check the boundary or the area",
    )


def _run_town(
    town: dict,
    path: Path,
    src: str,
    boundaries: gpd.GeoDataFrame,
    municipal: gpd.GeoDataFrame | None,
) -> tuple[TownSpatial, TownSpatialResult, AnalysisArea]:
    """Analyse one town; raises :class:`SpatialInputError` with a located message."""
    t0 = time.perf_counter()
    town_id = str(town["town_id"])
    try:
        lu = read_landuse(path, town_id=town_id, src=src)
        lon = town.get("lon")
        epsg = utm_epsg_for_lon(float(lon)) if _optional(lon) is not None else lu.crs.to_epsg()
        tambon = town_area(boundaries, str(town["tambon_pcode"]), epsg).iloc[0]
        area = choose_analysis_area(town, tambon=tambon, epsg=epsg, municipal=municipal)
        clipped, coverage = clip_landuse(lu, area, src=src)
        res = analyse_town(
            clipped,
            town_area_m2=area.area_m2,
            population=None if pd.isna(town["population"]) else int(town["population"]),
            registered_area_km2=_optional(town["area_km2"]),
            area_method=area.method,
        )
    except GEOSException as exc:
        msg = f"{src}: a geometry operation failed ({exc}); check the layer for broken polygons"
        raise SpatialInputError(msg, code="geometry") from exc
    check_town_results(
        src=src,
        analysis_area_m2=area.area_m2,
        coverage_pct=coverage,
        greenspace_summary=res.greenspace_summary,
        cbi=res.cbi,
        zone_areas=res.zone_areas,
    )
    natural = res.cbi.loc[(res.cbi["version"] == "2021") & (res.cbi["indicator"] == "I-1"), "value"]
    result = TownSpatialResult(
        town_id=town_id,
        n_polygons=len(clipped),
        n_green_areas=len(res.greenspace),
        green_share_pct=float(res.greenspace_summary["green_share_pct"].iloc[0]),
        natural_pct=float(natural.iloc[0]) if len(natural) else float("nan"),
        seconds=time.perf_counter() - t0,
        is_synthetic=bool(clipped["is_synthetic"].any()),
        notes=res.notes + _area_notes(area),
        src_file=src,
        analysis_area_method=area.method,
        analysis_area_km2=area.area_km2,
        tambon_area_km2=area.tambon_area_m2 / 1e6,
        registered_area_km2=_optional(area.registered_area_km2) or float("nan"),
        coverage_pct=coverage,
    )
    return res, result, area


def _status_table(
    results: list[TownSpatialResult], failed: list[TownSpatialFailure], skipped: list[str]
) -> pd.DataFrame:
    rows = [
        {
            "town_id": r.town_id,
            "status": "ok",
            "src_file": r.src_file,
            "analysis_area_method": r.analysis_area_method,
            "analysis_area_km2": r.analysis_area_km2,
            "tambon_area_km2": r.tambon_area_km2,
            "registered_area_km2": r.registered_area_km2,
            "landuse_coverage_pct": r.coverage_pct,
            "error": pd.NA,
        }
        for r in results
    ]
    rows += [
        {
            "town_id": f.town_id,
            "status": "failed",
            "src_file": f.src_file,
            "error": f.error,
            "error_code": f.code,
        }
        for f in failed
    ]
    rows += [{"town_id": t, "status": "no_landuse"} for t in skipped]
    out = pd.DataFrame(rows, columns=list(SPATIAL_STATUS_COLUMNS))
    for col in ("town_id", "status", "src_file", "analysis_area_method", "error", "error_code"):
        out[col] = out[col].astype("string")
    for col in ("analysis_area_km2", "tambon_area_km2", "registered_area_km2"):
        out[col] = out[col].astype(float)
    out["landuse_coverage_pct"] = out["landuse_coverage_pct"].astype(float)
    return out


def _record_in_manifest(processed: Path, summary: SpatialSummary) -> None:
    """Add the ``spatial`` entry to ``ingest_manifest.json`` when ingest wrote one."""
    path = processed / "ingest_manifest.json"
    if not path.is_file():
        return
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["spatial"] = summary.manifest()
    atomic_write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def build_spatial(paths: ProjectPaths) -> SpatialSummary:
    """Build the spatial tables of the store (:data:`SPATIAL_TABLES`) for every town.

    Each town is independent. A town without a land-use file is skipped (and listed); a
    town whose land use is unusable (unreadable, empty, not polygons, another town's
    extent, implausible results) is listed as failed with a located error and has no rows
    in the result tables, while the others proceed. Every table is rewritten from this
    run, so no town keeps rows of an earlier one; when no town has a land-use file at
    all, the tables are removed. The outcome is added to ``ingest_manifest.json``
    (``spatial``).

    Parameters
    ----------
    paths : analysis.paths.ProjectPaths
        Project directories: reads ``raw/landuse`` and, from ``processed`` (written by
        ingest), ``towns.parquet``, ``boundaries.parquet`` and
        ``municipal_boundaries.parquet`` when present; writes to ``processed``.

    Returns
    -------
    SpatialSummary
        One line per town when printed; ``failed`` lists the towns without results.

    Raises
    ------
    analysis.errors.DataError
        If the store has no town registry, or a town has a land-use file and the store has
        no boundaries (run ``ecoplan ingest``).
    """
    towns = read_towns(paths.processed)
    landuse_dir = paths.raw / "landuse"
    boundaries = _stored_boundaries(paths.processed, towns, landuse_dir)
    municipal, municipal_error = _municipal(paths.processed)
    results: list[TownSpatialResult] = []
    failed: list[TownSpatialFailure] = []
    skipped: list[str] = []
    done: list[TownSpatial] = []
    areas: list[AnalysisArea] = []
    for town in towns.to_dict("records"):
        town_id = str(town["town_id"])
        path = find_landuse_file(landuse_dir, town_id) if landuse_dir.is_dir() else None
        if path is None:
            skipped.append(town_id)
            continue
        src = str(path.relative_to(paths.raw)) if path.is_relative_to(paths.raw) else str(path)
        if municipal_error is not None:
            failed.append(TownSpatialFailure(town_id, src, municipal_error, "boundary"))
            continue
        try:
            res, result, area = _run_town(town, path, src, boundaries, municipal)
        except SpatialInputError as exc:
            failed.append(TownSpatialFailure(town_id, src, str(exc), exc.code))
            continue
        done.append(res)
        results.append(result)
        areas.append(area)
    out = paths.processed
    written: list[Path] = []
    if not done and not failed:
        for name in SPATIAL_TABLES:
            store_path(name, out).unlink(missing_ok=True)
        summary = SpatialSummary(towns=(), skipped=tuple(skipped), written=())
        _record_in_manifest(out, summary)
        return summary
    if done:
        geo = {
            "landuse.parquet": [r.landuse for r in done],
            "greenspace.parquet": [r.greenspace for r in done],
            "zones.parquet": [r.zones for r in done],
            "analysis_areas.parquet": [a.frame() for a in areas],
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
    else:  # every town failed: no result rows may survive from an earlier run
        for name in SPATIAL_TABLES:
            if name not in ("spatial_status.parquet", "spatial_notes.parquet"):
                store_path(name, out).unlink(missing_ok=True)
    written.append(
        write_table(_status_table(results, failed, skipped), "spatial_status.parquet", out)
    )
    notes = pd.DataFrame(
        [(t.town_id, n) for t in results for n in t.notes],
        columns=["town_id", "note"],
        dtype="string",
    )
    written.append(write_table(notes, "spatial_notes.parquet", out))
    summary = SpatialSummary(
        towns=tuple(results), skipped=tuple(skipped), written=tuple(written), failed=tuple(failed)
    )
    _record_in_manifest(out, summary)
    return summary


def _concat_geo(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
