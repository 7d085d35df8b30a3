"""One build at a time per reports tree: an advisory ``flock`` on ``reports/.build.lock``.

The lock is released by the kernel when the process exits, even on ``kill -9``, so a
crashed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import BuildError

__all__ = ["LOCK_NAME", "build_lock"]

LOCK_NAME = ".build.lock"


@contextlib.contextmanager
def build_lock(
    reports_dir: Path, *, wait: bool = False, command: str = "build", on_wait: object = None
) -> Iterator[Path]:
    """Hold the exclusive build lock of ``reports_dir`` for the duration of the block.

    Parameters
    ----------
    reports_dir : pathlib.Path
        ``reports/``; created if missing.
    wait : bool
        Block until the lock is free instead of failing.
    command : str
        Name shown in messages (``build`` or ``site``).
    on_wait : callable, optional
        Called once with a message when waiting starts.

    Yields
    ------
    pathlib.Path
        The lock file.

    Raises
    ------
    BuildError
        If another build holds the lock and ``wait`` is false.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                msg = (
                    f"another ecoplan build or site run{holder} is writing {reports_dir}; "
                    "wait for it to finish or pass --wait to queue behind it"
                )
                raise BuildError(msg) from None
            if callable(on_wait):
                on_wait(f"waiting for another ecoplan run{holder} to release {path} ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command}\n".encode())
        yield path
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    except OSError:
        return ""
    return f" (pid {text.split()[0]})" if text else ""
