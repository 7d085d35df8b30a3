"""Normalisers for the text municipal offices type: digits, numbers, years, headers, units.

Every parser here either returns a clean value or raises :class:`CellError` with a reason a
municipal officer can act on. Nothing guesses silently: ``12,5`` (a decimal comma?) is
reported as ambiguous, never read as 125 or 12.5.

Conventions
-----------
* Thai digits ``๐-๙`` are read as ``0-9`` everywhere.
* A year ``>= 2400`` is a Buddhist Era year (``CE = BE - 543``); smaller years are CE.
* A comma is a thousands separator only when every group after it has exactly three
  digits (``1,234`` or ``๑,๒๓๔.๕``); any other comma makes the value ambiguous.
* A trailing ``%`` is accepted only for an indicator measured in percent.
* Censored values are not stored: ``ND`` (not detected) and ``<0.5`` (below a detection
  limit) are rejected with a reason naming the convention (``docs/data-contract.md``,
  "Values ingest does not guess").
* A wide-layout year column must be one observed year: ``2566``, ``พ.ศ. 2566``, or the Thai
  fiscal year ``ปีงบประมาณ 2567`` (stored as year 2567, the year the fiscal year ends).
  ``2565/66``, ``2566*`` and ``2567 (ประมาณการ)`` are refused with a reason
  (:func:`classify_year_header`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.i18n import BE_OFFSET

__all__ = [
    "BE_OFFSET",
    "BE_THRESHOLD",
    "HEADER_ALIASES",
    "MISSING_MARKERS",
    "NOT_DETECTED_MARKERS",
    "CellError",
    "IndicatorLookup",
    "YearHeader",
    "be_to_ce",
    "ce_to_be",
    "cell_text",
    "classify_year_header",
    "excel_serial_hint",
    "header_key",
    "is_blank",
    "normalise_header",
    "normalise_key",
    "parse_number",
    "parse_year",
    "parse_year_header",
    "thai_to_arabic_digits",
    "to_thai_digits",
    "unit_key",
]

BE_THRESHOLD = 2400

_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ARABIC_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

#: Text that means "no value" (compared after :func:`normalise_key`).
MISSING_MARKERS: frozenset[str] = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "–",
        "—",
        ".",
        "..",
        "...",
        "n/a",
        "na",
        "n.a.",
        "nan",
        "null",
        "none",
        "#n/a",
        "ไม่มี",
        "ไม่มีข้อมูล",
        "ไม่ทราบ",
        "ไม่ระบุ",
        "ไม่ได้เก็บข้อมูล",
    }
)

#: Text that means "not detected" (compared after :func:`normalise_key`).
NOT_DETECTED_MARKERS: frozenset[str] = frozenset(
    {
        "nd",
        "n.d.",
        "n.d",
        "n/d",
        "not detected",
        "bdl",
        "below detection limit",
        "<lod",
        "<dl",
        "ตรวจไม่พบ",
        "ไม่พบ",
        "ต่ำกว่าค่าที่ตรวจวัดได้",
    }
)

_CENSORED_HELP = (
    "ecoplan stores measured values only (a detection limit, half of it or zero put in "
    "its place would bias trends and pass/fail checks; docs/data-contract.md): enter the "
    "measured value, or leave the cell empty and give the detection limit in the note column"
)

_EXCEL_ERRORS = frozenset(
    {
        "#div/0!",
        "#value!",
        "#ref!",
        "#name?",
        "#num!",
        "#null!",
        "#getting_data",
        "#spill!",
        "#calc!",
    }
)

#: Canonical column -> header spellings (compared after :func:`header_key`).
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "town": (
        "town",
        "town_id",
        "town id",
        "municipality",
        "municipality_id",
        "city",
        "local government",
        "lao",
        "เทศบาล",
        "ชื่อเทศบาล",
        "อปท.",
        "อปท",
        "องค์กรปกครองส่วนท้องถิ่น",
        "ท้องถิ่น",
        "หน่วยงาน",
        "เมือง",
    ),
    "indicator": (
        "indicator",
        "indicator_id",
        "indicator id",
        "indicator name",
        "ตัวชี้วัด",
        "ชื่อตัวชี้วัด",
        "รหัสตัวชี้วัด",
    ),
    "year": (
        "year",
        "year (be)",
        "year (ce)",
        "year be",
        "year ce",
        "ปี",
        "ปี พ.ศ.",
        "ปีพ.ศ.",
        "พ.ศ.",
        "ปี ค.ศ.",
        "ค.ศ.",
    ),
    "value": ("value", "ค่า", "ค่าที่วัดได้", "ค่าตัวชี้วัด", "ข้อมูล", "ผลการวัด"),
    "unit": ("unit", "units", "หน่วย", "หน่วยวัด", "หน่วยนับ"),
    "source": ("source", "sources", "data source", "แหล่งข้อมูล", "แหล่งที่มา", "ที่มา", "ที่มาของข้อมูล"),
    "note": ("note", "notes", "remark", "remarks", "comment", "comments", "หมายเหตุ"),
}

_HEADER_LOOKUP: dict[str, str] = {}


class CellError(ValueError):
    """A cell cannot be read; ``reason`` says why and what was expected.

    Parameters
    ----------
    reason : str
        Human-readable reason.
    code : str
        Short machine-readable category (``missing_value``, ``ambiguous_number`` ...).
    """

    def __init__(self, reason: str, code: str) -> None:
        self.reason = reason
        self.code = code
        super().__init__(reason)


def thai_to_arabic_digits(text: str) -> str:
    """Replace Thai digits ``๐-๙`` with ASCII ``0-9``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` with Thai digits replaced.

    Examples
    --------
    >>> thai_to_arabic_digits("๒๕๖๖")
    '2566'
    """
    return text.translate(_THAI_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Replace ASCII digits with Thai digits (the inverse of :func:`thai_to_arabic_digits`).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` with ASCII digits replaced.

    Examples
    --------
    >>> to_thai_digits("2566")
    '๒๕๖๖'
    """
    return text.translate(_ARABIC_TO_THAI)


def be_to_ce(year: int) -> int:
    """Convert a Buddhist Era year to the common era (``CE = BE - 543``).

    Parameters
    ----------
    year : int
        Buddhist Era year.

    Returns
    -------
    int
        Common-era year.

    Examples
    --------
    >>> be_to_ce(2566)
    2023
    """
    return year - BE_OFFSET


def ce_to_be(year: int) -> int:
    """Convert a common-era year to the Buddhist Era (``BE = CE + 543``).

    Parameters
    ----------
    year : int
        Common-era year.

    Returns
    -------
    int
        Buddhist Era year.

    Examples
    --------
    >>> ce_to_be(2023)
    2566
    """
    return year + BE_OFFSET


def normalise_key(text: object) -> str:
    r"""Return a comparison key for names (:func:`analysis.towns.name_key`).

    NFKC, Thai digits, invisible characters removed, whitespace collapsed, casefolded,
    Thai marks in one canonical order.

    Parameters
    ----------
    text : object
        A name (converted with ``str``).

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> normalise_key("  Nan  Town\u00a0Municipality ")
    'nan town municipality'
    """
    # One comparison rule for every name (towns, indicators, headers): analysis.towns also
    # puts Thai marks in one order, so a look-alike spelling matches.
    from analysis.towns import name_key  # noqa: PLC0415

    return name_key(text)


def header_key(text: object) -> str:
    """Return the comparison key of a column header (also drops a trailing ``*`` or ``:``).

    Parameters
    ----------
    text : object
        The header cell.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> header_key(" Value* ")
    'value'
    """
    return normalise_key(text).rstrip("*: ").strip()


def _build_header_lookup() -> dict[str, str]:
    if not _HEADER_LOOKUP:
        for canonical, spellings in HEADER_ALIASES.items():
            for spelling in spellings:
                _HEADER_LOOKUP[header_key(spelling)] = canonical
    return _HEADER_LOOKUP


def normalise_header(text: object) -> str | None:
    """Map a header in English or Thai to a canonical column name.

    Bilingual headers such as ``"ค่า / value"`` or ``"ค่า (value)"`` are recognised by
    either part.

    Parameters
    ----------
    text : object
        The header cell.

    Returns
    -------
    str or None
        One of ``town, indicator, year, value, unit, source, note``, or ``None``.

    Examples
    --------
    >>> normalise_header("ปี พ.ศ.")
    'year'
    >>> normalise_header("Value*")
    'value'
    """
    lookup = _build_header_lookup()
    key = header_key(text)
    if key in lookup:
        return lookup[key]
    for chunk in re.split(r"\s*[/|()\[\]]\s*", key):
        part = chunk.strip().rstrip("*: ")
        if part in lookup:
            return lookup[part]
    return None


def is_blank(value: object) -> bool:
    """Return whether a cell is empty (``None``, NaN or whitespace-only text).

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_blank("  "), is_blank(float("nan")), is_blank(0)
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: object, limit: int = 200) -> str:
    """Return a cell as text for messages and ``rejected.csv`` (long text is shortened).

    Parameters
    ----------
    value : object
        A cell.
    limit : int, default 200
        Longest text kept; longer text is cut and its length appended.

    Returns
    -------
    str
        ``""`` for a blank cell; whole floats without ``.0``; midnight datetimes as dates;
        line breaks as spaces.

    Examples
    --------
    >>> cell_text(2566.0), cell_text("abc", limit=2)
    ('2566', 'ab… (3 characters)')
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ").removesuffix(" 00:00:00")
    else:
        text = str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return text


_STRICT_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SPACED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?")


def _refuse_censored(text: str, raw: str) -> None:
    """Raise ``not_detected`` / ``censored_value`` for ``ND`` and ``<0.5`` (see the docs)."""
    if text.casefold() in NOT_DETECTED_MARKERS:
        msg = f"not detected ({raw.strip()!r}) is a censored value, not a number: {_CENSORED_HELP}"
        raise CellError(msg, "not_detected")
    if text and text[0] in "<>≤≥":
        side = "below" if text[0] in "<≤" else "above"
        msg = (
            f"censored value {raw.strip()!r} ({side} a detection or reporting limit) is not a "
            f"number: {_CENSORED_HELP}"
        )
        raise CellError(msg, "censored_value")


def parse_number(value: object, *, allow_percent: bool = True) -> float:  # noqa: PLR0912, PLR0915
    """Parse a cell into a finite float.

    Accepts numbers, numeric text with Thai or ASCII digits, thousands separators in groups
    of three, a Unicode minus and (when ``allow_percent``) a trailing ``%``.

    Parameters
    ----------
    value : object
        The cell (``str``, ``int``, ``float``, ...).
    allow_percent : bool, default True
        Accept a trailing ``%`` (pass False for an indicator not measured in percent: the
        sign then says the value is in another unit than the one given).

    Returns
    -------
    float
        The number.

    Raises
    ------
    CellError
        ``missing_value`` for empty cells and markers such as ``n/a``, ``-``, ``ไม่มีข้อมูล``;
        ``ambiguous_number`` for a comma that is not a thousands separator (``12,5``);
        ``excel_error`` for ``#DIV/0!`` and friends; ``censored_value`` for ``<0.5``;
        ``not_detected`` for ``ND``; ``percent_unit`` for ``35%`` when ``allow_percent`` is
        False; ``date_value`` for a date; ``not_a_number`` otherwise.

    Examples
    --------
    >>> parse_number("๑,๒๓๔.๕")
    1234.5
    """
    if isinstance(value, bool):
        msg = f"expected a number, got the logical value {value}"
        raise CellError(msg, "not_a_number")
    if isinstance(value, dt.date | dt.time | pd.Timestamp):
        msg = f"expected a number, got a date/time ({cell_text(value)}); format the cell as Number"
        raise CellError(
            msg,
            "date_value",
        )
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            msg = "missing value (empty cell): enter a number"
            raise CellError(msg, "missing_value")
        if not math.isfinite(number):
            msg = f"expected a finite number, got {value}"
            raise CellError(msg, "not_a_number")
        return number
    if value is None:
        msg = "missing value (empty cell): enter a number"
        raise CellError(msg, "missing_value")
    raw = str(value)
    text = unicodedata.normalize("NFKC", raw)
    text = thai_to_arabic_digits(text).replace("\u2212", "-").replace("\u200b", "")
    text = " ".join(text.split())  # NFKC made no-break spaces plain spaces
    _refuse_censored(text, raw)
    if text.endswith("%"):
        if not allow_percent:
            msg = (
                f"value {raw.strip()!r} has a percent sign but this indicator is not measured "
                "in percent: remove the sign if the number is in the unit column's unit, or "
                "check the indicator"
            )
            raise CellError(msg, "percent_unit")
        text = text.removesuffix("%").rstrip()
    if " " in text:
        if not _SPACED.fullmatch(text):
            msg = f"expected a number, got {cell_text(raw, 80)!r} (a space inside the number)"
            raise CellError(msg, "not_a_number")
        text = text.replace(" ", "")
    key = text.casefold()
    if key in MISSING_MARKERS:
        shown = f" {raw.strip()!r}" if raw.strip() else " (empty cell)"
        msg = f"missing value{shown}: enter a number or leave the row out"
        raise CellError(msg, "missing_value")
    if key in _EXCEL_ERRORS:
        msg = f"Excel error {raw.strip()!r} instead of a number; fix the formula"
        raise CellError(msg, "excel_error")
    if "," in text:
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        else:
            msg = (
                f"ambiguous number {raw.strip()!r}: a comma is read only as a thousands separator "
                "(1,234.5); write a decimal point, e.g. 12.5"
            )
            raise CellError(
                msg,
                "ambiguous_number",
            )
    if not _STRICT_NUMBER.fullmatch(text):
        msg = f"expected a number, got {cell_text(raw, 80)!r}"
        raise CellError(msg, "not_a_number")
    number = float(text)
    if not math.isfinite(number):
        msg = f"expected a finite number, got {raw.strip()!r}"
        raise CellError(msg, "not_a_number")
    return number


_ERA_BE = re.compile(r"(?:พ\.?\s*ศ\.?|b\.?\s*e\.?)", re.IGNORECASE)
_ERA_CE = re.compile(r"(?:ค\.?\s*ศ\.?|c\.?\s*e\.?|a\.?\s*d\.?)", re.IGNORECASE)
_YEAR_TEXT = re.compile(
    r"(?:ปี)?\s*(?P<era1>[^\d\s]*)\s*(?P<year>\d{4})(?:\.0+)?\s*(?P<era2>[^\d]*)"
)


def parse_year(value: object) -> int:  # noqa: PLR0912
    """Parse a year cell and return the common-era year.

    Years ``>= 2400`` are Buddhist Era and converted (``CE = BE - 543``). Text may carry an
    era marker (``พ.ศ. 2566``, ``2023 CE``); a marker that contradicts the number is an error.

    Parameters
    ----------
    value : object
        The cell.

    Returns
    -------
    int
        The CE year (not range-checked; the schema does that).

    Raises
    ------
    CellError
        ``missing_year``, ``date_year`` (a date typed in the year column) or ``bad_year``
        (an Excel date serial such as 45292 gets a hint saying so).

    Examples
    --------
    >>> parse_year("๒๕๖๖")
    2023
    >>> parse_year(2023)
    2023
    """
    if isinstance(value, bool):
        msg = f"expected a year such as 2566 or 2023, got {value}"
        raise CellError(msg, "bad_year")
    if isinstance(value, dt.date | pd.Timestamp):
        msg = (
            f"the year cell holds a date ({cell_text(value)}); type the year as a number, "
            "e.g. 2566 (B.E.) or 2023"
        )
        raise CellError(
            msg,
            "date_year",
        )
    if is_blank(value):
        msg = "missing year (empty cell): enter a year such as 2566 or 2023"
        raise CellError(msg, "missing_year")
    if isinstance(value, float):
        if not value.is_integer():
            msg = f"expected a whole year, got {value}"
            raise CellError(msg, "bad_year")
        value = int(value)
    if isinstance(value, int):
        hint = excel_serial_hint(value)
        if hint:
            msg = f"expected a year such as 2566 or 2023, got {value}{hint}"
            raise CellError(msg, "bad_year")
        return be_to_ce(value) if value >= BE_THRESHOLD else value
    text = thai_to_arabic_digits(unicodedata.normalize("NFKC", str(value))).strip()
    match = _YEAR_TEXT.fullmatch(text)
    if not match:
        hint = excel_serial_hint(text)
        msg = f"expected a year such as 2566 or 2023, got {cell_text(value, 80)!r}{hint}"
        raise CellError(msg, "bad_year")
    year = int(match["year"])
    era = f"{match['era1']} {match['era2']}".strip()
    is_be = year >= BE_THRESHOLD
    if era:
        if _ERA_BE.fullmatch(era.strip()):
            if not is_be:
                msg = f"{text!r} is marked B.E. but {year} is not a Buddhist Era year"
                raise CellError(msg, "bad_year")
        elif _ERA_CE.fullmatch(era.strip()):
            if is_be:
                msg = f"{text!r} is marked CE but {year} looks like a Buddhist Era year"
                raise CellError(msg, "bad_year")
        else:
            msg = f"expected a year such as 2566 or 2023, got {text!r}"
            raise CellError(msg, "bad_year")
    return be_to_ce(year) if is_be else year


def parse_year_header(value: object) -> int | None:
    """Return the CE year if a column header is a year (wide layout), else ``None``.

    Parameters
    ----------
    value : object
        The header cell (CE or Buddhist Era, Thai or ASCII digits).

    Returns
    -------
    int or None
        The CE year.

    Examples
    --------
    >>> parse_year_header("2566")
    2023
    >>> parse_year_header("unit") is None
    True
    """
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, float | int) and not (1000 <= value <= 9999):
        return None
    try:
        year = parse_year(value)
    except CellError:
        return None
    return year if 1800 <= year <= 2200 else None


#: Excel counts days from 1899-12-30 (the 1900 date system of Windows Excel).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serials of 1 Jan 1950 .. 31 Dec 2100: numbers a year cell shows after losing its format.
_SERIAL_RANGE = (18264, 73415)


def excel_serial_hint(value: object) -> str:
    """Return a hint when a year cell holds an Excel date serial (45292 = 2024-01-01).

    Parameters
    ----------
    value : object
        The cell (number or text).

    Returns
    -------
    str
        ``""`` when ``value`` does not look like a date serial, else a sentence starting
        with ``"; "`` naming the date and what to type instead.

    Examples
    --------
    >>> excel_serial_hint(45292)
    '; 45292 looks like an Excel date serial (2024-01-01): the cell holds a date shown as a number; type the year itself, e.g. 2567 (B.E.) or 2024'
    >>> excel_serial_hint(2566)
    ''
    """
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = thai_to_arabic_digits(value.strip()).removesuffix(".0")
        if not text.isdigit():
            return ""
        value = int(text)
    if not isinstance(value, int) or not _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return ""
    day = _EXCEL_EPOCH + dt.timedelta(days=value)
    return (
        f"; {value} looks like an Excel date serial ({day.isoformat()}): the cell holds a "
        f"date shown as a number; type the year itself, e.g. {day.year + BE_OFFSET} (B.E.) "
        f"or {day.year}"
    )


@dataclass(frozen=True)
class YearHeader:
    """What a wide-layout column header says about its year.

    Attributes
    ----------
    label : str
        The header as shown.
    year : int or None
        The CE year when the column holds one observed year.
    reason : str or None
        Why a header that names a year cannot be used as a year column.
    code : str or None
        ``bad_year_column`` when ``reason`` is set.
    fiscal : bool
        The header is a Thai fiscal year (``ปีงบประมาณ 2567``).
    """

    label: str
    year: int | None = None
    reason: str | None = None
    code: str | None = None
    fiscal: bool = False


_FISCAL = re.compile(r"(?:ปีงบประมาณ|ปีงบ\.?|ปี\s*งบประมาณ)\s*(?:พ\.?\s*ศ\.?)?\s*(?P<year>\d{4})")
_YEAR_NUMBER = re.compile(r"(?<!\d)(?P<year>\d{4})(?!\d)")
_YEAR_SPAN = re.compile(r"(?<!\d)\d{4}\s*[/\-–—]\s*\d{2,4}(?!\d)")
_ESTIMATE = re.compile(
    r"ประมาณการ|คาดการณ์|ประมาณ|เป้าหมาย|แผน|estimate|est\.|projected|projection|forecast"
    r"|target|plan",
    re.IGNORECASE,
)
_PRELIMINARY = re.compile(r"เบื้องต้น|ชั่วคราว|preliminary|prelim|provisional", re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?:\*+|†|‡|#|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d\)|\[\d\])\s*$")
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_YEAR_SPAN, "spans two years (a season or fiscal-year label?); give one column per year"),
    (_ESTIMATE, "is an estimate, projection or target, not an observed value"),
    (_PRELIMINARY, "is marked preliminary; load the final figure, or give it as a plain year"),
    (
        _FOOTNOTE,
        "carries a footnote mark, and the footnote may qualify the values (estimated, "
        "partial year...); write the year alone and put the footnote in the note column",
    ),
)
_ONE_YEAR = "a year column's header must be one year alone, e.g. 2566 or พ.ศ. 2566"


def _plausible_year(number: int) -> bool:
    return 1800 <= number <= 2200 or 1800 + BE_OFFSET <= number <= 2200 + BE_OFFSET


def classify_year_header(value: object) -> YearHeader | None:
    """Say whether a column header is a usable year column, a refused one, or no year.

    Parameters
    ----------
    value : object
        The header cell.

    Returns
    -------
    YearHeader or None
        ``None`` when the header names no year (an ordinary column). Otherwise ``year``
        is set for a usable year column (``2566``, ``พ.ศ. 2566``; the Thai fiscal year
        ``ปีงบประมาณ 2567`` is year 2567, the year in which it ends, with ``fiscal``
        set), or ``reason`` says why the header cannot be read as one observed year: a
        span of two years (``2565/66``), an estimate, target or preliminary figure
        (``2567 (ประมาณการ)``), a footnote mark (``2566*``: the footnote may qualify the
        values), a date, an Excel date serial, or other text around the year.

    Examples
    --------
    >>> classify_year_header("2566").year
    2023
    >>> classify_year_header("ปีงบประมาณ 2567").year
    2024
    >>> classify_year_header("2565/66").code
    'bad_year_column'
    >>> classify_year_header("unit") is None
    True
    """
    if isinstance(value, bool) or is_blank(value):
        return None
    label = cell_text(value, 80)
    year = parse_year_header(value)
    if year is not None:
        return YearHeader(label, year=year)
    text = " ".join(thai_to_arabic_digits(unicodedata.normalize("NFKC", str(value))).split())
    fiscal = _FISCAL.fullmatch(text)
    if fiscal:
        number = int(fiscal["year"])
        if number >= BE_THRESHOLD and _plausible_year(number):
            return YearHeader(label, year=be_to_ce(number), fiscal=True)
        reason = (
            f"fiscal year {number} is not a Buddhist Era year; write the Thai fiscal year "
            "in B.E., e.g. ปีงบประมาณ 2567"
        )
        return YearHeader(label, reason=reason, code="bad_year_column")
    why = _year_refusal(value, text)
    if why is None:
        return None
    return YearHeader(label, reason=f"header {label!r} {why}; {_ONE_YEAR}", code="bad_year_column")


def _year_refusal(value: object, text: str) -> str | None:
    """Say why a header naming a year is not one observed year (None: it names no year)."""
    if isinstance(value, dt.date | pd.Timestamp):
        return "is a date, not a year"
    serial = excel_serial_hint(value)
    if serial:
        return "is " + serial.split(" looks like ", 1)[1]
    if not any(_plausible_year(int(m["year"])) for m in _YEAR_NUMBER.finditer(text)):
        return None
    for pattern, why in _REFUSALS:
        if pattern.search(text):
            return why
    return "has other text around the year"


def _suggest(key: str, display: Mapping[str, str]) -> str:
    """Suggest the closest known name (shown as written in the registry or catalogue)."""
    close = difflib.get_close_matches(key, list(display), n=1, cutoff=0.75)
    return f" Did you mean {display[close[0]]!r}?" if close else ""


def _add_names(
    keys: dict[str, str], display: dict[str, str], target: str, names: Iterable[object]
) -> None:
    """Map the key of every non-blank name to ``target`` (the first spelling wins)."""
    for name in names:
        if isinstance(name, str) and name.strip():
            keys.setdefault(normalise_key(name), target)
            display.setdefault(normalise_key(name), name)


def _resolve_name(
    value: object,
    keys: Mapping[str, str],
    display: Mapping[str, str],
    *,
    what: str,
    expected: str,
) -> str:
    """Look a name cell up; raise ``missing_<what>`` or ``unknown_<what>`` (with a hint)."""
    if is_blank(value):
        msg = f"missing {what} (empty cell)"
        raise CellError(msg, f"missing_{what}")
    key = normalise_key(value)
    if key in keys:
        return keys[key]
    msg = f"unknown {what} {cell_text(value, 80)!r}: {expected}{_suggest(key, display)}"
    raise CellError(msg, f"unknown_{what}")


@dataclass(frozen=True)
class IndicatorLookup:
    """Resolve indicators (id, Thai or English name) and their units from the catalogue."""

    keys: Mapping[str, str]
    units: Mapping[str, Mapping[str, float]]
    unit_hints: Mapping[str, str]
    catalogue: Catalogue
    display: Mapping[str, str] = field(default_factory=dict)
    percent_ids: frozenset[str] = frozenset()

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> IndicatorLookup:
        """Build the lookup from the catalogue.

        Parameters
        ----------
        catalogue : Catalogue
            The indicator catalogue (ids, names, unit aliases).

        Returns
        -------
        IndicatorLookup
        """
        keys: dict[str, str] = {}
        display: dict[str, str] = {}
        units: dict[str, dict[str, float]] = {}
        hints: dict[str, str] = {}
        for ind in catalogue.indicators:
            _add_names(keys, display, ind.id, (ind.id, ind.name_en, ind.name_th))
            accepted: dict[str, float] = {}
            info = catalogue.units[ind.unit]
            for spelling in (ind.unit, info.symbol, info.symbol_th):
                accepted[unit_key(spelling)] = 1.0
            for alias, factor in ind.unit_aliases.items():
                accepted.setdefault(unit_key(alias), float(factor))
            units[ind.id] = accepted
            shown = [ind.unit, *ind.unit_aliases]
            hints[ind.id] = ", ".join(dict.fromkeys(shown))
        percent = frozenset(
            i.id for i in catalogue.indicators if catalogue.units[i.unit].symbol == "%"
        )
        return cls(
            keys=keys,
            units=units,
            unit_hints=hints,
            catalogue=catalogue,
            display=display,
            percent_ids=percent,
        )

    def resolve(self, value: object) -> str:
        """Return the indicator id.

        Parameters
        ----------
        value : object
            An indicator cell: id, Thai or English name.

        Returns
        -------
        str
            The indicator id.

        Raises
        ------
        CellError
            ``missing_indicator`` or ``unknown_indicator``.
        """
        expected = (
            "expected an indicator id or its Thai/English name from the catalogue "
            "(e.g. 'pm25_annual')."
        )
        return _resolve_name(value, self.keys, self.display, what="indicator", expected=expected)

    def is_percent(self, indicator_id: object) -> bool:
        """Return whether an indicator is measured in percent (its values may end in ``%``).

        Parameters
        ----------
        indicator_id : object
            A resolved indicator id (anything else gives False).

        Returns
        -------
        bool
        """
        return str(indicator_id) in self.percent_ids

    def unit_factor(self, indicator_id: str, value: object) -> float:
        """Return the factor converting ``value`` (a unit spelling) to the canonical unit.

        Parameters
        ----------
        indicator_id : str
            The resolved indicator.
        value : object
            The unit cell.

        Returns
        -------
        float
            Multiply a value in the given unit by this to get the canonical unit.

        Raises
        ------
        CellError
            ``missing_unit`` or ``unknown_unit``.
        """
        if is_blank(value):
            msg = f"missing unit (empty cell): expected one of {self.unit_hints[indicator_id]}"
            raise CellError(
                msg,
                "missing_unit",
            )
        key = unit_key(value)
        accepted = self.units[indicator_id]
        if key in accepted:
            return accepted[key]
        msg = (
            f"unknown unit {cell_text(value, 80)!r} for {indicator_id}: expected one of "
            f"{self.unit_hints[indicator_id]}"
        )
        raise CellError(
            msg,
            "unknown_unit",
        )


def unit_key(text: object) -> str:
    """Return the comparison key of a unit spelling (NFKC, no spaces, casefolded).

    Parameters
    ----------
    text : object
        A unit spelling.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> unit_key("µg/m³") == unit_key("μg/m3")
    True
    """
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()
