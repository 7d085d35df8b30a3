"""One-way flow raw -> store -> analysis (issue 17 item 5): spatial reads the store.

Ingest writes the town registry, the administrative boundaries and the municipal
boundaries into the store; the spatial stage reads them from there. With ``towns.csv``
and ``data/raw/geo`` gone after ingest, the spatial stage gives the same results.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.errors import DataError
from analysis.ingest.pipeline import store_spatial_inputs
from analysis.paths import ProjectPaths, get_paths
from analysis.spatial.area import MUNICIPAL_BOUNDARY_FILE
from analysis.spatial.pipeline import build_spatial
from analysis.store.boundaries import MUNICIPAL_TABLE

RAW = get_paths().raw  # the fixture project (tests/conftest.py)
TOWN = "takhli"


def _project(root: Path, *, municipal: bool) -> ProjectPaths:
    raw = root / "raw"
    (raw / "landuse").mkdir(parents=True)
    (raw / "geo").mkdir()
    for f in (RAW / "geo").glob("tha_*.geojson"):
        shutil.copy(f, raw / "geo")
    towns = pd.read_csv(RAW / "towns.csv", dtype=str, keep_default_na=False)
    row = towns[towns["town_id"] == TOWN]
    row.to_csv(raw / "towns.csv", index=False)
    shutil.copy(RAW / "landuse" / f"{TOWN}.gpkg", raw / "landuse")
    if municipal:
        centre = gpd.GeoSeries(
            [shapely.Point(float(row["lon"].iloc[0]), float(row["lat"].iloc[0]))], crs=4326
        ).to_crs(32647)
        square = shapely.box(*centre.iloc[0].buffer(2_000).bounds)  # 16 km², as registered
        gpd.GeoDataFrame({"town_id": [TOWN]}, geometry=[square], crs=32647).to_crs(4326).to_file(
            raw / MUNICIPAL_BOUNDARY_FILE, engine="pyogrio"
        )
    return ProjectPaths(root=root, raw=raw, processed=root / "processed", reports=root / "r")


@pytest.mark.parametrize("municipal", [False, True], ids=["tambon", "municipal-boundary"])
def test_spatial_runs_with_the_registry_and_boundaries_gone_after_ingest(
    tmp_path: Path, municipal: bool
) -> None:
    paths = _project(tmp_path / "a", municipal=municipal)
    written = store_spatial_inputs(paths)
    assert {"towns", "boundaries"} <= set(written)
    assert ("municipal_boundaries" in written) is municipal
    with_raw = build_spatial(paths)
    (paths.raw / "towns.csv").unlink()  # the spatial stage must not need these any more
    shutil.rmtree(paths.raw / "geo")
    without = build_spatial(paths)
    assert not without.failed
    (before,), (after,) = with_raw.towns, without.towns
    assert after.analysis_area_method == (
        "municipal_boundary" if municipal else before.analysis_area_method
    )
    assert after.analysis_area_km2 == pytest.approx(before.analysis_area_km2)
    assert after.green_share_pct == pytest.approx(before.green_share_pct)


def test_municipal_boundaries_are_stored_in_wgs84_and_a_removed_file_leaves_no_table(
    tmp_path: Path,
) -> None:
    paths = _project(tmp_path, municipal=True)
    store_spatial_inputs(paths)
    stored = gpd.read_parquet(paths.processed / MUNICIPAL_TABLE)
    assert stored.crs.to_epsg() == 4326 and list(stored["town_id"]) == [TOWN]
    (paths.raw / MUNICIPAL_BOUNDARY_FILE).unlink()
    store_spatial_inputs(paths)
    assert not (paths.processed / MUNICIPAL_TABLE).exists()


def test_an_invalid_municipal_file_is_recorded_not_stored(tmp_path: Path) -> None:
    paths = _project(tmp_path, municipal=True)
    store_spatial_inputs(paths)
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(
        paths.raw / MUNICIPAL_BOUNDARY_FILE, engine="pyogrio"
    )
    (paths.processed / "ingest_manifest.json").write_text("{}\n", encoding="utf-8")
    store_spatial_inputs(paths)
    assert not (paths.processed / MUNICIPAL_TABLE).exists()  # the earlier table is gone
    entry = json.loads((paths.processed / "ingest_manifest.json").read_text("utf-8"))
    assert entry["municipal_boundaries"]["error"].startswith(
        f"{MUNICIPAL_BOUNDARY_FILE}: no town_id column"
    )
    (failure,) = build_spatial(paths).failed
    assert failure.error == entry["municipal_boundaries"]["error"]


def test_without_an_ingested_registry_spatial_says_to_run_ingest(tmp_path: Path) -> None:
    paths = _project(tmp_path, municipal=False)
    with pytest.raises(DataError, match=r"towns\.parquet does not exist: run `ecoplan ingest`"):
        build_spatial(paths)
