"""An Agg canvas that shapes and renders each distinct text once per process (report PNGs).

matplotlib 3.11 shapes every string it draws with libraqm (HarfBuzz) on every draw, and
shaping is most of what drawing a label costs: 80 µs for "2565" and 370 µs for a
19-letter Thai label (measured 2026-12-03). A report page draws the same strings again
and again (year ticks, legend entries, phase labels, units), so :class:`ShapedTextRendererAgg`
keeps the shaped glyph run of each (font, size, resolution, string, hinting, font
features, language) and draws the glyphs from it, and keeps each string's measured
extent the same way (matplotlib's own metrics cache lasts one renderer, that is one
figure). It also keeps each rendered glyph bitmap, keyed on the glyph, size, resolution,
rotation and the glyph's position as a fraction of a pixel (FreeType draws a glyph moved
by whole pixels as the same bitmap, moved; see :func:`_glyph`), and each font's line
height metrics, which matplotlib's text layout otherwise reads from the font's tables
for every text. Positions, rotation and blending are matplotlib's own expressions and
calls, so the image is the same pixel for pixel (``tests/unit/test_agg_text.py``
compares it with matplotlib's renderer).

Math text and TeX are drawn by matplotlib's renderer unchanged. A figure uses this
canvas when :func:`analysis.report.png.figure_png` saves it (through ``savefig``'s
``backend``), when it was made with one (the pooled panels,
:mod:`analysis.report.panelpool`) or while :func:`tight_layout` lays it out.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

from analysis.report.pngenc import encode_png

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BACKEND",
    "FigureCanvas",
    "ShapedTextCanvasAgg",
    "ShapedTextRendererAgg",
    "tight_layout",
]

#: This module as a matplotlib backend name (``savefig(..., backend=BACKEND)``).
BACKEND = f"module://{__name__}"

#: Shaped runs kept per process (a page set draws a few thousand distinct strings).
CACHE_SIZE = 8192
#: Rendered glyphs kept per process (glyph, size and position's fraction of a pixel).
GLYPH_CACHE_SIZE = 65536


@functools.lru_cache(maxsize=CACHE_SIZE)
def _shaped(
    font: Any,
    size: float,
    dpi: float,
    text: str,
    *,
    flags: Any,
    features: Any,
    language: Any,
) -> tuple[Any, ...]:
    """Return the glyph run of ``text``: ``font`` is already set to ``size`` at ``dpi``.

    ``size`` and ``dpi`` are part of the key because the run's positions are in pixels
    at the font's current size; the renderer sets that size just before calling.
    """
    return tuple(font._layout(text, flags=flags, features=features, language=language))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _measured(
    font: Any, size: float, dpi: float, text: str, flags: Any
) -> tuple[float, float, float]:
    """Return width, height and descent of ``text`` in pixels, as matplotlib measures it.

    ``font`` is already set to ``size`` at ``dpi`` (see :func:`_shaped`).
    """
    font.set_text(text, 0.0, flags=flags)
    w, h = font.get_width_height()  # of the unrotated string, in 1/64 pixels
    d = font.get_descent()
    return w / 64.0, h / 64.0, d / 64.0


@functools.lru_cache(maxsize=GLYPH_CACHE_SIZE)
def _glyph(  # noqa: PLR0917 - the whole key of a rendered glyph
    font: Any,
    size: float,
    dpi: float,
    glyph_index: int,
    flags: Any,
    matrix: tuple[tuple[int, int], tuple[int, int]],
    frac_x: int,
    frac_y: int,
) -> tuple[np.ndarray, int, int]:
    """Return a glyph's antialiased bitmap rendered ``frac_x``, ``frac_y`` 1/64 px off the grid.

    FreeType places a glyph by translating its (already hinted and transformed) outline
    by the 26.6 offset, then rasterises it over the pixel grid that the outline's bounding
    box rounds out to. Moving the outline by whole pixels moves that box and the grid
    with it, so the bitmap is the same and only its ``left`` and ``top`` change by the
    whole pixels; the caller adds them. ``tests/unit/test_agg_text.py`` checks this for
    every glyph of the fonts the reports use (empty bitmaps, which draw nothing, aside).

    Returns
    -------
    (numpy.ndarray, int, int)
        The coverage bitmap (``draw_text_image`` reads it, never writes) and its left and top at a whole-pixel offset of 0.
    """
    font.set_size(size, dpi)
    font._set_transform(np.array(matrix), [frac_x, frac_y])
    bitmap = font._render_glyph(glyph_index, flags, RenderMode.NORMAL)
    return bitmap.buffer, bitmap.left, bitmap.top


#: The font tables a text's line height comes from, in the order matplotlib reads them
#: (``Text._get_layout``): (table, line gap, ascender, descender).
_HEIGHT_TABLES = (
    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
    ("hhea", "lineGap", "ascent", "descent"),
)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _height_metrics(
    font: Any, size: float, dpi: float
) -> tuple[float, float, float] | tuple[None, None, None]:
    """Return a font's ascent, descent and line gap in pixels, as ``Text._get_layout`` does.

    Returns
    -------
    (float, float, float) or (None, None, None)
        From the first of the font's OS/2 and hhea tables it has; ``None`` (matplotlib
        then measures the text) when it has neither.
    """
    for table_name, linegap_key, ascent_key, descent_key in _HEIGHT_TABLES:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * size * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale
    return None, None, None


def _hashable(value: Any) -> Any:
    """Return ``value`` as a hashable key (lists of language ranges become tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


class ShapedTextRendererAgg(RendererAgg):
    """matplotlib's Agg renderer, with each distinct text shaped once per process."""

    def draw_text(  # noqa: PLR0917 - matplotlib's renderer signature
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: bool | str = False,
        mtext: Any = None,
    ) -> None:
        """Draw ``s`` as :meth:`RendererAgg.draw_text` does, shaping it from the cache.

        Parameters
        ----------
        gc : GraphicsContextBase
            Colour, alpha, clipping.
        x, y : float
            Position of the text's origin, in display pixels (y downwards).
        s : str
            The text.
        prop : matplotlib.font_manager.FontProperties
            Font.
        angle : float
            Rotation in degrees.
        ismath : bool or "TeX", default False
            Math text, drawn by matplotlib's renderer unchanged.
        mtext : matplotlib.text.Text, optional
            The artist (its font features and language).
        """
        if ismath:
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        font = self._prepare_font(prop)
        size = prop.get_size_in_points()
        items = _shaped(
            font,
            size,
            self.dpi,
            s,
            flags=get_hinting_flag(),
            features=_hashable(features),
            language=_hashable(language),
        )
        if not gc.get_antialiased():
            self._draw_text_glyphs_and_boxes(
                gc,
                x,
                y,
                angle,
                ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items),
                [],
            )
            return
        self._draw_glyph_run(gc, x, y, angle, size, items)

    def _draw_glyph_run(  # noqa: PLR0917 - mirrors _draw_text_glyphs_and_boxes
        self, gc: Any, x: float, y: float, angle: float, size: float, items: tuple[Any, ...]
    ) -> None:
        """Draw a shaped run as :meth:`RendererAgg._draw_text_glyphs_and_boxes` does.

        The glyph positions (in 1/64 pixel) and the rotation matrix are computed with
        matplotlib's own expressions; each glyph's bitmap comes from :func:`_glyph`, which
        renders it at the position's fraction of a pixel and shifts it by the whole pixels.
        """
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        matrix = tuple(
            map(
                tuple,
                (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[1, 0], [0, 1]])
                .round()
                .astype(int)
                .tolist(),
            )
        )
        flags = get_hinting_flag()
        dpi = self.dpi
        height = self.height
        draw = self._renderer.draw_text_image
        for item in items:  # item.y is upwards, the renderer's y downwards
            dx, dy = item.x, item.y
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards
            buffer, left, top = _glyph(
                item.ft_object, size, dpi, item.glyph_index, flags, matrix, px & 63, py & 63
            )
            if buffer.size:
                # draw_text_image's y is downwards and at the bitmap's bottom side.
                draw(
                    buffer,
                    left + (px >> 6),
                    int(height) - (top + (py >> 6)) + buffer.shape[0],
                    0,
                    gc,
                )

    def get_text_width_height_descent(
        self, s: str, prop: Any, ismath: bool | str
    ) -> tuple[float, float, float]:
        """Measure ``s`` as :class:`RendererAgg` does, each distinct text once per process.

        Parameters
        ----------
        s : str
            The text.
        prop : matplotlib.font_manager.FontProperties
            Font.
        ismath : bool or "TeX"
            Math text and TeX, measured by matplotlib's renderer unchanged.

        Returns
        -------
        (float, float, float)
            Width, height and descent in display pixels.
        """
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        font = self._prepare_font(prop)
        return _measured(font, prop.get_size_in_points(), self.dpi, s, get_hinting_flag())

    def _get_font_height_metrics(
        self, prop: Any
    ) -> tuple[float, float, float] | tuple[None, None, None]:
        """Return the ascent, descent and line gap ``Text._get_layout`` reads for ``prop``.

        matplotlib's text layout asks the renderer for these first (the hook its PDF and
        PS renderers use) and otherwise reads two font tables for every text it lays
        out; here they are read once per font, size and resolution. The font is found
        as matplotlib finds it. The resolution is the renderer's, which is the figure's:
        the canvas makes a new renderer whenever the figure's dpi changes.

        Parameters
        ----------
        prop : matplotlib.font_manager.FontProperties
            Font.

        Returns
        -------
        (float, float, float) or (None, None, None)
            In display pixels; ``None`` when the font has neither an OS/2 nor an hhea
            table (matplotlib then measures the text).
        """
        font = get_font(fontManager._find_fonts_by_props(prop))
        return _height_metrics(font, prop.get_size_in_points(), self.dpi)


class ShapedTextCanvasAgg(FigureCanvasAgg):
    """An Agg canvas drawing with :class:`ShapedTextRendererAgg`."""

    def get_renderer(self) -> ShapedTextRendererAgg:
        """Return the canvas's renderer, a new one when the size or resolution changed.

        Returns
        -------
        ShapedTextRendererAgg
            The renderer (reused while width, height and dpi stay the same, as in
            :meth:`FigureCanvasAgg.get_renderer`).
        """
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = ShapedTextRendererAgg(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def print_report_png(
        self,
        filename_or_obj: Any,
        *,
        metadata: Mapping[str, str | None] | None = None,
        **_kwargs: Any,
    ) -> None:
        """Draw the figure and write it as a report PNG (:mod:`analysis.report.pngenc`).

        ``savefig(..., format="report_png")`` calls this, as it calls ``print_png`` for
        ``"png"``: cropping, resolution and colours are savefig's.

        Parameters
        ----------
        filename_or_obj : str, path or binary file
            Where to write.
        metadata : mapping of str to str, optional
            Text chunks, after matplotlib's ``Software``, as in ``print_png``.
        **_kwargs
            What ``savefig`` passes every print method (resolution, colours,
            orientation), already applied to the figure.
        """
        FigureCanvasAgg.draw(self)
        text = {
            "Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/",
            **(metadata or {}),
        }
        rgba = np.asarray(self.buffer_rgba())
        with cbook.open_file_cm(filename_or_obj, "wb") as fp:
            encode_png(fp, rgba, dpi=self.figure.dpi, metadata=text)


def tight_layout(fig: Figure, **kwargs: Any) -> None:
    """Run ``fig.tight_layout(**kwargs)`` with text measured on this module's canvas.

    ``tight_layout`` measures every label with the figure's own canvas, which for a
    pyplot figure is matplotlib's Agg canvas: each string shaped again. The figure
    is switched to a :class:`ShapedTextCanvasAgg` for the layout and given its canvas
    back, as ``savefig(backend=...)`` does. The measurements are the same, so is the
    layout (``tests/unit/test_agg_text.py``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure laid out.
    **kwargs
        ``pad``, ``h_pad``, ``w_pad``, ``rect``, as for ``Figure.tight_layout``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(3, 2))
    >>> _ = fig.add_subplot().set_title("Appendix B")
    >>> canvas = fig.canvas
    >>> tight_layout(fig)
    >>> fig.canvas is canvas
    True
    """
    canvas = fig.canvas
    if isinstance(canvas, ShapedTextCanvasAgg):
        fig.tight_layout(**kwargs)
        return
    ShapedTextCanvasAgg(fig)
    try:
        fig.tight_layout(**kwargs)
    finally:
        fig.canvas = canvas


#: The backend's canvas (matplotlib loads a backend module's ``FigureCanvas``).
FigureCanvas = ShapedTextCanvasAgg
