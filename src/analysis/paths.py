"""Every directory the project reads or writes, and every page and download path, in one place.

All paths derive from the project root, which is found from the working directory
(the nearest parent holding ``pyproject.toml`` and ``data/raw``) and can be overridden
with environment variables:

``ECOPLAN_ROOT``
    project root (default: discovered as above).
``ECOPLAN_RAW_DIR``, ``ECOPLAN_PROCESSED_DIR``, ``ECOPLAN_REPORTS_DIR``
    override a single data directory (useful for tests and for distributed workers).

Output layout (relative to ``reports/``; pure functions of the reports folder, so the
batch runner, the site writer and the PDF printer all name a page the same way)::

    notebooks/<town>/<lang>/<appendix>.ipynb        executed notebook     town_notebook
    notebooks/_cross-town/<lang>/<id>.ipynb         cross-town notebook   cross_notebook
    site/towns/<town>/<lang>/<appendix>.html        appendix page         town_html
    site/towns/<town>/<lang>/index.html             combined page         town_index
    site/towns/<town>/<lang>/<town>-<lang>.pdf      printed combined page town_pdf
    site/towns/<town>/<lang>/indicators/<id>.html   town indicator page   town_indicator_html
    site/towns/<town>/form.xlsx                     data-entry form       town_form
    site/indicators/<lang>/<id>.html                cross-town indicator  indicator_html
    site/cross-town/<lang>.html                     cross-town page       cross_html
    site/downloads/<town>.csv, ...                  downloads             downloads_dir,
                                                                          download_files
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError

__all__ = [
    "ARCHIVE_DIR",
    "CROSS_DIR",
    "DOWNLOADS_DIR",
    "ProjectPaths",
    "cross_html",
    "cross_notebook",
    "download_files",
    "downloads_dir",
    "find_root",
    "get_paths",
    "indicator_html",
    "town_form",
    "town_html",
    "town_index",
    "town_indicator_html",
    "town_notebook",
    "town_pdf",
]

CROSS_DIR = "_cross-town"  # not a valid town slug, so it never collides with a town
DOWNLOADS_DIR = "downloads"
#: ``reports/archive/<UTC time>/``: pages of towns no longer registered (not published).
ARCHIVE_DIR = "archive"


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


# --------------------------------------------------------------------------- output layout


def download_files(town_id: str) -> dict[str, str]:
    """Return the file names of a town's downloads (in ``site/downloads/``).

    The results file ends in ``_results.csv``: ``_`` cannot occur in a town id
    (:data:`analysis.store.schema.TOWN_ID_PATTERN`), so no town's file can take another's
    name (a town ``nam-chiao-results`` has ``nam-chiao-results.csv``, ``nam-chiao`` has
    ``nam-chiao_results.csv``).

    Parameters
    ----------
    town_id : str
        The town.

    Returns
    -------
    dict
        ``{"csv": ..., "results": ..., "xlsx": ...}``.

    Examples
    --------
    >>> download_files("nam-chiao")["results"]
    'nam-chiao_results.csv'
    """
    return {
        "csv": f"{town_id}.csv",
        "results": f"{town_id}_results.csv",
        "xlsx": f"{town_id}.xlsx",
    }


def downloads_dir(reports: Path) -> Path:
    """Return the folder of every town's downloads.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).

    Returns
    -------
    pathlib.Path
        ``site/downloads`` (may not exist yet).

    Examples
    --------
    >>> downloads_dir(Path("reports")).as_posix()
    'reports/site/downloads'
    """
    return reports / "site" / DOWNLOADS_DIR


def town_notebook(reports: Path, town_id: str, lang: str, appendix: str) -> Path:
    """Return the executed notebook path of one town appendix.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).
    town_id : str
        The town.
    lang : {"th", "en"}
        The page language.
    appendix : str
        The appendix id (``a`` ... ``e``, ``x``).

    Returns
    -------
    pathlib.Path
        The file (its folder may not exist yet).

    Examples
    --------
    >>> town_notebook(Path("reports"), "nan", "th", "b").as_posix()
    'reports/notebooks/nan/th/b.ipynb'
    """
    return reports / "notebooks" / town_id / lang / f"{appendix}.ipynb"


def cross_notebook(reports: Path, lang: str, appendix: str) -> Path:
    """Return the executed cross-town notebook path.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).
    lang : {"th", "en"}
        The page language.
    appendix : str
        The appendix id (``a`` ... ``e``, ``x``).

    Returns
    -------
    pathlib.Path
        The file (its folder may not exist yet).

    Examples
    --------
    >>> cross_notebook(Path("reports"), "en", "x").as_posix()
    'reports/notebooks/_cross-town/en/x.ipynb'
    """
    return reports / "notebooks" / CROSS_DIR / lang / f"{appendix}.ipynb"


def town_html(reports: Path, town_id: str, lang: str, appendix: str) -> Path:
    """Return the published page of one town appendix.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).
    town_id : str
        The town.
    lang : {"th", "en"}
        The page language.
    appendix : str
        The appendix id (``a`` ... ``e``, ``x``).

    Returns
    -------
    pathlib.Path
        The file (its folder may not exist yet).

    Examples
    --------
    >>> town_html(Path("reports"), "nan", "th", "b").as_posix()
    'reports/site/towns/nan/th/b.html'
    """
    return reports / "site" / "towns" / town_id / lang / f"{appendix}.html"


def town_index(reports: Path, town_id: str, lang: str) -> Path:
    """Return the published combined appendix of one town.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).
    town_id : str
        The town.
    lang : {"th", "en"}
        The page language.

    Returns
    -------
    pathlib.Path
        The file (its folder may not exist yet).
    """
    return reports / "site" / "towns" / town_id / lang / "index.html"


def town_pdf(reports: Path, town_id: str, lang: str) -> Path:
    """Return the PDF of a town's combined page.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder.
    town_id : str
        The town.
    lang : {"th", "en"}
        The language.

    Returns
    -------
    pathlib.Path
        ``site/towns/<town>/<lang>/<town>-<lang>.pdf`` (may not exist).

    Examples
    --------
    >>> town_pdf(Path("reports"), "nan", "th").as_posix()
    'reports/site/towns/nan/th/nan-th.pdf'
    """
    return reports / "site" / "towns" / town_id / lang / f"{town_id}-{lang}.pdf"


def town_indicator_html(reports: Path, town_id: str, lang: str, indicator_id: str) -> Path:
    """Return the published page of one indicator of one town.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder.
    town_id : str
        The town.
    lang : {"th", "en"}
        The page language.
    indicator_id : str
        The catalogue indicator.

    Returns
    -------
    pathlib.Path
        ``site/towns/<town>/<lang>/indicators/<indicator>.html`` (may not exist).
    """
    return reports / "site" / "towns" / town_id / lang / "indicators" / f"{indicator_id}.html"


def town_form(reports: Path, town_id: str) -> Path:
    """Return a town's data-entry form (one per town, both languages).

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder.
    town_id : str
        The town.

    Returns
    -------
    pathlib.Path
        ``site/towns/<town>/form.xlsx`` (may not exist).
    """
    return reports / "site" / "towns" / town_id / "form.xlsx"


def indicator_html(reports: Path, lang: str, indicator_id: str) -> Path:
    """Return the published cross-town page of one indicator.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder.
    lang : {"th", "en"}
        The page language.
    indicator_id : str
        The catalogue indicator.

    Returns
    -------
    pathlib.Path
        ``site/indicators/<lang>/<indicator>.html`` (may not exist).
    """
    return reports / "site" / "indicators" / lang / f"{indicator_id}.html"


def cross_html(reports: Path, lang: str) -> Path:
    """Return the published cross-town page.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder (``reports/`` or ``$ECOPLAN_REPORTS_DIR``).
    lang : {"th", "en"}
        The page language.

    Returns
    -------
    pathlib.Path
        The file (its folder may not exist yet).
    """
    return reports / "site" / "cross-town" / f"{lang}.html"
