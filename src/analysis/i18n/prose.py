"""Helpers that make generated sentences read as written prose, in Thai and English.

- :func:`join_list` joins items the way each language writes a list: Thai with spaces
  and "และ" before the last item, English with commas and "and"; the joiners live in
  ``i18n/<lang>/report.yaml`` (``report.list_join``, ``report.list_join_last``).
- :func:`count_key` picks the singular (``..._one``) or plural (``..._many``) template.
- :func:`fmt_quantity` formats a number with enough significant digits that a small
  non-zero value never prints as ``0.00``. It writes the numbers of the sentences the
  analysis stores (the plan and milestone reasons of :mod:`analysis.stats`), and
  :func:`analysis.report.fmt.fmt_number` uses it for pages, so both follow one rule.
- :func:`thai_unit_order` puts "ร้อยละ" before its number in those stored sentences, as
  Thai prose writes it. Pages place units with :func:`analysis.report.fmt.place_unit`,
  which reads the word order from the catalogue's units.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

__all__ = ["count_key", "fmt_quantity", "join_list", "thai_unit_order"]

_PERCENT_TH = re.compile(r"(?<![\d.,])(-?\d[\d,]*(?:\.\d+)?) ร้อยละ")


def join_list(items: Iterable[str], tr: Callable[..., str]) -> str:
    """Join ``items`` as a list in running text of the translator's language.

    Parameters
    ----------
    items : iterable of str
        The words or phrases, in order.
    tr : callable
        The page's translator (gives the list connectors).

    Returns
    -------
    str
        The joined list; one item as it is, none as an empty string.

    Examples
    --------
    >>> from analysis.i18n import get_translator
    >>> join_list(["a", "b", "c"], get_translator("en"))
    'a, b and c'
    >>> join_list(["ก", "ข", "ค"], get_translator("th"))
    'ก ข และ ค'
    >>> join_list(["a"], get_translator("en")), join_list([], get_translator("en"))
    ('a', '')
    """
    words = [str(x) for x in items]
    if len(words) <= 1:
        return "".join(words)
    head = words[0]
    for word in words[1:-1]:
        head = tr("report.list_join", head=head, item=word)
    return tr("report.list_join_last", head=head, item=words[-1])


def count_key(key: str, n: int) -> str:
    """Return ``key + "_one"`` for 1 and ``key + "_many"`` otherwise.

    Parameters
    ----------
    key : str
        The translation key without its count suffix.
    n : int
        The count the sentence states.

    Returns
    -------
    str
        ``key`` with ``_one`` or ``_many``.

    Examples
    --------
    >>> count_key("report.b.cnt_red", 1), count_key("report.b.cnt_red", 3)
    ('report.b.cnt_red_one', 'report.b.cnt_red_many')
    """
    return f"{key}_one" if int(n) == 1 else f"{key}_many"


def fmt_quantity(x: float, decimals: int | None = None) -> str:
    """Format ``x`` like a report number, but never round a non-zero value to zero.

    Default precision: 0 decimals from 100 up, 1 from 10 up, else 2; a value that would
    below 1 keeps at least two significant digits (``0.0042``, not ``0.00``). Missing
    values give ``"-"``.

    Parameters
    ----------
    x : float
        The number.
    decimals : int, optional
        Decimals to show; default from the size of ``x`` (see above).

    Returns
    -------
    str
        The formatted number with thousands separators, or ``-`` for a missing value.

    Examples
    --------
    >>> fmt_quantity(1234.5), fmt_quantity(12.34), fmt_quantity(1.234)
    ('1,234', '12.3', '1.23')
    >>> fmt_quantity(0.0), fmt_quantity(0.0042), fmt_quantity(-0.00001234)
    ('0', '0.0042', '-0.000012')
    """
    if not math.isfinite(float(x)):
        return "-"
    x = float(x)
    if x == 0:
        return "0"
    ax = abs(x)
    if decimals is None:
        decimals = 0 if ax >= 100 else 1 if ax >= 10 else 2
    if ax < 1:
        decimals = max(decimals, 1 - math.floor(math.log10(ax)))
    return f"{x:,.{decimals}f}"


def thai_unit_order(text: str) -> str:
    """Write "ร้อยละ" before its number ("ร้อยละ 5"), not after it ("5 ร้อยละ").

    Parameters
    ----------
    text : str
        Thai text with numbers followed by ร้อยละ.

    Returns
    -------
    str
        The text with each ร้อยละ moved before its number.

    Examples
    --------
    >>> thai_unit_order("มีค่า 62.5 ร้อยละ ต่อปี")
    'มีค่าร้อยละ 62.5 ต่อปี'
    >>> thai_unit_order("(0.12 ร้อยละ ต่อปี)")
    '(ร้อยละ 0.12 ต่อปี)'
    """

    def swap(m: re.Match[str]) -> str:
        return f"ร้อยละ {m.group(1)}"

    out = _PERCENT_TH.sub(swap, text)
    # "มีค่า ร้อยละ 5" reads as "มีค่าร้อยละ 5" in Thai prose
    return out.replace("มีค่า ร้อยละ", "มีค่าร้อยละ")
