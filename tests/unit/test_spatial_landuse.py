"""Land-use input: class mapping, geometry repair/rejection, CRS checks, file formats."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely import LineString, Polygon, box

from analysis.errors import SpatialInputError
from analysis.spatial.crs import utm_epsg_for_lon
from analysis.spatial.landuse import class_flags, normalise_landuse, read_landuse

# a small area inside Nakhon Sawan (lon 100.137, lat 15.705), in degrees
LON, LAT = 100.137, 15.705
D = 0.001  # about 107 m


def lonlat_layer(classes: list[str], crs: int | None = 4326, **cols: list) -> gpd.GeoDataFrame:
    geoms = [box(LON + i * D, LAT, LON + (i + 1) * D, LAT + D) for i in range(len(classes))]
    return gpd.GeoDataFrame({"class": classes, **cols}, geometry=geoms, crs=crs)


def test_utm_zone_by_longitude() -> None:
    assert utm_epsg_for_lon(100.13717) == 32647
    assert utm_epsg_for_lon(101.999) == 32647
    assert utm_epsg_for_lon(102.0) == 32648
    assert utm_epsg_for_lon(102.44242) == 32648


def test_thai_and_english_class_names_are_mapped() -> None:
    names = [
        "ป่าไม้",
        "สวนสาธารณะ",
        "แหล่งน้ำ",
        "พื้นที่เกษตร",
        "Built-up",
        " FOREST ",
        "bare_land",
        "พื้นที่ชุ่มน้ำ",
        "ถนน",
    ]
    out = normalise_landuse(lonlat_layer(names), town_id="t", src="x.gpkg")
    assert list(out["lu_class"]) == [
        "forest",
        "park",
        "water",
        "agriculture",
        "built_up",
        "forest",
        "degraded",
        "wetland",
        "road",
    ]
    assert out["class_raw"].iloc[0] == "ป่าไม้"
    assert out.crs.to_epsg() == 32647
    assert out["area_m2"].iloc[0] == pytest.approx(107.1 * 110.7, rel=0.01)
    # roads are barriers by default, nothing else
    assert list(out["barrier"]) == [False] * 8 + [True]
    assert out.attrs["notes"] == []


def test_unknown_class_names_the_class_and_the_file() -> None:
    with pytest.raises(SpatialInputError) as err:
        normalise_landuse(lonlat_layer(["forest", "สนามกอล์ฟ"]), town_id="t", src="landuse/t.gpkg")
    msg = str(err.value)
    assert "สนามกอล์ฟ" in msg
    assert "landuse/t.gpkg" in msg
    assert "feature 2" in msg


def test_missing_class_column() -> None:
    gdf = lonlat_layer(["forest"]).rename(columns={"class": "kind"})
    with pytest.raises(SpatialInputError, match="no land-use class column"):
        normalise_landuse(gdf, town_id="t", src="a.geojson")


def test_flags_and_bad_flag_value() -> None:
    gdf = lonlat_layer(["forest", "park"], protected=["ใช่", "no"], tree_canopy=[1, 0])
    out = normalise_landuse(gdf, town_id="t", src="a")
    assert list(out["protected"]) == [True, False]
    assert list(out["tree_canopy"]) == [True, False]
    bad = lonlat_layer(["forest"], protected=["maybe"], fid=[17])
    with pytest.raises(
        SpatialInputError, match=r"feature 17: column 'protected' has value 'maybe'"
    ):
        normalise_landuse(bad, town_id="t", src="a")


def bowtie(x: float, y: float) -> Polygon:
    return Polygon([(x, y), (x + D, y + D), (x + D, y), (x, y + D)])


def test_invalid_geometry_is_repaired_and_reported() -> None:
    gdf = gpd.GeoDataFrame(
        {"class": ["forest", "park"], "fid": [10, 11]},
        geometry=[box(LON, LAT, LON + D, LAT + D), bowtie(LON + 2 * D, LAT)],
        crs=4326,
    )
    out = normalise_landuse(gdf, town_id="t", src="a.gpkg")
    assert out.geometry.is_valid.all()
    assert out["area_m2"].iloc[1] == pytest.approx(107.1 * 110.7 / 2, rel=0.01)
    assert len(out.attrs["notes"]) == 1
    assert "feature 11" in out.attrs["notes"][0]
    assert "Self-intersection" in out.attrs["notes"][0]


def test_invalid_geometry_rejected_with_feature_id() -> None:
    gdf = gpd.GeoDataFrame(
        {"class": ["forest"], "fid": [42]}, geometry=[bowtie(LON, LAT)], crs=4326
    )
    with pytest.raises(
        SpatialInputError, match=r"a.gpkg: invalid geometry in feature 42 \(Self-intersection"
    ):
        normalise_landuse(gdf, town_id="t", src="a.gpkg", invalid="reject")


def test_empty_geometry_rejected_with_feature_id() -> None:
    gdf = gpd.GeoDataFrame(
        {"class": ["forest", "park"], "fid": [1, 2]},
        geometry=[box(LON, LAT, LON + D, LAT + D), Polygon()],
        crs=4326,
    )
    with pytest.raises(SpatialInputError, match=r"empty or missing geometry in feature\(s\) 2"):
        normalise_landuse(gdf, town_id="t", src="a")


def test_no_crs_lonlat_in_thailand_is_assumed_wgs84() -> None:
    out = normalise_landuse(lonlat_layer(["forest"], crs=None), town_id="t", src="a.geojson")
    assert out.crs.to_epsg() == 32647
    assert "EPSG:4326 assumed" in out.attrs["notes"][0]


def test_no_crs_projected_coordinates_rejected() -> None:
    gdf = gpd.GeoDataFrame(
        {"class": ["forest"]}, geometry=[box(622000, 1737000, 622100, 1737100)], crs=None
    )
    with pytest.raises(SpatialInputError, match="has no CRS and its coordinates"):
        normalise_landuse(gdf, town_id="t", src="a.shp")


def test_wrong_declared_crs_rejected() -> None:
    # UTM metres tagged as lon/lat: cannot be in Thailand
    gdf = gpd.GeoDataFrame(
        {"class": ["forest"]}, geometry=[box(622000, 1737000, 622100, 1737100)], crs=4326
    )
    with pytest.raises(
        SpatialInputError, match=r"cannot be in Thailand under the declared CRS EPSG:4326"
    ):
        normalise_landuse(gdf, town_id="t", src="a.gpkg")
    # lon/lat tagged as UTM metres: a few metres from the zone's false origin, far from Thailand
    wrong = lonlat_layer(["forest"], crs=32647)
    with pytest.raises(SpatialInputError, match="wrong CRS"):
        normalise_landuse(wrong, town_id="t", src="a.gpkg")


def test_projected_layer_is_reprojected_to_town_zone() -> None:
    utm48 = lonlat_layer(["forest"]).to_crs(32648)  # a zone-47 town delivered in zone 48
    out = normalise_landuse(utm48, town_id="t", src="a")
    assert out.crs.to_epsg() == 32647
    assert out["area_m2"].iloc[0] == pytest.approx(
        lonlat_layer(["forest"]).to_crs(32647).area.iloc[0], rel=1e-6
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_read_file_formats(tmp_path: Path, suffix: str) -> None:
    gdf = lonlat_layer(["forest", "แหล่งน้ำ"], protected=[True, False], tree_canopy=[True, False])
    path = tmp_path / f"demo{suffix}"
    if suffix == ".shp":  # Shapefile cuts "tree_canopy" to "tree_canop": still recognised
        with (
            pytest.warns(UserWarning, match="truncated"),
            pytest.warns(RuntimeWarning, match="laundered"),
        ):
            gdf.to_file(path, engine="pyogrio")
    else:
        gdf.to_file(path, engine="pyogrio")
    out = read_landuse(path)
    assert list(out["town_id"]) == ["demo", "demo"]
    assert list(out["lu_class"]) == ["forest", "water"]
    assert list(out["protected"]) == [True, False]
    assert list(out["tree_canopy"]) == [True, False]


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpkg"
    path.write_text("not a geopackage")
    with pytest.raises(SpatialInputError, match=r"broken\.gpkg: cannot read"):
        read_landuse(path)


def test_class_flags() -> None:
    assert class_flags("natural") == {"forest", "wetland", "water"}
    assert "park" in class_flags("green")
    assert "park" not in class_flags("natural")


def test_separate_canopy_layer_splits_polygons(tmp_path: Path) -> None:
    lu = lonlat_layer(["built_up", "park"]).to_crs(32647)
    x0, y0, x1, y1 = lu.geometry.iloc[0].bounds
    # canopy over the left half of the built-up block and all of the park
    canopy = gpd.GeoDataFrame(
        geometry=[box(x0 - 5, y0 - 5, (x0 + x1) / 2, y1 + 5), lu.geometry.iloc[1].buffer(1)],
        crs=32647,
    )
    path = tmp_path / "t.gpkg"
    lu.to_file(path, layer="landuse", engine="pyogrio")
    canopy.to_file(path, layer="tree_canopy", engine="pyogrio")
    out = read_landuse(path)
    total = lu.area.sum()
    assert out["area_m2"].sum() == pytest.approx(total)
    canopy_area = out.loc[out["tree_canopy"], "area_m2"].sum()
    left = lu.geometry.iloc[0].intersection(canopy.union_all()).area  # incl. a 1 m strip
    assert left == pytest.approx(lu.area.iloc[0] / 2, rel=0.02)
    assert canopy_area == pytest.approx(left + lu.area.iloc[1], rel=1e-6)
    assert sorted(out["feature_id"]) == ["1", "1/canopy", "2"]


def test_non_polygon_feature_rejected() -> None:
    gdf = gpd.GeoDataFrame(
        {"class": ["road"], "fid": [7]},
        geometry=[LineString([(LON, LAT), (LON + D, LAT)])],
        crs=4326,
    )
    with pytest.raises(SpatialInputError, match="feature 7 is a LineString; expected a Polygon"):
        normalise_landuse(gdf, town_id="t", src="a")
