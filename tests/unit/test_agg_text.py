"""The shaping-cache canvas draws and measures exactly as matplotlib's Agg canvas does."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.backends.registry import backend_registry
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.ft2font import RenderMode
from matplotlib.text import Text
from PIL import Image

from analysis.report import agg_text
from analysis.report.png import figure_png
from analysis.style import use_report_style

#: Thai with marks above and below the letters, Latin, digits, symbols outside Thai.
TEXTS = (
    "ผลการดำเนินงานที่มีน้ำใจ",
    "ปริมาณขยะมูลฝอยที่เก็บขนได้ (ตัน/วัน)",
    "ฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน",
    "PM2.5 µg/m³ ≤ 37.5",
    "Observed values",
    "2565",
    "พ.ศ. 2560–2580",
    "two\nlines ขึ้นบรรทัด",
    "",
)


def _figure(lang: str | None = None) -> Figure:
    """A figure with texts of several sizes, weights, angles, alignments and a legend."""
    use_report_style()
    fig = Figure(figsize=(4.2, 3.1))
    ax = fig.subplots()
    ax.plot([2560, 2565, 2570, 2575], [3.1, 2.4, 4.8, 1.2], marker="o", label=TEXTS[0])
    ax.axhline(2.0, color="red", label=TEXTS[3])
    ax.set_title(TEXTS[1], fontsize=10, weight="bold")
    ax.set_xlabel(TEXTS[6])
    ax.set_ylabel(TEXTS[2], fontsize=7.5)
    for n, (s, angle) in enumerate(zip(TEXTS, (0, 15, 30, 45, 90, 0, -20, 0, 0), strict=True)):
        t = ax.text(
            2561 + n * 1.5,
            1.5 + (n % 4),
            s,
            rotation=angle,
            fontsize=6 + n,
            ha=("left", "center", "right")[n % 3],
            va=("baseline", "center", "top")[n % 3],
        )
        if lang is not None:
            t.set_language(lang)
    ax.legend(loc="upper right", fontsize=7, title=TEXTS[5])
    fig.text(0.01, 0.01, r"$\sigma = 1.2$ and plain", fontsize=7)  # math text beside plain
    return fig


def _clear_caches() -> None:
    for cache in (agg_text._shaped, agg_text._measured, agg_text._glyph, agg_text._height_metrics):
        cache.cache_clear()


def _pixels(fig: Figure, canvas_class: type[FigureCanvasAgg], dpi: float = 110) -> np.ndarray:
    canvas = canvas_class(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("lang", [None, "th", "en"])
@pytest.mark.parametrize("dpi", [72, 110, 130])
def test_the_canvas_draws_the_same_pixels_as_matplotlibs_cold_and_warm(lang, dpi) -> None:
    _clear_caches()
    stock = _pixels(_figure(lang), FigureCanvasAgg, dpi)
    cold = _pixels(_figure(lang), agg_text.ShapedTextCanvasAgg, dpi)
    warm = _pixels(_figure(lang), agg_text.ShapedTextCanvasAgg, dpi)
    assert agg_text._shaped.cache_info().hits > 0  # the warm draw shaped from the cache
    assert agg_text._glyph.cache_info().hits > 0  # and drew glyphs from the cache
    assert stock.shape == cold.shape == warm.shape
    np.testing.assert_array_equal(cold, stock)
    np.testing.assert_array_equal(warm, stock)


def test_the_cache_keeps_sizes_and_resolutions_apart() -> None:
    _clear_caches()
    for dpi in (72, 130, 72):  # the same strings at two resolutions, from one cache
        np.testing.assert_array_equal(
            _pixels(_figure(), agg_text.ShapedTextCanvasAgg, dpi),
            _pixels(_figure(), FigureCanvasAgg, dpi),
        )


def test_a_seaborn_heatmap_with_thai_annotations_is_drawn_the_same() -> None:
    def heatmap() -> Figure:
        use_report_style()
        fig = Figure(figsize=(4, 2.5))
        ax = fig.subplots()
        data = np.arange(12, dtype=float).reshape(3, 4)
        sns.heatmap(data, annot=True, fmt=".1f", ax=ax, cbar=True)
        ax.set_yticklabels(["อากาศ", "น้ำ", "ขยะ"], rotation=0)
        ax.set_xticklabels(["2560", "2561", "2562", "2563"], rotation=45)
        return fig

    np.testing.assert_array_equal(
        _pixels(heatmap(), agg_text.ShapedTextCanvasAgg), _pixels(heatmap(), FigureCanvasAgg)
    )


@pytest.mark.parametrize("trim", [True, False])
def test_figure_png_decodes_to_the_pixels_of_a_plain_savefig(trim) -> None:
    fig = _figure("th")
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight" if trim else None)
    stock = np.asarray(Image.open(buf).convert("RGB"))
    ours = np.asarray(Image.open(io.BytesIO(figure_png(_figure("th"), dpi=130, trim=trim))))
    np.testing.assert_array_equal(ours, stock)


def test_figure_png_keeps_the_figures_own_canvas() -> None:
    fig = _figure()
    canvas = FigureCanvasAgg(fig)
    figure_png(fig, dpi=72)
    assert fig.canvas is canvas


@pytest.mark.parametrize("size", [6.5, 8.5, 11.0])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_text_is_measured_as_matplotlib_measures_it(size, weight) -> None:
    use_report_style()
    prop = FontProperties(size=size, weight=weight)
    for dpi in (72, 130):
        stock = RendererAgg(200, 100, dpi)
        ours = agg_text.ShapedTextRendererAgg(200, 100, dpi)
        for s in (t for t in TEXTS if "\n" not in t):  # Text measures line by line
            assert ours.get_text_width_height_descent(s, prop, False) == (
                stock.get_text_width_height_descent(s, prop, False)
            ), (s, dpi)
        math = r"$x^2$"
        assert ours.get_text_width_height_descent(math, prop, True) == (
            stock.get_text_width_height_descent(math, prop, True)
        )


def test_the_canvas_is_a_loadable_matplotlib_backend() -> None:
    module = backend_registry.load_backend_module(agg_text.BACKEND)
    assert module.FigureCanvas is agg_text.ShapedTextCanvasAgg


def _report_fonts() -> list:
    """The fonts the reports draw with: Sarabun (regular, bold) and the fallback DejaVu."""
    use_report_style()
    props = [FontProperties(family="Sarabun", weight=w) for w in ("normal", "bold")]
    props.append(FontProperties(family="DejaVu Sans"))
    return [get_font(fontManager._find_fonts_by_props(p)) for p in props]


@pytest.mark.parametrize(
    ("size", "dpi", "angle"), [(8.0, 110.0, 0), (10.5, 130.0, 90), (7.0, 72.0, 30)]
)
def test_a_glyph_moved_by_whole_pixels_is_the_same_bitmap_moved(size, dpi, angle) -> None:
    """What the glyph cache rests on, for every glyph of the report fonts.

    A glyph rendered at a whole-pixel offset plus a fraction is the bitmap rendered at
    the fraction alone, with ``left`` and ``top`` moved by the whole pixels. Empty
    bitmaps (spaces) draw nothing, so their position does not matter.
    """
    rng = np.random.default_rng(7)
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
    flags = get_hinting_flag()
    for font in _report_fonts():
        n = font.num_glyphs if "Sarabun" in font.fname else 600
        for glyph in range(n):
            fx, fy = (int(v) for v in rng.integers(0, 64, 2))
            wx, wy = (int(v) for v in rng.integers(-4000, 4000, 2))
            font.set_size(size, dpi)
            font._set_transform(matrix, [fx, fy])
            at_fraction = font._render_glyph(glyph, flags, RenderMode.NORMAL)
            buffer, left, top = at_fraction.buffer.copy(), at_fraction.left, at_fraction.top
            font.set_size(size, dpi)
            font._set_transform(matrix, [fx + 64 * wx, fy + 64 * wy])
            moved = font._render_glyph(glyph, flags, RenderMode.NORMAL)
            if buffer.size == 0:
                assert moved.buffer.size == 0
                continue
            np.testing.assert_array_equal(moved.buffer, buffer)
            assert (moved.left, moved.top) == (left + wx, top + wy), (font.fname, glyph)


def test_drawing_leaves_the_cached_bitmaps_unchanged() -> None:
    _clear_caches()
    _pixels(_figure("th"), agg_text.ShapedTextCanvasAgg)
    cached = {}
    for font in _report_fonts()[:1]:
        for glyph in range(1, 60):
            key = (font, 9.0, 110.0, glyph, get_hinting_flag(), ((65536, 0), (0, 65536)), 5, 9)
            buffer, *_ = agg_text._glyph(*key)
            cached[key] = buffer.copy()
    _pixels(_figure("th"), agg_text.ShapedTextCanvasAgg)
    for key, before in cached.items():
        np.testing.assert_array_equal(agg_text._glyph(*key)[0], before)


def test_text_without_antialiasing_is_drawn_by_matplotlib() -> None:
    def fig() -> Figure:
        f = _figure("th")
        for text in f.findobj(Text):
            text.set_antialiased(False)
        return f

    np.testing.assert_array_equal(
        _pixels(fig(), agg_text.ShapedTextCanvasAgg), _pixels(fig(), FigureCanvasAgg)
    )


def _plain(value):
    """A text layout with its bounding boxes as plain numbers (a Bbox has no ``==``)."""
    if hasattr(value, "get_points"):
        return tuple(value.get_points().ravel().tolist())
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("dpi", [72, 110, 130])
def test_line_heights_are_matplotlibs(dpi) -> None:
    """The renderer's height metrics give every text the layout matplotlib gives it."""
    fig = _figure("th")
    fig.set_dpi(dpi)
    ours = agg_text.ShapedTextRendererAgg(400, 300, dpi)
    stock = RendererAgg(400, 300, dpi)
    for text in fig.findobj(Text):
        if not text.get_text():
            continue
        assert _plain(text._get_layout(ours)) == _plain(text._get_layout(stock)), text.get_text()
    for weight in ("normal", "bold"):
        prop = FontProperties(family="Sarabun", size=9.5, weight=weight)
        ascent, descent, gap = ours._get_font_height_metrics(prop)
        assert ascent > 0 and descent > 0 and gap >= 0


@pytest.mark.parametrize("lang", ["th", "en"])
def test_tight_layout_lays_out_as_matplotlib_and_gives_the_canvas_back(lang: str) -> None:
    """The same subplot parameters (and so the same image) as ``Figure.tight_layout``."""
    import matplotlib.pyplot as plt  # noqa: PLC0415 - the notebooks' pyplot figures

    use_report_style()
    params = []
    for layout in (lambda f: f.tight_layout(), agg_text.tight_layout):
        _clear_caches()
        fig, ax = plt.subplots(figsize=(4.2, 2.6), dpi=110)
        labels = TEXTS if lang == "th" else [f"Indicator {n} (tonnes/day)" for n in range(9)]
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("ปี พ.ศ." if lang == "th" else "Year (B.E.)")
        ax.set_title(TEXTS[0], fontsize=13)
        canvas = fig.canvas
        layout(fig)
        assert fig.canvas is canvas
        sp = fig.subplotpars
        params.append((sp.left, sp.right, sp.bottom, sp.top, sp.wspace, sp.hspace))
        plt.close(fig)
    assert params[0] == params[1]
    # a figure already on the shaping canvas keeps it
    fig = Figure(figsize=(3, 2))
    canvas = agg_text.ShapedTextCanvasAgg(fig)
    fig.add_subplot().set_title(TEXTS[0])
    agg_text.tight_layout(fig)
    assert fig.canvas is canvas
