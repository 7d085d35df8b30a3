"""Reader for the Pollution Control Department's (PCD, Air4Thai) yearly station workbooks.

PCD publishes one workbook per pollutant and year: a data sheet with a ``Date`` column and
one column per station code holding the daily 24-hour mean, and a station sheet
(``พารามิเตอร์_สถานี`` and other Thai names) that locates each station by Thai address.
This module turns one workbook into daily values, station records and rejections; it
never guesses silently:

* the data sheet is the sheet whose first rows hold a ``Date``/``วันที่`` header followed by
  station codes (sheet names vary: ``PM2.5``, ``Data``, ``DATA`` ...);
* the station sheet is any other sheet with a ``รหัสสถานี`` (station code) header within
  its first rows, at any row and column;
* codes are compared upper-case without spaces and without a note in brackets
  (``" 72T(ใหม่) "`` is ``72T``); a bare number in the station sheet (``70``) is read as
  the code with ``T`` (``70T``) when the data sheet has that code, and the station record
  says so;
* numbers stored as text and Thai digits are read; ``N/A``, ``-`` and other markers are
  rejected as missing values (file, Excel row, column, reason); blank cells are days
  without a value; rows without a date and without values (footnotes, empty rows far
  below the data) are skipped and counted;
* a date that appears twice keeps one value if both agree and rejects both if they
  conflict; dates missing from the sheet are listed (coverage counts them as days without
  a value).

Fatal problems raise :class:`~analysis.errors.InputFileError` with a one-line reason: a
file that is not a PCD workbook, a workbook without a station sheet, and a station code
that appears twice in the data sheet's header.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from analysis.errors import InputFileError
from analysis.ingest.normalise import CellError, cell_text, is_blank, parse_number
from analysis.ingest.rawfiles import col_letter
from analysis.ingest.readers import DEFAULT_MAX_BYTES
from analysis.store.schema import columns as store_columns

__all__ = [
    "DAILY_COLUMNS",
    "POLLUTANTS",
    "STATION_COLUMNS",
    "PcdWorkbook",
    "is_pcd_workbook",
    "normalise_code",
    "read_pcd_workbook",
]

#: Pollutant key -> (display name, default unit key, accepted spellings in names/titles).
POLLUTANTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pm25": ("PM2.5", "ug_m3", ("pm2.5", "pm 2.5", "pm25", "pm2_5")),
    "pm10": ("PM10", "ug_m3", ("pm10", "pm 10")),
    "o3": ("O3", "ppb", ("o3", "ozone", "โอโซน")),
}
#: Unit spellings found in PCD titles and footnotes -> unit key.
_UNIT_SPELLINGS: dict[str, str] = {
    "µg/m³": "ug_m3",
    "µg/m3": "ug_m3",
    "ug/m3": "ug_m3",
    "ug/m³": "ug_m3",
    "มคก./ลบ.ม.": "ug_m3",
    "มคก/ลบม": "ug_m3",
    "ppb": "ppb",
}
#: Columns of the daily table (``air_daily.parquet`` adds ``town_id``).
DAILY_COLUMNS: tuple[str, ...] = tuple(
    c for c in store_columns("air_daily.parquet") if c != "town_id"
)
#: Columns of the station records read from the station sheet.
STATION_COLUMNS: tuple[str, ...] = (
    "station_code",
    "address_th",
    "site_th",
    "src_file",
    "src_sheet",
    "src_row",
    "code_note",
)

_DATE_HEADERS = {"date", "dates", "วันที่", "วัน", "วันเดือนปี", "ว/ด/ป", "วดป"}
_CODE_HEADERS = {"รหัสสถานี", "stationcode", "stationid", "code", "รหัส"}
_NAME_HEADERS = {"ชื่อสถานี", "stationname", "name", "ที่ตั้ง", "location"}
_SITE_HEADERS = {"รายละเอียดจุดติดตั้งสถานี", "จุดติดตั้ง", "site", "ที่ตั้งสถานี"}
_CODE_RE = re.compile(r"^[A-Z]{0,3}\d{1,4}[A-Z]{0,3}$")
_BRACKET_RE = re.compile(r"\(.*?\)|\[.*?\]")
_HEADER_SCAN = 30
_DATE_TEXT_RE = re.compile(r"^\s*(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})\s*$")


@dataclass
class PcdWorkbook:
    """One PCD workbook, read.

    Attributes
    ----------
    file : str
        The file's label (relative to ``data/raw`` when possible).
    pollutant : str
        Key of :data:`POLLUTANTS` (``pm25``, ``pm10``, ``o3``).
    unit : str
        Unit key (``ug_m3`` or ``ppb``).
    data_sheet, station_sheet : str
        The sheets used.
    daily : pandas.DataFrame
        :data:`DAILY_COLUMNS`, one row per station x date with a value.
    stations : pandas.DataFrame
        :data:`STATION_COLUMNS`, one row per station sheet entry (duplicates kept).
    codes : list of str
        Station codes of the data sheet's header, in column order.
    rejections : list of tuple
        ``(row, column, value, reason, code)`` for every cell not loaded.
    notes : list of str
        What was skipped or noticed (footnote rows, missing dates, collapsed duplicates).
    missing_dates : dict of int to list of datetime.date
        Per calendar year, the days with no row in the data sheet.
    days_with_row : dict of int to int
        Per calendar year, the number of distinct days that have a row.
    """

    file: str
    pollutant: str
    unit: str
    data_sheet: str
    station_sheet: str
    daily: pd.DataFrame
    stations: pd.DataFrame
    codes: list[str] = field(default_factory=list)
    rejections: list[tuple[int | None, str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_dates: dict[int, list[dt.date]] = field(default_factory=dict)
    days_with_row: dict[int, int] = field(default_factory=dict)


def normalise_code(value: object) -> str:
    """Return a station code in canonical form (upper case, no spaces, no bracketed note).

    Parameters
    ----------
    value : object
        A header or station-sheet cell.

    Returns
    -------
    str
        E.g. ``"72T"`` for ``" 72t(ใหม่) "``; ``""`` for a blank cell.

    Examples
    --------
    >>> normalise_code(" 72T(ใหม่) "), normalise_code(70), normalise_code("67 T")
    ('72T', '70', '67T')
    """
    if is_blank(value):
        return ""
    text = cell_text(value)
    text = _BRACKET_RE.sub("", text)
    return re.sub(r"\s+", "", text).upper()


def _key(value: object) -> str:
    return re.sub(r"[\s._:/()\-]+", "", cell_text(value).lower())


def _parse_date(value: object) -> dt.date | None:  # noqa: PLR0911
    """Read a date cell (datetime, Excel serial, ``d/m/yyyy`` or ISO text, BE years)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number the file left unformatted
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    if isinstance(value, str):
        m = _DATE_TEXT_RE.match(value)
        if not m:
            return None
        a, b, c = (int(g) for g in m.groups())
        year, month, day = (a, b, c) if a > 31 else (c, b, a)
        if year > 2400:
            year -= 543
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def _rows(ws: object) -> list[tuple[object, ...]]:
    rows = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    while rows and all(is_blank(c) for c in rows[-1]):
        rows.pop()
    return rows


def _find_data_header(rows: list[tuple[object, ...]]) -> tuple[int, int] | None:
    """Return (row index, date column index) of a ``Date`` + station codes header."""
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        for j, cell in enumerate(row):
            if _key(cell) in _DATE_HEADERS:
                codes = [normalise_code(c) for c in row[j + 1 :]]
                if sum(1 for c in codes if _CODE_RE.match(c)) >= 1:
                    return i, j
    return None


def _find_station_header(rows: list[tuple[object, ...]]) -> tuple[int, dict[str, int]] | None:
    """Return (row index, {"code", "name", "site": column}) of the station sheet's header."""
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        cols: dict[str, int] = {}
        for j, cell in enumerate(row):
            k = _key(cell)
            if k in _CODE_HEADERS and "code" not in cols:
                cols["code"] = j
            elif k in _NAME_HEADERS and "name" not in cols:
                cols["name"] = j
            elif k in _SITE_HEADERS and "site" not in cols:
                cols["site"] = j
        if "code" in cols and "name" in cols:
            return i, cols
    return None


def _pollutant(path: Path, sheet: str, rows: list[tuple[object, ...]]) -> str | None:
    texts = [sheet, path.stem] + [cell_text(c) for r in rows[:3] for c in r[:3] if c]
    for text in texts:
        low = text.lower().replace("₂", "2").replace("₅", "5")
        for key, (_name, _unit, spellings) in POLLUTANTS.items():
            # PM2.5 before PM10 / O3; "pm25" must not match inside "pm250"
            if any(re.search(re.escape(s) + r"(?![0-9])", low) for s in spellings):
                return key
    return None


def _unit(pollutant: str, rows: list[tuple[object, ...]]) -> str:
    texts = [cell_text(c).lower() for r in rows[:5] + rows[-5:] for c in r if c]
    for text in texts:
        for spelling, unit in _UNIT_SPELLINGS.items():
            if spelling.lower() in text:
                return unit
    return POLLUTANTS[pollutant][1]


def is_pcd_workbook(path: Path) -> bool:
    """Return whether ``path`` looks like a PCD station workbook (a ``Date`` + codes sheet).

    Parameters
    ----------
    path : pathlib.Path
        Any file.

    Returns
    -------
    bool
        False for anything that is not an XLSX with such a sheet.
    """
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return False
    try:
        return any(_find_data_header(_rows(ws)[:_HEADER_SCAN]) for ws in wb.worksheets)
    finally:
        wb.close()


def _check_size(path: Path, label: str, max_bytes: int) -> None:
    """Refuse files (or their unzipped content) larger than ``max_bytes``."""
    size = path.stat().st_size
    if size > max_bytes:
        msg = f"file is {size / 1e6:.1f} MB, larger than the limit (raise it with --max-bytes)"
        raise InputFileError(label, msg)
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports it as "not a PCD workbook"
    if total > max_bytes:
        msg = (
            f"the workbook expands to {total / 1e6:.1f} MB when unzipped, larger than the "
            "limit (possible zip bomb; raise it with --max-bytes if the file is genuine)"
        )
        raise InputFileError(label, msg)


def read_pcd_workbook(  # noqa: PLR0912, PLR0915
    path: Path, label: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> PcdWorkbook:
    """Read one PCD station workbook.

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` file (only read, never modified).
    label : str, optional
        How messages and ``src_file`` name the file (default: its name).
    max_bytes : int
        Size limit of the file and of its unzipped content.

    Returns
    -------
    PcdWorkbook
        Daily values, station records, rejections and notes.

    Raises
    ------
    InputFileError
        One line: too big, not a PCD workbook, no station sheet, a station code twice in
        the data sheet's header, or pollutant not recognisable.
    """
    label = label or path.name
    _check_size(path, label, max_bytes)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        detail = " ".join(str(exc).split())
        raise InputFileError(label, f"not a PCD workbook: cannot open as .xlsx ({detail})") from exc
    try:
        sheets = [(ws.title, _rows(ws)) for ws in wb.worksheets]
    finally:
        wb.close()
    data = next(((name, rows, h) for name, rows in sheets if (h := _find_data_header(rows))), None)
    if data is None:
        msg = (
            "not a PCD workbook: no sheet has a 'Date' header followed by station codes "
            "(e.g. Date | 02T | 05T ...) in its first rows"
        )
        raise InputFileError(label, msg)
    data_name, data_rows, (hrow, dcol) = data
    station = next(
        (
            (name, rows, sh)
            for name, rows in sheets
            if name != data_name and (sh := _find_station_header(rows))
        ),
        None,
    )
    if station is None:
        msg = (
            f"PCD workbook without a station sheet: no sheet besides {data_name!r} has a "
            "'รหัสสถานี' (station code) and 'ชื่อสถานี' (station name) header"
        )
        raise InputFileError(label, msg)
    pollutant = _pollutant(path, data_name, data_rows)
    if pollutant is None:
        msg = (
            f"PCD workbook: cannot tell the pollutant from the sheet name {data_name!r} or "
            "the file name (expected PM2.5, PM10 or O3 in one of them)"
        )
        raise InputFileError(label, msg)
    unit = _unit(pollutant, data_rows)

    # --- header: station codes, each once
    header = data_rows[hrow]
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for j in range(dcol + 1, len(header)):
        code = normalise_code(header[j])
        if not code:
            continue
        if code in seen:
            msg = (
                f"station code {code} appears twice in the header of sheet {data_name!r} "
                f"(columns {col_letter(seen[code])} and {col_letter(j)}); fix the header so "
                "each station has one column"
            )
            raise InputFileError(label, msg)
        seen[code] = j
        columns[j] = code

    # --- daily rows
    rejections: list[tuple[int | None, str, str, str, str]] = []
    notes: list[str] = []
    records: list[dict[str, object]] = []
    skipped = 0
    for i in range(hrow + 1, len(data_rows)):
        row = data_rows[i]
        excel_row = i + 1
        cells = {j: row[j] if j < len(row) else None for j in columns}
        date_cell = row[dcol] if dcol < len(row) else None
        has_values = any(not is_blank(v) for v in cells.values())
        day = _parse_date(date_cell)
        if day is None:
            if has_values:
                n = sum(1 for v in cells.values() if not is_blank(v))
                rejections.append(
                    (
                        excel_row,
                        col_letter(dcol),
                        cell_text(date_cell),
                        f"date not readable; the {n} values of this row are not loaded",
                        "bad_date",
                    )
                )
            elif not is_blank(date_cell):
                skipped += 1
            continue
        for j, code in columns.items():
            value = cells[j]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            col = f"{col_letter(j)} ({code})"
            try:
                number = parse_number(value)
            except CellError as err:
                reason = err.reason
                if err.code == "missing_value":
                    reason = f"no value for this day ({cell_text(value)!r} = no data)"
                rejections.append((excel_row, col, cell_text(value), reason, err.code))
                continue
            if number < 0:
                rejections.append(
                    (excel_row, col, cell_text(value), "negative concentration", "out_of_range")
                )
                continue
            records.append(
                {
                    "station_code": code,
                    "pollutant": pollutant,
                    "date": day,
                    "value": number,
                    "unit": unit,
                    "src_file": label,
                    "src_row": excel_row,
                    "src_column": col_letter(j),
                }
            )
    if skipped:
        notes.append(f"{skipped} rows with text but no date and no values skipped (footnotes)")
    daily = pd.DataFrame(records, columns=list(DAILY_COLUMNS))

    # --- duplicated dates: agree -> keep the first; conflict -> reject all of them
    if len(daily):
        dup = daily.duplicated(["station_code", "date"], keep=False)
        if dup.any():
            drop: list[int] = []
            for (dup_code, dup_day), grp in daily[dup].groupby(["station_code", "date"]):
                rows_txt = ", ".join(str(r) for r in grp["src_row"])
                if (grp["value"] == grp["value"].iloc[0]).all():
                    drop.extend(grp.index[1:])
                    notes.append(
                        f"{dup_code} {dup_day}: date appears twice (rows {rows_txt}), same value"
                    )
                else:
                    drop.extend(grp.index)
                    for rec in grp.to_dict("records"):
                        rejections.append(
                            (
                                int(rec["src_row"]),
                                f"{rec['src_column']} ({dup_code})",
                                cell_text(rec["value"]),
                                f"date {dup_day} appears twice (rows {rows_txt}) with different "
                                "values; neither is loaded",
                                "duplicate_conflict",
                            )
                        )
            daily = daily.drop(index=drop).reset_index(drop=True)
        daily["date"] = pd.to_datetime(daily["date"])

    # --- dates missing from the sheet, per calendar year present
    missing: dict[int, list[dt.date]] = {}
    with_row: dict[int, int] = {}
    dates = {_parse_date(r[dcol]) for r in data_rows[hrow + 1 :] if dcol < len(r)} - {None}
    for year in sorted({d.year for d in dates if d is not None}):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        have = {d for d in dates if d is not None and d.year == year}
        with_row[year] = len(have)
        lo, hi = min(have), max(have)
        gaps = [
            first + dt.timedelta(days=k)
            for k in range((last - first).days + 1)
            if first + dt.timedelta(days=k) not in have
        ]
        if gaps:
            missing[year] = gaps
            inside = [g for g in gaps if lo < g < hi]
            notes.append(
                f"{year}: {len(gaps)} days have no row (sheet covers {lo} to {hi}"
                + (
                    f"; {len(inside)} missing inside that range, first {inside[0]}"
                    if inside
                    else ""
                )
                + ")"
            )

    # --- station sheet
    st_name, st_rows, (st_hrow, st_cols) = station
    st_records: list[dict[str, object]] = []
    for i in range(st_hrow + 1, len(st_rows)):
        row = st_rows[i]

        def cell(key: str, row: tuple[object, ...] = row) -> object:
            j = st_cols.get(key)
            return row[j] if j is not None and j < len(row) else None

        raw_code = cell("code")
        code = normalise_code(raw_code)
        if not code:
            continue
        note = ""
        if code.isdigit() and f"{code}T" in seen and code not in seen:
            note = f"station sheet gives code {code} without a letter; read as {code}T"
            code = f"{code}T"
        st_records.append(
            {
                "station_code": code,
                "address_th": " ".join(cell_text(cell("name")).split()),
                "site_th": " ".join(cell_text(cell("site")).split()),
                "src_file": label,
                "src_sheet": st_name,
                "src_row": i + 1,
                "code_note": note,
            }
        )
    stations = pd.DataFrame(st_records, columns=list(STATION_COLUMNS))
    return PcdWorkbook(
        file=label,
        pollutant=pollutant,
        unit=unit,
        data_sheet=data_name,
        station_sheet=st_name,
        daily=daily,
        stations=stations,
        codes=list(columns.values()),
        rejections=rejections,
        notes=notes,
        missing_dates=missing,
        days_with_row=with_row,
    )
