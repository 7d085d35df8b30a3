"""Per-town GeoPackage for QGIS: zoning, green inventory and the analysis area.

``ecoplan site`` writes ``downloads/<town>.gpkg`` for every town with spatial tables in
the processed store. Layers (all EPSG:4326, WGS 84, as in the store; areas were
measured in the town's UTM zone):

``analysis_area``
    The land the zoning and the green inventory cover (``analysis_areas.parquet``, one
    polygon, with its ``method``); when the store has no analysis area, the town's tambon
    polygon from ``boundaries.parquet`` with ``method = "tambon"``; when the boundary set
    has no polygon for the town either, the town point from ``towns.csv`` (a Point,
    ``method = "town_point"``), so every town's file has this layer.
``zoning``
    Eco-landscape zones (``zones.parquet``): one multipolygon per zone.
``green_inventory``
    The green-space inventory (``greenspace.parquet``): one polygon per green area.

Every layer carries ``town_id``, the town's names (``town_th``, ``town_en``),
``is_synthetic`` and ``source``; coded values have Thai and English labels beside the
code (``zone``/``zone_th``/``zone_en``, ``type``/``type_th``/``type_en``). Each layer's
GeoPackage description names its content and source and says when it is synthetic.
The file's timestamps are the build date (``SOURCE_DATE_EPOCH`` honoured), so the same
store gives the same bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import DataError
from analysis.i18n import get_translator

__all__ = ["GPKG_CRS", "LAYERS", "GisLayers", "read_gis_layers", "town_layers", "write_gpkg"]

#: The CRS of every layer.
GPKG_CRS = "EPSG:4326"
#: Layer names, in file order.
LAYERS: tuple[str, ...] = ("analysis_area", "zoning", "green_inventory")
_AREA_TABLE = "analysis_areas"


@dataclass(frozen=True)
class GisLayers:
    """The store's spatial tables the GeoPackage is made from (all towns)."""

    zones: gpd.GeoDataFrame | None
    greenspace: gpd.GeoDataFrame | None
    areas: gpd.GeoDataFrame | None
    boundaries: gpd.GeoDataFrame | None
    towns: pd.DataFrame


def _read(processed: Path, name: str) -> gpd.GeoDataFrame | None:
    path = processed / f"{name}.parquet"
    if not path.is_file():
        return None
    try:
        return gpd.read_parquet(path)
    except (ValueError, OSError) as exc:
        msg = f"{path}: cannot read the spatial table: {exc}"
        raise DataError(msg) from exc


def read_gis_layers(processed: Path) -> GisLayers:
    """Read the spatial tables of the processed store once for every town.

    Parameters
    ----------
    processed : pathlib.Path
        ``data/processed``.

    Returns
    -------
    GisLayers
        The tables (``None`` for a table the store does not have).
    """
    from analysis.store.io import read_towns  # noqa: PLC0415

    return GisLayers(
        zones=_read(processed, "zones"),
        greenspace=_read(processed, "greenspace"),
        areas=_read(processed, _AREA_TABLE),
        boundaries=_read(processed, "boundaries"),
        towns=read_towns(processed),
    )


def _label(lang: str, key: str, code: object) -> str:
    tr = get_translator(lang)
    full = f"{key}.{code}"
    return tr(full) if tr.has(full) else str(code)


def _finish(frame: gpd.GeoDataFrame, town: Mapping[str, object]) -> gpd.GeoDataFrame:
    out = frame.copy()
    out.insert(1, "town_th", str(town.get("name_th") or ""))
    out.insert(2, "town_en", str(town.get("name_en") or ""))
    for col in out.columns:
        if col != "geometry" and isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].astype(object)
    return out.to_crs(GPKG_CRS)


def _has_point(town: Mapping[str, object]) -> bool:
    try:
        return pd.notna(float(town.get("lat"))) and pd.notna(float(town.get("lon")))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _coded(
    frame: gpd.GeoDataFrame | None, town_id: str, code: str, key: str, at: int
) -> gpd.GeoDataFrame | None:
    """Return the town's rows with Thai and English labels inserted beside the ``code`` column."""
    if frame is None or frame.empty:
        return None
    mine = frame[frame["town_id"].astype(str) == town_id].reset_index(drop=True)
    if mine.empty:
        return None
    mine = mine.copy()
    codes = mine[code].astype(str)
    mine.insert(at, f"{code}_th", [_label("th", key, c) for c in codes])
    mine.insert(at + 1, f"{code}_en", [_label("en", key, c) for c in codes])
    return mine


def _area(layers: GisLayers, town: Mapping[str, object], town_id: str) -> gpd.GeoDataFrame | None:
    """Return the analysis area, else the tambon polygon, else the town point."""
    if layers.areas is not None and "town_id" in layers.areas:
        a = layers.areas[layers.areas["town_id"].astype(str) == town_id].reset_index(drop=True)
        if not a.empty:
            return a.copy()
    pcode = str(town.get("tambon_pcode") or "")
    b = layers.boundaries
    sel = b[(b["level"] == "tambon") & (b["pcode"] == pcode)] if b is not None else None
    if sel is not None and not sel.empty:
        return gpd.GeoDataFrame(
            {
                "town_id": [town_id],
                "method": ["tambon"],
                "tambon_pcode": [pcode],
                "source": ["COD-AB tambon boundary (HDX), data/raw/geo"],
                "is_synthetic": [False],
            },
            geometry=[sel.geometry.union_all()],
            crs=sel.crs,
        )
    if not _has_point(town):
        return None
    return gpd.GeoDataFrame(
        {
            "town_id": [town_id],
            "method": ["town_point"],
            "source": [str(town.get("point_source") or "towns.csv lat/lon")],
            "is_synthetic": [False],
        },
        geometry=gpd.points_from_xy([float(town["lon"])], [float(town["lat"])]),  # type: ignore[arg-type]
        crs=GPKG_CRS,
    )


def town_layers(layers: GisLayers, town_id: str) -> dict[str, gpd.GeoDataFrame]:
    """Return a town's GeoPackage layers (only those with rows).

    Parameters
    ----------
    layers : GisLayers
        The store's spatial tables.
    town_id : str
        The town.

    Returns
    -------
    dict
        Layer name -> GeoDataFrame in :data:`GPKG_CRS`, in :data:`LAYERS` order.

    Raises
    ------
    DataError
        If the town is not in the registry.
    """
    rows = layers.towns[layers.towns["town_id"].astype(str) == town_id]
    if rows.empty:
        msg = f"town {town_id!r} is not in towns.parquet"
        raise DataError(msg)
    town = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    out = {
        "analysis_area": _area(layers, town, town_id),
        "zoning": _coded(layers.zones, town_id, "zone", "spatial.zone", 2),
        "green_inventory": _coded(layers.greenspace, town_id, "type", "spatial.class", 3),
    }
    synthetic = any(
        bool(f["is_synthetic"].astype(bool).any())
        for n, f in out.items()
        if f is not None and n != "analysis_area"
    )
    area = out["analysis_area"]
    if area is not None:
        if "is_synthetic" not in area:
            area["is_synthetic"] = synthetic  # computed from synthetic land use, or not
        if "source" not in area:
            area["source"] = "ecoplan analysis area (analysis.spatial.area)"
    return {name: _finish(f, town) for name, f in out.items() if f is not None}


def _description(name: str, frame: gpd.GeoDataFrame) -> str:
    sources = "; ".join(sorted({str(s) for s in frame["source"].dropna()}))
    what = {
        "analysis_area": "พื้นที่วิเคราะห์ / analysis area",
        "zoning": "แผนผังภูมินิเวศ / eco-landscape zoning",
        "green_inventory": "บัญชีพื้นที่สีเขียว / green-space inventory",
    }[name]
    synthetic = (
        " ข้อมูลสาธิต (สังเคราะห์) / SYNTHETIC demonstration data."
        if bool(frame["is_synthetic"].astype(bool).any())
        else ""
    )
    return f"{what}. Source: {sources}.{synthetic}"


def write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], date_iso: str) -> bytes:
    """Write layers to one GeoPackage and return its bytes.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layer name -> layer (from :func:`town_layers`).
    date_iso : str
        ``YYYY-MM-DD``: the timestamp written into the file (reproducible bytes).

    Returns
    -------
    bytes
        The ``.gpkg`` file.

    Raises
    ------
    DataError
        If there is no layer to write.
    """
    import pyogrio  # noqa: PLC0415

    if not layers:
        msg = "no spatial layer to write to the GeoPackage"
        raise DataError(msg)
    saved = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{date_iso}T00:00:00.000Z"})
    try:
        with tempfile.TemporaryDirectory(prefix="ecoplan-gpkg-") as tmp:
            path = Path(tmp) / "layers.gpkg"
            for name, frame in layers.items():
                pyogrio.write_dataframe(
                    frame,
                    path,
                    layer=name,
                    driver="GPKG",
                    append=path.exists(),
                    layer_options={"DESCRIPTION": _description(name, frame), "IDENTIFIER": name},
                )
            return path.read_bytes()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": saved})
