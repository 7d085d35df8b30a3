"""What every reader of ``data/raw`` does to a file before reading it.

The indicator ingest (:mod:`analysis.ingest.pipeline`), the measures registers
(:mod:`analysis.ingest.measures`) and the PCD workbooks (:mod:`analysis.ingest.pcd`) name
each file relative to the raw folder in their messages, refuse symbolic links that lead
out of it, and name spreadsheet columns by their Excel letters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

__all__ = ["RawFile", "col_letter", "outside_raw", "raw_files", "raw_label"]


def raw_label(path: Path, raw_root: Path | None) -> str:
    """Return how messages and ``src_file`` name a raw file.

    Parameters
    ----------
    path : pathlib.Path
        The file (a symbolic link keeps its own name).
    raw_root : pathlib.Path or None
        The raw folder (``data/raw``); ``None`` names the file by its name alone.

    Returns
    -------
    str
        The POSIX path relative to ``raw_root`` (tried as given, then with links resolved),
        else the file name.

    Examples
    --------
    >>> raw_label(Path("/data/raw/indicators/a.csv"), Path("/data/raw"))
    'indicators/a.csv'
    >>> raw_label(Path("/elsewhere/a.csv"), Path("/data/raw"))
    'a.csv'
    """
    if raw_root is not None:
        try:
            return path.absolute().relative_to(raw_root.absolute()).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(raw_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def outside_raw(path: Path, raw_root: Path | None) -> str | None:
    """Return why a symbolic link is refused (it leads out of ``raw_root``), else ``None``.

    Parameters
    ----------
    path : pathlib.Path
        The file as listed.
    raw_root : pathlib.Path or None
        The raw folder; ``None`` refuses nothing.

    Returns
    -------
    str or None
        The reason, for the rejections report; ``None`` when the file may be read.
    """
    if raw_root is None or not path.is_symlink():
        return None
    target = path.resolve()
    try:
        target.relative_to(raw_root.resolve())
    except ValueError:
        return (
            f"refused: a symbolic link to {target}, outside the raw folder {raw_root}; raw "
            "files must be inside it (and listed in data/raw/MANIFEST): copy the file in "
            "instead of linking it"
        )
    return None


class RawFile(NamedTuple):
    """One raw file as the readers' file loops see it.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    label : str
        Its :func:`raw_label`.
    refused : str or None
        Why it must not be read (:func:`outside_raw`); ``None`` to read it.
    """

    path: Path
    label: str
    refused: str | None


def raw_files(files: Iterable[Path], raw_root: Path | None) -> Iterator[RawFile]:
    """Label each file and say whether it may be read: the start of every file loop.

    Parameters
    ----------
    files : iterable of pathlib.Path
        The files to read, in order.
    raw_root : pathlib.Path or None
        The raw folder (labels are relative to it; links out of it are refused).

    Yields
    ------
    RawFile
        One per file, in the order given.
    """
    for path in files:
        yield RawFile(path, raw_label(path, raw_root), outside_raw(path, raw_root))


def col_letter(index: int) -> str:
    """Return the Excel column letters of a 0-based column index.

    Parameters
    ----------
    index : int
        Column index, 0 for the first column.

    Returns
    -------
    str
        ``A`` .. ``Z``, ``AA`` ...

    Examples
    --------
    >>> col_letter(0), col_letter(25), col_letter(26), col_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
