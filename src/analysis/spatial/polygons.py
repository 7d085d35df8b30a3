"""Draw a layer of polygons as ``GeoDataFrame.plot`` does, without its per-call overhead.

A location map draws seven polygon layers, and geopandas 1.2 spends most of its time
per layer outside matplotlib: it copies the frame, defines a new collection class and
registers it with the legend on every call, and builds each polygon's path ring by
ring from Python (about 50 ms of a map's 180, measured 2026-12-03; on a land-use or
green-space layer of a few thousand polygons, most of the layer's time).
:func:`plot_polygons` makes the same collection from the same paths (the geometries
normalised as geopandas does, one compound path per geometry with its rings in
geopandas' order) with vectorised shapely calls, and sets the axes' aspect and labels
as geopandas does. ``tests/unit/test_polygons.py`` compares the pixels with
``GeoDataFrame.plot``.

Anything else (points or lines, missing or empty geometries, hatching, transparency,
colour maps) is drawn by geopandas itself.
"""

from __future__ import annotations

import itertools
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import is_color_like
from matplotlib.path import Path

__all__ = ["plot_polygons", "polygon_paths"]

#: shapely's type ids of the geometries drawn here.
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def polygon_paths(geometries: np.ndarray) -> list[Path]:
    """Return one compound path per (multi)polygon, as geopandas' ``_PolygonPatch`` does.

    Each part contributes its exterior and then its interiors, each ring a closed path
    (``MOVETO``, ``LINETO``..., ``CLOSEPOLY``), in 2D.

    Parameters
    ----------
    geometries : numpy.ndarray
        Polygons and multipolygons (none missing or empty).

    Returns
    -------
    list of matplotlib.path.Path
        In the order of ``geometries``.

    Examples
    --------
    >>> import shapely
    >>> [path] = polygon_paths(np.array([shapely.box(0, 0, 2, 1)]))
    >>> path.codes.tolist()
    [1, 2, 2, 2, 79]
    """
    parts, part_geometry = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    ring_starts = np.searchsorted(coord_ring, np.arange(len(rings)))
    codes[ring_starts] = Path.MOVETO
    codes[np.r_[ring_starts[1:], len(coords)] - 1] = Path.CLOSEPOLY
    coord_geometry = part_geometry[ring_part[coord_ring]]
    bounds = np.searchsorted(coord_geometry, np.arange(len(geometries) + 1))
    return [
        Path(coords[start:stop], codes[start:stop]) for start, stop in itertools.pairwise(bounds)
    ]


def _axis_labels(ax: Axes, crs: Any) -> None:
    """Label the axes from the CRS when they have no label yet, as geopandas does."""
    if crs:
        x_label = f"{crs.axis_info[0].name} [{crs.axis_info[0].unit_name}]"
        y_label = f"{crs.axis_info[1].name} [{crs.axis_info[1].unit_name}]"
        if crs.axis_info[0].direction == "north":
            x_label, y_label = y_label, x_label
    else:
        x_label, y_label = "x", "y"
    if ax.get_xlabel() == "":
        ax.set_xlabel(x_label, fontsize="small")
    if ax.get_ylabel() == "":
        ax.set_ylabel(y_label, fontsize="small")


def _aspect(ax: Axes, series: gpd.GeoSeries) -> None:
    """Set the aspect geopandas' ``aspect="auto"`` sets (true shapes mid-layer in lon/lat)."""
    if series.crs and series.crs.is_geographic:
        bounds = series.total_bounds
        y_coord = np.mean([bounds[1], bounds[3]])
        ax.set_aspect(1 / np.cos(y_coord * np.pi / 180))
    else:
        ax.set_aspect("equal")


def _single_value(value: Any, n: int) -> bool:
    """Tell whether geopandas takes ``value`` as one colour (or width) for all ``n`` geometries.

    geopandas treats any list-like of length ``n`` as one value per geometry, even a
    colour tuple such as ``(1, 0, 0)`` on three geometries: that case is left to it.
    """
    if isinstance(value, str):
        return is_color_like(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True  # a line width
    list_like = hasattr(value, "__len__") and not isinstance(value, dict)
    return is_color_like(value) and not (list_like and len(value) == n)


def _fill_colour(value: Any, n: int) -> bool:
    """Tell whether geopandas passes ``color`` on unchanged: one colour, or one per geometry."""
    if isinstance(value, np.ndarray | list) and len(value) == n:
        return all(is_color_like(v) for v in value)
    return _single_value(value, n)


def plot_polygons(data: gpd.GeoDataFrame | gpd.GeoSeries, ax: Axes, **style: Any) -> None:
    """Draw ``data``'s polygons on ``ax`` as ``data.plot(ax=ax, **style)`` would.

    Parameters
    ----------
    data : geopandas.GeoDataFrame or geopandas.GeoSeries
        The layer.
    ax : matplotlib.axes.Axes
        Where to draw.
    **style
        ``color`` (the fill, as in geopandas: one colour, or a NumPy array or list of
        one colour per geometry), ``facecolor``, ``edgecolor``, ``linewidth`` (single
        values). Anything else, or a layer that is not all polygons, is drawn by
        geopandas.
    """
    series = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    geometries = np.asarray(series.array, dtype=object)
    simple = (
        len(geometries) > 0
        and set(style) <= {"color", "facecolor", "edgecolor", "linewidth"}
        and all(_single_value(v, len(geometries)) for k, v in style.items() if k != "color")
        and ("color" not in style or _fill_colour(style["color"], len(geometries)))
        and np.isin(shapely.get_type_id(geometries), _POLYGONAL).all()
        and not shapely.is_empty(geometries).any()
    )
    if not simple:
        data.plot(ax=ax, **style)
        return
    _axis_labels(ax, series.crs)
    _aspect(ax, series)
    kwargs = dict(style)
    color = kwargs.pop("color", None)
    facecolor = kwargs.pop("facecolor", None)
    kwargs["facecolor"] = color if color is not None else facecolor
    paths = polygon_paths(shapely.normalize(geometries))
    ax.add_collection(PathCollection(paths, **kwargs), autolim=True)
    ax.autoscale_view()
