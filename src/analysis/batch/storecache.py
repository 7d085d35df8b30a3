"""What the build planner reads of the processed store, kept between builds.

Deciding that a build has nothing to do needs two facts about the processed store: its
towns and the content hash of each town's data (:func:`analysis.batch.hashing.data_hashes`).
Both come from reading every table with pandas: about 0.7 s for the demo store, 0.3 s
of it importing pandas, in a no-op rebuild that should take well under two seconds.

They are kept in ``reports/.store-summary.json`` beside the build state, with the
identity of every file they were computed from: its path, size, inode and its
modification and status-change times in nanoseconds. A later build reuses them only
while every identity is unchanged; otherwise it reads the tables again and rewrites the
summary. The hashes stay hashes of content: file identities only decide whether the
content must be read again, as git's index does. The status-change time (``st_ctime``)
is set by the kernel on every write, rename or link and cannot be set back by tools
that restore timestamps (``cp -p``, ``rsync -t``, ``tar``), so rewritten content always
has a new identity. A file changed within :data:`RACY_SECONDS` of the summary being
computed could share its identity with the content read (coarse file-system clocks), so
such a summary is not trusted and is computed again, as git treats "racily clean" entries.

The summary also records the library hash: hashes made by another version of the code
are never reused. ``ecoplan build --force`` reads the store again. A missing, damaged or
unwritable summary only costs the time of reading the store.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.batch.hashing import DataHashes, data_hashes, store_files
from analysis.store.atomic import atomic_write_text
from analysis.towns import validate_town_id

__all__ = [
    "RACY_SECONDS",
    "SUMMARY_NAME",
    "StoreSummary",
    "file_identity",
    "store_summary",
    "store_towns",
]

_log = logging.getLogger(__name__)

#: File name of the summary, in the reports folder.
SUMMARY_NAME = ".store-summary.json"
#: A file changed less than this many seconds before the summary was computed makes the
#: summary untrusted (file-system clocks can be coarser than the time between writes).
RACY_SECONDS = 2.0
_SCHEMA = 1


@dataclass(frozen=True)
class StoreSummary:
    """The store's towns and content hashes.

    Attributes
    ----------
    towns : list of str
        Town ids of ``towns.parquet``, in the store's order, validated as safe slugs.
    hashes : DataHashes
        Per-town and global content hashes.
    reused : bool
        Whether they came from the saved summary rather than from reading the store.
    """

    towns: list[str]
    hashes: DataHashes
    reused: bool = False


def file_identity(path: Path) -> list[int]:
    """Return what changes whenever a file's content can have changed.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    list of int
        ``[size, inode, mtime_ns, ctime_ns]``.
    """
    st = path.stat()
    return [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]


def _identities(processed_dir: Path) -> dict[str, list[int]]:
    files = store_files(processed_dir)
    return {p.relative_to(processed_dir).as_posix(): file_identity(p) for p in files}


def _read_towns(processed_dir: Path) -> list[str]:
    # read_towns validates every town_id (path safety) and turns a damaged file into a DataError.
    from analysis.store.io import read_towns  # noqa: PLC0415 - pandas and geopandas

    return [str(t) for t in read_towns(processed_dir)["town_id"]]


def _load(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) and saved.get("schema_version") == _SCHEMA else {}


def _trusted(saved: dict[str, Any], identities: dict[str, list[int]], library: str | None) -> bool:
    """Whether ``saved`` was computed (by this library) from files with these identities."""
    files = saved.get("files")
    if (library is not None and saved.get("library") != library) or not isinstance(files, dict):
        return False
    if any(files.get(name) != ident for name, ident in identities.items()):
        return False
    computed = saved.get("computed_ns")
    if not isinstance(computed, int):
        return False
    newest = max((max(ident[2], ident[3]) for ident in identities.values()), default=0)
    return computed - newest >= RACY_SECONDS * 1e9


def _summary_from(saved: dict[str, Any]) -> StoreSummary | None:
    try:
        hashes = DataHashes(
            towns={str(k): str(v) for k, v in saved["towns_hashes"].items()},
            global_hash=str(saved["global_hash"]),
            tables={str(k): str(v) for k, v in saved["tables"].items()},
        )
        towns = [str(t) for t in saved["towns"]]
    except (KeyError, AttributeError, TypeError):
        return None
    return StoreSummary(towns=towns, hashes=hashes, reused=True)


def store_towns(processed_dir: Path, reports_dir: Path) -> list[str]:
    """Return the store's town ids, from the saved summary while ``towns.parquet`` is unchanged.

    Parameters
    ----------
    processed_dir : pathlib.Path
        ``data/processed``.
    reports_dir : pathlib.Path
        The reports folder, where the summary is kept.

    Returns
    -------
    list of str
        The town ids, in the store's order (saved ones are validated again as slugs).

    Raises
    ------
    DataError
        If ``towns.parquet`` is missing, damaged or holds an unsafe town id.
    """
    towns_file = processed_dir / "towns.parquet"
    if towns_file.is_file():
        saved = _load(reports_dir / SUMMARY_NAME)
        only = {"towns.parquet": file_identity(towns_file)}
        summary = _summary_from(saved) if saved and _trusted(saved, only, None) else None
        if summary is not None:
            for town_id in summary.towns:
                validate_town_id(town_id)
            return summary.towns
    return _read_towns(processed_dir)


def store_summary(
    processed_dir: Path, reports_dir: Path, *, library: str, refresh: bool = False
) -> StoreSummary:
    """Return the store's towns and content hashes, reusing the saved ones if still valid.

    Parameters
    ----------
    processed_dir : pathlib.Path
        ``data/processed`` (it must hold ``towns.parquet``).
    reports_dir : pathlib.Path
        The reports folder, where the summary is kept.
    library : str
        Hash of the installed library (:func:`analysis.batch.hashing.library_hash`).
    refresh : bool, default False
        Read the store even if the saved summary is valid (``ecoplan build --force``).

    Returns
    -------
    StoreSummary
        The towns and hashes; ``reused`` tells where they came from.

    Raises
    ------
    DataError
        If ``towns.parquet`` is missing, damaged or holds an unsafe town id.
    """
    path = reports_dir / SUMMARY_NAME
    identities = _identities(processed_dir)
    if not refresh:
        saved = _load(path)
        if saved and saved.get("files") == identities and _trusted(saved, identities, library):
            summary = _summary_from(saved)
            if summary is not None:
                return summary
    computed_ns = time.time_ns()
    towns = _read_towns(processed_dir)
    hashes = data_hashes(processed_dir)
    if _identities(processed_dir) != identities:  # changed while read: do not keep it
        return StoreSummary(towns=towns, hashes=hashes)
    record = {
        "schema_version": _SCHEMA,
        "library": library,
        "computed_ns": computed_ns,
        "files": identities,
        "towns": towns,
        "towns_hashes": hashes.towns,
        "global_hash": hashes.global_hash,
        "tables": hashes.tables,
    }
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(record, sort_keys=True) + "\n")
    except OSError as exc:  # a read-only reports folder only costs time
        _log.debug("store summary not saved to %s: %s", path, exc)
    return StoreSummary(towns=towns, hashes=hashes)
