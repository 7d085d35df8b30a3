"""The analysis area (issue 14 item 4): zoning, green inventory and CBI on the municipal area.

Takhli's land use covers its whole tambon (194 km²) while the municipality is 16 km²
(towns.csv, appendix A): the tables must total the analysis area, which equals the
registered area whenever the town is smaller than its tambon.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.errors import SpatialInputError
from analysis.ingest.pipeline import store_spatial_inputs
from analysis.paths import ProjectPaths, get_paths
from analysis.report.green_area import analysis_area_note
from analysis.report.params import RunParams
from analysis.spatial.area import (
    MUNICIPAL_BOUNDARY_FILE,
    choose_analysis_area,
    clip_to_area,
    read_municipal_boundaries,
)
from analysis.spatial.pipeline import build_spatial
from analysis.store.io import write_table
from analysis.store.schema import columns
from analysis.towns import load_towns

RAW = get_paths().raw  # the fixture project (tests/conftest.py)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectPaths, object]:
    processed = tmp_path_factory.mktemp("processed")
    paths = dataclasses.replace(get_paths(), processed=processed)
    store_spatial_inputs(paths)
    return paths, build_spatial(paths)


def test_zone_and_green_totals_equal_the_analysis_area_and_appendix_a(demo) -> None:
    paths, summary = demo
    towns = load_towns(paths.towns_csv).set_index("town_id")
    assert not summary.failed
    status = pd.read_parquet(paths.processed / "spatial_status.parquet").set_index("town_id")
    zones = pd.read_parquet(paths.processed / "zone_areas.parquet")
    green = pd.read_parquet(paths.processed / "greenspace_summary.parquet").set_index("town_id")
    assert set(status.index) == set(towns.index)
    for town_id, row in status.iterrows():
        area = float(row["analysis_area_km2"])
        z = zones[zones["town_id"] == town_id]
        # the tables say which area they used
        assert set(z["analysis_area_method"]) == {row["analysis_area_method"]}
        assert z["analysis_area_km2"].to_numpy() == pytest.approx(area)
        assert green.loc[town_id, "analysis_area_km2"] == pytest.approx(area)
        # zones partition the analysis area (to the 2 decimals the pages show)
        assert abs(z["area_km2"].sum() - area) < 0.005, town_id
        assert green.loc[town_id, "green_area_m2"] / 1e6 <= area + 1e-6
        assert green.loc[town_id, "town_area_m2"] / 1e6 == pytest.approx(area)
        registered = towns.loc[town_id, "area_km2"]
        if row["analysis_area_method"] == "tambon":
            # the whole tambon: used only when the town covers it or its area is unknown
            assert area == pytest.approx(row["tambon_area_km2"])
            assert pd.isna(registered) or registered >= area
        else:  # equals appendix A's stated area (towns.csv area_km2) to rounding
            assert round(area, 2) == round(float(registered), 2), town_id
            assert round(z["area_km2"].sum(), 2) == round(float(registered), 2), town_id
    assert status.loc["takhli", "analysis_area_method"] == "tambon_clip"
    takhli = zones[zones["town_id"] == "takhli"]["area_km2"].sum()
    assert round(takhli, 2) == 16.00  # was 194 km², the whole tambon
    assert status.loc["nakhon-sawan", "analysis_area_method"] == "tambon"  # 27.87 >= 27.42


def test_the_cbi_and_the_analysis_area_layer_use_the_same_area(demo) -> None:
    paths, _ = demo
    cbi = pd.read_parquet(paths.processed / "cbi.parquet")
    areas = gpd.read_parquet(paths.processed / "analysis_areas.parquet").set_index("town_id")
    takhli = cbi[cbi["town_id"] == "takhli"]
    assert set(takhli["analysis_area_method"]) == {"tambon_clip"}
    assert "analysis area" in takhli.loc[takhli["indicator"] == "I-1", "method"].iloc[0]
    geom = areas.to_crs(32647).loc["takhli"]
    assert geom.geometry.area / 1e6 == pytest.approx(16.0, rel=1e-5)
    assert geom["radius_m"] > 0
    lu = gpd.read_parquet(paths.processed / "landuse.parquet").to_crs(32647)
    assert lu[lu["town_id"] == "takhli"]["area_m2"].sum() / 1e6 == pytest.approx(16.0, abs=0.005)


def test_clip_to_area_finds_the_radius_by_bisection() -> None:
    region = shapely.box(0, 0, 10_000, 2_000)  # a strip: the disc is cut by its edges
    geom, radius = clip_to_area(region, shapely.Point(1_000, 1_000), 6e6)
    assert geom.area == pytest.approx(6e6, rel=1e-6)
    assert region.contains(geom.buffer(-1e-6))
    assert radius > 1_000  # wider than the strip is high
    with pytest.raises(SpatialInputError, match="smaller than the region"):
        clip_to_area(region, shapely.Point(0, 0), 3e7)


@pytest.mark.parametrize(
    ("registered", "method"),
    [(None, "tambon"), (float("nan"), "tambon"), (4.0, "tambon"), (3.99, "tambon_clip")],
)
def test_the_tambon_is_used_only_when_the_town_covers_it(registered, method) -> None:
    tambon = shapely.box(0, 0, 2_000, 2_000)  # 4 km²
    town = {"town_id": "t", "area_km2": registered, "lon": 99.0, "lat": 0.009}
    area = choose_analysis_area(town, tambon=tambon, epsg=32647)
    assert area.method == method
    expected = 4.0 if method == "tambon" else registered
    assert area.area_km2 == pytest.approx(expected, rel=1e-5)


def test_clipping_needs_the_town_point() -> None:
    town = {"town_id": "t", "area_km2": 1.0, "lon": float("nan"), "lat": None}
    with pytest.raises(SpatialInputError, match=r"towns\.csv: town 't' has no lat/lon"):
        choose_analysis_area(town, tambon=shapely.box(0, 0, 2_000, 2_000), epsg=32647)


def _boundary_project(tmp_path: Path, geom: shapely.Geometry) -> ProjectPaths:
    raw = tmp_path / "raw"
    (raw / "landuse").mkdir(parents=True)
    (raw / "geo").mkdir()
    for f in (RAW / "geo").glob("*.geojson"):
        (raw / "geo" / f.name).symlink_to(f)
    towns = pd.read_csv(RAW / "towns.csv", dtype=str, keep_default_na=False)
    towns[towns["town_id"] == "takhli"].to_csv(raw / "towns.csv", index=False)
    shutil.copy(RAW / "landuse" / "takhli.gpkg", raw / "landuse")
    gpd.GeoDataFrame(
        {"town_id": ["takhli"], "source": ["test polygon"]}, geometry=[geom], crs=32647
    ).to_crs(4326).to_file(raw / MUNICIPAL_BOUNDARY_FILE, engine="pyogrio")
    paths = ProjectPaths(
        root=tmp_path, raw=raw, processed=tmp_path / "processed", reports=tmp_path / "r"
    )
    store_spatial_inputs(paths)
    return paths


def test_a_municipal_boundary_file_is_used_when_supplied(tmp_path: Path) -> None:
    towns = load_towns(RAW / "towns.csv")
    town = towns[towns["town_id"] == "takhli"].iloc[0]
    centre = gpd.GeoSeries([shapely.Point(town["lon"], town["lat"])], crs=4326).to_crs(32647)
    square = shapely.box(*centre.iloc[0].buffer(1_500).bounds)  # 9 km², inside the tambon
    paths = _boundary_project(tmp_path, square)
    summary = build_spatial(paths)
    (result,) = summary.towns
    assert result.analysis_area_method == "municipal_boundary"
    assert result.analysis_area_km2 == pytest.approx(9.0, rel=1e-3)
    zones = pd.read_parquet(paths.processed / "zone_areas.parquet")
    assert zones["area_km2"].sum() == pytest.approx(9.0, rel=1e-3)
    areas = gpd.read_parquet(paths.processed / "analysis_areas.parquet")
    assert areas["source"].iloc[0] == f"{MUNICIPAL_BOUNDARY_FILE} (test polygon)"
    # 9 km² against the 16 km² of appendix A: noted, not silently accepted
    notes = pd.read_parquet(paths.processed / "spatial_notes.parquet")["note"]
    assert notes.str.contains("municipal boundary of takhli is 9.00 km² but towns.csv").any()


def test_municipal_boundary_file_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "m.geojson"
    frame = gpd.GeoDataFrame(
        {"town_id": ["a", "a"]}, geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=4326
    )
    frame.to_file(path, engine="pyogrio")
    with pytest.raises(SpatialInputError, match=r"m\.geojson: town_id 'a' has more than one"):
        read_municipal_boundaries(path, src="m.geojson")
    gpd.GeoDataFrame({"town_id": ["a"]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(path)
    with pytest.raises(SpatialInputError, match=r"feature 1 \(town_id a\) is Point; expected"):
        read_municipal_boundaries(path, src="m.geojson")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_appendix_d_says_which_area_it_used(demo, monkeypatch, lang: str) -> None:
    paths, _ = demo
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(paths.processed))
    text = analysis_area_note(RunParams(town_id="takhli", lang=lang)).html
    assert "16.00" in text
    assert ("ตาคลี" if lang == "th" else "Takhli") in text
    assert ("ภาคผนวก ก" if lang == "th" else "appendix A") in text
    text = analysis_area_note(RunParams(town_id="mueang-nan", lang=lang)).html
    assert "5.74" in text and "7.60" in text  # the tambon is smaller than the town: said so


def test_appendix_d_gives_the_reason_when_the_land_use_was_refused(
    tmp_path: Path, monkeypatch
) -> None:
    processed = tmp_path / "processed"
    processed.mkdir()
    towns = load_towns(RAW / "towns.csv")
    write_table(towns, "towns.parquet", processed)
    status = pd.DataFrame(
        {
            "town_id": ["takhli"],
            "status": ["failed"],
            "error": ["landuse/takhli.gpkg: feature 3 is a Point; expected a Polygon"],
            "error_code": ["geometry"],
        }
    ).reindex(columns=columns("spatial_status.parquet"))  # the store's schema: every column
    write_table(status, "spatial_status.parquet", processed)
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(processed))
    text = analysis_area_note(RunParams(town_id="takhli", lang="en")).html
    assert "No land-use data could be used: some features are empty, not polygons" in text
    text = analysis_area_note(RunParams(town_id="takhli", lang="th")).html
    assert "ไม่มีข้อมูลการใช้ประโยชน์ที่ดินที่ใช้ได้: รูปแปลงบางรูป" in text
    # the page states the reason in its language; the located message (a file path, in
    # English) stays in the build log and the manifest
    assert "takhli.gpkg" not in text and "Point" not in text
