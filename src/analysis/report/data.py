"""Cached reads of the processed store for the report layer.

A notebook makes many library calls against the same tables; these helpers read
each table once per store state (the cache key includes the file's modification
time, so a rebuilt store is re-read).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import DataError
from analysis.store.io import read_boundaries, read_indicators, read_towns, store_path

if TYPE_CHECKING:
    from analysis.stats.summary import Analysis, TownAnalysis

__all__ = [
    "TownRecord",
    "all_analysis",
    "read_boundaries_cached",
    "read_indicators_cached",
    "read_rejected_cached",
    "read_towns_cached",
    "spatial_table",
    "town_analysis",
    "town_indicators",
    "town_record",
    "town_rejected",
]


def _stamp(name: str) -> tuple[str, int]:
    path = store_path(name)
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        return str(path), -1


@functools.lru_cache(maxsize=4)
def _towns(path: str, _mtime: int) -> pd.DataFrame:
    return read_towns(Path(path).parent)


@functools.lru_cache(maxsize=4)
def _indicators(path: str, _mtime: int) -> pd.DataFrame:
    return read_indicators(processed_dir=Path(path).parent)


@functools.lru_cache(maxsize=4)
def _boundaries(path: str, _mtime: int) -> gpd.GeoDataFrame:
    return read_boundaries(processed_dir=Path(path).parent)


@functools.lru_cache(maxsize=4)
def _rejected(path: str, _mtime: int) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        return pd.DataFrame(columns=["file", "row", "column", "value", "reason"])
    return pd.read_csv(p, dtype=str, keep_default_na=False)


def read_towns_cached() -> pd.DataFrame:
    """Return the store's town registry (cached; do not modify the frame)."""
    return _towns(*_stamp("towns.parquet"))


def read_indicators_cached() -> pd.DataFrame:
    """Return every indicator row of the store (cached; do not modify the frame)."""
    return _indicators(*_stamp("indicators.parquet"))


def read_boundaries_cached() -> gpd.GeoDataFrame:
    """Return all boundaries of the store (cached; do not modify the frame)."""
    return _boundaries(*_stamp("boundaries.parquet"))


def read_rejected_cached() -> pd.DataFrame:
    """Return ``rejected.csv`` as text columns (empty frame if there is none)."""
    return _rejected(*_stamp("rejected.csv"))


def town_indicators(town_id: str, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return the indicator rows of one town, catalogue indicators only, sorted.

    Parameters
    ----------
    town_id : str
        The town.
    catalogue : Catalogue, optional
        Default: the shipped catalogue.

    Returns
    -------
    pandas.DataFrame
        Store columns, sorted by indicator (catalogue order) and year.
    """
    cat = catalogue or load_catalogue()
    df = read_indicators_cached()
    df = df[(df["town_id"] == town_id) & df["indicator_id"].isin(cat.ids)].copy()
    order = {ind_id: k for k, ind_id in enumerate(cat.ids)}
    df["indicator_id"] = df["indicator_id"].astype(str)
    df["town_id"] = df["town_id"].astype(str)
    df["_order"] = df["indicator_id"].map(order).astype("int64")
    return df.sort_values(["_order", "year"]).drop(columns="_order").reset_index(drop=True)


def town_rejected(town_id: str) -> pd.DataFrame:
    """Return the rejected raw rows from the town's files (file name starts with its id)."""
    df = read_rejected_cached()
    if df.empty:
        return df
    names = df["file"].map(lambda f: Path(str(f)).name)
    return df[names.str.startswith(f"{town_id}_") | names.str.startswith(f"{town_id}.")]


@dataclass(frozen=True)
class TownRecord:
    """One row of the town registry with typed optional fields."""

    town_id: str
    fields: dict[str, object]

    def get(self, column: str) -> object | None:
        """Return a field, or ``None`` when it is empty or missing."""
        value = self.fields.get(column)
        if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
            return None
        if value is pd.NA:
            return None
        return value

    def name(self, lang: str) -> str:
        """Return the town's name in ``lang``."""
        return str(self.get(f"name_{lang}") or self.get("name_en") or self.town_id)


def town_record(town_id: str) -> TownRecord:
    """Return the registry record of a town.

    Raises
    ------
    DataError
        If the town is not in the store's registry.
    """
    towns = read_towns_cached()
    rows = towns[towns["town_id"] == town_id]
    if rows.empty:
        msg = f"town {town_id!r} is not in towns.parquet"
        raise DataError(msg)
    return TownRecord(town_id, {str(k): v for k, v in rows.iloc[0].to_dict().items()})


@functools.lru_cache(maxsize=8)
def _analysis(path: str, mtime: int, horizon: int) -> Analysis:
    from analysis.stats.summary import analyse_all  # noqa: PLC0415 - heavy

    ind = read_indicators_cached()
    cat = load_catalogue()
    return analyse_all(ind[ind["indicator_id"].isin(cat.ids)], cat, horizon=horizon)


def all_analysis(horizon: int = 2037) -> Analysis:
    """Return every statistics table for every town (cached per store state and horizon)."""
    return _analysis(*_stamp("indicators.parquet"), horizon)


def town_analysis(town_id: str, horizon: int = 2037) -> TownAnalysis:
    """Return the statistics tables of one town (:class:`analysis.stats.summary.TownAnalysis`)."""
    return all_analysis(horizon).town(town_id)


@functools.lru_cache(maxsize=16)
def _spatial(path: str, mtime: int) -> pd.DataFrame | None:
    p = Path(path)
    if mtime < 0:
        return None
    if p.name in {"landuse.parquet", "greenspace.parquet", "zones.parquet"}:
        return gpd.read_parquet(p)
    return pd.read_parquet(p)


def spatial_table(name: str, town_id: str | None = None) -> pd.DataFrame | None:
    """Return a spatial store table (``zones``, ``zone_areas``, ``cbi`` ...), or None if absent.

    Parameters
    ----------
    name : str
        Table stem, e.g. ``"zone_areas"``.
    town_id : str, optional
        Keep one town's rows.
    """
    df = _spatial(*_stamp(f"{name}.parquet"))
    if df is None:
        return None
    if town_id is not None:
        df = df[df["town_id"] == town_id]
    return df
