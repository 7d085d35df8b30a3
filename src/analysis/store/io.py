"""Read and write tables of the processed store (``data/processed``).

Tables
------
``indicators.parquet``
    One row per town x indicator x year (see :data:`INDICATOR_COLUMNS`).
``towns.parquet``
    The validated town registry.
``boundaries.parquet``
    GeoParquet, EPSG:4326: provinces, districts and tambons (``level`` column).
``rejected.csv``
    Every rejected raw row: ``file, row, column, value, reason``.

Every write is atomic (temporary file, then rename).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import DataError
from analysis.paths import get_paths
from analysis.store.atomic import atomic_path

__all__ = [
    "INDICATOR_COLUMNS",
    "read_boundaries",
    "read_indicators",
    "read_table",
    "read_towns",
    "store_path",
    "write_geotable",
    "write_table",
]

INDICATOR_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "year",
    "value",
    "unit",
    "source",
    "note",
    "is_synthetic",
    "src_file",
    "src_row",
)


def store_path(name: str, processed_dir: Path | None = None) -> Path:
    """Return the path of a store table (``name`` includes its suffix)."""
    return (processed_dir or get_paths().processed) / name


def write_table(df: pd.DataFrame, name: str, processed_dir: Path | None = None) -> Path:
    """Write a DataFrame to the store as Parquet (or CSV if ``name`` ends in .csv), atomically."""
    target = store_path(name, processed_dir)
    with atomic_path(target) as tmp:
        if target.suffix == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8")
        else:
            df.to_parquet(tmp, index=False)
    return target


def write_geotable(gdf: gpd.GeoDataFrame, name: str, processed_dir: Path | None = None) -> Path:
    """Write a GeoDataFrame to the store as GeoParquet, atomically."""
    target = store_path(name, processed_dir)
    with atomic_path(target) as tmp:
        gdf.to_parquet(tmp, index=False)
    return target


def read_table(name: str, processed_dir: Path | None = None) -> pd.DataFrame:
    """Read a store table, with a clear error when it has not been built."""
    path = store_path(name, processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False)
    return pd.read_parquet(path)


def read_indicators(
    town_ids: Iterable[str] | None = None,
    indicator_ids: Iterable[str] | None = None,
    processed_dir: Path | None = None,
) -> pd.DataFrame:
    """Read indicator rows, optionally filtered (filters are pushed down to Parquet).

    Parameters
    ----------
    town_ids, indicator_ids : iterable of str, optional
        Keep only these.
    processed_dir : pathlib.Path, optional
        Store directory (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDICATOR_COLUMNS`, sorted by town, indicator, year.
    """
    path = store_path("indicators.parquet", processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    filters = []
    if town_ids is not None:
        filters.append(("town_id", "in", list(town_ids)))
    if indicator_ids is not None:
        filters.append(("indicator_id", "in", list(indicator_ids)))
    df = pd.read_parquet(path, filters=filters or None)
    return df.sort_values(["town_id", "indicator_id", "year"], kind="stable").reset_index(drop=True)


def read_towns(processed_dir: Path | None = None) -> pd.DataFrame:
    """Read the validated town registry from the store."""
    return read_table("towns.parquet", processed_dir)


def read_boundaries(
    level: str | None = None, processed_dir: Path | None = None
) -> gpd.GeoDataFrame:
    """Read boundaries (GeoParquet), optionally one ``level`` (province/district/tambon)."""
    path = store_path("boundaries.parquet", processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    gdf = gpd.read_parquet(path)
    if level is not None:
        gdf = gdf[gdf["level"] == level].reset_index(drop=True)
    return gdf
