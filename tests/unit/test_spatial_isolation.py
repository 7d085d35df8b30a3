"""Per-town isolation and plausibility checks of the spatial stage (issue 16, items 4 and 5).

The bad layers are generated here from the demo layer of Nan (mueang-nan.gpkg): an empty
layer, a layer with one zero-area sliver, a point layer, another town's layer (Nan's
layer given to Nam Chiao in Trat) and a layer whose polygons are all doubled (overlaps).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.errors import SpatialInputError
from analysis.ingest.pipeline import store_spatial_inputs
from analysis.paths import ProjectPaths, get_paths
from analysis.spatial.checks import check_town_results
from analysis.spatial.pipeline import build_spatial

RAW = get_paths().raw  # the fixture project (tests/conftest.py)
GOOD, BAD = "mueang-nan", "nam-chiao"
TABLES = ("landuse", "greenspace", "greenspace_summary", "cbi", "zones", "zone_areas")


def _project(root: Path) -> ProjectPaths:
    raw = root / "raw"
    (raw / "landuse").mkdir(parents=True)
    (raw / "geo").symlink_to(RAW / "geo")
    towns = pd.read_csv(RAW / "towns.csv", dtype=str, keep_default_na=False)
    towns[towns["town_id"].isin([GOOD, BAD])].to_csv(raw / "towns.csv", index=False)
    for town in (GOOD, BAD):
        shutil.copy(RAW / "landuse" / f"{town}.gpkg", raw / "landuse")
    processed = root / "processed"
    processed.mkdir()
    (processed / "ingest_manifest.json").write_text('{"rows_loaded": 1}\n', encoding="utf-8")
    paths = ProjectPaths(root=root, raw=raw, processed=processed, reports=root / "reports")
    store_spatial_inputs(paths)  # the spatial stage reads the registry and boundaries there
    return paths


def _nan_layer() -> gpd.GeoDataFrame:
    return gpd.read_file(RAW / "landuse" / f"{GOOD}.gpkg", engine="pyogrio", layer="landuse")


def _empty(path: Path) -> None:
    empty = gpd.GeoDataFrame(
        {"class": pd.Series(dtype=str)}, geometry=gpd.GeoSeries([], crs=4326), crs=4326
    )
    empty.to_file(path, engine="pyogrio", layer="landuse", geometry_type="Polygon")


def _sliver(path: Path) -> None:
    lu = _nan_layer()
    x0, y0, x1, y1 = lu.geometry.iloc[0].bounds
    lu.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x0, y0)])  # no area
    lu.to_file(path, engine="pyogrio", layer="landuse")


def _points(path: Path) -> None:
    lu = _nan_layer()
    lu["geometry"] = lu.geometry.representative_point()
    lu.to_file(path, engine="pyogrio", layer="landuse")


def _other_town(path: Path) -> None:
    shutil.copy(RAW / "landuse" / f"{GOOD}.gpkg", path)


def _doubled(path: Path, town: str = BAD) -> None:
    lu = gpd.read_file(RAW / "landuse" / f"{town}.gpkg", engine="pyogrio", layer="landuse")
    pd.concat([lu, lu], ignore_index=True).to_file(path, engine="pyogrio", layer="landuse")


BAD_LAYERS = {
    "empty": (_empty, "has no features; expected polygons"),
    "sliver": (_sliver, "and has no area after repair; expected a polygon with area"),
    "points": (_points, "feature 1 is a Point; expected a Polygon or MultiPolygon"),
    "other_town": (_other_town, "covers 0.0 % of the town's analysis area"),
    "overlaps": (_doubled, "inside the analysis area is 200.0 %; expected 0-100 %"),
}


#: The reader's reason code of each bad layer (spatial.refusal.<code> on the page).
BAD_CODES = {
    "empty": "empty",
    "sliver": "geometry",
    "points": "geometry",
    "other_town": "coverage",
    "overlaps": "implausible",
}


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    return _project(tmp_path)


@pytest.mark.parametrize("kind", sorted(BAD_LAYERS))
def test_a_bad_layer_fails_its_town_only_and_removes_its_stale_rows(
    project: ProjectPaths, kind: str
) -> None:
    first = build_spatial(project)  # both towns good: BAD has rows
    assert {t.town_id for t in first.towns} == {GOOD, BAD}
    write, expected = BAD_LAYERS[kind]
    layer = project.raw / "landuse" / f"{BAD}.gpkg"
    layer.unlink()
    write(layer)

    summary = build_spatial(project)

    assert [t.town_id for t in summary.towns] == [GOOD]
    (failure,) = summary.failed
    assert failure.town_id == BAD
    assert failure.src_file == f"landuse/{BAD}.gpkg"
    assert failure.error.startswith(f"landuse/{BAD}.gpkg: ")
    assert expected in failure.error
    assert f"{BAD}: ERROR landuse/{BAD}.gpkg" in str(summary)
    for name in TABLES:  # no stale rows of the earlier run
        table = pd.read_parquet(project.processed / f"{name}.parquet")
        assert set(table["town_id"]) == {GOOD}, name
    status = pd.read_parquet(project.processed / "spatial_status.parquet").set_index("town_id")
    assert status.loc[GOOD, "status"] == "ok"
    assert status.loc[BAD, "status"] == "failed"
    assert status.loc[BAD, "error"] == failure.error
    assert failure.code == status.loc[BAD, "error_code"] == BAD_CODES[kind]
    manifest = json.loads((project.processed / "ingest_manifest.json").read_text("utf-8"))
    assert manifest["rows_loaded"] == 1  # the ingest entries are kept
    assert manifest["spatial"]["towns_failed"] == [
        {"town_id": BAD, "src_file": f"landuse/{BAD}.gpkg", "error": failure.error}
    ]
    assert [t["town_id"] for t in manifest["spatial"]["towns_ok"]] == [GOOD]


def test_when_every_town_fails_no_result_table_survives(project: ProjectPaths) -> None:
    build_spatial(project)
    for town in (GOOD, BAD):
        layer = project.raw / "landuse" / f"{town}.gpkg"
        layer.unlink()
        _points(layer)
    summary = build_spatial(project)
    assert not summary.towns
    assert {f.town_id for f in summary.failed} == {GOOD, BAD}
    for name in TABLES:
        assert not (project.processed / f"{name}.parquet").exists(), name
    status = pd.read_parquet(project.processed / "spatial_status.parquet")
    assert set(status["status"]) == {"failed"}


def test_a_bad_municipal_boundary_file_fails_the_towns_with_a_located_error(
    project: ProjectPaths,
) -> None:
    path = project.raw / "geo_local.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(path)
    (project.raw / "geo").unlink()
    (project.raw / "geo").mkdir()
    for f in (RAW / "geo").glob("*.geojson"):
        (project.raw / "geo" / f.name).symlink_to(f)
    shutil.move(path, project.raw / "geo" / "municipal_boundaries.geojson")
    store_spatial_inputs(project)  # not stored; its error is recorded for the spatial stage
    assert not (project.processed / "municipal_boundaries.parquet").exists()
    summary = build_spatial(project)
    assert not summary.towns
    assert all(
        f.error.startswith("geo/municipal_boundaries.geojson: no town_id column")
        for f in summary.failed
    )


def _tables(share: float, zone_km2: float) -> dict[str, pd.DataFrame]:
    return {
        "greenspace_summary": pd.DataFrame(
            {"green_share_pct": [share], "green_area_m2": [share / 100 * 16e6]}
        ),
        "cbi": pd.DataFrame(
            {"indicator": ["I-1"], "version": ["2021"], "unit": ["percent"], "value": [20.0]}
        ),
        "zone_areas": pd.DataFrame(
            {"zone": ["development"], "area_m2": [zone_km2 * 1e6], "share_pct": [100.0]}
        ),
    }


def test_plausibility_refuses_a_green_share_over_100_percent() -> None:
    ok = _tables(40.0, 16.0)
    check_town_results(src="landuse/t.gpkg", analysis_area_m2=16e6, coverage_pct=100.0, **ok)
    with pytest.raises(SpatialInputError, match=r"landuse/t.gpkg: the green share .* 166.0 %"):
        check_town_results(
            src="landuse/t.gpkg", analysis_area_m2=16e6, coverage_pct=100.0, **_tables(166.0, 16)
        )
    with pytest.raises(SpatialInputError, match=r"zones total 194.00 km² .* 16.00 km²"):
        check_town_results(
            src="landuse/t.gpkg", analysis_area_m2=16e6, coverage_pct=100.0, **_tables(40.0, 194)
        )


def test_ingest_prints_each_failed_town_on_stderr_and_strict_fails(
    project: ProjectPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.commands.ingest import _spatial  # noqa: PLC0415

    layer = project.raw / "landuse" / f"{BAD}.gpkg"
    layer.unlink()
    _points(layer)
    assert _spatial(project) == 0  # the other towns proceed
    out, err = capsys.readouterr()
    assert out.startswith(f"{GOOD}: SYNTHETIC")
    assert "ERROR" not in out
    assert err.strip() == (
        f"ecoplan ingest: spatial: {BAD}: ERROR landuse/{BAD}.gpkg: feature 1 is a Point; "
        "expected a Polygon or MultiPolygon (no spatial results for this town)"
    )
    assert _spatial(project, strict=True) == 1
