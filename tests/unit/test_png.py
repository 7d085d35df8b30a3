"""The report's PNG encoding: opaque figures as RGB, rows unfiltered, pixels as matplotlib draws them."""

from __future__ import annotations

import io
import struct
import zlib

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from analysis.report.agg_text import BACKEND
from analysis.report.png import COMPRESS_LEVEL, FORMAT, figure_png
from analysis.report.pngenc import encode_png

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


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG, checking each one's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        out.append((kind, data))
        pos += 12 + length
    return out


@pytest.mark.parametrize("opaque", [True, False])
def test_encode_png_round_trips_any_pixels(opaque: bool) -> None:
    rng = np.random.default_rng(3)
    rgba = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    if opaque:
        rgba[..., 3] = 255
    buf = io.BytesIO()
    encode_png(buf, rgba, dpi=130, metadata={"Software": "x", "Title": None})
    im = Image.open(io.BytesIO(buf.getvalue()))
    assert im.mode == ("RGB" if opaque else "RGBA")
    assert np.array_equal(np.asarray(im), rgba[..., :3] if opaque else rgba)
    assert im.info["dpi"] == pytest.approx((130, 130), abs=0.01)
    kinds = [kind for kind, _ in _chunks(buf.getvalue())]
    assert kinds == [b"IHDR", b"tEXt", b"pHYs", b"IDAT", b"IEND"]  # None values left out


def test_every_row_is_unfiltered() -> None:
    rgba = np.full((5, 4, 4), 255, dtype=np.uint8)
    rgba[2, 1] = (10, 20, 30, 255)
    buf = io.BytesIO()
    encode_png(buf, rgba, dpi=72)
    idat = b"".join(data for kind, data in _chunks(buf.getvalue()) if kind == b"IDAT")
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(5, 1 + 4 * 3)
    assert (rows[:, 0] == 0).all()
    assert rows[2, 4:7].tolist() == [10, 20, 30]


def test_non_latin_metadata_is_utf8_text() -> None:
    buf = io.BytesIO()
    encode_png(buf, np.full((1, 1, 4), 255, np.uint8), dpi=72, metadata={"Title": "อากาศ"})
    im = Image.open(io.BytesIO(buf.getvalue()))
    assert im.text["Title"] == "อากาศ"


def test_savefig_metadata_reaches_the_file() -> None:
    fig = _chart()
    buf = io.BytesIO()
    fig.savefig(buf, format=FORMAT, dpi=50, metadata={"Title": "PM2.5"}, backend=BACKEND)
    im = Image.open(io.BytesIO(buf.getvalue()))
    assert im.text["Title"] == "PM2.5"
    assert im.text["Software"].startswith("Matplotlib version")
