r"""Make data-derived text inert in the files people open: CSV, XLSX and figures.

A town name, a source or a note typed into a raw file is data, and it stays data in
every output:

* **CSV** (:func:`neutralise_cell`, :func:`neutralise_frame`, :func:`csv_text`): a text
  cell starting with one of the characters a spreadsheet reads as a formula (``=``,
  ``+``, ``-``, ``@``, tab, carriage return; the OWASP "CSV injection" list,
  https://owasp.org/www-community/attacks/CSV_Injection) gets a leading ``'``, so
  ``=HYPERLINK(...)`` or ``@SUM(...)`` opens as text. Numbers are never touched: a
  numeric column stays numeric, and text that is just a number (``-5``, ``+1.5e3``)
  opens as that number, not a formula, so it is left as it is.
* **XLSX** (:func:`neutralise_worksheet`): such a cell is stored as a string (never a
  formula, which openpyxl would make of any text starting with ``=``) and flagged
  "quote prefix", so editing it in Excel keeps it text. The cell text itself is
  unchanged: ingest reads a filled-in form back exactly.
* **Figures** (:func:`inert_figure_text`): mathtext parsing is switched off on every
  text of a figure, so ``$\frac{1}{$`` in a town name is drawn as typed
  (:func:`analysis.style.use_report_style` also switches it off for every new text).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "csv_text",
    "inert_figure_text",
    "needs_neutralising",
    "neutralise_cell",
    "neutralise_frame",
    "neutralise_worksheet",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def needs_neutralising(value: object) -> bool:
    """Return whether ``value`` is text a spreadsheet would read as a formula.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        True for a string starting with a :data:`FORMULA_TRIGGERS` character that is not
        just a number.

    Examples
    --------
    >>> needs_neutralising("=1+1"), needs_neutralising("-5"), needs_neutralising(-5.0)
    (True, False, False)
    """
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def neutralise_cell(value: object) -> object:
    """Return ``value`` safe for a CSV cell: formula-like text gets a leading ``'``.

    Parameters
    ----------
    value : object
        A cell value; anything but formula-like text is returned unchanged.

    Returns
    -------
    object
        The value, or ``"'" + value``.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> neutralise_cell("@SUM(A1)"), neutralise_cell("-3.5"), neutralise_cell(7)
    ("'@SUM(A1)", '-3.5', 7)
    """
    return f"'{value}" if needs_neutralising(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every formula-like text cell and header neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table about to be written as CSV.

    Returns
    -------
    pandas.DataFrame
        The copy; numeric, boolean and date columns are unchanged.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            mask = series.map(needs_neutralising).astype(bool)
            if mask.any():
                out[col] = series.astype(object).where(~mask, "'" + series[mask].astype(str))
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """Return ``frame`` as CSV text (no index) with formula-like text neutralised.

    Lines end in CRLF (RFC 4180), so a text holding a lone carriage return or a line
    break is quoted and cannot split a row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.

    Returns
    -------
    str
        The CSV.
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")


def neutralise_worksheet(worksheet: Any) -> int:
    """Store every formula-like text cell of an openpyxl worksheet as quoted text.

    Parameters
    ----------
    worksheet : openpyxl.worksheet.worksheet.Worksheet
        A sheet being written (not read-only).

    Returns
    -------
    int
        How many cells were changed.
    """
    changed = 0
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or needs_neutralising(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def _existing_texts(artist: Any) -> Any:
    """Yield every text under ``artist`` without making the ticks an axis has not made yet.

    ``Artist.findobj`` asks each axis for its ticks, which makes every tick the locator
    wants before the chart is finished; ticks made later, at draw time, take
    ``text.parse_math`` from the ``rcParams`` then.
    """
    from matplotlib.axis import Axis  # noqa: PLC0415
    from matplotlib.text import Text  # noqa: PLC0415

    stack = [artist]
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            yield item
        if isinstance(item, Axis):
            made = vars(item)
            stack += [item.label, item.offsetText]
            stack += [*made.get("majorTicks", ()), *made.get("minorTicks", ())]
        else:
            stack += item.get_children()


def inert_figure_text(fig: Any) -> None:
    """Switch mathtext parsing off on every text of ``fig`` (titles, labels, legends...).

    Ticks an axis has not made yet are made when the figure is drawn; draw it under
    ``matplotlib.rc_context({"text.parse_math": False})`` (as
    :func:`analysis.report.figure_block.figure` does) so that they are inert too.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, before it is drawn.
    """
    for text in _existing_texts(fig):
        text.set_parse_math(False)
