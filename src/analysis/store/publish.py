"""Publish output files atomically: whole units, a crash-test hook, repair after a kill.

Used by every writer of ``reports/`` (the batch runner, the site writer, the PDF
printer); where each page goes is :mod:`analysis.paths`.

Publishing rule: a town's pages in one language are replaced only when *every*
selected appendix of that town and language succeeded, and then as one unit: the
folder ``site/towns/<town>/<lang>/`` is rebuilt beside the published one (a hard-linked
copy plus the new pages) and switched with it (:func:`analysis.store.atomic.swap_directory`).
``site/downloads/`` is one such unit too. So readers never see a town/language with
some new and some old pages, a failing town keeps its previously published pages, and
the build state (which records what was published) is written after the switch: a
crash in between only causes a rebuild. What a killed run left (temporaries, a folder
renamed aside) is repaired by :func:`prepare_publish` under the project lock before
the next build or site run writes anything.

``ECOPLAN_TEST_KILL_AFTER=k`` (tests only) makes the process ``SIGKILL`` itself right
after the k-th output file is in place; ``ECOPLAN_TEST_KILL_MODE=before-rename`` kills it
instead while the k-th file is still a temporary file. ``ECOPLAN_TEST_CRASH_AT`` names
points of the switch itself (:func:`analysis.store.atomic.crash_point`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
from collections.abc import Iterable
from pathlib import Path

from analysis.paths import ARCHIVE_DIR, DOWNLOADS_DIR
from analysis.store.atomic import (
    atomic_path,
    remove_temporaries,
    stage_directory,
    swap_directory,
)

__all__ = [
    "OutputWriter",
    "archive_unregistered",
    "clean_stale_temporaries",
    "prepare_publish",
    "publish_unit",
]


def publish_unit(site: Path, target: Path) -> Path | None:
    """Return the folder published as one unit that ``target`` belongs to, if any.

    Parameters
    ----------
    site : pathlib.Path
        ``reports/site``.
    target : pathlib.Path
        A file about to be written.

    Returns
    -------
    pathlib.Path or None
        ``site/towns/<town>/<lang>``, ``site/downloads``, ``site/indicators/<lang>`` or
        ``site/releases/<town>/<edition>``; None for files published on their own (the
        index pages, the cross-town page, a town's form).
    """
    try:
        parts = target.relative_to(site).parts
    except ValueError:
        return None
    if len(parts) >= 4 and parts[0] == "towns":
        return site.joinpath(*parts[:3])
    if len(parts) >= 2 and parts[0] == DOWNLOADS_DIR:
        return site / DOWNLOADS_DIR
    if len(parts) >= 3 and parts[0] == "indicators":  # cross-town indicator pages, per language
        return site.joinpath(*parts[:2])
    if len(parts) >= 4 and parts[0] == "releases":  # a mirrored edition, whole
        return site.joinpath(*parts[:3])
    return None


class OutputWriter:
    """Write output files atomically and count them (for the crash-test hook).

    Parameters
    ----------
    site : pathlib.Path, optional
        ``reports/site``: files of a publish unit (:func:`publish_unit`) are then written
        into the unit's staging folder and published all together by :meth:`commit`.
        Without it every file is published at once (temporary file and rename).
    """

    def __init__(self, site: Path | None = None) -> None:
        self.count = 0
        self.site = site
        self._staged: dict[Path, Path] = {}
        kill = os.environ.get("ECOPLAN_TEST_KILL_AFTER")
        self.kill_after = int(kill) if kill else None
        self.before_rename = os.environ.get("ECOPLAN_TEST_KILL_MODE") == "before-rename"

    def write_text(self, target: Path, text: str) -> Path:
        """Write ``text`` (UTF-8) to ``target`` via a temporary file and rename.

        Parameters
        ----------
        target : pathlib.Path
            The file to write.
        text : str
            Its content.

        Returns
        -------
        pathlib.Path
            ``target`` (for a staged unit, where it will be once committed).
        """
        return self.write_bytes(target, text.encode("utf-8"))

    def _where(self, target: Path) -> Path:
        unit = publish_unit(self.site, target) if self.site is not None else None
        if unit is None:
            return target
        staging = self._staged.get(unit)
        if staging is None:
            staging = self._staged[unit] = stage_directory(unit)
        return staging / target.relative_to(unit)

    def write_bytes(self, target: Path, data: bytes) -> Path:
        """Write ``data`` to ``target`` via a temporary file and rename.

        Parameters
        ----------
        target : pathlib.Path
            The file to write.
        data : bytes
            Its content.

        Returns
        -------
        pathlib.Path
            ``target`` (for a staged unit, where it will be once committed).
        """
        with atomic_path(self._where(target)) as tmp:
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

    def commit(self, units: Iterable[Path] | None = None) -> list[Path]:
        """Publish staged units (default: all), each as a whole.

        Parameters
        ----------
        units : iterable of pathlib.Path, optional
            Only these units (e.g. one town/language).

        Returns
        -------
        list of pathlib.Path
            The units published.
        """
        chosen = list(self._staged) if units is None else [u for u in units if u in self._staged]
        for unit in chosen:
            swap_directory(self._staged.pop(unit), unit)
        return chosen

    def discard(self) -> None:
        """Drop every staged unit (the published folders stay as they are)."""
        for staging in self._staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._staged.clear()


def clean_stale_temporaries(root: Path) -> int:
    """Remove temporary files left by a killed run (call only while holding the lock).

    Parameters
    ----------
    root : pathlib.Path
        The folder to clean, recursively (a missing one is fine).

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


def prepare_publish(reports: Path) -> list[Path]:
    """Repair what a killed build or site run left, before anything new is written.

    Puts back a town/language folder a killed switch left renamed aside, then deletes
    every temporary (``.*.tmp``: files and staging folders), which would otherwise be
    published by "copy the folder to a web host". Call only while holding the project
    lock (:mod:`analysis.batch.lock`): every writer holds it, so all are orphans.

    Parameters
    ----------
    reports : pathlib.Path
        ``reports/``.

    Returns
    -------
    list of pathlib.Path
        The temporaries removed.
    """
    return remove_temporaries(reports)


def archive_unregistered(reports: Path, towns: Iterable[str]) -> list[str]:
    """Move the pages and downloads of towns no longer registered out of the site.

    They go to ``reports/archive/<UTC time>/<town>/`` (outside ``site/``, linked from
    nowhere), so a town removed from ``towns.csv`` is no longer published.

    Parameters
    ----------
    reports : pathlib.Path
        ``reports/``.
    towns : iterable of str
        Every registered town id.

    Returns
    -------
    list of str
        The towns archived (sorted).
    """
    site = reports / "site"
    registered = set(towns)
    folders = site / "towns"
    gone = sorted(
        p.name
        for p in (folders.iterdir() if folders.is_dir() else ())
        if p.is_dir() and not p.name.startswith(".") and p.name not in registered
    )
    downloads = site / DOWNLOADS_DIR
    files = [
        p
        for p in (downloads.iterdir() if downloads.is_dir() else ())
        if p.is_file() and _download_town(p.name) not in registered
    ]
    gone = sorted({*gone, *(_download_town(p.name) for p in files)} - {""})
    if not gone:
        return []
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = reports / ARCHIVE_DIR / stamp
    for town in gone:
        dest = archive / town
        dest.mkdir(parents=True, exist_ok=True)
        if (folders / town).is_dir():
            (folders / town).rename(dest / "towns")
    for path in files:
        dest = archive / _download_town(path.name) / DOWNLOADS_DIR
        dest.mkdir(parents=True, exist_ok=True)
        path.rename(dest / path.name)
    return gone


def _download_town(name: str) -> str:
    """Return the town a download file belongs to (``""`` for a hidden file)."""
    if name.startswith("."):
        return ""
    stem = name.split(".", 1)[0]
    return stem.removesuffix("_results")
