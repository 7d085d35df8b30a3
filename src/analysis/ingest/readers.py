"""Read raw indicator files into grids of cells, whatever their format or encoding.

A reader never interprets the data; it returns every sheet or table as a list of rows of
raw cell values with the row numbers a user sees in Excel (1-based). The pipeline finds the
header and validates the rows.

Formats are recognised by their content, not their extension:

* **XLSX/XLSM** (a zip archive): every worksheet; merged cells are filled with the value of
  their top-left cell; formulas are read from the values Excel saved (a formula without a
  saved value is reported by the pipeline); dates stay dates; a number in a cell formatted
  as a percentage is read as shown (Excel stores 35 % as 0.35; ingest reads 35). The
  uncompressed size is checked against the byte limit before anything is decompressed
  (zip bombs).
* **Encrypted workbooks** and legacy **Excel 97-2003 .xls** (OLE2 containers) are refused
  with a message saying how to fix them.
* **HTML tables renamed .xls** (exports of Thai government portals) are parsed with the
  standard library's HTML parser (no lxml needed): every ``<table>`` becomes a table.
* **Text** (CSV, TSV, Excel "Unicode text"): UTF-8, UTF-8 with BOM, UTF-16 (with or without
  BOM) and Thai Windows cp874/TIS-620; the delimiter (``,`` tab ``;`` ``|``) is taken from
  the header line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from analysis.errors import InputFileError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "RawTable",
    "read_raw_file",
]

#: Default per-file byte limit (also applied to an XLSX's uncompressed size).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Tables wider than this are refused (a CSV with a megabyte-long line is not a table).
MAX_COLUMNS = 1000
SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"})

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class RawTable:
    """One sheet or table of a raw file.

    Attributes
    ----------
    label : str
        How messages name it: the file relative to ``data/raw`` plus ``[sheet]`` for
        workbook sheets (``indicators/x.xlsx[data]``) or ``[table N]`` for HTML tables.
    rows : list of list
        Raw cell values, one list per row (ragged rows are padded with ``None``).
    row_numbers : list of int
        The 1-based row number of each row as a spreadsheet shows it.
    formulas : dict
        ``(row_number, column_index) -> formula text`` for formula cells that have no saved
        value (the pipeline reports them).
    encoding : str or None
        The text encoding detected (text files only).
    """

    label: str
    rows: list[list[object]]
    row_numbers: list[int]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    encoding: str | None = None


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_raw_file(path: Path, *, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawTable]:
    """Read every table of a raw file.

    Parameters
    ----------
    path : pathlib.Path
        The file (never modified; it is opened read-only).
    label : str
        Name used in messages, usually the path relative to ``data/raw``.
    max_bytes : int
        Refuse files larger than this (and XLSX whose uncompressed content is larger).

    Returns
    -------
    list of RawTable
        One per worksheet or HTML table (one for text files). Empty worksheets are dropped.

    Raises
    ------
    InputFileError
        If the file cannot be read at all (empty, too big, encrypted, corrupt, undecodable).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(label, f"cannot open the file: {exc.strerror or exc}") from exc
    if size > max_bytes:
        msg = (
            f"file is {_mb(size)}, larger than the {_mb(max_bytes)} limit "
            "(raise it with --max-bytes)"
        )
        raise InputFileError(label, msg)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(label, f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip(b" \t\r\n\x00") or data in (
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        raise InputFileError(label, "the file is empty")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, label=label, max_bytes=max_bytes)
    if data.startswith(_OLE2_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            msg = (
                "the workbook is password-protected (encrypted) and cannot be read; remove the "
                "password in Excel (File > Info > Protect Workbook > Encrypt with Password, clear "
                "it) and save again as .xlsx"
            )
        else:
            msg = (
                "legacy Excel 97-2003 workbook (.xls) is not supported; open it in Excel and "
                "save it as 'Excel Workbook (.xlsx)'"
            )
        raise InputFileError(label, msg)
    if path.suffix.lower() in {".xlsx", ".xlsm"} or data.startswith(b"PK"):
        raise InputFileError(
            label, "corrupt workbook: an .xlsx file must be a zip archive and this one is not"
        )
    text, encoding = _decode(data, label)
    if "urn:schemas-microsoft-com:office:spreadsheet" in text[:4096] and "<html" not in text[:4096]:
        msg = (
            "Excel 2003 'XML Spreadsheet' files are not supported; open it in Excel and save "
            "it as 'Excel Workbook (.xlsx)'"
        )
        raise InputFileError(label, msg)
    if _looks_like_html(text):
        return _read_html(text, label=label)
    return [_read_text(text, label=label, encoding=encoding)]


# --------------------------------------------------------------------------- text / CSV


def _decode(data: bytes, label: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (+BOM), UTF-16 (+-BOM) or cp874, in that order."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        head = data[:4096]
        even_nul = head[0::2].count(0)
        odd_nul = head[1::2].count(0)
        if odd_nul > len(head) // 4 and even_nul == 0:
            candidates = ["utf-16-le"]
        elif even_nul > len(head) // 4 and odd_nul == 0:
            candidates = ["utf-16-be"]
        elif b"\x00" in head:
            raise InputFileError(
                label, "binary file: this is not a CSV/text table or an .xlsx workbook"
            )
        else:
            candidates = ["utf-8", "cp874"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.removeprefix("\ufeff"), ("tis-620/cp874" if encoding == "cp874" else encoding)
    msg = (
        "cannot decode the text: it is not UTF-8, UTF-16 or Thai Windows (cp874/TIS-620); "
        "save it from Excel as 'CSV UTF-8'"
    )
    raise InputFileError(label, msg)


def _sniff_delimiter(text: str) -> str:
    first = ""
    for line in text[: 1 << 16].splitlines():
        if line.strip():
            first = line
            break
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_text(text: str, *, label: str, encoding: str) -> RawTable:
    delimiter = _sniff_delimiter(text)
    csv.field_size_limit(max(len(text) + 1, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    numbers: list[int] = []
    try:
        for record_no, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS:
                msg = (
                    f"row {record_no} has {len(record):,} columns (limit {MAX_COLUMNS:,}); "
                    "this does not look like a table"
                )
                raise InputFileError(label, msg)
            rows.append(list(record))
            numbers.append(record_no)
    except csv.Error as exc:
        raise InputFileError(label, f"malformed CSV near line {reader.line_num}: {exc}") from exc
    return RawTable(label=label, rows=_pad(rows), row_numbers=numbers, encoding=encoding)


def _pad(rows: list[list[object]]) -> list[list[object]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


# --------------------------------------------------------------------------- HTML


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith("<") and (
        "<table" in text[: 1 << 20].lower() or head.startswith(("<!doctype html", "<html"))
    )


class _TableParser(HTMLParser):
    """Collect the text of every ``<table>`` (cells by ``<td>``/``<th>``, ``colspan`` repeated)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._colspan = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._finish_row()
            self._row = []
        elif tag in {"td", "th"} and self._stack:
            if self._row is None:
                self._row = []
            self._finish_cell()
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._colspan = int(span) if span.isdigit() and 0 < int(span) <= MAX_COLUMNS else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"}:
            self._finish_cell()
        elif tag == "tr":
            self._finish_row()
        elif tag == "table" and self._stack:
            self._finish_row()
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _finish_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.extend([text] * self._colspan)
        self._cell = None
        self._colspan = 1

    def _finish_row(self) -> None:
        self._finish_cell()
        if self._row is not None and self._stack:
            self._stack[-1].append(self._row)
        self._row = None


def _read_html(text: str, *, label: str) -> list[RawTable]:
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it raises means garbage
        raise InputFileError(label, f"cannot parse the HTML table: {exc}") from exc
    tables = [t for t in parser.tables if any(any(c for c in row) for row in t)]
    if not tables:
        raise InputFileError(
            label, "the file is an HTML page (not a real Excel file) and holds no table"
        )
    out = []
    for n, table in enumerate(tables, start=1):
        if len(table[0]) > MAX_COLUMNS:
            raise InputFileError(label, f"HTML table {n} has more than {MAX_COLUMNS:,} columns")
        name = label if len(tables) == 1 else f"{label}[table {n}]"
        out.append(
            RawTable(
                label=name,
                rows=_pad([list(r) for r in table]),
                row_numbers=list(range(1, len(table) + 1)),
            )
        )
    return out


# --------------------------------------------------------------------------- XLSX

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _read_xlsx(data: bytes, *, label: str, max_bytes: int) -> list[RawTable]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if total > max_bytes:
                msg = (
                    f"the workbook expands to {_mb(total)} when unzipped, larger than the "
                    f"{_mb(max_bytes)} limit (possible zip bomb; raise the limit with "
                    "--max-bytes if the file is genuine)"
                )
                raise InputFileError(label, msg)
            has_formulas = any(
                _FORMULA_TAG.search(archive.read(name))
                for name in names
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, KeyError) as exc:
        raise InputFileError(label, f"corrupt workbook: not a valid zip archive ({exc})") from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputFileError(label, "the zip archive is not an Excel workbook (no xl/ part)")
    import openpyxl  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            formula_wb = (
                openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
                if has_formulas
                else None
            )
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zipfile errors, XML errors...
        reason = f"corrupt workbook: openpyxl cannot open it ({type(exc).__name__}: {exc})"
        raise InputFileError(label, reason) from exc
    tables = []
    try:
        for ws in values_wb.worksheets:
            fws = formula_wb[ws.title] if formula_wb is not None else None
            table = _sheet_table(ws, fws, label=f"{label}[{ws.title}]")
            if table is not None:
                tables.append(table)
    finally:
        with contextlib.suppress(Exception):
            values_wb.close()
            if formula_wb is not None:
                formula_wb.close()
    return tables


def _sheet_table(ws: Any, fws: Any, *, label: str) -> RawTable | None:
    """Return the cells of one worksheet (``fws``: the same sheet with formulas, or None)."""
    max_row = ws.max_row or 0
    max_col = min(ws.max_column or 0, MAX_COLUMNS)
    if max_row == 0 or max_col == 0:
        return None
    grid: list[list[object]] = []
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        grid.append([_shown(cell) for cell in row])
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row > max_row or merged.min_col > max_col:
            continue
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, min(merged.max_row, max_row) + 1):
            for c in range(merged.min_col, min(merged.max_col, max_col) + 1):
                grid[r - 1][c - 1] = top
    formulas: dict[tuple[int, int], str] = {}
    if fws is not None:
        for r_idx, frow in enumerate(fws.iter_rows(min_row=1, max_row=max_row, max_col=max_col), 1):
            for c_idx, cell in enumerate(frow):
                value = getattr(cell, "value", None)
                text = getattr(value, "text", value)  # ArrayFormula has .text
                if (
                    isinstance(text, str)
                    and text.startswith("=")
                    and grid[r_idx - 1][c_idx] is None
                ):
                    formulas[(r_idx, c_idx)] = text
    grid = [[_cell(v) for v in row] for row in grid]
    if not any(v is not None for row in grid for v in row) and not formulas:
        return None
    return RawTable(
        label=label, rows=grid, row_numbers=list(range(1, max_row + 1)), formulas=formulas
    )


def _shown(cell: Any) -> object:
    """Return a cell's value as the user sees it (percent-formatted numbers times 100)."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in str(cell.number_format or "")
    ):
        # Excel stores 35 % as 0.35; the user typed and sees 35.
        return float(f"{value * 100:.12g}")
    return value


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.timedelta):
        return str(value)
    return value
