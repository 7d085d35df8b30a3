"""A matplotlib figure as a page block: its PNG, marks, alt text, caption and data table.

:func:`figure` is the one place a report figure is saved: it draws the synthetic
watermark and the source line into the image (:func:`add_marks`), keeps data text
inert, writes the PNG (:func:`analysis.report.png.figure_png`) and returns an
:class:`~analysis.report.blocks.HtmlBlock`. It lives apart from the HTML blocks so
that reading or rendering a page does not import matplotlib.
"""

from __future__ import annotations

import base64

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from analysis.report import panelpool
from analysis.report.blocks import HtmlBlock
from analysis.report.fmt import esc
from analysis.report.neutralise import inert_figure_text
from analysis.report.png import figure_png

__all__ = ["add_marks", "figure"]


#: Height (inches) of the strip added above or below a figure for one mark line.
_MARK_STRIP_IN = 0.2


def _grow(fig: Figure, *, top: float = 0.0, bottom: float = 0.0) -> None:
    """Add empty strips (inches) above and below a figure's content, moving nothing drawn.

    Axes, figure texts and figure legends keep their size and their place relative to
    each other; only the canvas grows, so a mark drawn in a strip cannot overlap them.
    """
    width, height = fig.get_size_inches()
    new_h = height + top + bottom
    if new_h <= height:
        return
    fig.set_layout_engine("none")  # a layout run at save time would undo the strips

    def moved(y: float) -> float:
        return (y * height + bottom) / new_h

    legend_boxes = [
        leg.get_bbox_to_anchor().transformed(fig.dpi_scale_trans.inverted()) for leg in fig.legends
    ]
    for ax in fig.axes:
        if ax.get_axes_locator() is not None:  # an inset placed by its parent axes
            continue
        pos = ax.get_position(original=True)
        ax.set_position(
            Bbox.from_extents(pos.x0, moved(pos.y0), pos.x1, moved(pos.y1)), which="both"
        )
    for text in fig.texts:
        if text.get_transform() is fig.transFigure:
            _x, y = text.get_position()
            text.set_y(moved(y))
    fig.set_size_inches(width, new_h)
    for leg, box in zip(fig.legends, legend_boxes, strict=True):
        leg.set_bbox_to_anchor(box.translated(0, bottom), transform=fig.dpi_scale_trans)


def add_marks(
    fig: Figure, *, watermark: str = "", source: str = "", mark_strip: bool = False
) -> None:
    """Draw the synthetic watermark and the source line into a figure, clear of its content.

    The figure grows by a thin strip above (watermark, right-aligned) and below (source
    line, left-aligned), so neither mark can overlap a title, tick label, axis label or
    legend, whatever the chart.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished chart.
    watermark : str
        E.g. "synthetic demonstration data"; nothing drawn when empty.
    source : str
        E.g. "ที่มา: ..."; nothing drawn when empty.
    mark_strip : bool, default False
        Keep the watermark's strip, empty, when there is no watermark, so the unmarked
        panels of a grid line up with their marked neighbours.
    """
    top = watermark or mark_strip
    if not top and not source:
        return
    _grow(fig, top=_MARK_STRIP_IN if top else 0.0, bottom=_MARK_STRIP_IN if source else 0.0)
    height = fig.get_size_inches()[1]
    pad = 0.05 / height
    if watermark:
        fig.text(
            0.995,
            1 - pad,
            watermark,
            ha="right",
            va="top",
            fontsize=7,
            color="#9c2a00",
            alpha=0.85,
            gid="ecoplan-watermark",
        )
    if source:
        fig.text(
            0.005,
            pad,
            source,
            ha="left",
            va="bottom",
            fontsize=6.5,
            color="#5f6368",
            gid="ecoplan-source",
            parse_math=False,
        )


def figure(
    fig: Figure,
    *,
    alt: str,
    caption: str = "",
    dpi: int = 130,
    fit_width: float | None = None,
    trim: bool = True,
    watermark: str = "",
    source: str = "",
    data: str = "",
    css_class: str = "report-figure",
    mark_strip: bool = False,
) -> HtmlBlock:
    """Embed a matplotlib figure as a compressed PNG ``<img>`` with alt text.

    The figure is closed afterwards so notebooks do not also display it (a panel figure
    of :func:`analysis.report.figures.one_panel` goes back to its pool instead).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    alt : str
        Text alternative stating the figure's message (escaped).
    caption : str
        Visible caption (escaped).
    dpi : int
        Resolution of the PNG.
    fit_width : float, optional
        Shrink a wider figure to this width in inches (aspect kept) before saving, so
        its text, set in points, stays legible at the page's column width (about 7 in).
    trim : bool, default True
        Crop the saved image to the drawn content (``bbox_inches="tight"``), which draws
        the figure twice. Figures with a fixed layout
        (:func:`analysis.report.figures.small_multiples`) pass ``False``.
    watermark : str
        A small mark drawn into a strip above the chart (e.g. "synthetic demonstration
        data"), so the image keeps it when copied elsewhere (:func:`add_marks`).
    source : str
        A short source line ("ที่มา: ...") drawn into a strip below the chart, so a chart
        pasted into slides still says where its numbers come from.
    data : str
        The chart's data table markup (:func:`analysis.report.blocks.chart_data`), placed under the caption.
    css_class : str, default "report-figure"
        Class of the ``<figure>`` (``"report-figure chart-panel"`` inside
        :func:`analysis.report.blocks.figure_grid`).
    mark_strip : bool, default False
        Leave the watermark's strip empty when there is no watermark (:func:`add_marks`).

    Returns
    -------
    HtmlBlock
        A ``<figure>`` with the PNG as a data URI, its alt text, caption and data table.
    """
    width, height = fig.get_size_inches()
    if fit_width is not None and width > fit_width:
        fig.set_size_inches(fit_width, height * fit_width / width)
    add_marks(fig, watermark=watermark, source=source, mark_strip=mark_strip)
    inert_figure_text(fig)  # data text ("$...$" in a name) is drawn as typed, never parsed
    with mpl.rc_context({"text.parse_math": False}):  # ticks made while drawing, too
        data_png = figure_png(fig, dpi=dpi, trim=trim)
    if not panelpool.release(fig):  # a pooled panel figure is reused, any other closed
        plt.close(fig)
    png = base64.b64encode(data_png).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return HtmlBlock(
        f'<figure class="{esc(css_class)}"><img src="data:image/png;base64,{png}" '
        f'alt="{esc(alt)}">{cap}{data}</figure>'
    )
