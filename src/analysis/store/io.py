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
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from analysis.errors import DataError, ParameterError
from analysis.paths import get_paths
from analysis.store.atomic import atomic_path
from analysis.towns import validate_town_id

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


def _damaged(path: Path, exc: BaseException) -> DataError:
    """Return the one-line error for a store file that exists but cannot be read."""
    reason = " ".join(str(exc).split())[:300] or type(exc).__name__
    msg = (
        f"{path} is damaged and cannot be read ({reason}); "
        "rebuild the processed store with `ecoplan ingest`."
    )
    return DataError(msg)


# What a truncated, empty or foreign file raises from pyarrow, pandas or geopandas.
_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    pa.ArrowException,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    UnicodeDecodeError,
)


def _read_parquet(path: Path, **kwargs: Any) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, **kwargs)
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc


def read_table(name: str, processed_dir: Path | None = None) -> pd.DataFrame:
    """Read a store table, with a clear error when it has not been built or is damaged."""
    path = store_path(name, processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    if path.suffix == ".csv":
        try:
            return pd.read_csv(path, keep_default_na=False)
        except _READ_ERRORS as exc:
            raise _damaged(path, exc) from exc
    return _read_parquet(path)


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
    df = _read_parquet(path, filters=filters or None)
    return df.sort_values(["town_id", "indicator_id", "year"], kind="stable").reset_index(drop=True)


def read_towns(processed_dir: Path | None = None) -> pd.DataFrame:
    """Read the validated town registry from the store.

    Town ids become file names downstream (pages, downloads), so they are checked again
    here: a store that was not written by ``ecoplan ingest`` cannot smuggle in a path.

    Raises
    ------
    DataError
        If the table is missing, unreadable, or holds an id that is not a safe slug.
    """
    df = read_table("towns.parquet", processed_dir)
    path = store_path("towns.parquet", processed_dir)
    if "town_id" not in df.columns:
        msg = f"{path} has no town_id column; rebuild the processed store with `ecoplan ingest`."
        raise DataError(msg)
    for pos, town_id in enumerate(df["town_id"]):
        try:
            validate_town_id(town_id)
        except ParameterError as exc:
            msg = (
                f"{path}, row {pos + 1}: {exc}; the store is damaged or was not written by "
                "`ecoplan ingest`: rebuild it with `ecoplan ingest`."
            )
            raise DataError(msg) from exc
    return df


def read_boundaries(
    level: str | None = None, processed_dir: Path | None = None
) -> gpd.GeoDataFrame:
    """Read boundaries (GeoParquet), optionally one ``level`` (province/district/tambon)."""
    path = store_path("boundaries.parquet", processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    try:
        gdf = gpd.read_parquet(path)
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc
    if level is not None:
        gdf = gdf[gdf["level"] == level].reset_index(drop=True)
    return gdf
