"""Read and write tables of the processed store (``data/processed``).

Tables
------
``indicators.parquet``
    One row per town x indicator x year (see :data:`INDICATOR_COLUMNS`).
``towns.parquet``
    The validated town registry.
``boundaries.parquet``
    GeoParquet, EPSG:4326: provinces, districts and tambons (``level`` column).
``municipal_boundaries.parquet``
    GeoParquet, EPSG:4326: the optional municipal polygons (``town_id``), when supplied.
``rejected.csv``
    Every rejected raw row: ``file, row, column, value, reason``.

Every write is atomic (temporary file, then rename).

Generations
-----------
``ecoplan ingest`` writes a whole new store generation and publishes it at once::

    data/processed/store -> store.generations/<generation id>       (symbolic link)
    data/processed/<table> -> store/<table>                          (one link per table)
    data/processed/store.generations/<id>/indicators.parquet, towns.parquet, ...

Readers keep opening ``data/processed/<table>`` (through :func:`store_path`); the only
switch is the ``store`` link, replaced in one rename by :func:`new_store_generation`
when every table of the new generation is written. A run that fails or is killed
leaves the previous generation published, whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from analysis.errors import DataError, ParameterError
from analysis.paths import get_paths
from analysis.store.atomic import (
    Generations,
    atomic_path,
    copy_tree_linked,
    crash_point,
    new_generation_id,
)
from analysis.store.schema import columns, validate_table
from analysis.towns import validate_town_id

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "INDICATOR_COLUMNS",
    "STORE_LINK",
    "StoreGeneration",
    "new_store_generation",
    "read_boundaries",
    "read_geotable",
    "read_indicators",
    "read_table",
    "read_towns",
    "store_generation",
    "store_path",
    "write_geotable",
    "write_table",
]

#: Columns of ``indicators.parquet`` (from :data:`analysis.store.schema.TABLES`).
INDICATOR_COLUMNS: tuple[str, ...] = columns("indicators.parquet")


def store_path(name: str, processed_dir: Path | None = None) -> Path:
    """Return the path of a store table (``name`` includes its suffix).

    Parameters
    ----------
    name : str
        Table file name with its suffix.
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    pathlib.Path
        Where the table is (or would be).
    """
    return (processed_dir or get_paths().processed) / name


def write_table(df: pd.DataFrame, name: str, processed_dir: Path | None = None) -> Path:
    """Write a DataFrame to the store as Parquet (or CSV if ``name`` ends in .csv), atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    name : str
        Its file name in the store, e.g. ``towns.parquet``.
    processed_dir : pathlib.Path, optional
        Store directory (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    analysis.store.schema.StoreSchemaError
        If the table breaks its schema (:data:`analysis.store.schema.TABLES`); nothing is
        written then.
    """
    validate_table(df, name)
    target = store_path(name, processed_dir)
    with atomic_path(target) as tmp:
        if target.suffix == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8")
        else:
            df.to_parquet(tmp, index=False)
    crash_point("store:write")
    return target


def write_geotable(gdf: gpd.GeoDataFrame, name: str, processed_dir: Path | None = None) -> Path:
    """Write a GeoDataFrame to the store as GeoParquet, atomically.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The table.
    name : str
        Its file name in the store, e.g. ``boundaries.parquet``.
    processed_dir : pathlib.Path, optional
        Store directory (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    analysis.store.schema.StoreSchemaError
        If the table breaks its schema; nothing is written then.
    """
    validate_table(gdf, name)
    target = store_path(name, processed_dir)
    with atomic_path(target) as tmp:
        gdf.to_parquet(tmp, index=False)
    crash_point("store:write")
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
    """Read a store table, with a clear error when it has not been built or is damaged.

    Parameters
    ----------
    name : str
        Table file name with its suffix (``indicators.parquet``, ``rejected.csv``).
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    pandas.DataFrame
        The table (a CSV with empty cells kept as empty strings).
    """
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

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    pandas.DataFrame
        ``towns.parquet``.

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


def read_geotable(name: str, processed_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Read a GeoParquet table of the store.

    Parameters
    ----------
    name : str
        The table's file name, e.g. ``boundaries.parquet``.
    processed_dir : pathlib.Path, optional
        Store directory (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    geopandas.GeoDataFrame
        The table, in its stored CRS.

    Raises
    ------
    DataError
        If the table has not been built or is damaged.
    """
    path = store_path(name, processed_dir)
    if not path.exists():
        msg = f"{path} does not exist: run `ecoplan ingest` first."
        raise DataError(msg)
    import geopandas as gpd  # noqa: PLC0415 - only the spatial tables need it (0.3 s)

    try:
        return gpd.read_parquet(path)
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc


def read_boundaries(
    level: str | None = None, processed_dir: Path | None = None
) -> gpd.GeoDataFrame:
    """Read boundaries (GeoParquet), optionally one ``level`` (province/district/tambon).

    Parameters
    ----------
    level : {"province", "district", "tambon"}, optional
        Keep only this level.
    processed_dir : pathlib.Path, optional
        Store directory (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``level, pcode, parent_pcode, name_th, name_en, geometry`` in EPSG:4326.

    Raises
    ------
    DataError
        If the table has not been built or is damaged.
    """
    gdf = read_geotable("boundaries.parquet", processed_dir)
    if level is not None:
        gdf = gdf[gdf["level"] == level].reset_index(drop=True)
    return gdf


# --------------------------------------------------------------------------- generations

#: The link naming the published store generation (``data/processed/store``).
STORE_LINK = "store"
#: Entries of ``data/processed`` that are not store tables (never copied into a generation).
_NOT_TABLES = frozenset({STORE_LINK, f"{STORE_LINK}.generations", "results", "results.generations"})


def store_generation(processed_dir: Path | None = None) -> str:
    """Return the id of the published store generation ("" for a store without one).

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store (default from :func:`analysis.paths.get_paths`).

    Returns
    -------
    str
        The generation folder name, e.g. ``20261201T120000000000Z-1a2b3c4d``.
    """
    processed = processed_dir or get_paths().processed
    return Generations(processed, STORE_LINK).current() or ""


@dataclass
class StoreGeneration:
    """A store generation being written (see :func:`new_store_generation`).

    Attributes
    ----------
    processed : pathlib.Path
        The published store folder (``data/processed``).
    generation : str
        The new generation's id.
    path : pathlib.Path
        Where to write it: pass ``dataclasses.replace(paths, processed=gen.path)`` to the
        writers (ingest, spatial stage).
    abandoned : str or None
        Why it will not be published (set by :meth:`abandon`).
    tables : list of str
        After publishing: the entries of the generation.
    """

    processed: Path
    generation: str
    path: Path
    abandoned: str | None = None
    tables: list[str] = field(default_factory=list)

    def abandon(self, reason: str) -> None:
        """Do not publish this generation: the previous one stays, whole.

        Parameters
        ----------
        reason : str
            Why (kept in :attr:`abandoned`).
        """
        self.abandoned = reason


def _seed(processed: Path, staging: Path) -> None:
    """Start the new generation from what readers see now (hard links, no bytes copied).

    Tables a run does not rewrite (``--skip-spatial``, no boundaries) stay as they were.
    """
    for entry in sorted(processed.iterdir()):
        if entry.name.startswith(".") or entry.name in _NOT_TABLES or not entry.exists():
            continue
        source = entry.resolve()
        if source.is_dir():
            copy_tree_linked(source, staging / entry.name)
        else:
            try:
                os.link(source, staging / entry.name)
            except OSError:
                shutil.copy2(source, staging / entry.name)


def _link_table(processed: Path, name: str) -> None:
    """Make ``processed/<name>`` the link ``store/<name>`` (one atomic replace)."""
    top = processed / name
    target = Path(STORE_LINK) / name
    if top.is_symlink() and top.readlink() == target:
        return
    tmp = processed / f".{name}.{os.getpid()}.link.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    if top.is_dir() and not top.is_symlink():
        shutil.rmtree(top)
    tmp.replace(top)


def _publish(gen: StoreGeneration, gens: Generations) -> None:
    final = gens.finish(gen.path, gen.generation)
    gen.path = final
    names = sorted(p.name for p in final.iterdir() if not p.name.startswith("."))
    gen.tables = names
    processed = gen.processed
    for name in names:  # new tables: their link dangles (table absent) until the switch
        if not os.path.lexists(processed / name):
            _link_table(processed, name)
    gens.publish(gen.generation)
    for name in names:  # a file of an older layout or written by hand: now the link
        _link_table(processed, name)
    for entry in processed.iterdir():  # tables the new generation no longer has
        linked = entry.is_symlink() and entry.readlink().parts[:1] == (STORE_LINK,)
        if linked and entry.name not in names:
            entry.unlink(missing_ok=True)


@contextlib.contextmanager
def new_store_generation(processed_dir: Path) -> Iterator[StoreGeneration]:
    """Write a new store generation in the block; publish it whole when the block ends.

    The generation starts as a hard-linked copy of the published tables; everything
    written to :attr:`StoreGeneration.path` replaces its copy. When the block ends
    normally (and :meth:`StoreGeneration.abandon` was not called), the generation is
    renamed into ``store.generations/`` and the ``store`` link switched to it in one
    rename; the previous generation is kept, older ones deleted. When the block raises
    (or the process is killed), nothing readers see changes. Hold the project lock
    (:func:`analysis.batch.lock.project_lock`).

    Parameters
    ----------
    processed_dir : pathlib.Path
        The store folder (``data/processed``); created if missing.

    Yields
    ------
    StoreGeneration
        Its ``path`` is where to write.
    """
    processed_dir.mkdir(parents=True, exist_ok=True)
    gens = Generations(processed_dir, STORE_LINK)
    current = gens.current()
    if gens.folder.is_dir():  # under the lock every staging folder is an orphan
        gens.prune(
            keep={p.name for p in gens.folder.iterdir() if not p.name.startswith(".")},
            max_tmp_age=0,
        )
    generation = new_generation_id()
    staging = gens.stage(generation)
    gen = StoreGeneration(processed=processed_dir, generation=generation, path=staging)
    try:
        _seed(processed_dir, staging)
        yield gen
    except BaseException:
        gens.discard(staging)
        raise
    if gen.abandoned is not None:
        gens.discard(staging)
        return
    try:
        _publish(gen, gens)
    except BaseException:
        if gens.current() == current:
            gens.discard(gens.folder / generation)
        raise
