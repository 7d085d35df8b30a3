"""Where build outputs go, and how they are written (atomically, with a crash-test hook).

Layout (relative to ``reports/``)::

    notebooks/<town>/<lang>/<appendix>.ipynb        executed notebook (also when it failed)
    notebooks/_cross-town/<lang>/<id>.ipynb         executed cross-town notebook
    site/towns/<town>/<lang>/<appendix>.html        published appendix page
    site/towns/<town>/<lang>/index.html             published combined appendix
    site/cross-town/<lang>.html                     published cross-town page

Publishing rule: a town's pages in one language are replaced only when *every*
selected appendix of that town and language succeeded, and then file by file with
temporary file + rename. So readers always see complete files, a failing town keeps
its previously published pages, and the build state (which records what was
published) is written after the pages: a crash in between only causes a rebuild.

``ECOPLAN_TEST_KILL_AFTER=k`` (tests only) makes the process ``SIGKILL`` itself right
after the k-th output file is in place; ``ECOPLAN_TEST_KILL_MODE=before-rename`` kills it
instead while the k-th file is still a temporary file.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from analysis.store.atomic import atomic_path

__all__ = [
    "CROSS_DIR",
    "OutputWriter",
    "clean_stale_temporaries",
    "cross_html",
    "cross_notebook",
    "town_html",
    "town_index",
    "town_notebook",
]

CROSS_DIR = "_cross-town"  # not a valid town slug, so it never collides with a town


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


class OutputWriter:
    """Write output files atomically and count them (for the crash-test hook)."""

    def __init__(self) -> None:
        self.count = 0
        kill = os.environ.get("ECOPLAN_TEST_KILL_AFTER")
        self.kill_after = int(kill) if kill else None
        self.before_rename = os.environ.get("ECOPLAN_TEST_KILL_MODE") == "before-rename"

    def write_text(self, target: Path, text: str) -> Path:
        """Write ``text`` (UTF-8) to ``target`` via a temporary file and rename."""
        return self.write_bytes(target, text.encode("utf-8"))

    def write_bytes(self, target: Path, data: bytes) -> Path:
        """Write ``data`` to ``target`` via a temporary file and rename."""
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
            if (
                self.before_rename
                and self.kill_after is not None
                and self.count + 1 >= self.kill_after
            ):
                os.kill(os.getpid(), signal.SIGKILL)
        self.count += 1
        if self.kill_after is not None and not self.before_rename and self.count >= self.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return target


def clean_stale_temporaries(root: Path) -> int:
    """Remove temporary files left by a killed run (call only while holding the lock).

    Returns
    -------
    int
        How many were removed.
    """
    removed = 0
    if not root.is_dir():
        return 0
    for path in root.rglob(".*.tmp"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
