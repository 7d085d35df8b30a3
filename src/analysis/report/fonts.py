"""Embedded Sarabun web fonts (``@font-face`` with base64 ``data:`` URIs).

Pages must open offline and make no network request, so the Sarabun Regular and
Bold faces from ``fontpkg-sarabun`` are subset to Thai, Latin and common punctuation
with fontTools, saved as WOFF (zlib) and inlined in the page's CSS.
"""

from __future__ import annotations

import base64
import functools
import io

from fontTools import subset

from analysis.style import sarabun_files

__all__ = ["UNICODE_RANGES", "font_face_css"]

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


def _subset_woff(path: str) -> bytes:
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # keep Thai mark positioning (mark, mkmk, ccmp)
    options.name_IDs = ["*"]
    options.notdef_outline = True
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
        data = base64.b64encode(_subset_woff(str(faces[style]))).decode("ascii")
        rules.append(
            "@font-face{font-family:'Sarabun';font-style:normal;"
            f"font-weight:{weight};font-display:block;"
            f"src:url(data:font/woff;base64,{data}) format('woff');}}"
        )
    return "\n".join(rules)
