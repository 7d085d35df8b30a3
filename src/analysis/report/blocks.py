"""HTML building blocks that notebooks display: headings, paragraphs, tables, figures.

Every block is an :class:`HtmlBlock` (it has ``_repr_html_``, so Jupyter shows it and
nbconvert exports it as a ``text/html`` output). Data values (town names, notes,
sources) are always escaped with :func:`analysis.report.fmt.esc`; the renderer also
sanitises every HTML output with nh3 as a second line of defence.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from analysis.report import panelpool
from analysis.report.fmt import esc
from analysis.report.neutralise import inert_figure_text
from analysis.report.png import figure_png

__all__ = [
    "HtmlBlock",
    "add_marks",
    "chart_data",
    "data_span",
    "figure",
    "figure_grid",
    "heading",
    "join",
    "paragraph",
    "table_html",
]


@dataclass(frozen=True, repr=False)
class HtmlBlock:
    """A piece of trusted HTML built by the report library.

    A notebook shows it as HTML. Its plain-text form, which Jupyter stores beside the HTML
    in every output, is a short summary rather than the markup again: the markup of a
    chart section is mostly base64 PNG (about 200 kB), and a second copy doubled every
    executed notebook and the messages of every build.

    Attributes
    ----------
    html : str
        The markup (data inside it already escaped).

    Examples
    --------
    >>> HtmlBlock("<p>Nan</p>")
    <HTML block: 10 characters>
    """

    html: str

    def __repr__(self) -> str:
        return f"<HTML block: {len(self.html):,} characters>"

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def join(*blocks: HtmlBlock | str) -> HtmlBlock:
    """Concatenate blocks (strings are taken as trusted markup).

    Parameters
    ----------
    *blocks
        Blocks or trusted markup strings, in order; empty ones are dropped.

    Returns
    -------
    HtmlBlock
        The blocks, one per line.
    """
    return HtmlBlock("\n".join(str(b) for b in blocks if str(b)))


def data_span(value: object) -> str:
    """Wrap a verbatim data value (escaped) so readers and tests know it is data.

    Parameters
    ----------
    value : object
        A value as the data holds it (a name, a source note).

    Returns
    -------
    str
        ``<span class="data">`` holding the escaped value.
    """
    return f'<span class="data">{esc(value)}</span>'


def heading(
    text: str, level: int = 2, *, anchor: str | None = None, css_class: str = ""
) -> HtmlBlock:
    """Return a heading; ``text`` is escaped.

    Parameters
    ----------
    text : str
        Plain text.
    level : int
        Heading level, 1 to 6.
    anchor : str, optional
        The ``id`` to link to.
    css_class : str
        Class of the heading (none by default).

    Returns
    -------
    HtmlBlock
        The ``<hN>`` element.

    Examples
    --------
    >>> heading("<x>", 3).html
    '<h3>&lt;x&gt;</h3>'
    """
    attrs = f' id="{esc(anchor)}"' if anchor else ""
    attrs += f' class="{esc(css_class)}"' if css_class else ""
    return HtmlBlock(f"<h{level}{attrs}>{esc(text)}</h{level}>")


def paragraph(text: str, *, css_class: str = "", trusted: bool = False) -> HtmlBlock:
    """Return a paragraph; ``text`` is escaped unless ``trusted`` (library-built markup).

    Parameters
    ----------
    text : str
        Plain text, or markup when ``trusted``.
    css_class : str
        Class of the paragraph (none by default).
    trusted : bool
        ``text`` is markup built by the library from escaped parts.

    Returns
    -------
    HtmlBlock
        The ``<p>`` element.
    """
    body = text if trusted else esc(text)
    attrs = f' class="{esc(css_class)}"' if css_class else ""
    return HtmlBlock(f"<p{attrs}>{body}</p>")


def table_html(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str = "",
    note: str = "",
    css_class: str = "report-table",
    numeric: Sequence[int] = (),
) -> HtmlBlock:
    """Build an HTML table from cells that are already markup (escape data first).

    Parameters
    ----------
    header : sequence of str
        Column headers (plain text; escaped here).
    rows : sequence of sequence of str
        Cell markup.
    caption : str
        Table caption (plain text; escaped).
    note : str
        Markup for a note under the table (e.g. the synthetic-data note).
    css_class : str
        Class of the ``<table>``.
    numeric : sequence of int
        Column positions to right-align.

    Returns
    -------
    HtmlBlock
        A ``<table>`` (inside its scrolling wrapper) with caption, header row, body and note.
    """
    num = set(numeric)
    right = ' class="num"'
    head = "".join(
        f'<th scope="col"{right if k in num else ""}>{esc(h)}</th>' for k, h in enumerate(header)
    )
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{right if k in num else ''}>{cell}</td>" for k, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    foot = f'<p class="table-note">{note}</p>' if note else ""
    return HtmlBlock(
        f'<div class="table-wrap"><table class="{esc(css_class)}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}</div>"
    )


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


def chart_data(table: HtmlBlock | str, summary: str) -> str:
    """Return a chart's data table folded under a ``<details>`` (the chart's text alternative).

    Parameters
    ----------
    table : HtmlBlock or str
        The table of the values drawn (:func:`table_html`, or
        :func:`analysis.report.extend.page_table`).
    summary : str
        The line that opens it ("ตารางข้อมูลของแผนภูมิ"; escaped).

    Returns
    -------
    str
        The markup, or ``""`` for an empty table. The ``<details>`` sits in a
        ``<div class="chart-data">`` that print styles hide (the printed report has
        the numbers in its own tables).
    """
    if not str(table):
        return ""
    return (
        f'<div class="chart-data"><details><summary><span class="chart-data-label">'
        f"{esc(summary)}</span></summary>{table}</details></div>"
    )


def figure_grid(panels: Sequence[HtmlBlock | str], *, caption: str = "") -> HtmlBlock:
    """Lay out one-panel figures in a grid: two columns on a wide page, one on a phone.

    The grid is one numbered figure of the printed report (its panels are figures inside
    a figure, which the PDF does not number).

    Parameters
    ----------
    panels : sequence of HtmlBlock or str
        The panels, each a :func:`figure` (``css_class="report-figure chart-panel"``).
    caption : str
        Caption of the whole grid (escaped).

    Returns
    -------
    HtmlBlock
        ``<figure class="report-figure figure-grid-wrap">`` holding a
        ``<div class="figure-grid">``.
    """
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    body = "".join(str(p) for p in panels)
    return HtmlBlock(
        f'<figure class="report-figure figure-grid-wrap"><div class="figure-grid">{body}</div>'
        f"{cap}</figure>"
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
        The chart's data table markup (:func:`chart_data`), placed under the caption.
    css_class : str, default "report-figure"
        Class of the ``<figure>`` (``"report-figure chart-panel"`` inside
        :func:`figure_grid`).
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
