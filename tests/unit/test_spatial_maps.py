"""Maps render in Thai and English without missing glyphs and carry attribution and labels."""

from __future__ import annotations

import geopandas as gpd
import matplotlib as mpl
import pytest

from analysis.spatial import maps
from analysis.store.boundaries import BOUNDARY_ATTRIBUTION

mpl.use("Agg")
TOWN = "mueang-nan"


@pytest.fixture(scope="module")
def data(town_map_layers: dict) -> dict:
    return town_map_layers


def texts(fig) -> str:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("kind", ["landuse", "zoning", "greenspace", "location"])
def test_maps_render(data: dict, kind: str, lang: str) -> None:
    d = data
    if kind == "landuse":
        fig = maps.plot_landuse_map(
            TOWN, landuse=d["landuse"], towns=d["towns"], lang=lang, boundaries=d["boundaries"]
        )
    elif kind == "zoning":
        fig = maps.plot_zoning_map(
            TOWN, zones=d["zones"], towns=d["towns"], lang=lang, boundaries=d["boundaries"]
        )
    elif kind == "greenspace":
        fig = maps.plot_greenspace_map(
            TOWN,
            greenspace=d["greenspace"],
            towns=d["towns"],
            lang=lang,
            landuse=d["landuse"],
            boundaries=d["boundaries"],
        )
    else:
        fig = maps.plot_location_map(TOWN, boundaries=d["boundaries"], towns=d["towns"], lang=lang)
    fig.canvas.draw()  # a missing Thai glyph warns here, and warnings are errors
    text = texts(fig)
    assert ("ขอบเขตการปกครอง" if lang == "th" else BOUNDARY_ATTRIBUTION) in text
    assert ("เทศบาลเมืองน่าน" if lang == "th" else "Nan Town Municipality") in text
    if kind != "location":
        assert "SYNTHETIC" in text
    assert ("กม." if lang == "th" else "km") in text or (
        "ม." if lang == "th" else " m"
    ) in text  # scale bar
    mpl.pyplot.close(fig)


def test_unknown_town(data: dict) -> None:
    with pytest.raises(Exception, match="unknown town_id"):
        maps.plot_landuse_map("atlantis", landuse=data["landuse"], towns=data["towns"])


def test_scale_bar_length() -> None:
    assert maps._nice_length(5_000) == 1_000
    assert maps._nice_length(12_000) == 2_000
    assert maps._nice_length(30_000) == 5_000


def test_all_geometry_is_projected(data: dict) -> None:
    lu4326 = gpd.GeoDataFrame(data["landuse"]).to_crs(4326)
    fig = maps.plot_landuse_map(TOWN, landuse=lu4326, towns=data["towns"], lang="en")
    x0, x1 = fig.axes[0].get_xlim()
    assert x1 - x0 > 1000  # metres, not degrees
    mpl.pyplot.close(fig)


def test_spatial_translations_have_the_same_keys() -> None:
    from analysis.i18n import get_translator  # noqa: PLC0415

    th = {k for k in get_translator("th").strings if k.startswith("spatial.")}
    en = {k for k in get_translator("en").strings if k.startswith("spatial.")}
    assert th == en
    for zone in ("conservation", "restoration", "sustainable_use", "development"):
        assert f"spatial.zone.{zone}" in th


def test_package_exports_lazily() -> None:
    import analysis.spatial as spatial  # noqa: PLC0415

    assert spatial.plot_zoning_map is maps.plot_zoning_map
    assert "cbi_table" in dir(spatial)
    with pytest.raises(AttributeError, match="nope"):
        _ = spatial.nope


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_area_caveat_is_not_small_print_inside_the_image(data: dict, lang: str) -> None:
    # which area the maps cover is a sentence of the page text (report.analysis_area_note)
    fig = maps.plot_zoning_map(
        TOWN, zones=data["zones"], towns=data["towns"], lang=lang, boundaries=data["boundaries"]
    )
    text = texts(fig)
    town = data["towns"].set_index("town_id").loc[TOWN]
    assert str(town["tambon_pcode"]) not in text
    assert ("ขอบเขตเทศบาล" if lang == "th" else "municipal boundaries") not in text
    mpl.pyplot.close(fig)
