"""Where a build came from: code version, dependency lock and build time.

Reports carry a footer naming the code and the locked dependencies they were built with,
so a reader can tell two builds apart and a researcher can rebuild the same report.
Nothing here raises: every value falls back to ``"unknown"`` when it cannot be found
(an installed wheel has no ``.git`` and no ``requirements/lock.txt``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import platform
import shutil
import subprocess
from pathlib import Path

from analysis import __version__

__all__ = ["UNKNOWN", "build_info", "code_version", "git_short_hash", "lock_hash"]

UNKNOWN = "unknown"

#: The footer labels, per language (the report helper may use its own i18n keys instead).
_LABELS: dict[str, dict[str, str]] = {
    "en": {"code": "code", "lock": "dependency lock", "built": "built", "python": "Python"},
    "th": {"code": "รหัสโปรแกรม", "lock": "ชุดไลบรารี", "built": "สร้างเมื่อ", "python": "Python"},
}


def _source_root() -> Path:
    """Return the checkout this module lives in (``src/analysis/provenance.py`` -> root)."""
    return Path(__file__).resolve().parents[2]


def git_short_hash(root: Path | None = None) -> str:
    """Return the short hash of ``HEAD`` of the checkout at ``root``, or ``"unknown"``.

    A ``+dirty`` suffix marks uncommitted changes to tracked files.

    Parameters
    ----------
    root : pathlib.Path, optional
        Repository root; default is the checkout this package is installed from.

    Returns
    -------
    str
        For example ``"3f2c1ab"`` or ``"3f2c1ab+dirty"``; ``"unknown"`` without git or ``.git``.
    """
    root = root or _source_root()
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return UNKNOWN
    try:
        head = subprocess.run(
            [git, "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    if not head:
        return UNKNOWN
    return f"{head}+dirty" if dirty else head


def code_version(root: Path | None = None) -> str:
    """Return the package version and, in a git checkout, the commit.

    Parameters
    ----------
    root : pathlib.Path, optional
        Repository root; default is the checkout this package is installed from.

    Returns
    -------
    str
        ``"0.1.0+g3f2c1ab"`` in a checkout, ``"0.1.0"`` without git, ``"unknown"`` if
        the package version itself is unknown.
    """
    version = __version__ if "unknown" not in __version__ else UNKNOWN
    commit = git_short_hash(root)
    if version == UNKNOWN:
        return UNKNOWN if commit == UNKNOWN else f"{UNKNOWN}+g{commit}"
    return version if commit == UNKNOWN else f"{version}+g{commit}"


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
        The lock file; default ``requirements/lock.txt`` of the source checkout.

    Returns
    -------
    str
        12 hex digits, or ``"unknown"`` when the file is absent or unreadable.
    """
    path = lock_file or _source_root() / "requirements" / "lock.txt"
    try:
        stat = path.stat()
        return _hash_file(path.resolve(), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return UNKNOWN


def build_info(lang: str = "th", *, now: dt.datetime | None = None) -> dict[str, str]:
    """Return what a report footer says about its build.

    Parameters
    ----------
    lang : {"th", "en"}, default "th"
        Language of the ``text`` entry; dates are shown in Buddhist Era for Thai.
    now : datetime.datetime, optional
        Build time (UTC); default ``$SOURCE_DATE_EPOCH`` if set (reproducible builds), else
        the current time.

    Returns
    -------
    dict of str to str
        ``code_version``, ``lock_hash``, ``python``, ``built_at`` (ISO 8601, UTC),
        ``built_date`` (day shown in ``lang``) and ``text``, one line for the footer.

    Raises
    ------
    ValueError
        If ``lang`` is not ``"th"`` or ``"en"``.

    Examples
    --------
    >>> import datetime as dt
    >>> info = build_info("th", now=dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    >>> info["built_date"]
    '26/11/2569'
    >>> sorted(info)
    ['built_at', 'built_date', 'code_version', 'lock_hash', 'python', 'text']
    """
    if lang not in _LABELS:
        msg = f"unknown lang {lang!r}: expected one of {sorted(_LABELS)}"
        raise ValueError(msg)
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    year = when.year + 543 if lang == "th" else when.year
    built_date = (
        f"{when.day:02d}/{when.month:02d}/{year}" if lang == "th" else when.date().isoformat()
    )
    labels = _LABELS[lang]
    info = {
        "code_version": code_version(),
        "lock_hash": lock_hash(),
        "python": platform.python_version(),
        "built_at": when.isoformat(timespec="seconds"),
        "built_date": built_date,
    }
    info["text"] = (
        f"ecoplan {labels['code']} {info['code_version']} · {labels['lock']} {info['lock_hash']} · "
        f"{labels['python']} {info['python']} · {labels['built']} {built_date}"
    )
    return info
