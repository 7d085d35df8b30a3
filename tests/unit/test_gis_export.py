"""The per-town GeoPackage and the Thai-header results downloads (analysis.site.gis, results_th)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from analysis.errors import DataError
from analysis.site.gis import GPKG_CRS, LAYERS, GisLayers, town_layers, write_gpkg
from analysis.site.results_th import RESULT_COLUMNS, results_th, values_th

SOURCE = "SYNTHETIC demo land use (test)"


def _layers(with_area: bool = True) -> GisLayers:
    crs = "EPSG:4326"
    zones = gpd.GeoDataFrame(
        {
            "town_id": ["t1", "t1", "t2"],
            "zone": ["conservation", "development", "conservation"],
            "area_m2": [1.0e6, 2.0e6, 3.0e6],
            "source": [SOURCE] * 3,
            "is_synthetic": [True] * 3,
        },
        geometry=[
            box(100, 15, 100.01, 15.01),
            box(100.01, 15, 100.02, 15.01),
            box(101, 15, 101.01, 15.01),
        ],
        crs=crs,
    ).astype({"town_id": "string", "zone": "string", "source": "string"})
    green = gpd.GeoDataFrame(
        {
            "green_id": ["t1-G0001"],
            "town_id": ["t1"],
            "type": ["park"],
            "area_m2": [5.0e4],
            "source": [SOURCE],
            "is_synthetic": [True],
        },
        geometry=[box(100, 15, 100.002, 15.002)],
        crs=crs,
    )
    areas = gpd.GeoDataFrame(
        {"town_id": ["t1"], "method": ["tambon_clip"], "area_km2": [2.0]},
        geometry=[box(100, 15, 100.02, 15.01)],
        crs=crs,
    )
    boundaries = gpd.GeoDataFrame(
        {
            "level": ["tambon"],
            "pcode": ["TH600101"],
            "name_th": ["ปากน้ำโพ"],
            "name_en": ["Pak Nam Pho"],
        },
        geometry=[box(99.9, 14.9, 100.1, 15.1)],
        crs=crs,
    )
    towns = pd.DataFrame(
        {
            "town_id": ["t1", "t2"],
            "name_th": ["เทศบาลหนึ่ง", "เทศบาลสอง"],
            "name_en": ["Town One", "Town Two"],
            "tambon_pcode": ["TH600101", "TH600101"],
        }
    )
    return GisLayers(zones, green, areas if with_area else None, boundaries, towns)


def test_geopackage_has_the_documented_layers_crs_and_bilingual_attributes(tmp_path: Path) -> None:
    path = tmp_path / "t1.gpkg"
    path.write_bytes(write_gpkg(town_layers(_layers(), "t1"), "2026-12-01"))
    names = [str(row[0]) for row in pyogrio.list_layers(path)]
    assert names == list(LAYERS)
    for name in LAYERS:
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == GPKG_CRS
        frame = pyogrio.read_dataframe(path, layer=name)
        assert set(frame["town_id"]) == {"t1"}
        assert {"town_th", "town_en", "source", "is_synthetic"} <= set(frame.columns)
    zoning = pyogrio.read_dataframe(path, layer="zoning")
    assert zoning.loc[zoning["zone"] == "conservation", "zone_th"].item() == "เขตอนุรักษ์"
    assert "Conservation" in set(zoning["zone_en"]) and zoning["is_synthetic"].all()
    green = pyogrio.read_dataframe(path, layer="green_inventory")
    assert green.loc[0, "type_th"] == "สวนสาธารณะ" and green.loc[0, "source"] == SOURCE
    area = pyogrio.read_dataframe(path, layer="analysis_area")
    assert area.loc[0, "method"] == "tambon_clip"
    meta = pyogrio.read_info(path, layer="zoning")["layer_metadata"]
    assert "SYNTHETIC" in meta["DESCRIPTION"] and SOURCE in meta["DESCRIPTION"]


def test_geopackage_bytes_are_reproducible_and_follow_the_build_date() -> None:
    layers = town_layers(_layers(), "t1")
    one, two = write_gpkg(layers, "2026-12-01"), write_gpkg(layers, "2026-12-01")
    assert hashlib.sha256(one).digest() == hashlib.sha256(two).digest()
    assert write_gpkg(layers, "2027-01-01") != one


def test_without_an_analysis_area_the_town_boundary_is_the_area_layer() -> None:
    layers = town_layers(_layers(with_area=False), "t2")
    assert list(layers) == ["analysis_area", "zoning"]  # t2 has no green inventory
    area = layers["analysis_area"]
    assert area.loc[0, "method"] == "tambon" and area.loc[0, "tambon_pcode"] == "TH600101"
    assert "COD-AB" in area.loc[0, "source"]


def test_unknown_town_and_empty_layers_are_errors() -> None:
    with pytest.raises(DataError, match=r"not in towns\.parquet"):
        town_layers(_layers(), "nobody")
    with pytest.raises(DataError, match="no spatial layer"):
        write_gpkg({}, "2026-12-01")


def test_thai_results_have_thai_headers_and_buddhist_era_years() -> None:
    plan = pd.DataFrame(
        {
            "town_id": ["t1", "t2"],
            "indicator_id": ["pm25_annual", "pm25_annual"],
            "plan_class": ["solve", "maintain"],
            "reason_th": ["เหตุผล", "อื่น"],
            "latest_year": [2024, 2024],
            "latest_value": [31.5, 10.0],
            "headline_issuer": ["PCD", "PCD"],
            "headline_value": [15.0, 15.0],
            "headline_pass": [False, True],
            "target_value": [15.0, 15.0],
            "target_year": [2037, 2037],
            "projected_at_target": [20.0, 9.0],
            "breach_year": [pd.NA, pd.NA],
            "sen_slope": [-0.5, 0.0],
        }
    )
    values = pd.DataFrame(
        {
            "town_id": ["t1", "t1"],
            "indicator_id": ["pm25_annual", "pm25_annual"],
            "year": [2023, 2024],
            "value": [33.0, 31.5],
            "unit": ["ug_m3", "ug_m3"],
            "origin": ["reported", "reported"],
            "source": ["SYNTHETIC x", "SYNTHETIC x"],
            "is_synthetic": [True, True],
        }
    )
    res = results_th(plan, values, "t1")
    assert list(res.columns) == list(RESULT_COLUMNS.values())
    row = res.iloc[0]
    assert row["ปีล่าสุด (พ.ศ.)"] == 2567 and row["ปีเป้าหมาย (พ.ศ.)"] == 2580
    assert row["กลุ่มในกรอบแผน"] == "แก้ไขปัญหา" and row["ผ่านเกณฑ์"] == "ไม่ใช่"
    assert row["ข้อมูลสังเคราะห์"] == "ใช่" and row["ค่าล่าสุด"] == 31.5
    yearly = values_th(values, "t1")
    assert list(yearly["ปี (พ.ศ.)"]) == [2566, 2567]
    assert set(yearly["ที่มาของค่า"]) == {"เทศบาลรายงาน"}


def test_without_any_polygon_the_town_point_stands_for_the_area() -> None:
    bare = _layers(with_area=False)
    bare = GisLayers(
        None, None, None, None, bare.towns.assign(lat=[15.7, 16.0], lon=[100.1, 100.2])
    )
    layers = town_layers(bare, "t1")
    assert list(layers) == ["analysis_area"]
    area = layers["analysis_area"]
    assert area.loc[0, "method"] == "town_point" and area.geometry[0].geom_type == "Point"
    assert (area.geometry[0].x, area.geometry[0].y) == (100.1, 15.7)
