"""Load the real administrative boundaries from ``data/raw/geo`` into the store."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import InputFileError

__all__ = ["BOUNDARY_ATTRIBUTION", "load_raw_boundaries"]

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
        path = geo_dir / fname
        try:
            gdf = gpd.read_file(path, engine="pyogrio")
        except Exception as exc:  # pyogrio raises several unrelated types
            raise InputFileError(str(path), f"cannot read boundary file: {exc}") from exc
        gdf = gdf.to_crs(4326)
        parts.append(
            gpd.GeoDataFrame(
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
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4326)
