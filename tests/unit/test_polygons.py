"""``plot_polygons`` draws exactly what ``GeoDataFrame.plot`` draws, and leaves the axes alike."""

from __future__ import annotations

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.paths import get_paths
from analysis.spatial import maps, polygons
from analysis.store.boundaries import load_raw_boundaries
from analysis.towns import load_towns

mpl.use("Agg")


def _layers() -> dict[str, gpd.GeoDataFrame]:
    """Polygons with holes, multipolygons whose parts are out of order, both CRS kinds."""
    ring = shapely.Polygon(
        [(0, 0), (10, 0), (10, 8), (0, 8)], holes=[[(2, 2), (2, 5), (5, 5), (5, 2)]]
    )
    multi = shapely.MultiPolygon(
        [shapely.box(20, 5, 24, 9), shapely.box(12, 0, 16, 3).buffer(0.7, quad_segs=3)]
    )
    clockwise = shapely.Polygon([(0, 10), (6, 16), (9, 11)])  # geopandas normalises it
    geoms = [ring, multi, clockwise, shapely.box(3, 9, 4.5, 9.7)]
    projected = gpd.GeoDataFrame({"name": list("abcd")}, geometry=geoms, crs=32647)
    lonlat = gpd.GeoDataFrame(
        {"name": list("abcd")},
        geometry=[shapely.affinity.scale(g, 0.05, 0.05, origin=(0, 0)) for g in geoms],
        crs=4326,
    )
    lonlat = lonlat.set_geometry(lonlat.translate(98.0, 15.0))
    return {"projected": projected, "lonlat": lonlat, "multi_only": projected.iloc[[1]]}


STYLES = (
    {"color": "#fdd49e", "edgecolor": "#7f2704", "linewidth": 1.0},
    {"facecolor": "none", "edgecolor": "#969696", "linewidth": 0.5},
    {"color": "#d7301f"},
    {"facecolor": "#aaccee"},
    {"color": "per geometry", "edgecolor": "none", "linewidth": 0},
)


def _style(style: dict, n: int) -> dict:
    """``STYLES`` entry for a layer of ``n`` geometries (one fill colour each, as the maps pass)."""
    if style.get("color") != "per geometry":
        return style
    fills = np.array(["#1a9850", "#fee08b", (0.2, 0.4, 0.6, 1.0), "white"], dtype=object)
    return {**style, "color": fills[np.arange(n) % len(fills)]}


def _ids(style: dict) -> str:
    return "-".join(style)


def _draw(layer, style: dict, draw) -> tuple[np.ndarray, Figure]:
    fig = Figure(figsize=(3.2, 2.4), dpi=90)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    draw(layer, ax, **style)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy(), fig


def _geopandas(layer, ax, **style) -> None:
    layer.plot(ax=ax, **style)


@pytest.mark.parametrize("style", STYLES, ids=_ids)
@pytest.mark.parametrize("layer", ["projected", "lonlat", "multi_only"])
def test_same_pixels_and_axes_as_geopandas(layer: str, style: dict) -> None:
    data = _layers()[layer]
    style = _style(style, len(data))
    ours, fig1 = _draw(data, style, polygons.plot_polygons)
    theirs, fig0 = _draw(data, style, _geopandas)
    assert np.array_equal(ours, theirs)
    ax1, ax0 = fig1.axes[0], fig0.axes[0]
    assert ax1.get_aspect() == ax0.get_aspect()
    assert (ax1.get_xlabel(), ax1.get_ylabel()) == (ax0.get_xlabel(), ax0.get_ylabel())
    assert ax1.get_xlim() == ax0.get_xlim() and ax1.get_ylim() == ax0.get_ylim()
    np.testing.assert_array_equal(ax1.dataLim.get_points(), ax0.dataLim.get_points())
    [c1], [c0] = ax1.collections, ax0.collections
    np.testing.assert_array_equal(c1.get_facecolor(), c0.get_facecolor())
    np.testing.assert_array_equal(c1.get_edgecolor(), c0.get_edgecolor())
    np.testing.assert_array_equal(c1.get_linewidth(), c0.get_linewidth())
    for p1, p0 in zip(c1.get_paths(), c0.get_paths(), strict=True):
        np.testing.assert_array_equal(p1.vertices, p0.vertices)
        np.testing.assert_array_equal(p1.codes, p0.codes)


def test_a_series_is_drawn_like_its_frame() -> None:
    data = _layers()["projected"]
    frame, _ = _draw(data, STYLES[0], polygons.plot_polygons)
    series, _ = _draw(data.geometry, STYLES[0], polygons.plot_polygons)
    assert np.array_equal(frame, series)


def test_other_layers_are_left_to_geopandas(monkeypatch) -> None:
    """Points, missing geometries, transparency and ambiguous colours go to ``GeoDataFrame.plot``."""
    data = _layers()["projected"]
    three = data.iloc[:3]
    cases = [
        (gpd.GeoDataFrame(geometry=[shapely.Point(1, 1), shapely.box(0, 0, 2, 2)]), {}),
        (gpd.GeoDataFrame(geometry=[None, shapely.box(0, 0, 2, 2)]), {"color": "red"}),
        (data, {"color": "red", "alpha": 0.5}),
        (data, {"color": "red", "hatch": "//"}),
        # a colour tuple as long as the layer: geopandas reads it as one value each
        (three, {"color": (1.0, 0.0, 0.0)}),
        (data, {"color": ["red", "blue", "not a colour", "black"]}),
        (data, {"edgecolor": ["red", "blue", "green", "black"]}),
        (data, {"color": "red", "linewidth": [1, 2, 3, 4]}),
    ]
    calls = []
    monkeypatch.setattr(gpd.GeoDataFrame, "plot", lambda self, **kw: calls.append(kw))
    for layer, style in cases:
        polygons.plot_polygons(layer, Figure().add_subplot(), **style)
    assert len(calls) == len(cases)


def test_fallbacks_draw_what_geopandas_draws() -> None:
    data = _layers()["projected"]
    for layer, style in [
        (gpd.GeoDataFrame(geometry=[None, shapely.box(0, 0, 2, 2)]), {"color": "red"}),
        (data, {"color": "red", "alpha": 0.5}),
    ]:
        ours, _ = _draw(layer, style, polygons.plot_polygons)
        theirs, _ = _draw(layer, style, _geopandas)
        assert np.array_equal(ours, theirs)


def test_paths_follow_geopandas_ring_order() -> None:
    """Exterior then holes, part by part, each ring closed; one path per geometry."""
    geoms = shapely.normalize(np.asarray(_layers()["projected"].geometry.array))
    paths = polygons.polygon_paths(geoms)
    assert len(paths) == len(geoms)
    for geom, path in zip(geoms, paths, strict=True):
        rings = [r for part in shapely.get_parts(geom) for r in shapely.get_rings(part)]
        expected = np.concatenate([shapely.get_coordinates(r) for r in rings])
        np.testing.assert_array_equal(path.vertices, expected)
        starts = np.cumsum([0] + [len(shapely.get_coordinates(r)) for r in rings])
        assert np.flatnonzero(path.codes == path.MOVETO).tolist() == starts[:-1].tolist()
        assert np.flatnonzero(path.codes == path.CLOSEPOLY).tolist() == (starts[1:] - 1).tolist()
    assert (paths[0].codes == paths[0].MOVETO).sum() == 2  # the exterior and its hole
    assert (paths[1].codes == paths[1].MOVETO).sum() == 2  # two parts


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_location_map_is_the_same_image_as_with_geopandas(monkeypatch, lang: str) -> None:
    """The real-boundary map of a fixture town, drawn both ways, pixel for pixel."""
    raw = get_paths().raw
    towns = load_towns(raw / "towns.csv")
    boundaries = load_raw_boundaries(raw / "geo")

    def draw() -> np.ndarray:
        fig = maps.plot_location_map("mueang-nan", boundaries=boundaries, towns=towns, lang=lang)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    ours = draw()
    monkeypatch.setattr(maps, "plot_polygons", _geopandas)
    theirs = draw()
    assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("kind", ["landuse", "zoning", "greenspace"])
def test_the_town_maps_are_the_same_images_as_with_geopandas(
    monkeypatch, town_map_layers: dict, kind: str
) -> None:
    """Land use, zones and green space (one fill colour per polygon), drawn both ways."""
    d = town_map_layers
    common = {"towns": d["towns"], "lang": "th", "boundaries": d["boundaries"]}

    def draw() -> np.ndarray:
        if kind == "landuse":
            fig = maps.plot_landuse_map("mueang-nan", landuse=d["landuse"], **common)
        elif kind == "zoning":
            fig = maps.plot_zoning_map("mueang-nan", zones=d["zones"], **common)
        else:
            fig = maps.plot_greenspace_map(
                "mueang-nan", greenspace=d["greenspace"], landuse=d["landuse"], **common
            )
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    drawn = []
    monkeypatch.setattr(maps, "plot_polygons", lambda *a, **k: drawn.append(1) or fast(*a, **k))
    ours = draw()
    assert drawn  # the fast path was taken
    monkeypatch.setattr(maps, "plot_polygons", _geopandas)
    theirs = draw()
    assert np.array_equal(ours, theirs)


fast = polygons.plot_polygons
