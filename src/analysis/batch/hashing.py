"""Content hashes of everything a notebook run reads, for incremental builds.

A town x language x appendix is rebuilt only when one of these changes:

* the notebook file (bytes);
* the library: every file of the installed ``analysis`` package (code, catalogue,
  translations, templates) plus its version;
* the run's parameters (and the renderer);
* the processed data it reads: the town's rows of every store table that has a
  ``town_id`` column (``indicators.parquet``, ``towns.parquet``, spatial tables), the
  boundary rows of its tambon and district, and the whole of every other table
  (global tables such as ``rejected.csv``).

Hashes are of *content*, never timestamps, and independent of row order. They are
computed vectorised (:func:`pandas.util.hash_pandas_object`) so hashing a 100-town
store takes a few tens of milliseconds. Between builds they are kept, with the identity
of every file read, by :mod:`analysis.batch.storecache`, so a no-op rebuild does not read
the store (nor import pandas).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import DataError
from analysis.manifest import sha256_file
from analysis.report.versions import library_hash

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataHashes", "data_hashes", "file_hash", "job_hash", "library_hash", "store_files"]

_BOUNDARY_KEYS = ("tambon_pcode", "district_pcode")


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        64 lower-case hex digits (:func:`analysis.manifest.sha256_file`).
    """
    return sha256_file(Path(path))


def _group_digests(df: pd.DataFrame, by: str) -> dict[str, str]:
    """Return ``{group value: digest}`` over row hashes, independent of row order."""
    import numpy as np  # noqa: PLC0415 - the planner imports pandas only to hash
    import pandas as pd  # noqa: PLC0415

    if df.empty:
        return {}
    schema = ";".join(f"{c}:{t}" for c, t in df.dtypes.astype(str).items()).encode()
    rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    keys = df[by].astype(str).to_numpy()
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    uniq, starts = np.unique(keys, return_index=True)
    ends = [*starts[1:], len(keys)]
    return {
        str(k): hashlib.blake2b(schema + rows[s:e].tobytes(), digest_size=16).hexdigest()
        for k, s, e in zip(uniq, starts, ends, strict=True)
    }


@dataclass
class DataHashes:
    """Per-town and global content hashes of the processed store.

    Attributes
    ----------
    towns : dict
        ``{town_id: digest}`` over that town's rows of every per-town table.
    global_hash : str
        Digest of every table without a ``town_id`` column (except boundaries).
    tables : dict
        ``{table file name: "per-town" | "global" | "boundaries"}``, for reports.
    """

    towns: dict[str, str] = field(default_factory=dict)
    global_hash: str = ""
    tables: dict[str, str] = field(default_factory=dict)

    def town(self, town_id: str) -> str:
        """Digest of everything ``town_id``'s notebooks read (its rows + global tables).

        Parameters
        ----------
        town_id : str
            The town (a town without rows counts as ``absent``).

        Returns
        -------
        str
            SHA-256 hex digest of the town's rows and the global tables.
        """
        return hashlib.sha256(
            f"{self.towns.get(town_id, 'absent')}|{self.global_hash}".encode()
        ).hexdigest()

    def all_towns(self) -> str:
        """Digest of the whole store (for the cross-town page).

        Returns
        -------
        str
            SHA-256 hex digest of every town's rows and the global tables.
        """
        body = json.dumps(self.towns, sort_keys=True) + "|" + self.global_hash
        return hashlib.sha256(body.encode()).hexdigest()


def _read(path: Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_parquet(path, columns=list(columns) if columns is not None else None)


def _columns(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as fh:
            return fh.readline().strip().split(",")
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as exc:
        msg = f"{path} is damaged ({exc}): rebuild the processed store with `ecoplan ingest`."
        raise DataError(msg) from exc


def store_files(processed_dir: Path) -> list[Path]:
    """Return the files :func:`data_hashes` reads, in the order it reads them.

    Parameters
    ----------
    processed_dir : pathlib.Path
        ``data/processed``.

    Returns
    -------
    list of pathlib.Path
        The store's tables (``*.parquet``, ``*.csv``; no hidden files), then the
        analysis stage's (``results/*.parquet``); empty when the store does not exist.
    """
    if not processed_dir.is_dir():
        return []
    files = sorted(
        p
        for p in processed_dir.iterdir()
        if p.is_file() and p.suffix in {".parquet", ".csv"} and not p.name.startswith(".")
    )
    results = processed_dir / "results"
    if results.is_dir():  # the analysis stage's tables: what the pages show
        files += sorted(results.glob("*.parquet"))
    return files


def data_hashes(processed_dir: Path) -> DataHashes:
    """Hash the processed store per town and globally.

    Parameters
    ----------
    processed_dir : pathlib.Path
        ``data/processed``.

    Returns
    -------
    DataHashes
        Per-town and global digests (empty when the store does not exist).
    """
    result = DataHashes()
    if not processed_dir.is_dir():
        return result
    per_town: dict[str, list[str]] = {}
    global_parts: list[str] = []
    files = store_files(processed_dir)
    towns_df: pd.DataFrame | None = None
    boundaries: Path | None = None
    for path in files:
        if path.name == "boundaries.parquet":
            boundaries = path
            result.tables[path.name] = "boundaries"
            continue
        cols = _columns(path)
        if "town_id" in cols:
            # a results row's inputs_hash changes with any town's data; the values decide
            df = _read(path).drop(columns=["inputs_hash"], errors="ignore")
            if path.name == "towns.parquet":
                towns_df = df
            label = path.relative_to(processed_dir).as_posix()
            for town, digest in _group_digests(df, "town_id").items():
                per_town.setdefault(town, []).append(f"{label}:{digest}")
            result.tables[label] = "per-town"
        else:
            global_parts.append(f"{path.name}:{file_hash(path)}")
            result.tables[path.name] = "global"
    if boundaries is not None and not _add_boundaries(boundaries, towns_df, per_town):
        global_parts.append(f"{boundaries.name}:{file_hash(boundaries)}")
    result.towns = {
        t: hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()
        for t, parts in per_town.items()
    }
    result.global_hash = hashlib.sha256("|".join(global_parts).encode()).hexdigest()
    return result


def _add_boundaries(
    path: Path, towns_df: pd.DataFrame | None, per_town: dict[str, list[str]]
) -> bool:
    """Add each town's tambon and district boundary rows (matched by pcode) to its hash.

    Returns ``False`` (the caller then hashes the whole table globally) when there is
    no town registry to match pcodes with.
    """
    if towns_df is None or not set(_BOUNDARY_KEYS) <= set(towns_df.columns):
        return False
    import pandas as pd  # noqa: PLC0415

    wanted = pd.concat([towns_df[k] for k in _BOUNDARY_KEYS]).dropna().astype(str).unique()
    df = pd.read_parquet(path, filters=[("pcode", "in", list(wanted))])
    digests = _group_digests(df, "pcode") if not df.empty else {}
    for row in towns_df[["town_id", *_BOUNDARY_KEYS]].itertuples(index=False):
        town = str(row[0])
        for pcode in row[1:]:
            per_town.setdefault(town, []).append(f"boundary:{pcode}:{digests.get(str(pcode))}")
    return True


def job_hash(parts: Mapping[str, object]) -> str:
    """Combine the named input digests of one job into its input hash.

    Parameters
    ----------
    parts : mapping of str to object
        Named inputs (notebook, parameters, data, library, renderer, kernel digests);
        JSON-serialised with sorted keys, so the order of the mapping does not matter.

    Returns
    -------
    str
        The SHA-256 hex digest.

    Examples
    --------
    >>> job_hash({"a": 1, "b": "x"}) == job_hash({"b": "x", "a": 1})
    True
    """
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
