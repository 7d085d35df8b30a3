"""HTML building blocks that notebooks display: headings, paragraphs, tables, figure grids.

Every block is an :class:`HtmlBlock` (it has ``_repr_html_``, so Jupyter shows it and
nbconvert exports it as a ``text/html`` output). Data values (town names, notes,
sources) are always escaped with :func:`analysis.report.fmt.esc`; the renderer also
sanitises every HTML output with nh3 as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.report.fmt import esc

__all__ = [
    "HtmlBlock",
    "chart_data",
    "data_span",
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
        The panels, each a :func:`analysis.report.figure_block.figure` (``css_class="report-figure chart-panel"``).
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
