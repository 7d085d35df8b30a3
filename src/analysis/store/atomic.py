"""Crash-safe writing: files, whole folders and published generations.

* :func:`atomic_path` and friends: write a temporary file beside the target, then rename.
* :func:`stage_directory` / :func:`swap_directory`: build a folder beside the one it
  replaces (seeded with hard links of the old one), then switch the two as one unit;
  :func:`remove_temporaries` restores and cleans what a killed run left.
* :class:`Generations`: ``<name> -> <name>.generations/<id>``, a symbolic link replaced in
  one rename (the processed store and the analysis results).
* :func:`crash_point`: the ``ECOPLAN_TEST_CRASH_AT`` hook of the kill -9 tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "CRASH_ENV",
    "TMP_SUFFIX",
    "Generations",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "copy_tree_linked",
    "crash_point",
    "new_generation_id",
    "recover_directories",
    "remove_temporaries",
    "stage_directory",
    "swap_directory",
]


@contextlib.contextmanager
def atomic_path(target: Path | str, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path that replaces ``target`` atomically on success.

    The temporary file lives in the target's directory (same filesystem, so
    :func:`os.replace` is atomic) and is removed if the block raises. Readers
    therefore see either the old complete file or the new complete file.

    Parameters
    ----------
    target : path-like
        The final file.
    suffix : str, optional
        Suffix of the temporary file (default: the target's suffix, so writers
        that look at the extension behave).

    Yields
    ------
    pathlib.Path
        Where to write.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.",
        suffix=(suffix if suffix is not None else target.suffix) + ".tmp",
        dir=target.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        tmp.chmod(0o644 & ~_umask())
        tmp.replace(target)
    except OSError as exc:
        # a failed write() (full disk...) names no file: name the target, for the one-line
        # error of the command line (analysis.cli.os_error_message)
        if exc.filename is None:
            exc.filename = str(target)
        raise
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def atomic_write_bytes(target: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path.

    Parameters
    ----------
    target : pathlib.Path or str
        The file to write (replaced whole).
    data : bytes
        Its content.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_text(target: Path | str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically and return the target path.

    Parameters
    ----------
    target : pathlib.Path or str
        The file to write (replaced whole).
    text : str
        Its content.
    encoding : str
        Text encoding.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    return atomic_write_bytes(target, text.encode(encoding))


def atomic_write_with(target: Path | str, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and atomically move the result to ``target``.

    Parameters
    ----------
    target : pathlib.Path or str
        The file to write (replaced whole).
    writer : callable
        Writes the file at the temporary path it is given (e.g. ``frame.to_parquet``).

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


# --------------------------------------------------------------------------- crash hook

#: ``ECOPLAN_TEST_CRASH_AT=point[#n][,point[#n]...]`` (tests only): SIGKILL this process
#: the n-th time (default first) it passes :func:`crash_point` ``point``.
CRASH_ENV = "ECOPLAN_TEST_CRASH_AT"
_crash_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL here if ``$ECOPLAN_TEST_CRASH_AT`` names ``name``.

    A deterministic stand-in for ``kill -9`` at a chosen point of a stage, used by the
    crash tests; a no-op when the variable is unset.

    Parameters
    ----------
    name : str
        The point, e.g. ``store:staged`` or ``publish:swapped-out``.
    """
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    for item in spec.split(","):
        point, _, nth = item.strip().partition("#")
        if point != name:
            continue
        _crash_hits[name] = _crash_hits.get(name, 0) + 1
        if _crash_hits[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
        return


# --------------------------------------------------------------------------- directories

#: Suffix of every temporary entry (file or folder); a leading dot hides it as well.
TMP_SUFFIX = ".tmp"
_OLD = ".old" + TMP_SUFFIX
_STAGE = ".stage" + TMP_SUFFIX


def _token() -> str:
    return uuid.uuid4().hex[:8]


def _link_or_copy(src: str, dst: str) -> str:
    """Hard-link ``src`` to ``dst`` (same inode, no bytes copied), else copy it."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def _skip_temporaries(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") and n.endswith(TMP_SUFFIX)}


def copy_tree_linked(src: Path, dst: Path) -> Path:
    """Copy the folder ``src`` to ``dst`` by hard links (a copy where links fail).

    Files are shared, not duplicated; since every writer replaces a file by rename
    (:func:`atomic_path`), writing into ``dst`` never changes ``src``. Temporaries
    (``.*.tmp``) are not copied; symbolic links are copied as links.

    Parameters
    ----------
    src : pathlib.Path
        An existing folder.
    dst : pathlib.Path
        A folder that does not exist yet.

    Returns
    -------
    pathlib.Path
        ``dst``.
    """
    shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy, ignore=_skip_temporaries)
    return dst


def stage_directory(final: Path, *, seed: bool = True) -> Path:
    """Create the hidden staging folder of ``final`` (a copy of it when ``seed``).

    Parameters
    ----------
    final : pathlib.Path
        The folder that :func:`swap_directory` will later replace.
    seed : bool
        Start from a hard-linked copy of ``final`` (if it exists) instead of empty.

    Returns
    -------
    pathlib.Path
        ``<parent>/.<name>.<token>.stage.tmp``, beside ``final`` (same filesystem).
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".{final.name}.{_token()}{_STAGE}"
    if seed and final.is_dir():
        copy_tree_linked(final, staging)
    else:
        staging.mkdir()
    return staging


def swap_directory(staging: Path, final: Path) -> Path:
    """Replace the folder ``final`` by ``staging`` as one unit.

    ``final`` is renamed aside, ``staging`` renamed into place, then the old folder is
    deleted. A reader sees the old or the new folder whole; if the process dies between
    the two renames, :func:`recover_directories` (run under the lock before the next
    publish) puts the old folder back.

    Parameters
    ----------
    staging : pathlib.Path
        The complete new folder (from :func:`stage_directory`).
    final : pathlib.Path
        Where it goes.

    Returns
    -------
    pathlib.Path
        ``final``.
    """
    crash_point("publish:staged")
    old = final.parent / f".{final.name}.{_token()}{_OLD}"
    had_old = final.exists() or final.is_symlink()
    if had_old:
        final.rename(old)
    crash_point("publish:swapped-out")
    staging.rename(final)
    if had_old:
        _remove(old)
    return final


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _unit_of_old(path: Path) -> Path:
    """``.<name>.<token>.old.tmp`` -> ``<name>`` beside it."""
    stem = path.name[1 : -len(_OLD)]
    return path.with_name(stem.rsplit(".", 1)[0])


def recover_directories(root: Path) -> list[Path]:
    """Put back every folder a killed :func:`swap_directory` left renamed aside.

    Call only while holding the project lock (no swap can be in flight).

    Parameters
    ----------
    root : pathlib.Path
        Searched recursively.

    Returns
    -------
    list of pathlib.Path
        The folders restored.
    """
    restored: list[Path] = []
    if not root.is_dir():
        return restored
    for old in sorted(root.rglob(f".*{_OLD}")):
        final = _unit_of_old(old)
        if old.is_dir() and not final.exists() and not final.is_symlink():
            old.rename(final)
            restored.append(final)
    return restored


def remove_temporaries(root: Path) -> list[Path]:
    """Restore swapped-out folders, then delete every temporary (``.*.tmp``) under ``root``.

    Call only while holding the project lock: every writer holds it, so any temporary
    found then was left by a killed run (and would otherwise be published).

    Parameters
    ----------
    root : pathlib.Path
        Searched recursively (e.g. ``reports/``).

    Returns
    -------
    list of pathlib.Path
        The temporaries removed.
    """
    recover_directories(root)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in sorted(root.rglob(f".*{TMP_SUFFIX}"), key=lambda p: len(p.parts)):
        if path.exists() or path.is_symlink():
            _remove(path)
            removed.append(path)
    return removed


# --------------------------------------------------------------------------- generations


def new_generation_id(tag: str = "", now: dt.datetime | None = None) -> str:
    """Return a sortable generation id: UTC time (microseconds) and a tag.

    Parameters
    ----------
    tag : str
        E.g. the start of an inputs hash (default: a random token).
    now : datetime, optional
        The time (default: now).

    Returns
    -------
    str
        ``YYYYMMDDTHHMMSSffffffZ-<tag>``.

    Examples
    --------
    >>> new_generation_id("abc", dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC))
    '20260102T030405000006Z-abc'
    """
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{tag or _token()}"


class Generations:
    """Folders published whole through a symbolic link: ``<parent>/<name> -> <name>.generations/<id>``.

    A generation is written in full into a hidden staging folder, renamed to its id, and
    published by replacing the link in one :func:`os.replace` (atomic on POSIX): a reader
    always sees one complete generation. The previous generation is kept (for readers in
    flight); older ones are deleted.

    Parameters
    ----------
    parent : pathlib.Path
        The folder holding the link (e.g. ``data/processed``).
    name : str
        The link's name (``store``, ``results``).
    """

    def __init__(self, parent: Path, name: str) -> None:
        self.parent = parent
        self.name = name
        self.link = parent / name
        self.folder = parent / f"{name}.generations"

    def current(self) -> str | None:
        """Return the id of the published generation, or None.

        Returns
        -------
        str or None
            The generation the link points at, or ``None`` when there is no link or it points
            outside this store.
        """
        if not self.link.is_symlink():
            return None
        target = self.link.readlink()
        if target.parent.name != self.folder.name or not (self.folder / target.name).is_dir():
            return None
        return target.name

    def stage(self, generation: str) -> Path:
        """Create and return an empty hidden staging folder for ``generation``.

        Parameters
        ----------
        generation : str
            The generation id it will become.

        Returns
        -------
        pathlib.Path
            The new staging folder (hidden, with a unique token).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = self.folder / f".{generation}.{_token()}{TMP_SUFFIX}"
        staging.mkdir()
        return staging

    def finish(self, staging: Path, generation: str) -> Path:
        """Rename a complete staging folder to its generation id (not yet published).

        Parameters
        ----------
        staging : pathlib.Path
            A complete folder :meth:`stage` returned.
        generation : str
            Its generation id.

        Returns
        -------
        pathlib.Path
            The generation's folder.
        """
        crash_point(f"{self.name}:staged")
        final = self.folder / generation
        staging.rename(final)
        return final

    def publish(self, generation: str) -> None:
        """Point the link at ``generation`` (one atomic rename), then prune old ones.

        Parameters
        ----------
        generation : str
            A finished generation id.
        """
        crash_point(f"{self.name}:renamed")
        staged = self.parent / f".{self.name}.{_token()}.link{TMP_SUFFIX}"
        staged.symlink_to(Path(self.folder.name) / generation, target_is_directory=True)
        if self.link.exists() and not self.link.is_symlink():
            shutil.rmtree(self.link)  # a folder left by hand or an older layout
        staged.replace(self.link)
        crash_point(f"{self.name}:switched")
        self.prune(keep={generation, *self._previous(generation)})

    def _previous(self, current: str) -> list[str]:
        names = sorted(
            p.name for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        return [n for n in names if n < current][-1:]

    def prune(self, keep: set[str], *, max_tmp_age: float = 3600) -> None:
        """Delete generations not in ``keep`` and staging folders older than ``max_tmp_age`` s.

        Parameters
        ----------
        keep : set of str
            Generation ids to keep.
        max_tmp_age : float
            Staging folders younger than this may belong to a writer still running
            (``0`` under the project lock: every one is an orphan).
        """
        for path in self.folder.iterdir():
            if path.name in keep:
                continue
            if path.name.startswith("."):
                age = dt.datetime.now(dt.UTC).timestamp() - path.lstat().st_mtime
                if age < max_tmp_age:
                    continue
            _remove(path)
        for stale in self.parent.glob(f".{self.name}.*.link{TMP_SUFFIX}"):
            stale.unlink(missing_ok=True)

    def discard(self, staging: Path) -> None:
        """Delete an unfinished staging folder.

        Parameters
        ----------
        staging : pathlib.Path
            A folder :meth:`stage` returned.
        """
        shutil.rmtree(staging, ignore_errors=True)
