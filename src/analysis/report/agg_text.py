"""An Agg canvas that shapes each distinct text once per process, for the report's PNGs.

matplotlib 3.11 shapes every string it draws with libraqm (HarfBuzz) on every draw, and
shaping is most of what drawing a label costs: 80 µs for "2565" and 370 µs for a
19-letter Thai label (measured 2026-12-03). A report page draws the same strings again
and again (year ticks, legend entries, phase labels, units), so :class:`ShapedTextRendererAgg`
keeps the shaped glyph run of each (font, size, resolution, string, hinting, font
features, language) and draws the glyphs from it, and keeps each string's measured
extent the same way (matplotlib's own metrics cache lasts one renderer, that is one
figure). The glyphs, their positions and the drawing are matplotlib's own, so the image
is the same pixel for pixel
(``tests/unit/test_agg_text.py`` compares it with matplotlib's renderer).

Math text and TeX are drawn by matplotlib's renderer unchanged. A figure uses this
canvas when :func:`analysis.report.png.figure_png` saves it (through ``savefig``'s
``backend``) or when it was made with one (the pooled panels,
:mod:`analysis.report.panelpool`).
"""

from __future__ import annotations

import functools
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

__all__ = ["BACKEND", "FigureCanvas", "ShapedTextCanvasAgg", "ShapedTextRendererAgg"]

#: This module as a matplotlib backend name (``savefig(..., backend=BACKEND)``).
BACKEND = f"module://{__name__}"

#: Shaped runs kept per process (a page set draws a few thousand distinct strings).
CACHE_SIZE = 8192


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
        self._draw_text_glyphs_and_boxes(
            gc,
            x,
            y,
            angle,
            ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items),
            [],
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


#: The backend's canvas (matplotlib loads a backend module's ``FigureCanvas``).
FigureCanvas = ShapedTextCanvasAgg
