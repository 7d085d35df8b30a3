"""Extending an appendix: a researcher's own table or chart, page-ready in one cell.

Two public helpers, re-exported as ``report.page_table`` and ``report.page_figure``, turn
a pandas DataFrame or a matplotlib figure into the same kind of block the library's own
sections return, in the language of the run:

* the known columns get their labels from the catalogue and the translations
  (``indicator_id`` -> the indicator's name, ``unit`` -> its symbol, ``town_id`` -> the
  town's name, ``theme`` -> the theme's name), years become Buddhist Era years on Thai
  pages, numbers get thousands separators and a sensible precision (right-aligned), and
  missing values stay empty; the column headers are translated;
* rows marked synthetic (``is_synthetic``, or a ``source`` that says SYNTHETIC) get the
  synthetic-data note when the page does not already carry the banner, and a synthetic
  figure gets the watermark every chart of the library carries.

Worked example: docs/extend-an-appendix.md (Thai: docs/extend-an-appendix.th.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.catalogue import load_catalogue
from analysis.errors import EcoplanError, ParameterError
from analysis.report.blocks import HtmlBlock, table_html
from analysis.report.figure_block import figure
from analysis.report.fmt import esc, fmt_number, fmt_year, is_missing
from analysis.report.params import RunParams
from analysis.style import be_year_formatter

__all__ = ["page_figure", "page_table"]

#: Columns page_table knows, and the translation key of their header.
_HEADERS: dict[str, str] = {
    "town_id": "report.col.town",
    "indicator_id": "report.col.indicator",
    "theme": "report.col.theme",
    "year": "report.col.year",
    "value": "report.extend.value",
    "unit": "report.col.unit",
    "source": "report.extend.source",
    "note": "report.extend.note",
}
#: Columns used for the synthetic flag, never shown.
_HIDDEN = frozenset({"is_synthetic"})
#: Page width (inches) a figure is shrunk to, so its text stays legible.
_PAGE_WIDTH_IN = 7.0


def _rows_are_synthetic(df: pd.DataFrame) -> bool:
    if "is_synthetic" in df and bool(df["is_synthetic"].fillna(False).astype(bool).any()):
        return True
    if "source" in df:
        return bool(df["source"].astype("string").str.contains("SYNTHETIC", na=False).any())
    return False


def _page_is_synthetic(run: RunParams) -> bool:
    from analysis.report.sections import is_synthetic  # noqa: PLC0415 - reads the store

    return run.town_id is not None and is_synthetic(run)


def _label(column: str, value: object, run: RunParams) -> str | None:
    """Return the catalogue or translation label of an id column's value (None otherwise)."""
    from analysis.report.data import town_record  # noqa: PLC0415 - reads the store
    from analysis.report.sections import indicator_name  # noqa: PLC0415

    cat = load_catalogue()
    text = str(value)
    known = {
        "indicator_id": lambda: indicator_name(text, run.lang),
        "unit": lambda: cat.unit_symbol(text, run.lang) if text in cat.units else text,
        "town_id": lambda: town_record(text).name(run.lang),
        "theme": lambda: (
            run.tr(f"report.themes.{text}") if run.tr.has(f"report.themes.{text}") else text
        ),
    }
    if column not in known:
        return None
    try:
        return known[column]()
    except (EcoplanError, KeyError, LookupError):  # not in the catalogue or store: as is
        return text


def _cell(column: str, value: object, run: RunParams, decimals: int | None) -> str:
    """Return the escaped display text of one cell."""
    if is_missing(value):
        return ""
    label = _label(column, value, run)
    if label is not None:
        text = label
    elif column == "year" or column.endswith("_year"):
        text = fmt_year(value, run.lang)
    elif not isinstance(value, bool) and pd.api.types.is_number(value):
        text = fmt_number(value, decimals)
    else:
        text = str(value)
    return esc(text)


def page_table(
    df: pd.DataFrame,
    run: RunParams,
    *,
    caption: str = "",
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
) -> HtmlBlock:
    """Turn a DataFrame into a page-ready table in the run's language.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows to show, e.g. a filtered ``report.town_values(run)``.
    run : RunParams
        The validated notebook parameters (``run = report.validate_params(...)``).
    caption : str
        The caption, already in the page's language.
    columns : sequence of str, optional
        Columns to show, in order (default: all but ``is_synthetic``).
    headers : mapping of str to str, optional
        Headers for your own columns (or to replace a known one), in the page's
        language; known columns (``town_id``, ``indicator_id``, ``theme``, ``year``,
        ``value``, ``unit``, ``source``, ``note``) are translated without it.
    decimals : int or mapping of str to int, optional
        Fixed decimals for every numeric column or per column (default: 0 from 100 up,
        1 from 10 up, else 2).

    Returns
    -------
    HtmlBlock
        The table; the synthetic note is added under it if any row is synthetic and
        the page has no synthetic banner.

    Raises
    ------
    ParameterError
        If a column in ``columns`` is not in ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> run = RunParams(lang="th")
    >>> df = pd.DataFrame({"year": [2024], "value": [1234.5], "unit": ["percent"]})
    >>> html = page_table(df, run).html
    >>> "2567" in html and "1,234" in html and "ร้อยละ" in html and "Year" not in html
    True
    """
    shown = [c for c in (columns or df.columns) if c not in _HIDDEN]
    missing = [c for c in shown if c not in df.columns]
    if missing:
        msg = f"page_table: no column {', '.join(map(repr, missing))} in the DataFrame"
        raise ParameterError(msg)
    own = dict(headers or {})
    header = [own.get(c) or (run.tr(_HEADERS[c]) if c in _HEADERS else str(c)) for c in shown]
    per_col = decimals if isinstance(decimals, Mapping) else {}
    default = decimals if isinstance(decimals, int) else None
    numeric = [
        k
        for k, c in enumerate(shown)
        if c != "year"
        and not c.endswith("_year")
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]
    rows = [
        [_cell(c, rec[c], run, per_col.get(c, default)) for c in shown]
        for rec in df.to_dict("records")
    ]
    note = ""
    if _rows_are_synthetic(df) and not _page_is_synthetic(run):
        note = f'<span class="synthetic-note">{esc(run.tr("report.synthetic_note"))}</span>'
    return table_html(header, rows, caption=caption, note=note, numeric=numeric)


def page_figure(
    fig: Figure | Axes,
    run: RunParams,
    *,
    alt: str,
    caption: str = "",
    years: str | None = None,
    synthetic: bool | None = None,
) -> HtmlBlock:
    """Turn a matplotlib figure into a page-ready figure (PNG, alt text, caption, mark).

    Draw with the report style that ``validate_params`` already applied (Sarabun, so
    Thai labels render); label year axes with ``analysis.style.be_year_formatter``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure, or an axes of it (what ``DataFrame.plot`` returns); it is closed
        afterwards.
    run : RunParams
        The validated notebook parameters.
    alt : str
        What the figure shows, for readers who cannot see it (required).
    caption : str
        The visible caption.
    years : {"x", "y"}, optional
        The axis that shows CE years: its tick labels become Buddhist Era years on Thai
        pages (every axes of the figure).
    synthetic : bool, optional
        Whether the figure draws synthetic data (default: whether the page's indicator
        data is synthetic); a synthetic figure carries the watermark.

    Returns
    -------
    HtmlBlock
        The ``<figure>``.

    Raises
    ------
    ParameterError
        If ``alt`` is empty.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2020, 2021], [1, 2])
    >>> block = page_figure(fig, RunParams(lang="en"), alt="A rising line", synthetic=True)
    >>> block.html.startswith('<figure class="report-figure">')
    True
    """
    if not alt.strip():
        msg = "page_figure: give the figure an alt text (what it shows)"
        raise ParameterError(msg)
    if isinstance(fig, Axes):
        fig = fig.get_figure(root=True)  # type: ignore[assignment]
    if not isinstance(fig, Figure):
        msg = "page_figure: pass a matplotlib Figure or Axes"
        raise ParameterError(msg)
    if years is not None:
        for ax in fig.axes:
            (ax.xaxis if years == "x" else ax.yaxis).set_major_formatter(
                be_year_formatter(run.lang)
            )
    mark = _page_is_synthetic(run) if synthetic is None else synthetic
    return figure(
        fig,
        alt=alt,
        caption=caption,
        fit_width=_PAGE_WIDTH_IN,
        watermark=run.tr("report.synthetic_short") if mark else "",
    )
