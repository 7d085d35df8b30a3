"""HTML building blocks that notebooks display: headings, paragraphs, tables, figures.

Every block is an :class:`HtmlBlock` (it has ``_repr_html_``, so Jupyter shows it and
nbconvert exports it as a ``text/html`` output). Data values (town names, notes,
sources) are always escaped with :func:`analysis.report.fmt.esc`; the renderer also
sanitises every HTML output with nh3 as a second line of defence.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.report.fmt import esc
from analysis.report.neutralise import inert_figure_text

__all__ = ["HtmlBlock", "data_span", "figure", "heading", "join", "paragraph", "table_html"]


@dataclass(frozen=True)
class HtmlBlock:
    """A piece of trusted HTML built by the report library.

    Attributes
    ----------
    html : str
        The markup (data inside it already escaped).
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def join(*blocks: HtmlBlock | str) -> HtmlBlock:
    """Concatenate blocks (strings are taken as trusted markup)."""
    return HtmlBlock("\n".join(str(b) for b in blocks if str(b)))


def data_span(value: object) -> str:
    """Wrap a verbatim data value (escaped) so readers and tests know it is data."""
    return f'<span class="data">{esc(value)}</span>'


def heading(
    text: str, level: int = 2, *, anchor: str | None = None, css_class: str = ""
) -> HtmlBlock:
    """Return a heading; ``text`` is escaped.

    Examples
    --------
    >>> heading("<x>", 3).html
    '<h3>&lt;x&gt;</h3>'
    """
    attrs = f' id="{esc(anchor)}"' if anchor else ""
    attrs += f' class="{esc(css_class)}"' if css_class else ""
    return HtmlBlock(f"<h{level}{attrs}>{esc(text)}</h{level}>")


def paragraph(text: str, *, css_class: str = "", trusted: bool = False) -> HtmlBlock:
    """Return a paragraph; ``text`` is escaped unless ``trusted`` (library-built markup)."""
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
) -> HtmlBlock:
    """Embed a matplotlib figure as a compressed PNG ``<img>`` with alt text.

    The figure is closed afterwards so notebooks do not also display it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    alt : str
        Text alternative describing what the figure shows (escaped).
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
        A small mark drawn into the image's lower right corner (e.g. "synthetic
        demonstration data"), so the image keeps it when copied elsewhere.
    source : str
        A short source line ("ที่มา: ...") drawn into the lower left corner, so a chart
        pasted into slides still says where its numbers come from.
    """
    width, height = fig.get_size_inches()
    if fit_width is not None and width > fit_width:
        fig.set_size_inches(fit_width, height * fit_width / width)
    if watermark:
        fig.text(
            0.995,
            0.004,
            watermark,
            ha="right",
            va="bottom",
            fontsize=7,
            color="#9c2a00",
            alpha=0.85,
            gid="ecoplan-watermark",
        )
    if source:
        fig.text(
            0.005,
            0.004,
            source,
            ha="left",
            va="bottom",
            fontsize=6.5,
            color="#5f6368",
            gid="ecoplan-source",
            parse_math=False,
        )
    inert_figure_text(fig)  # data text ("$...$" in a name) is drawn as typed, never parsed
    buf = io.BytesIO()
    # PIL's ``optimize`` saved 3 % of the bytes for 25 % more time per figure: left off.
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if trim else None)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return HtmlBlock(
        f'<figure class="report-figure"><img src="data:image/png;base64,{data}" '
        f'alt="{esc(alt)}">{cap}</figure>'
    )
