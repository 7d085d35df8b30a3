"""Load the real administrative boundaries from ``data/raw/geo`` into the store."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import InputFileError

__all__ = ["BOUNDARY_ATTRIBUTION", "MUNICIPAL_TABLE", "load_raw_boundaries"]

#: Store table of the optional municipal boundary file: ``town_id, source, geometry``
#: (EPSG:4326), written by ingest, read by the spatial stage.
MUNICIPAL_TABLE = "municipal_boundaries.parquet"

BOUNDARY_ATTRIBUTION = (
    "Administrative boundaries: Royal Thai Survey Department / OCHA via HDX "
    "(CC BY-IGO 3.0), simplified by thai-geolocate (MIT)."
)
BOUNDARY_ATTRIBUTION_TH = (
    "ขอบเขตการปกครอง: กรมแผนที่ทหาร / OCHA ผ่าน HDX (CC BY-IGO 3.0) "
    "ปรับให้เรียบง่ายโดย thai-geolocate (MIT)"
)

_FILES = {
    "province": ("tha_adm1_provinces_all_simplified.geojson", "ADM1", None),
    "district": ("tha_adm2_districts_5prov.geojson", "ADM2", "ADM1_PCODE"),
    "tambon": ("tha_adm3_tambons_5prov.geojson", "ADM3", "ADM2_PCODE"),
}

#: Boundaries of towns outside the five demo provinces, one pair of files per district,
#: copied from the national tambon file (docs/add-a-town.md); the committed files stay as
#: they are. Read after the files above; a pcode already read is not read again.
EXTRA_FILES = {
    "district": "tha_adm2_districts_extra_*.geojson",
    "tambon": "tha_adm3_tambons_extra_*.geojson",
}


def load_raw_boundaries(geo_dir: Path) -> gpd.GeoDataFrame:
    """Read provinces, districts and tambons into one GeoDataFrame.

    Parameters
    ----------
    geo_dir : pathlib.Path
        ``data/raw/geo``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``level, pcode, parent_pcode, name_th, name_en, geometry`` in EPSG:4326.

    Raises
    ------
    InputFileError
        If a boundary file is missing or unreadable.
    """
    parts = []
    for level, (fname, prefix, parent) in _FILES.items():
        extra = sorted(geo_dir.glob(EXTRA_FILES[level])) if level in EXTRA_FILES else []
        for path in [geo_dir / fname, *extra]:
            parts.append(_read_level(path, level, prefix, parent))
    merged = pd.concat(parts, ignore_index=True).drop_duplicates(["level", "pcode"])
    return gpd.GeoDataFrame(merged.reset_index(drop=True), crs=4326)


def _read_level(path: Path, level: str, prefix: str, parent: str | None) -> gpd.GeoDataFrame:
    """Read one boundary file into the store's columns.

    Parameters
    ----------
    path : pathlib.Path
        A COD-AB GeoJSON file.
    level : str
        ``province``, ``district`` or ``tambon``.
    prefix : str
        Column prefix of the level (``ADM1`` ...).
    parent : str or None
        The parent's pcode column.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``level, pcode, parent_pcode, name_th, name_en, geometry``.

    Raises
    ------
    InputFileError
        If the file is missing or unreadable.
    """
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several unrelated types
        raise InputFileError(str(path), f"cannot read boundary file: {exc}") from exc
    gdf = gdf.to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "level": level,
            "pcode": gdf[f"{prefix}_PCODE"].astype(str),
            "parent_pcode": gdf[parent].astype(str) if parent else None,
            "name_th": gdf[f"{prefix}_TH"].astype(str),
            "name_en": gdf[f"{prefix}_EN"].astype(str),
        },
        geometry=gdf.geometry.make_valid(),
        crs=4326,
    )
