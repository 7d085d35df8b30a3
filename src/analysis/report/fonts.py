"""Embedded Sarabun web fonts (``@font-face`` with base64 ``data:`` URIs).

Pages must open offline and make no network request, so the Sarabun Regular and
Bold faces from ``fontpkg-sarabun`` are subset to Thai, Latin and common punctuation
with fontTools, saved as WOFF (zlib) and inlined in the page's CSS.

Subsetting both faces took about 1 s, paid by every build worker process. The subsets
are kept in a cache folder (``$ECOPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/ecoplan``,
else ``~/.cache/ecoplan``), as matplotlib keeps its font list: the file name holds a
hash of the font file, the code points, the subsetting options and the fontTools
version, so a change to any of them makes a new subset. A damaged or truncated cache
file is ignored and replaced; an unwritable cache folder only costs the time.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import logging
import os
from pathlib import Path

import fontTools

from analysis.store.atomic import atomic_write_bytes
from analysis.style import sarabun_files

__all__ = ["UNICODE_RANGES", "cache_dir", "font_face_css"]

#: Code points kept in the subset: Basic Latin, Latin-1, Thai, general punctuation,
#: superscripts, currency, letterlike symbols, arrows, math operators, geometric shapes.
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x0E00, 0x0E7F),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x20A0, 0x20BF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x25A0, 0x25FF),
)


_log = logging.getLogger(__name__)

#: The fontTools subsetting options (also part of the cache key).
_OPTIONS: dict[str, object] = {
    "flavor": "woff",
    "layout_features": ["*"],  # keep Thai mark positioning (mark, mkmk, ccmp)
    "name_IDs": ["*"],
    "notdef_outline": True,
}


def cache_dir() -> Path:
    """Return the folder of the cached font subsets (it may not exist yet).

    Returns
    -------
    pathlib.Path
        ``$ECOPLAN_CACHE_DIR/fonts``, else ``$XDG_CACHE_HOME/ecoplan/fonts``, else
        ``~/.cache/ecoplan/fonts``.
    """
    explicit = os.environ.get("ECOPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecoplan" / "fonts"


def _subset_key(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr((UNICODE_RANGES, sorted(_OPTIONS.items()))).encode())
    digest.update(fontTools.version.encode())
    return digest.hexdigest()[:24]


def _is_whole_woff(data: bytes) -> bool:
    """Return whether ``data`` is a whole WOFF file (magic, and its stated length)."""
    return len(data) > 44 and data[:4] == b"wOFF" and int.from_bytes(data[8:12], "big") == len(data)


def _cached_subset(path: Path) -> bytes:
    """Return the subset of one face from the cache, making and storing it if needed."""
    target = cache_dir() / f"{path.stem}-{_subset_key(path)}.woff"
    try:
        data = target.read_bytes()
    except OSError:
        data = b""
    if _is_whole_woff(data):
        return data
    data = _subset_woff(str(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)  # concurrent workers each write a whole file
    except OSError as exc:
        _log.debug("font subset cache %s not written: %s", target.parent, exc)
    return data


def _subset_woff(path: str) -> bytes:
    # only on a cache miss: the subsetter takes about 0.1 s to import
    from fontTools import subset  # noqa: PLC0415

    options = subset.Options()
    for name, value in _OPTIONS.items():
        setattr(options, name, value)
    font = subset.load_font(path, options)
    subsetter = subset.Subsetter(options)
    unicodes = [cp for lo, hi in UNICODE_RANGES for cp in range(lo, hi + 1)]
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    return buf.getvalue()


@functools.cache
def font_face_css() -> str:
    """Return ``@font-face`` rules for Sarabun 400 and 700 with inlined WOFF data.

    Returns
    -------
    str
        CSS text (about 150 kB); computed once per process.
    """
    faces = {p.stem.split("-")[1]: p for p in sarabun_files()}
    rules = []
    for style, weight in (("Regular", 400), ("Bold", 700)):
        data = base64.b64encode(_cached_subset(faces[style])).decode("ascii")
        rules.append(
            "@font-face{font-family:'Sarabun';font-style:normal;"
            f"font-weight:{weight};font-display:block;"
            f"src:url(data:font/woff;base64,{data}) format('woff');}}"
        )
    return "\n".join(rules)
