"""Synthetic land-use generator and the spatial pipeline (build_spatial) end to end."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from analysis.ingest.pipeline import store_spatial_inputs
from analysis.paths import ProjectPaths, find_root, get_paths
from analysis.spatial.landuse import normalise_landuse, read_landuse
from analysis.spatial.pipeline import SPATIAL_TABLES, build_spatial
from analysis.synthetic.landuse import generate_landuse, write_demo_landuse
from analysis.towns import load_towns

ROOT = find_root(Path(__file__).parent)
RAW = get_paths().raw  # the fixture project (tests/conftest.py)


@pytest.fixture(scope="module")
def nan_town() -> pd.Series:
    towns = load_towns(RAW / "towns.csv")
    return towns[towns["town_id"] == "mueang-nan"].iloc[0]


@pytest.fixture(scope="module")
def nan_tambon(nan_town: pd.Series) -> shapely.Geometry:
    tambons = gpd.read_file(RAW / "geo" / "tha_adm3_tambons_5prov.geojson", engine="pyogrio")
    return tambons[tambons["ADM3_PCODE"] == nan_town["tambon_pcode"]].geometry.union_all()


def generate(nan_town: pd.Series, tambon: shapely.Geometry, seed: int) -> gpd.GeoDataFrame:
    return generate_landuse(
        tambon,
        town_id="mueang-nan",
        lon=nan_town["lon"],
        lat=nan_town["lat"],
        local_gov_type=nan_town["local_gov_type"],
        seed=seed,
        n_cells=250,
    )


def test_generator_is_deterministic_labelled_and_a_partition(nan_town, nan_tambon) -> None:
    one = generate(nan_town, nan_tambon, seed=5)
    two = generate(nan_town, nan_tambon, seed=5)
    assert one.geometry.geom_equals_exact(two.geometry, tolerance=0).all()
    assert one.drop(columns="geometry").equals(two.drop(columns="geometry"))
    other = generate(nan_town, nan_tambon, seed=6)
    assert len(other) != len(one) or not other.geometry.geom_equals_exact(one.geometry, 0).all()
    assert one["source"].str.contains("SYNTHETIC").all()
    assert one["is_synthetic"].all()
    norm = normalise_landuse(one, town_id="mueang-nan", src="generated")  # Thai names map
    assert {"built_up", "road", "water", "forest", "agriculture"} <= set(norm["lu_class"])
    assert norm["barrier"].any() and norm["protected"].any() and norm["tree_canopy"].any()
    tambon_area = gpd.GeoSeries([nan_tambon], crs=4326).to_crs(one.crs).area.iloc[0]
    assert one.area.sum() == pytest.approx(tambon_area, rel=0.01)  # covers the tambon ...
    assert shapely.union_all(one.geometry.to_numpy()).area == pytest.approx(
        one.area.sum(), rel=0.002
    )  # ... once


def test_committed_demo_files_are_small_and_synthetic() -> None:
    files = sorted((RAW / "landuse").glob("*.gpkg"))
    towns = load_towns(RAW / "towns.csv")
    assert {f.stem for f in files} == set(towns["town_id"])
    assert all(f.stat().st_size < 1_000_000 for f in files)
    assert sum(f.stat().st_size for f in files) < 5_000_000
    meta = pyogrio.read_info(files[0])["layer_metadata"]
    assert "SYNTHETIC" in meta["SOURCE"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectPaths, object]:
    root = tmp_path_factory.mktemp("proj")
    raw = root / "data" / "raw"
    (raw / "landuse").mkdir(parents=True)
    (raw / "geo").symlink_to(RAW / "geo")
    towns = pd.read_csv(RAW / "towns.csv", dtype=str, keep_default_na=False)
    towns[towns["town_id"].isin(["mueang-nan", "nam-chiao"])].to_csv(raw / "towns.csv", index=False)
    shutil.copy(RAW / "landuse" / "mueang-nan.gpkg", raw / "landuse")
    paths = ProjectPaths(
        root=root, raw=raw, processed=root / "data" / "processed", reports=root / "reports"
    )
    store_spatial_inputs(paths)
    return paths, build_spatial(paths)


def test_build_spatial_writes_the_store(built) -> None:
    paths, summary = built
    lines = str(summary).splitlines()
    assert lines[0].startswith("mueang-nan: SYNTHETIC")
    assert "nam-chiao: no land-use file" in lines[1]
    for name in ("landuse", "greenspace", "cbi", "zones", "zone_areas", "greenspace_summary"):
        assert (paths.processed / f"{name}.parquet").is_file(), name
    lu = gpd.read_parquet(paths.processed / "landuse.parquet")
    assert lu.crs.to_epsg() == 4326
    assert lu["is_synthetic"].all()
    assert len(lu) == len(read_landuse(paths.raw / "landuse" / "mueang-nan.gpkg"))
    cbi = pd.read_parquet(paths.processed / "cbi.parquet")
    assert sorted(cbi["version"].unique()) == ["2014", "2021"]
    assert cbi["score"].dropna().between(0, 4).all()
    zones = gpd.read_parquet(paths.processed / "zones.parquet")
    areas = pd.read_parquet(paths.processed / "zone_areas.parquet")
    assert set(zones["zone"]) == set(areas["zone"])
    assert areas["area_rai"].to_numpy() == pytest.approx(areas["area_m2"].to_numpy() / 1600)
    inv = gpd.read_parquet(paths.processed / "greenspace.parquet")
    assert inv["green_id"].is_unique and inv["source"].str.contains("SYNTHETIC").all()
    # zones partition the land use (up to snapping)
    assert areas["area_m2"].sum() == pytest.approx(lu.to_crs(32647)["area_m2"].sum(), rel=0.002)


def test_regeneration_reproduces_the_committed_file(tmp_path: Path) -> None:
    towns = load_towns(RAW / "towns.csv")
    tambons = gpd.read_file(RAW / "geo" / "tha_adm3_tambons_5prov.geojson", engine="pyogrio")
    one = towns[towns["town_id"] == "mueang-nan"]
    (written,) = write_demo_landuse(tmp_path, one, tambons)
    committed = RAW / "landuse" / "mueang-nan.gpkg"
    assert (
        hashlib.sha256(written.read_bytes()).digest()
        == hashlib.sha256(committed.read_bytes()).digest()
    )


def test_notes_and_stale_tables(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "landuse").mkdir(parents=True)
    (raw / "geo").symlink_to(RAW / "geo")
    towns = pd.read_csv(RAW / "towns.csv", dtype=str, keep_default_na=False)
    towns[towns["town_id"] == "mueang-nan"].to_csv(raw / "towns.csv", index=False)
    lu = gpd.read_file(RAW / "landuse" / "mueang-nan.gpkg", engine="pyogrio")
    g = lu.geometry.iloc[0]
    x0, y0, x1, y1 = g.bounds
    # replace the first parcel by a self-intersecting bow tie over the same box
    lu.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    lu.to_file(raw / "landuse" / "mueang-nan.gpkg", engine="pyogrio", layer="landuse")
    paths = ProjectPaths(
        root=tmp_path, raw=raw, processed=tmp_path / "processed", reports=tmp_path / "r"
    )
    store_spatial_inputs(paths)
    summary = build_spatial(paths)
    assert "1 note(s)" in str(summary)
    notes = pd.read_parquet(paths.processed / "spatial_notes.parquet")
    assert notes["note"].str.contains(r"feature 1: repaired invalid geometry").all()
    (raw / "landuse" / "mueang-nan.gpkg").unlink()
    summary = build_spatial(paths)
    assert "no land-use file" in str(summary)
    assert not [n for n in SPATIAL_TABLES if (paths.processed / n).exists()]
