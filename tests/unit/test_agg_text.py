"""The shaping-cache canvas draws and measures exactly as matplotlib's Agg canvas does."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.registry import backend_registry
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
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


def _pixels(fig: Figure, canvas_class: type[FigureCanvasAgg], dpi: float = 110) -> np.ndarray:
    canvas = canvas_class(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("lang", [None, "th", "en"])
@pytest.mark.parametrize("dpi", [72, 110, 130])
def test_the_canvas_draws_the_same_pixels_as_matplotlibs_cold_and_warm(lang, dpi) -> None:
    agg_text._shaped.cache_clear()
    agg_text._measured.cache_clear()
    stock = _pixels(_figure(lang), FigureCanvasAgg, dpi)
    cold = _pixels(_figure(lang), agg_text.ShapedTextCanvasAgg, dpi)
    warm = _pixels(_figure(lang), agg_text.ShapedTextCanvasAgg, dpi)
    assert agg_text._shaped.cache_info().hits > 0  # the warm draw shaped from the cache
    assert stock.shape == cold.shape == warm.shape
    np.testing.assert_array_equal(cold, stock)
    np.testing.assert_array_equal(warm, stock)


def test_the_cache_keeps_sizes_and_resolutions_apart() -> None:
    agg_text._shaped.cache_clear()
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
