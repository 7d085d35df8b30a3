"""Cached reads of the processed store for the report layer.

A notebook makes many library calls against the same tables; these helpers read
each table once per store state (the cache key includes the file's modification
time, so a rebuilt store is re-read).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import DataError
from analysis.store.io import read_boundaries, read_towns, store_path

if TYPE_CHECKING:
    import geopandas as gpd

    from analysis.results.store import ResultsManifest
    from analysis.stats.frames import Analysis, TownAnalysis

__all__ = [
    "TownRecord",
    "all_analysis",
    "read_boundaries_cached",
    "read_indicators_cached",
    "read_rejected_cached",
    "read_towns_cached",
    "result_table",
    "results_manifest",
    "spatial_table",
    "town_analysis",
    "town_indicators",
    "town_record",
    "town_rejected",
    "town_values",
]


#: The environment variables :func:`analysis.paths.get_paths` reads.
_PATH_VARIABLES = (
    "ECOPLAN_ROOT",
    "ECOPLAN_RAW_DIR",
    "ECOPLAN_PROCESSED_DIR",
    "ECOPLAN_REPORTS_DIR",
)


@functools.lru_cache(maxsize=8)
def _processed_for(_cwd: str, *_variables: str | None) -> Path:
    return store_path("x").parent


def _processed() -> Path:
    """Return the processed store's folder, resolved once per working folder and settings.

    A page asks for it on every table read (about a hundred times); resolving the
    project paths each time cost about 2.5 ms a call.
    """
    return _processed_for(str(Path.cwd()), *(os.environ.get(v) for v in _PATH_VARIABLES))


def _stamp(name: str) -> tuple[str, int]:
    path = _processed() / name
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        return str(path), -1


@functools.lru_cache(maxsize=4)
def _towns(path: str, _mtime: int) -> pd.DataFrame:
    return read_towns(Path(path).parent)


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
    """Return the store's town registry (cached; do not modify the frame).

    Returns
    -------
    pandas.DataFrame
        ``towns.parquet``.
    """
    return _towns(*_stamp("towns.parquet"))


def read_indicators_cached() -> pd.DataFrame:
    """Return every reported indicator value, as the analysis stage stored it.

    The rows of the results ``values`` table with ``origin == "reported"`` (the store's
    columns: town, indicator, year, value, unit, source, raw file and row), so every page
    shows exactly the values the statistics were computed from. Cached per generation;
    do not modify the frame.

    Returns
    -------
    pandas.DataFrame
        The reported values, as described above.
    """
    folder, gen = _generation()
    _manifest(folder, gen)
    return _reported(folder, gen)


@functools.lru_cache(maxsize=4)
def _reported(folder: str, generation: str) -> pd.DataFrame:
    values = _result(folder, generation, "values", None)
    rows = values.loc[values["origin"].astype(str) == "reported"].drop(columns="origin")
    rows = rows.astype({"town_id": str, "indicator_id": str, "year": "int64"})
    return rows.reset_index(drop=True)


def read_boundaries_cached() -> gpd.GeoDataFrame:
    """Return all boundaries of the store (cached; do not modify the frame).

    Returns
    -------
    geopandas.GeoDataFrame
        ``boundaries.parquet``.
    """
    return _boundaries(*_stamp("boundaries.parquet"))


def read_rejected_cached() -> pd.DataFrame:
    """Return ``rejected.csv`` as text columns (empty frame if there is none).

    Returns
    -------
    pandas.DataFrame
        The rejections (file, row, column, value, reason, code), every column as text.
    """
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
    if catalogue is not None:
        return _select_town(read_indicators_cached(), town_id, catalogue)
    folder, gen = _generation()
    _manifest(folder, gen)
    return _town_indicators(folder, gen, town_id).copy()


@functools.lru_cache(maxsize=8)
def _town_indicators(folder: str, generation: str, town_id: str) -> pd.DataFrame:
    """One town's rows of the shipped catalogue, once per generation (a page asks ~20 times).

    The town's rows are found through :func:`_reported_positions`, not by comparing every
    row's town: a worker building many towns scans the national table once.
    """
    rows = _reported(folder, generation)
    positions = _reported_positions(folder, generation).get(town_id)
    mine = rows.take(positions) if positions is not None else rows.iloc[:0]
    return _select_town(mine, town_id, load_catalogue())


@functools.lru_cache(maxsize=4)
def _reported_positions(folder: str, generation: str) -> dict[str, np.ndarray]:
    """Each town's row positions in :func:`_reported` (ascending, so row order is kept)."""
    return _reported(folder, generation).groupby("town_id", sort=False).indices


def _select_town(df: pd.DataFrame, town_id: str, cat: Catalogue) -> pd.DataFrame:
    df = df[(df["town_id"] == town_id) & df["indicator_id"].isin(cat.ids)].copy()
    order = {ind_id: k for k, ind_id in enumerate(cat.ids)}
    df["indicator_id"] = df["indicator_id"].astype(str)
    df["town_id"] = df["town_id"].astype(str)
    df["_order"] = df["indicator_id"].map(order).astype("int64")
    return df.sort_values(["_order", "year"]).drop(columns="_order").reset_index(drop=True)


def town_rejected(town_id: str) -> pd.DataFrame:
    """Return the rejections that concern one town, attributed by the row's resolved town.

    A rejected row belongs to the town ingest resolved it to (``town_id`` in
    ``rejected.csv``), whatever the file is called. Rejections whose town could not be
    read (an unknown or ambiguous town cell, a problem with the whole file or sheet) are
    included for the town's files: files with a loaded or rejected row of this town, or
    named ``<town_id>_...`` when nothing in them could be attributed.

    Parameters
    ----------
    town_id : str
        The town.

    Returns
    -------
    pandas.DataFrame
        The ``rejected.csv`` columns plus ``source_file`` (the file without its
        ``[sheet]``) and ``attributed`` (True: the row's town is this town; False: the
        row's town could not be read).
    """
    df = read_rejected_cached().copy()
    for col in ("code", "town_id"):
        if col not in df.columns:
            df[col] = ""
    df["source_file"] = df["file"].astype(str).str.replace(r"\[[^\]]*\]$", "", regex=True)
    df["attributed"] = df["town_id"].astype(str) == town_id
    if df.empty:
        return df
    unresolved = df["town_id"].astype(str).str.strip() == ""
    loaded = read_indicators_cached()
    loaded = loaded.loc[loaded["town_id"].astype(str) == town_id, "src_file"].astype(str)
    files = set(loaded.str.replace(r"\[[^\]]*\]$", "", regex=True))
    files |= set(df.loc[df["attributed"], "source_file"])
    attributed_anywhere = set(df.loc[~unresolved, "source_file"])
    names = df["source_file"].map(lambda f: Path(f).name)
    by_name = (names.str.startswith(f"{town_id}_") | names.str.startswith(f"{town_id}.")) & (
        ~df["source_file"].isin(attributed_anywhere)
    )
    keep = df["attributed"] | (unresolved & (df["source_file"].isin(files) | by_name))
    return df[keep].reset_index(drop=True)


@dataclass(frozen=True)
class TownRecord:
    """One row of the town registry with typed optional fields."""

    town_id: str
    fields: dict[str, object]

    def get(self, column: str) -> object | None:
        """Return a field, or ``None`` when it is empty or missing.

        Parameters
        ----------
        column : str
            A ``towns.parquet`` column, e.g. ``district_th``.

        Returns
        -------
        object or None
            The value, or ``None`` when it is empty, missing or not a column.
        """
        value = self.fields.get(column)
        if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
            return None
        if value is pd.NA:
            return None
        return value

    def name(self, lang: str) -> str:
        """Return the town's name in ``lang``.

        Parameters
        ----------
        lang : {"th", "en"}
            Page language.

        Returns
        -------
        str
            ``name_<lang>``, else the English name, else the town id.
        """
        return str(self.get(f"name_{lang}") or self.get("name_en") or self.town_id)


def town_record(town_id: str) -> TownRecord:
    """Return the registry record of a town.

    Parameters
    ----------
    town_id : str
        The town.

    Returns
    -------
    TownRecord
        Its ``towns.parquet`` row.

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


def _generation() -> tuple[str, str]:
    """Return the published results generation: (resolved folder, generation id).

    A page asks for it on every table read (a few hundred times); the manifest is read
    again only when its file changes (a new generation is published under the same path).
    """
    from analysis.results.store import manifest_path  # noqa: PLC0415

    processed = _processed()
    try:
        st = manifest_path(processed).stat()
    except FileNotFoundError:
        return _generation_of(str(processed), None)
    return _generation_of(str(processed), (st.st_ino, st.st_mtime_ns, st.st_size))


@functools.lru_cache(maxsize=8)
def _generation_of(folder: str, _file_key: tuple[int, int, int] | None) -> tuple[str, str]:
    from analysis.results.store import read_manifest, results_dir  # noqa: PLC0415

    processed = Path(folder)
    manifest = read_manifest(processed)
    if manifest is None:
        msg = (
            f"no analysis results in {results_dir(processed)}: run `ecoplan analyse` "
            "(or `make reports`) after `ecoplan ingest`"
        )
        raise DataError(msg)
    return str(results_dir(processed).resolve()), manifest.generation


@functools.lru_cache(maxsize=4)
def _manifest(folder: str, _generation_id: str) -> ResultsManifest:
    from analysis.results.store import input_digests, read_manifest  # noqa: PLC0415

    processed = Path(folder).parent.parent
    manifest = read_manifest(processed)
    if manifest is None:  # pragma: no cover - replaced between two calls
        msg = f"the results in {folder} disappeared; run `ecoplan analyse`"
        raise DataError(msg)
    stale = [
        name
        for name, digest in input_digests(processed).items()
        if manifest.inputs.get(name) != digest
    ]
    if stale:
        msg = (
            f"the analysis results are older than the store ({', '.join(stale)} changed "
            "since they were computed): run `ecoplan analyse`"
        )
        raise DataError(msg)
    return manifest


#: A results table up to this size on disk is read whole once per process and each town's
#: rows are taken from memory; a larger (national) one is read per town with a Parquet
#: filter, so a page never holds it whole. A filtered read of a small table cost about
#: 30 ms, nearly all of it set-up, and a page reads about ten tables for its town.
WHOLE_TABLE_BYTES = 32 * 2**20


@functools.lru_cache(maxsize=32)
def _whole_table(folder: str, _generation_id: str, name: str) -> pd.DataFrame | None:
    """Return a small results table whole (``None`` for one larger than the limit)."""
    from analysis.results.store import read_result  # noqa: PLC0415

    path = Path(folder) / f"{name}.parquet"
    if path.is_file() and path.stat().st_size > WHOLE_TABLE_BYTES:
        return None
    return read_result(name, None, processed_dir=Path(folder).parent.parent)


#: Bookkeeping columns of every results table, not shown on pages.
_BOOKKEEPING = ["inputs_hash", "method_version"]


def _page_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return rows as pages read them: no bookkeeping, categorical columns as text."""
    frame = frame.drop(columns=_BOOKKEEPING, errors="ignore")
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(cats, "str")) if cats else frame


@functools.lru_cache(maxsize=32)
def _split_by_town(
    folder: str, generation_id: str, name: str
) -> tuple[pd.DataFrame, dict[str, np.ndarray]] | None:
    """Return a small table in page form with each town's row positions (None: per town).

    Converting the categorical columns cost about 6 ms per town and table when done on
    each town's slice; done once on the whole table, a town's rows are one ``take``.
    """
    whole = _whole_table(folder, generation_id, name)
    if whole is None or "town_id" not in whole.columns:
        return None
    frame = _page_frame(whole)
    index = frame.groupby(frame["town_id"].astype(str), sort=False, observed=True).indices
    return frame, index


def _town_rows(folder: str, generation_id: str, name: str, town_id: str) -> pd.DataFrame:
    """One town's rows of a results table, in page form (see :func:`_page_frame`)."""
    split = _split_by_town(folder, generation_id, name)
    if split is None:
        from analysis.results.store import read_result  # noqa: PLC0415

        return _page_frame(read_result(name, town_id, processed_dir=Path(folder).parent.parent))
    frame, index = split
    rows = index.get(town_id)
    return frame.take(rows) if rows is not None else frame.iloc[:0]


@functools.lru_cache(maxsize=64)
def _result(folder: str, _generation_id: str, name: str, town_id: str | None) -> pd.DataFrame:
    if town_id is not None:
        return _town_rows(folder, _generation_id, name, town_id).reset_index(drop=True)
    whole = _whole_table(folder, _generation_id, name)
    if whole is None:
        from analysis.results.store import read_result  # noqa: PLC0415

        whole = read_result(name, None, processed_dir=Path(folder).parent.parent)
    return whole.drop(columns=_BOOKKEEPING, errors="ignore").reset_index(drop=True)


def results_manifest() -> ResultsManifest:
    """Return the manifest of the published results (checked against the store).

    Returns
    -------
    ResultsManifest
        The published generation's manifest (horizon, progress method, inputs).

    Raises
    ------
    DataError
        If there are no results, or the store changed since they were computed.
    """
    return _manifest(*_generation())


def result_table(name: str, town_id: str | None = None) -> pd.DataFrame:
    """Return a stored results table, or one town's rows of it (cached; do not modify).

    Parameters
    ----------
    name : str
        Table name (``values``, ``trend``, ``latest``, ``projection``, ``scores`` ...).
    town_id : str, optional
        Keep one town's rows (key columns as plain strings).

    Returns
    -------
    pandas.DataFrame
        The table of the published generation (or the town's rows of it).
    """
    folder, gen = _generation()
    _manifest(folder, gen)
    return _result(folder, gen, name, town_id)


def _check_horizon(horizon: int) -> ResultsManifest:
    manifest = results_manifest()
    if horizon != manifest.horizon:
        msg = (
            f"the stored results were computed for the horizon {manifest.horizon}, not "
            f"{horizon}: run `ecoplan analyse --horizon {horizon}`"
        )
        raise DataError(msg)
    return manifest


def all_analysis(horizon: int = 2037) -> Analysis:
    """Return every town's statistics tables, read from the stored results.

    Parameters
    ----------
    horizon : int
        The plan horizon the results must have been computed for (CE year).

    Returns
    -------
    Analysis
        The statistics tables of every town (status, trend, projection, plan ...).
    """
    from analysis.results.compute import ANALYSIS_TABLES, analysis_from_tables  # noqa: PLC0415

    manifest = _check_horizon(horizon)
    tables = {t: result_table(t) for t in ANALYSIS_TABLES}
    return analysis_from_tables(tables, manifest.horizon, manifest.progress_method)


def town_analysis(town_id: str, horizon: int = 2037) -> TownAnalysis:
    """Return one town's statistics tables, read from the stored results.

    A town without indicator data gets empty tables with the same columns.

    Parameters
    ----------
    town_id : str
        The town.
    horizon : int
        The plan horizon the results must have been computed for (CE year).

    Returns
    -------
    TownAnalysis
        The town's statistics tables.
    """
    from analysis.results.compute import ANALYSIS_TABLES  # noqa: PLC0415
    from analysis.stats.frames import TownAnalysis  # noqa: PLC0415

    manifest = _check_horizon(horizon)
    tables = {attr: result_table(t, town_id) for t, attr in ANALYSIS_TABLES.items()}
    return TownAnalysis(
        town_id=town_id,
        horizon=manifest.horizon,
        progress_method=manifest.progress_method,
        **tables,
    )


def town_values(town_id: str | None = None) -> pd.DataFrame:
    """Return the stored indicator values (reported and map-measured) of one or all towns.

    Parameters
    ----------
    town_id : str, optional
        The town; default every town.

    Returns
    -------
    pandas.DataFrame
        The rows of the results ``values`` table.
    """
    return result_table("values", town_id)


@functools.lru_cache(maxsize=16)
def _spatial(path: str, mtime: int) -> pd.DataFrame | None:
    p = Path(path)
    if mtime < 0:
        return None
    if p.name in {"landuse.parquet", "greenspace.parquet", "zones.parquet"}:
        import geopandas as gpd  # noqa: PLC0415 - only the spatial tables need it

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

    Returns
    -------
    pandas.DataFrame or None
        The table (or the town's rows), ``None`` when the store has no such table.
    """
    df = _spatial(*_stamp(f"{name}.parquet"))
    if df is None:
        return None
    if town_id is not None:
        df = df[df["town_id"] == town_id]
    return df
