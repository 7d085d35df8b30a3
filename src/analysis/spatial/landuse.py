"""Read a town's land-use polygon layer and normalise it to ecoplan's small vocabulary.

Input contract (one layer per town, GeoPackage / GeoJSON / Shapefile, read with pyogrio):

``class`` (or ``landuse``, ``lu_class``, ``ประเภท``, ``การใช้ที่ดิน``)
    Land-use class in Thai or English, mapped with ``landuse_classes.yaml`` to
    :data:`CLASSES`. An unknown name raises :class:`~analysis.errors.SpatialInputError`
    naming the class and the file.
``protected`` (optional, default False)
    The polygon is protected or secured natural area (CBI I-8).
``tree_canopy`` (optional, default False)
    The polygon is under tree canopy (CBI I-11). Alternatively a GeoPackage may hold a
    separate polygon layer named ``tree_canopy`` (or ``canopy``); land-use polygons are
    then split along it (:func:`apply_canopy_layer`).
``barrier`` (optional; default True for roads, False otherwise)
    The polygon breaks habitat connectivity (major roads >= 15 m, concrete canals).
``fid`` / ``id`` / ``feature_id`` (optional)
    Feature id used in error messages (default: 1-based position in the layer).
``source``, ``is_synthetic`` (optional)
    Provenance; synthetic layers must say ``SYNTHETIC`` in ``source``.

The polygons should partition the town (no overlaps): overlaps are not detected (that
check costs more than the indicators themselves) and overlapping area would count twice.

Geometry rules: empty geometries are rejected naming the feature id; invalid ones
(self-intersections, ...) are repaired with :func:`shapely.make_valid` and reported in
``gdf.attrs["notes"]``, or rejected when ``invalid="reject"``. A layer without a CRS is
accepted only if its coordinates are plausible lon/lat in Thailand (then EPSG:4326 is
assumed and noted); a layer whose coordinates cannot be in Thailand is rejected.
The result is in the town's metric UTM CRS (:func:`analysis.spatial.crs.utm_epsg_for_lon`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from analysis.errors import SpatialInputError
from analysis.spatial.crs import THAILAND_BOUNDS, utm_epsg_for_lon
from analysis.yamltext import load_yaml

__all__ = [
    "CLASSES",
    "LANDUSE_COLUMNS",
    "M2_PER_RAI",
    "apply_canopy_layer",
    "class_flags",
    "class_lookup",
    "normalise_class_name",
    "normalise_landuse",
    "polygonal_parts",
    "read_landuse",
]

#: Square metres in one rai (the Thai land unit: 1 rai = 1,600 m²).
M2_PER_RAI = 1600.0

#: The normalised land-use vocabulary.
CLASSES: tuple[str, ...] = (
    "built_up",
    "road",
    "park",
    "forest",
    "wetland",
    "water",
    "agriculture",
    "degraded",
)

#: Columns of a normalised land-use layer (plus ``geometry``).
LANDUSE_COLUMNS: tuple[str, ...] = (
    "town_id",
    "feature_id",
    "lu_class",
    "class_raw",
    "protected",
    "tree_canopy",
    "barrier",
    "area_m2",
    "source",
    "is_synthetic",
    "src_file",
)

_CLASS_COLUMNS = (
    "class",
    "lu_class",
    "landuse",
    "land_use",
    "ประเภท",
    "การใช้ที่ดิน",
    "ประเภทการใช้ที่ดิน",
)
_ID_COLUMNS = ("feature_id", "fid", "id", "gid", "objectid")
#: Accepted column names of the boolean flags (Shapefiles cut names to 10 characters).
_FLAG_ALIASES: dict[str, tuple[str, ...]] = {
    "protected": ("protected", "protect", "คุ้มครอง"),
    "tree canopy": ("tree canopy", "tree canop", "canopy", "เรือนยอดไม้"),
    "barrier": ("barrier",),
    "is synthetic": ("is synthetic", "is synthet"),
}
#: Layer names of a separate tree-canopy layer in the same file.
_CANOPY_LAYERS = ("tree_canopy", "canopy")
_TRUE = {"true", "t", "1", "yes", "y", "ใช่", "มี"}
_FALSE = {"false", "f", "0", "no", "n", "ไม่ใช่", "ไม่มี", "", "nan", "none", "<na>"}


def normalise_class_name(name: object) -> str:
    """Return the matching key of a raw class name (NFC, lower case, single spaces).

    Parameters
    ----------
    name : object
        A raw class name (Thai or English).

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> normalise_class_name("  Built-Up ")
    'built up'
    """
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


@functools.cache
def _vocabulary() -> dict[str, Any]:
    text = (files("analysis.spatial") / "landuse_classes.yaml").read_text(encoding="utf-8")
    return load_yaml(text)["classes"]


@functools.cache
def class_lookup() -> Mapping[str, str]:
    """Return the mapping ``normalised raw name -> class`` (Thai and English names).

    Returns
    -------
    Mapping of str to str
        Read-only; from ``landuse_classes.yaml``.
    """
    table: dict[str, str] = {}
    for cls, spec in _vocabulary().items():
        table[normalise_class_name(cls)] = cls
        for alias in spec["aliases"]:
            table[normalise_class_name(alias)] = cls
    return table


def class_flags(flag: Literal["natural", "permeable", "green"]) -> frozenset[str]:
    """Return the classes that have ``flag`` set in ``landuse_classes.yaml``.

    Parameters
    ----------
    flag : {"natural", "permeable", "green"}
        The flag.

    Returns
    -------
    frozenset of str
        Class keys.

    Examples
    --------
    >>> sorted(class_flags("natural"))
    ['forest', 'water', 'wetland']
    """
    return frozenset(cls for cls, spec in _vocabulary().items() if spec[flag])


def _bool_column(values: pd.Series, column: str, src: str, ids: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype("string").fillna("").str.strip().str.lower()
    out = text.isin(_TRUE)
    bad = ~(out | text.isin(_FALSE))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        msg = (
            f"{src}: feature {ids.iloc[i]}: column {column!r} has value {values.iloc[i]!r}; "
            "expected true/false (also 1/0, yes/no, ใช่/ไม่ใช่)"
        )
        raise SpatialInputError(msg, code="attributes")
    return out.to_numpy(dtype=bool)


def _check_crs(gdf: gpd.GeoDataFrame, src: str, notes: list[str]) -> gpd.GeoDataFrame:
    minx, miny, maxx, maxy = THAILAND_BOUNDS
    if gdf.crs is None:
        bx0, by0, bx1, by1 = gdf.total_bounds
        if minx <= bx0 and bx1 <= maxx and miny <= by0 and by1 <= maxy:
            notes.append(
                f"{src}: layer has no CRS; coordinates are lon/lat in Thailand, EPSG:4326 assumed"
            )
            return gdf.set_crs(4326)
        msg = (
            f"{src}: layer has no CRS and its coordinates (x {bx0:.6g}..{bx1:.6g}, "
            f"y {by0:.6g}..{by1:.6g}) are not lon/lat in Thailand; expected a layer with a "
            "declared CRS (e.g. EPSG:4326, EPSG:32647 or EPSG:32648)"
        )
        raise SpatialInputError(msg, code="crs")
    lonlat = gdf.to_crs(4326)
    bx0, by0, bx1, by1 = lonlat.total_bounds
    if not np.all(np.isfinite([bx0, by0, bx1, by1])) or not (
        minx <= bx0 and bx1 <= maxx and miny <= by0 and by1 <= maxy
    ):
        msg = (
            f"{src}: coordinates cannot be in Thailand under the declared CRS "
            f"{gdf.crs.to_string()} "
            f"(lon {bx0:.4g}..{bx1:.4g}, lat {by0:.4g}..{by1:.4g}); the layer is probably "
            "tagged with the wrong CRS"
        )
        raise SpatialInputError(msg, code="crs")
    return gdf


def _fix_geometries(
    geoms: np.ndarray, ids: pd.Series, src: str, invalid: str, notes: list[str]
) -> np.ndarray:
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        bad = ids[missing].astype(str).tolist()
        msg = (
            f"{src}: empty or missing geometry in feature(s) {', '.join(bad[:10])}; "
            "expected a polygon"
        )
        raise SpatialInputError(msg, code="geometry")
    geoms = shapely.force_2d(geoms)
    gtype = shapely.get_type_id(geoms)
    not_poly = ~np.isin(gtype, (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    if not_poly.any():
        i = int(np.flatnonzero(not_poly)[0])
        msg = (
            f"{src}: feature {ids.iloc[i]} is a {geoms[i].geom_type}; "
            "expected a Polygon or MultiPolygon"
        )
        raise SpatialInputError(msg, code="geometry")
    valid = shapely.is_valid(geoms)
    if not valid.all():
        idx = np.flatnonzero(~valid)
        reasons = shapely.is_valid_reason(geoms[idx])
        if invalid == "reject":
            msg = (
                f"{src}: invalid geometry in feature {ids.iloc[idx[0]]} ({reasons[0]}); "
                f"{len(idx)} invalid feature(s) in total; repair them or load with invalid='repair'"
            )
            raise SpatialInputError(msg, code="geometry")
        fixed = shapely.make_valid(geoms[idx])
        for k, (i, geom) in enumerate(zip(idx.tolist(), fixed, strict=True)):
            parts = shapely.get_parts(geom)
            polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
            if len(polys) == 0:
                msg = (
                    f"{src}: feature {ids.iloc[i]} is invalid ({reasons[k]}) "
                    "and has no area after repair; expected a polygon with area"
                )
                raise SpatialInputError(msg, code="geometry")
            geoms[i] = shapely.union_all(polys)
            notes.append(f"{src}: feature {ids.iloc[i]}: repaired invalid geometry ({reasons[k]})")
    collections = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    if len(collections):
        geoms = polygonal_parts(geoms)
        lost = collections[shapely.is_empty(geoms[collections])]
        if len(lost):
            msg = f"{src}: feature {ids.iloc[lost[0]]} is a collection without polygons"
            raise SpatialInputError(msg, code="geometry")
    return geoms


def normalise_landuse(
    gdf: gpd.GeoDataFrame,
    *,
    town_id: str,
    src: str,
    invalid: Literal["repair", "reject"] = "repair",
    epsg: int | None = None,
) -> gpd.GeoDataFrame:
    """Normalise a raw land-use layer: classes, flags, geometries and CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The raw layer.
    town_id : str
        Town the layer belongs to.
    src : str
        File name for messages (relative to ``data/raw`` when possible).
    invalid : {"repair", "reject"}, default "repair"
        What to do with invalid geometries.
    epsg : int, optional
        Output CRS; default is the UTM zone of the layer's centroid longitude.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`LANDUSE_COLUMNS` and ``geometry`` in a metric CRS;
        ``attrs["notes"]`` lists repairs and assumptions.

    Raises
    ------
    SpatialInputError
        Unknown class, missing class column, empty geometry, invalid geometry (when
        rejecting), or a CRS that cannot place the layer in Thailand.
    """
    if invalid not in ("repair", "reject"):
        msg = f"invalid={invalid!r}: expected 'repair' or 'reject'"
        raise SpatialInputError(msg)
    notes: list[str] = []
    if len(gdf) == 0:
        msg = f"{src}: the land-use layer has no features; expected polygons covering the town"
        raise SpatialInputError(msg, code="empty")
    cols = {normalise_class_name(c): c for c in gdf.columns}
    id_col = next((cols[c] for c in _ID_COLUMNS if c in cols), None)
    ids = (
        gdf[id_col].astype(str).reset_index(drop=True)
        if id_col is not None
        else pd.Series(np.arange(1, len(gdf) + 1).astype(str))
    )
    class_col = next(
        (cols[normalise_class_name(c)] for c in _CLASS_COLUMNS if normalise_class_name(c) in cols),
        None,
    )
    if class_col is None:
        msg = f"{src}: no land-use class column; expected one of {', '.join(_CLASS_COLUMNS)}"
        raise SpatialInputError(msg, code="attributes")
    raw = gdf[class_col].reset_index(drop=True)
    lookup = class_lookup()
    keys = raw.map(normalise_class_name)
    mapped = keys.map(lookup)
    unknown = mapped.isna()
    if unknown.any():
        names = list(dict.fromkeys(raw[unknown].astype(str)))
        first = int(np.flatnonzero(unknown.to_numpy())[0])
        msg = (
            f"{src}: unknown land-use class {names[0]!r} (feature {ids.iloc[first]}"
            + (f"; also {', '.join(map(repr, names[1:5]))}" if len(names) > 1 else "")
            + f"); expected one of {', '.join(CLASSES)} or a Thai/English alias in "
            "analysis/spatial/landuse_classes.yaml"
        )
        raise SpatialInputError(msg, code="attributes")

    gdf = _check_crs(gdf.reset_index(drop=True), src, notes)
    geoms = _fix_geometries(gdf.geometry.to_numpy().copy(), ids, src, invalid, notes)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    if epsg is None:
        epsg = utm_epsg_for_lon(float(np.mean(gdf.to_crs(4326).total_bounds[[0, 2]])))
    gdf = gdf.to_crs(epsg)

    def flag(name: str, default: np.ndarray) -> np.ndarray:
        col = next((cols[a] for a in _FLAG_ALIASES[name] if a in cols), None)
        if col is None:
            return default
        return _bool_column(gdf[col].reset_index(drop=True), col, src, ids)

    n = len(gdf)
    lu = mapped.astype(str).to_numpy()
    source = (
        gdf[cols["source"]].astype(str).to_numpy()
        if "source" in cols
        else np.full(n, src, dtype=object)
    )
    synthetic = flag("is synthetic", np.char.find(np.asarray(source, dtype=str), "SYNTHETIC") >= 0)
    out = gpd.GeoDataFrame(
        {
            "town_id": pd.array([town_id] * n, dtype="string"),
            "feature_id": pd.array(ids.to_numpy(), dtype="string"),
            "lu_class": pd.array(lu, dtype="string"),
            "class_raw": pd.array(raw.astype(str).to_numpy(), dtype="string"),
            "protected": flag("protected", np.zeros(n, dtype=bool)),
            "tree_canopy": flag("tree canopy", np.zeros(n, dtype=bool)),
            "barrier": flag("barrier", lu == "road"),
            "area_m2": shapely.area(gdf.geometry.to_numpy()),
            "source": pd.array(source, dtype="string"),
            "is_synthetic": synthetic,
            "src_file": pd.array([src] * n, dtype="string"),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs,
    )
    out.attrs["notes"] = notes
    return out


def read_landuse(
    path: Path | str,
    *,
    town_id: str | None = None,
    invalid: Literal["repair", "reject"] = "repair",
    layer: str | None = None,
    src: str | None = None,
) -> gpd.GeoDataFrame:
    """Read and normalise a land-use file (GeoPackage, GeoJSON or Shapefile).

    Parameters
    ----------
    path : path-like
        The file; for the demo towns ``data/raw/landuse/<town_id>.gpkg``.
    town_id : str, optional
        Default: the file stem.
    invalid : {"repair", "reject"}, default "repair"
        What to do with invalid geometries.
    layer : str, optional
        Layer name (GeoPackage); default the first layer.
    src : str, optional
        Name of the file in messages (default: the path as given).

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`normalise_landuse`.

    Raises
    ------
    SpatialInputError
        If the file cannot be read or fails a check of :func:`normalise_landuse`.
    """
    path = Path(path)
    src = src or str(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        canopy = next((n for n in layers if n in _CANOPY_LAYERS), None)
        if layer is None:
            others = [n for n in layers if n not in _CANOPY_LAYERS]
            layer = "landuse" if "landuse" in others else (others[0] if others else None)
        gdf = gpd.read_file(path, engine="pyogrio", layer=layer)
        canopy_gdf = gpd.read_file(path, engine="pyogrio", layer=canopy) if canopy else None
    except Exception as exc:  # pyogrio raises several unrelated types
        msg = f"{src}: cannot read the land-use layer: {exc}"
        raise SpatialInputError(msg, code="unreadable") from exc
    out = normalise_landuse(gdf, town_id=town_id or path.stem, src=src, invalid=invalid)
    if canopy_gdf is not None and len(canopy_gdf):
        out = apply_canopy_layer(out, canopy_gdf, src=f"{src} (layer {canopy})")
    return out


def polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with geometry collections reduced to their polygonal parts.

    Overlays (intersection, difference) can return collections that mix polygons with
    slivers of lines or points; only the polygons carry area.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely.Geometry
        Geometries.

    Returns
    -------
    numpy.ndarray of shapely.Geometry
        Same length; polygons and multipolygons unchanged, collections reduced (possibly
        to an empty geometry).
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    for i in np.flatnonzero(shapely.get_type_id(geoms) == 7):
        parts = shapely.get_parts(geoms[i])
        parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        geoms[i] = shapely.union_all(parts) if len(parts) else shapely.Polygon()
    return geoms


def apply_canopy_layer(
    landuse: gpd.GeoDataFrame, canopy: gpd.GeoDataFrame, *, src: str
) -> gpd.GeoDataFrame:
    """Mark tree canopy from a separate canopy polygon layer instead of the flag column.

    Land-use polygons that the canopy partly covers are split into a canopy part
    (``tree_canopy`` True, ``feature_id`` suffixed ``"/canopy"``) and the rest (False);
    the flag column of the land-use layer is replaced.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Normalised land use (metric CRS).
    canopy : geopandas.GeoDataFrame
        Canopy polygons, any CRS (checked like a land-use layer's).
    src : str
        Name of the canopy layer in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The land use with ``tree_canopy`` from the canopy layer; ``attrs["notes"]`` kept.
    """
    notes = list(landuse.attrs.get("notes", []))
    canopy = _check_crs(canopy.reset_index(drop=True), src, notes).to_crs(landuse.crs)
    ids = pd.Series(np.arange(1, len(canopy) + 1).astype(str))
    cover = shapely.union_all(
        _fix_geometries(canopy.geometry.to_numpy().copy(), ids, src, "repair", notes)
    )
    shapely.prepare(cover)
    geoms = landuse.geometry.to_numpy()
    hit = shapely.intersects(cover, geoms)
    inside = np.zeros(len(geoms), dtype=bool)
    inside[hit] = shapely.contains(cover, geoms[hit])
    split = np.flatnonzero(hit & ~inside)
    base = landuse.copy()
    base["tree_canopy"] = inside
    in_part = polygonal_parts(shapely.intersection(geoms[split], cover))
    out_part = polygonal_parts(shapely.difference(geoms[split], cover))
    covered = base.iloc[split].copy()
    covered["tree_canopy"] = True
    covered["feature_id"] = covered["feature_id"] + "/canopy"
    covered = covered.set_geometry(gpd.GeoSeries(in_part, crs=landuse.crs, index=covered.index))
    base.loc[base.index[split], "geometry"] = gpd.GeoSeries(
        out_part, crs=landuse.crs, index=base.index[split]
    )
    out = pd.concat([base, covered], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=landuse.crs)
    out = out[~out.geometry.is_empty & (out.geometry.area > 0.01)].reset_index(drop=True)
    out["area_m2"] = shapely.area(out.geometry.to_numpy())
    out.attrs["notes"] = notes
    return out
