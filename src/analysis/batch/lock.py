"""One ecoplan run at a time per project: ``ingest``, ``analyse``, ``build`` and ``site``.

All four commands hold the same lock, the file ``reports/.build.lock``, while they
write: an ingest cannot switch the store while a build reads it, and two builds cannot
publish into one site. The lock is a :mod:`filelock` lock (``flock`` on POSIX,
``msvcrt`` locking on Windows), released by the operating system when the process
exits, even on ``kill -9``, so a crashed run never leaves a stale lock behind. The file
also names its holder (pid and command) for the message a second run prints.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.errors import BuildError
from analysis.paths import ProjectPaths

__all__ = ["LOCK_NAME", "build_lock", "project_lock"]

LOCK_NAME = ".build.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    pid, _, command = text.partition(" ")
    if not pid:
        return ""
    return f" (pid {pid}, `ecoplan {command}`)" if command else f" (pid {pid})"


def _note_holder(path: Path, command: str) -> None:
    """Write ``<pid> <command>`` into the lock file (we hold the lock)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command}\n".encode())
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(
    reports_dir: Path,
    *,
    wait: bool = False,
    command: str = "build",
    on_wait: Callable[[str], object] | None = None,
) -> Iterator[Path]:
    """Hold the project lock (``<reports_dir>/.build.lock``) for the duration of the block.

    Parameters
    ----------
    reports_dir : pathlib.Path
        ``reports/``; created if missing.
    wait : bool
        Block until the lock is free instead of failing.
    command : str
        The command taking it (``ingest``, ``analyse``, ``build``, ``site``), named in
        the message another run prints.
    on_wait : callable, optional
        Called once with a message when waiting starts.

    Yields
    ------
    pathlib.Path
        The lock file.

    Raises
    ------
    BuildError
        If another run holds the lock and ``wait`` is false.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_NAME
    lock = FileLock(path, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(path)
        if not wait:
            msg = (
                f"another ecoplan build, site, ingest or analyse run{holder} holds {path}; "
                "these commands take turns: wait for it to finish or pass --wait to queue "
                "behind it"
            )
            raise BuildError(msg) from None
        if on_wait is not None:
            on_wait(f"waiting for another ecoplan run{holder} to release {path} ...")
        lock.acquire()
    try:
        _note_holder(path, command)
        yield path
    finally:
        lock.release()


def project_lock(
    paths: ProjectPaths,
    *,
    command: str,
    wait: bool = False,
    on_wait: Callable[[str], object] | None = None,
) -> contextlib.AbstractContextManager[Path]:
    """Return the project's one lock (see :func:`build_lock`) for ``command``.

    Parameters
    ----------
    paths : ProjectPaths
        The project (the lock lives in ``paths.reports``).
    command : str
        ``ingest``, ``analyse``, ``build`` or ``site``.
    wait : bool
        Queue behind a running command instead of failing.
    on_wait : callable, optional
        Called once with a message when waiting starts.

    Returns
    -------
    contextlib.AbstractContextManager
        Enter it to hold the lock.
    """
    return build_lock(paths.reports, wait=wait, command=command, on_wait=on_wait)
