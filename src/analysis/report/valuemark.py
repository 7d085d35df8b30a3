"""Machine-readable marks on every indicator value a page shows.

A value printed on a page is wrapped in an HTML ``<data>`` element that names what it is::

    <data class="iv" value="13.1" data-town="nakhon-sawan" data-indicator="pm25_annual"
          data-year="2024" data-kind="observed">13.1</data>

``value`` is the stored number (full precision), the element's text is what the reader
sees. :func:`extract_marks` reads them back, so a test (and ``ecoplan`` users) can check
that one town x indicator x year has one value on every page, and that it is the value
the analysis stage stored.

Kinds: ``observed`` (a value of the results ``values`` table), ``projected`` (the one
projection, from the ``projection`` table), ``required`` (a milestone on the path to a
target), ``progress`` (the progress method's own figure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html.parser import HTMLParser

from analysis.report.fmt import esc

__all__ = ["KINDS", "Mark", "extract_marks", "value_mark"]

KINDS: tuple[str, ...] = ("observed", "projected", "required", "progress")


def value_mark(
    text_html: str,
    *,
    town_id: str,
    indicator_id: str,
    year: object,
    value: object,
    kind: str = "observed",
) -> str:
    """Wrap the shown text of a value in its mark.

    Parameters
    ----------
    text_html : str
        What the reader sees (already escaped HTML, e.g. ``"13.1 <span>µg/m³</span>"``).
    town_id, indicator_id : str
        Whose value.
    year : int or None
        Its year (``None`` or missing for a map value without a survey year).
    value : float
        The stored number.
    kind : str, default "observed"
        One of :data:`KINDS`.

    Returns
    -------
    str
        The marked HTML (the text unchanged when ``value`` is missing).

    Examples
    --------
    >>> value_mark("13.1", town_id="t", indicator_id="pm25_annual", year=2024, value=13.1)
    '<data class="iv" value="13.1" data-town="t" data-indicator="pm25_annual" data-year="2024" data-kind="observed">13.1</data>'
    """
    if kind not in KINDS:
        msg = f"unknown value kind {kind!r}; expected one of {', '.join(KINDS)}"
        raise ValueError(msg)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return text_html
    if not math.isfinite(number):
        return text_html
    year_txt = _year(year)
    return (
        f'<data class="iv" value="{number!r}" data-town="{esc(town_id)}" '
        f'data-indicator="{esc(indicator_id)}" data-year="{year_txt}" '
        f'data-kind="{kind}">{text_html}</data>'
    )


def _year(year: object) -> str:
    if year is None:
        return ""
    try:
        y = float(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return str(int(y)) if math.isfinite(y) else ""


@dataclass(frozen=True)
class Mark:
    """One marked value read back from a page."""

    town_id: str
    indicator_id: str
    year: str
    kind: str
    value: float
    text: str


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[Mark] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open is not None:
            if tag == "data":
                self._depth += 1
            return
        if tag == "data":
            a = {k: v or "" for k, v in attrs}
            if a.get("class") == "iv":
                self._open, self._text, self._depth = a, [], 0

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or tag != "data":
            return
        if self._depth:
            self._depth -= 1
            return
        a = self._open
        self.marks.append(
            Mark(
                town_id=a.get("data-town", ""),
                indicator_id=a.get("data-indicator", ""),
                year=a.get("data-year", ""),
                kind=a.get("data-kind", ""),
                value=float(a.get("value", "nan")),
                text="".join(self._text).strip(),
            )
        )
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def extract_marks(html: str) -> list[Mark]:
    """Return every marked value of a page, in page order.

    Parameters
    ----------
    html : str
        A rendered page.

    Returns
    -------
    list of Mark

    Examples
    --------
    >>> page = value_mark("2.0", town_id="t", indicator_id="x", year=2020, value=2.0)
    >>> [(m.indicator_id, m.year, m.value) for m in extract_marks(page)]
    [('x', '2020', 2.0)]
    """
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.marks
