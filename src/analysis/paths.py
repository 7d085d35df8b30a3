"""Every directory the project reads or writes, in one place.

All paths derive from the project root, which is found from the working directory
(the nearest parent holding ``pyproject.toml`` and ``data/raw``) and can be overridden
with environment variables:

``ECOPLAN_ROOT``
    project root (default: discovered as above).
``ECOPLAN_RAW_DIR``, ``ECOPLAN_PROCESSED_DIR``, ``ECOPLAN_REPORTS_DIR``
    override a single data directory (useful for tests and for distributed workers).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError

__all__ = ["ProjectPaths", "find_root", "get_paths"]


def find_root(start: Path | None = None) -> Path:
    """Return the project root.

    Parameters
    ----------
    start : pathlib.Path, optional
        Where to start looking; default is the current working directory.

    Returns
    -------
    pathlib.Path
        ``$ECOPLAN_ROOT`` if set, else the nearest parent of ``start`` that contains
        ``pyproject.toml`` and ``data/raw``.

    Raises
    ------
    ConfigError
        If no such directory exists.
    """
    env = os.environ.get("ECOPLAN_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "data" / "raw").is_dir():
            return candidate
    # Fall back to the source checkout this module lives in (editable install).
    source_root = Path(__file__).resolve().parents[2]
    if (source_root / "data" / "raw").is_dir():
        return source_root
    msg = (
        f"Cannot find the ecoplan project root from {here}: no parent holds "
        "pyproject.toml and data/raw. Run from inside the repository or set ECOPLAN_ROOT."
    )
    raise ConfigError(msg)


@dataclass(frozen=True)
class ProjectPaths:
    """Resolved project directories.

    Attributes
    ----------
    root : pathlib.Path
        Project root.
    raw : pathlib.Path
        Immutable inputs (``data/raw``).
    processed : pathlib.Path
        Rebuilt store (``data/processed``).
    reports : pathlib.Path
        Rendered outputs (``reports``).
    """

    root: Path
    raw: Path
    processed: Path
    reports: Path

    @property
    def notebooks(self) -> Path:
        """Directory of the appendix notebooks."""
        return self.root / "notebooks"

    @property
    def raw_indicators(self) -> Path:
        """Directory of raw indicator files (CSV/XLSX)."""
        return self.raw / "indicators"

    @property
    def raw_geo(self) -> Path:
        """Directory of raw boundary files."""
        return self.raw / "geo"

    @property
    def towns_csv(self) -> Path:
        """The town registry."""
        return self.raw / "towns.csv"

    @property
    def site(self) -> Path:
        """The published static site."""
        return self.reports / "site"


def get_paths() -> ProjectPaths:
    """Return the project paths, honouring the ``ECOPLAN_*`` environment overrides.

    Returns
    -------
    ProjectPaths
        The resolved directories (not created).
    """
    root = find_root()
    return ProjectPaths(
        root=root,
        raw=Path(os.environ.get("ECOPLAN_RAW_DIR", root / "data" / "raw")).resolve(),
        processed=Path(
            os.environ.get("ECOPLAN_PROCESSED_DIR", root / "data" / "processed")
        ).resolve(),
        reports=Path(os.environ.get("ECOPLAN_REPORTS_DIR", root / "reports")).resolve(),
    )
