"""Coordinate reference systems: choosing the metric UTM zone for a Thai town."""

from __future__ import annotations

import geopandas as gpd

__all__ = ["THAILAND_BOUNDS", "utm_epsg_for_frame", "utm_epsg_for_lon"]

#: Generous lon/lat box around Thailand (min lon, min lat, max lon, max lat).
THAILAND_BOUNDS: tuple[float, float, float, float] = (97.0, 5.0, 106.5, 21.0)


def utm_epsg_for_lon(lon: float) -> int:
    """Return the WGS 84 / UTM EPSG code used for a town at longitude ``lon``.

    Thailand spans UTM zones 47N (west of 102°E) and 48N (east of it).

    Parameters
    ----------
    lon : float
        Longitude in degrees east.

    Returns
    -------
    int
        32647 if ``lon < 102`` else 32648.

    Examples
    --------
    >>> utm_epsg_for_lon(100.1)
    32647
    >>> utm_epsg_for_lon(102.4)
    32648
    """
    return 32647 if float(lon) < 102.0 else 32648


def utm_epsg_for_frame(gdf: gpd.GeoDataFrame) -> int:
    """Return the UTM EPSG code for a layer, from the longitude of its centroid.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer in any CRS.

    Returns
    -------
    int
        EPSG code of the WGS 84 / UTM zone (326xx north, 327xx south).
    """
    lonlat = gdf.to_crs(4326) if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") else gdf
    minx, _miny, maxx, _maxy = lonlat.total_bounds
    return utm_epsg_for_lon((minx + maxx) / 2.0)
