"""Display formatting: numbers, years, dates and HTML escaping, per language.

Thai pages show Buddhist Era (B.E.) years and Thai month names; English pages show
CE years. Numbers use Arabic digits with thousands separators in both languages (as
Thai government reports do).
"""

from __future__ import annotations

import datetime as dt
import html
import math

import pandas as pd

from analysis.style import be_year

__all__ = [
    "THAI_MONTHS",
    "esc",
    "fmt_date",
    "fmt_datetime",
    "fmt_number",
    "fmt_year",
    "fmt_year_range",
    "is_missing",
]

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
_EN_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def esc(value: object) -> str:
    """Return ``value`` as text safe to place inside HTML (quotes escaped too).

    Examples
    --------
    >>> esc('<b onmouseover="x">')
    '&lt;b onmouseover=&quot;x&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def fmt_year(year: object, lang: str) -> str:
    """Return a CE year as shown in ``lang`` (B.E. in Thai), or ``""`` for missing.

    Examples
    --------
    >>> fmt_year(2024, "th"), fmt_year(2024, "en")
    ('2567', '2024')
    """
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return ""
    try:
        return str(be_year(int(year), lang))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""


def fmt_year_range(first: int, last: int, lang: str) -> str:
    """Return ``first-last`` (one year if equal) in the years of ``lang``.

    Examples
    --------
    >>> fmt_year_range(2010, 2024, "th")
    '2553–2567'
    """
    if int(first) == int(last):
        return fmt_year(first, lang)
    return f"{fmt_year(first, lang)}–{fmt_year(last, lang)}"


def fmt_number(value: object, decimals: int | None = None) -> str:
    """Format a number with thousands separators and sensible precision.

    Parameters
    ----------
    value : object
        A number; ``None`` or NaN give ``""``.
    decimals : int, optional
        Fixed decimals; default: 0 from 100 up, 1 from 10 up, else 2.

    Examples
    --------
    >>> fmt_number(76664), fmt_number(23.456), fmt_number(1.234), fmt_number(None)
    ('76,664', '23.5', '1.23', '')
    """
    if value is None:
        return ""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if math.isnan(x):
        return ""
    if decimals is None:
        decimals = 0 if abs(x) >= 100 or x.is_integer() else 1 if abs(x) >= 10 else 2
    return f"{x:,.{decimals}f}"


def fmt_date(day: dt.date, lang: str) -> str:
    """Return a date in words: Thai month name and B.E. year in Thai.

    Examples
    --------
    >>> import datetime as dt
    >>> fmt_date(dt.date(2026, 11, 26), "th")
    '26 พฤศจิกายน 2569'
    >>> fmt_date(dt.date(2026, 11, 26), "en")
    '26 November 2026'
    """
    months = THAI_MONTHS if lang == "th" else _EN_MONTHS
    return f"{day.day} {months[day.month - 1]} {fmt_year(day.year, lang)}"


def fmt_datetime(moment: dt.datetime, lang: str) -> str:
    """Return a time stamp in the page's style: the date in words, then the time in UTC.

    Parameters
    ----------
    moment : datetime.datetime
        An aware time (converted to UTC) or a naive one taken as UTC.
    lang : {"th", "en"}
        Thai gives the Thai month, the B.E. year and "น."; English the English month.

    Returns
    -------
    str
        For example ``1 ธันวาคม 2569 เวลา 08:09 น. (UTC)``.

    Examples
    --------
    >>> import datetime as dt
    >>> fmt_datetime(dt.datetime(2026, 12, 1, 8, 9, tzinfo=dt.UTC), "th")
    '1 ธันวาคม 2569 เวลา 08:09 น. (UTC)'
    >>> fmt_datetime(dt.datetime(2026, 12, 1, 8, 9), "en")
    '1 December 2026, 08:09 UTC'
    """
    utc = moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment
    clock = f"{utc.hour:02d}:{utc.minute:02d}"
    day = fmt_date(utc.date(), lang)
    return f"{day} เวลา {clock} น. (UTC)" if lang == "th" else f"{day}, {clock} UTC"


def is_missing(value: object) -> bool:
    """Return whether a scalar is missing (``None``, NaN, ``pd.NA``, ``NaT``).

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing("")
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
