"""The report's PNG encoding: opaque figures as RGB, pixels as matplotlib draws them."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from analysis.report.png import COMPRESS_LEVEL, figure_png

matplotlib.use("Agg")


def _chart(facecolor: str = "white") -> Figure:
    fig = Figure(figsize=(3, 2), facecolor=facecolor)
    ax = fig.add_subplot()
    ax.plot([2019, 2020, 2021, 2022], [31.0, 28.5, 30.2, 26.1], marker="o")
    ax.set_title("PM2.5 annual mean")
    return fig


def _matplotlib_png(fig: Figure, *, trim: bool) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight" if trim else None)
    return buf.getvalue()


def test_an_opaque_figure_is_rgb_with_the_pixels_matplotlib_draws() -> None:
    for trim in (True, False):
        ours = Image.open(io.BytesIO(figure_png(_chart(), dpi=100, trim=trim)))
        theirs = Image.open(io.BytesIO(_matplotlib_png(_chart(), trim=trim)))
        assert ours.mode == "RGB"
        assert theirs.mode == "RGBA"
        assert ours.size == theirs.size
        assert np.array_equal(np.asarray(ours.convert("RGBA")), np.asarray(theirs))
        assert ours.info["dpi"] == theirs.info["dpi"]
        assert ours.text["Software"].startswith("Matplotlib")


def test_an_opaque_figure_is_smaller_than_matplotlibs_png() -> None:
    assert COMPRESS_LEVEL == 3
    assert len(figure_png(_chart(), dpi=100)) < len(_matplotlib_png(_chart(), trim=True))


def test_a_transparent_figure_keeps_its_alpha_channel() -> None:
    fig = _chart(facecolor="none")
    fig.axes[0].set_facecolor("none")
    ours = Image.open(io.BytesIO(figure_png(fig, dpi=100, trim=False)))
    assert ours.mode == "RGBA"
    assert np.asarray(ours)[..., 3].min() < 255
