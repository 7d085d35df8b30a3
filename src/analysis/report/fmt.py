"""Page formatting, per language: numbers, quantities with units, years, dates, blanks.

Every page (appendix notebooks, the site index, the indicator pages) formats what it
shows through this module, so one convention holds everywhere:

- **Years**: Buddhist Era (B.E.) on Thai pages, CE on English pages; dates in words with
  Thai month names (:func:`fmt_date`, :func:`fmt_datetime`).
- **Numbers**: Arabic digits with thousands separators in both languages (as Thai
  government reports write them); 0 decimals from 100 up, 1 from 10 up, else 2, and a
  small non-zero value keeps two significant digits, so it never reads ``0.00``
  (:func:`fmt_number`).
- **Quantities with a unit** (:func:`fmt_quantity`, :func:`place_unit`): the unit stands
  where the language reads it, as data on the unit in the catalogue
  (``units`` of ``catalogue/indicators.yaml``: ``th_position``, ``en_attached``). One
  percent convention per language: English ``45%``, Thai ``ร้อยละ 45`` (a word read
  before the number); other Thai units follow the number (``25 มคก./ลบ.ม.``).
- **Tables**: a table with a unit column, or the unit in its header, shows the bare number
  in each cell and the unit symbol alone in the column or header (``ร้อยละ`` / ``%``); a
  cell without such a column carries its unit through :func:`fmt_quantity`, in the
  order of running text.
- **Blanks**: a missing value reads ``ไม่มีข้อมูล`` / ``no data`` (:func:`fmt_value`,
  :func:`no_data`), never an empty cell; :func:`is_missing` is the one test for it.
- **Averaging periods** of standards read in the page language (:func:`fmt_averaging`).

Sentences stored in the results (the plan reasons of :mod:`analysis.stats.plan`) are
formatted when they are computed, by :func:`analysis.i18n.prose.fmt_quantity`, whose
rule for small values this module shares; they are results, not page formatting.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import TYPE_CHECKING

import pandas as pd

from analysis.i18n import be_year
from analysis.i18n.prose import fmt_quantity as _sentence_number

if TYPE_CHECKING:
    from analysis.catalogue.models import Catalogue, UnitInfo

__all__ = [
    "THAI_MONTHS",
    "esc",
    "fmt_averaging",
    "fmt_date",
    "fmt_date_or",
    "fmt_datetime",
    "fmt_number",
    "fmt_quantity",
    "fmt_value",
    "fmt_year",
    "fmt_year_range",
    "is_missing",
    "no_data",
    "place_unit",
    "unit_symbol",
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

    Parameters
    ----------
    value : object
        Any value; ``None`` gives an empty string.

    Returns
    -------
    str
        The value as text with ``& < > " '`` escaped.

    Examples
    --------
    >>> esc('<b onmouseover="x">')
    '&lt;b onmouseover=&quot;x&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def fmt_year(year: object, lang: str) -> str:
    """Return a CE year as shown in ``lang`` (B.E. in Thai), or ``""`` for missing.

    Parameters
    ----------
    year : object
        A CE year (int, float or text of one); missing values are allowed.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The year (B.E. in Thai), or ``""`` when missing or not a number.

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

    Parameters
    ----------
    first : int
        First CE year.
    last : int
        Last CE year.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        ``first–last`` with an en dash, or one year when they are equal.

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
        A number (or numeric text); ``None``, NaN or other text give ``""`` (pages
        show :func:`fmt_value`).
    decimals : int, optional
        Fixed decimals. Default: none for a whole number, else 0 from 100 up, 1 from 10
        up, else 2, and a non-zero value below 1 keeps two significant digits.

    Returns
    -------
    str
        The number as shown, for example ``76,664``, ``-12.3`` or ``0.0042``.

    Examples
    --------
    >>> fmt_number(76664), fmt_number(23.456), fmt_number(1.234), fmt_number(None)
    ('76,664', '23.5', '1.23', '')
    >>> fmt_number(0.0042), fmt_number(-3.0), fmt_number(2.5, 2)
    ('0.0042', '-3', '2.50')
    """
    if is_missing(value):
        return ""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(x):
        return ""
    x += 0.0  # -0.0 reads as 0
    if decimals is not None:
        text = f"{x:,.{decimals}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text
    if x.is_integer():
        return f"{x:,.0f}"
    return _sentence_number(x)


def no_data(lang: str) -> str:
    """Return the words a page shows for a missing value (``ไม่มีข้อมูล`` / ``no data``).

    Parameters
    ----------
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The blank's words (``fmt.no_data`` of the translations).

    Examples
    --------
    >>> no_data("th"), no_data("en")
    ('ไม่มีข้อมูล', 'no data')
    """
    from analysis.i18n import get_translator  # noqa: PLC0415

    return get_translator(lang)("fmt.no_data")


def fmt_value(value: object, lang: str, decimals: int | None = None) -> str:
    """Return a number as a page shows it: :func:`fmt_number`, or :func:`no_data` if missing.

    Parameters
    ----------
    value : object
        A number, or a missing value.
    lang : {"th", "en"}
        Page language (for the blank).
    decimals : int, optional
        Fixed decimals (see :func:`fmt_number`).

    Returns
    -------
    str
        For example ``1,234`` or ``ไม่มีข้อมูล``.

    Examples
    --------
    >>> fmt_value(1234, "th"), fmt_value(None, "th"), fmt_value(float("nan"), "en")
    ('1,234', 'ไม่มีข้อมูล', 'no data')
    """
    text = fmt_number(value, decimals)
    return text if text else no_data(lang)


def _unit_info(unit: str, catalogue: Catalogue | None) -> UnitInfo | None:
    """Return the catalogue unit of an id or of one of its symbols (``"ร้อยละ"``, ``"%"``)."""
    if catalogue is None:
        from analysis.catalogue import load_catalogue  # noqa: PLC0415

        catalogue = load_catalogue()
    info = catalogue.units.get(unit)
    if info is None:
        text = unit.strip()
        info = next((u for u in catalogue.units.values() if text in (u.symbol, u.symbol_th)), None)
    return info


def unit_symbol(unit: str, lang: str, *, catalogue: Catalogue | None = None) -> str:
    """Return the symbol of a catalogue unit in ``lang``; any other text is returned as is.

    Parameters
    ----------
    unit : str
        A unit id of the catalogue (``"percent"``) or a symbol already (``"ppb"``).
    lang : {"th", "en"}
        Page language.
    catalogue : Catalogue, optional
        Default: the shipped catalogue.

    Returns
    -------
    str
        For example ``ร้อยละ`` or ``%``.

    Examples
    --------
    >>> unit_symbol("percent", "th"), unit_symbol("percent", "en"), unit_symbol("ppb", "th")
    ('ร้อยละ', '%', 'ppb')
    """
    info = _unit_info(unit, catalogue)
    if info is None:
        return unit
    return info.symbol_th if lang == "th" else info.symbol


def place_unit(
    number: str,
    unit: str,
    lang: str,
    *,
    catalogue: Catalogue | None = None,
    html: bool = False,
    unit_html: str | None = None,
) -> str:
    """Write an already formatted number with its unit, in the order ``lang`` reads it.

    Parameters
    ----------
    number : str
        The number as shown (HTML when ``html``, for example a marked value).
    unit : str
        A unit id of the catalogue or one of its symbols (a town's own ``"ร้อยละ"``
        follows the catalogue's order); any other text is written after the number.
    lang : {"th", "en"}
        Page language: a Thai unit with ``th_position: prefix`` goes before the number
        (``ร้อยละ 45``); an English unit with ``en_attached`` goes against it (``45%``);
        every other unit follows after a space.
    catalogue : Catalogue, optional
        Default: the shipped catalogue.
    html : bool, default False
        Escape the unit and wrap it in ``<span class="unit">`` (``number`` is left as is).
    unit_html : str, optional
        HTML to show for the unit instead (for example a town's own text in a data span);
        ``unit`` then only decides the order.

    Returns
    -------
    str
        The number and its unit; the number alone when the unit is empty.

    Examples
    --------
    >>> place_unit("45", "percent", "th"), place_unit("45", "percent", "en")
    ('ร้อยละ 45', '45%')
    >>> place_unit("25", "ug_m3", "th"), place_unit("3", "ppb", "en")
    ('25 มคก./ลบ.ม.', '3 ppb')
    >>> place_unit("<b>45</b>", "percent", "th", html=True)
    '<span class="unit">ร้อยละ</span> <b>45</b>'
    >>> place_unit("80", "ร้อยละ", "th", unit_html="<i>ร้อยละ</i>")
    '<i>ร้อยละ</i> 80'
    >>> place_unit("80", "ร้อยละ", "en", unit_html="<i>ร้อยละ</i>")
    '80 <i>ร้อยละ</i>'
    """
    info = _unit_info(unit, catalogue) if unit else None
    symbol = unit if info is None else info.symbol_th if lang == "th" else info.symbol
    if unit_html is not None:
        shown = unit_html
    elif not symbol:
        return number
    else:
        shown = f'<span class="unit">{esc(symbol)}</span>' if html else symbol
    written = symbol if unit_html is None else unit.strip()  # a town's text stays its own
    if info is not None and lang == "th" and written == info.symbol_th:
        if info.th_position == "prefix":
            return f"{shown} {number}"
    elif info is not None and lang != "th" and info.en_attached and written == info.symbol:
        return f"{number}{shown}"
    return f"{number} {shown}"


def fmt_quantity(
    value: object,
    unit: str,
    lang: str,
    decimals: int | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> str:
    """Format a value with its unit for a page; a missing value reads :func:`no_data`.

    Parameters
    ----------
    value : object
        A number, or a missing value.
    unit : str
        A unit id of the catalogue (``"percent"``, ``"ug_m3"``) or a symbol.
    lang : {"th", "en"}
        Page language (word order of the unit, the blank).
    decimals : int, optional
        Fixed decimals (see :func:`fmt_number`).
    catalogue : Catalogue, optional
        Default: the shipped catalogue.

    Returns
    -------
    str
        Plain text (escape it for HTML), for example ``ร้อยละ 45``, ``45%``,
        ``-1.5 มคก./ลบ.ม.`` or ``ไม่มีข้อมูล``.

    Examples
    --------
    >>> fmt_quantity(45, "percent", "th"), fmt_quantity(45.25, "percent", "en", 1)
    ('ร้อยละ 45', '45.2%')
    >>> fmt_quantity(-1.5, "ug_m3", "th"), fmt_quantity(None, "percent", "th")
    ('-1.50 มคก./ลบ.ม.', 'ไม่มีข้อมูล')
    """
    number = fmt_number(value, decimals)
    if not number:
        return no_data(lang)
    return place_unit(number, unit, lang, catalogue=catalogue)


def fmt_averaging(averaging: str, lang: str) -> str:
    """Return a standard's averaging period in the page language.

    Parameters
    ----------
    averaging : str
        The catalogue's English text (``"1 year"``, ``"24 hours"``, ...).
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        The period as a reader says it (``ค่าเฉลี่ยรายปี``, ``24-hour mean``); the text as
        given when the catalogue holds a period with no translation.

    Examples
    --------
    >>> fmt_averaging("1 year", "th"), fmt_averaging("24 hours", "th")
    ('ค่าเฉลี่ยรายปี', 'ค่าเฉลี่ย 24 ชั่วโมง')
    >>> fmt_averaging("24 hours", "en")
    '24-hour mean'
    """
    from analysis.i18n import get_translator  # noqa: PLC0415

    tr = get_translator(lang)
    key = "fmt.averaging." + "_".join("".join(c if c.isalnum() else " " for c in averaging).split())
    return tr(key) if tr.has(key) else averaging


def fmt_date(day: dt.date, lang: str) -> str:
    """Return a date in words: Thai month name and B.E. year in Thai.

    Parameters
    ----------
    day : datetime.date
        The date.
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        Day, month name and year (B.E. in Thai).

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

    Parameters
    ----------
    value : object
        A scalar (a list or array counts as not missing).

    Returns
    -------
    bool
        True for ``None``, NaN, ``pd.NA`` and ``NaT``.

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


def fmt_date_or(day: object, lang: str, default: str = "") -> str:
    """Return a date as :func:`fmt_date` writes it, or ``default`` when there is none.

    Parameters
    ----------
    day : datetime.date or None
        The date; ``None``, ``NaT`` or anything that is not a date gives ``default``.
    lang : {"th", "en"}
        Page language.
    default : str, default ""
        What to show without a date (for example "in force").

    Returns
    -------
    str
        For example ``1 มิถุนายน 2566``.

    Examples
    --------
    >>> import datetime as dt
    >>> fmt_date_or(dt.date(2023, 6, 1), "th"), fmt_date_or(None, "en", "in force")
    ('1 มิถุนายน 2566', 'in force')
    """
    if is_missing(day) or not isinstance(day, dt.date):
        return default
    return fmt_date(day, lang)
