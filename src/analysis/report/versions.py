"""Versions and sources of a page: data sources and years, catalogue and code versions, date."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import analysis
from analysis.errors import EcoplanError
from analysis.paths import get_paths

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_date", "code_version", "library_hash", "lock_hash", "source_years"]

UNKNOWN = "unknown"
#: Files of the package that are not its code (byte-compiled or half-written).
_SKIP_SUFFIXES = {".pyc", ".pyo", ".tmp"}


def build_date() -> dt.date:
    """Return the build date (UTC), honouring ``SOURCE_DATE_EPOCH`` for reproducible builds.

    Returns
    -------
    datetime.date
        The date of ``SOURCE_DATE_EPOCH`` if set, else today (UTC).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


@functools.cache
def _hash_file(path: Path, mtime_ns: int, size: int) -> str:
    """Return sha256[:12] of a file (cached per path, mtime and size)."""
    del mtime_ns, size  # part of the cache key only
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def lock_hash(lock_file: Path | None = None) -> str:
    """Return the first 12 hex digits of the sha256 of ``requirements/lock.txt``.

    Parameters
    ----------
    lock_file : pathlib.Path, optional
        The lock file; default ``requirements/lock.txt`` of the project.

    Returns
    -------
    str
        12 hex digits, or ``"unknown"`` when the file is absent or unreadable.

    Examples
    --------
    >>> lock_hash(Path("/nonexistent/lock.txt"))
    'unknown'
    """
    try:
        path = lock_file or get_paths().root / "requirements" / "lock.txt"
        stat = path.stat()
        return _hash_file(path.resolve(), stat.st_mtime_ns, stat.st_size)
    except (OSError, EcoplanError):
        return UNKNOWN


def code_version() -> str:
    """Return ``<package version>+<git short hash> (lock <lock hash>)``, as footers show it.

    The lock hash (:func:`lock_hash`) names the exact environment that built the page.

    Returns
    -------
    str
        E.g. ``0.1.0+39370ef (lock 1a2b3c4d5e6f)``; ``unknown`` for a missing part.

    Examples
    --------
    >>> code_version().split("+")[0] == analysis.__version__.split("+")[0]
    True
    >>> "(lock " in code_version()
    True
    """
    return f"{_git_version()} (lock {lock_hash()})"


@functools.cache
def _git_version() -> str:
    """Return ``<package version>+<git short hash>`` or ``<version>+unknown``."""
    version = analysis.__version__.split("+")[0]
    try:
        root = get_paths().root
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        sha = out.stdout.strip()
    except (OSError, subprocess.SubprocessError, EcoplanError):
        sha = ""
    return f"{version}+{sha or 'unknown'}"


def source_years(indicators: pd.DataFrame) -> pd.DataFrame:
    """Summarise the data sources of indicator rows: first and last year, row count.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Store rows (``source, year, indicator_id, is_synthetic``).

    Returns
    -------
    pandas.DataFrame
        Columns ``source, first_year, last_year, n_indicators, n_rows, is_synthetic``,
        one row per source, most rows first.
    """
    import pandas as pd  # noqa: PLC0415 - the build planner imports this module without it

    if indicators.empty:
        return pd.DataFrame(
            columns=["source", "first_year", "last_year", "n_indicators", "n_rows", "is_synthetic"]
        )
    grouped = indicators.groupby("source", dropna=False)
    out = pd.DataFrame(
        {
            "first_year": grouped["year"].min(),
            "last_year": grouped["year"].max(),
            "n_indicators": grouped["indicator_id"].nunique(),
            "n_rows": grouped.size(),
            "is_synthetic": grouped["is_synthetic"].any(),
        }
    ).reset_index()
    return out.sort_values(["n_rows", "source"], ascending=[False, True]).reset_index(drop=True)


def library_hash(package_dir: Path | None = None) -> str:
    """Hash every file of the ``analysis`` package (sorted by relative path) and its version.

    Parameters
    ----------
    package_dir : pathlib.Path, optional
        Package directory (default: the imported ``analysis`` package).

    Returns
    -------
    str
        Hex digest.
    """
    import analysis  # noqa: PLC0415

    root = Path(package_dir or Path(analysis.__file__).parent)
    digest = hashlib.sha256(analysis.__version__.encode())
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in _SKIP_SUFFIXES or "__pycache__" in path.parts:
            continue
        if path.name.startswith("."):
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
