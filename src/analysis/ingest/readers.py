"""Read raw indicator files into grids of cells, whatever their format or encoding.

A reader never interprets the data; it returns every sheet or table as a list of rows of
raw cell values with the row numbers a user sees in Excel (1-based). The pipeline finds the
header and validates the rows.

Formats are recognised by their content, not their extension:

* **XLSX/XLSM** (a zip archive): every worksheet; merged cells are filled with the value of
  their top-left cell; formulas are read from the values Excel saved (a formula without a
  saved value is reported by the pipeline); dates stay dates; a number in a cell formatted
  as a percentage is read as the text shown (Excel stores 35 % as 0.35; the reader returns
  ``"35%"``, which the value parser accepts only for indicators in percent). The
  uncompressed size is checked against the byte limit before anything is decompressed
  (zip bombs). Sheets are streamed (openpyxl's read-only parser) keeping only cells with
  content, and a table ends at a run of more than :data:`MAX_EMPTY_ROWS` empty rows or
  :data:`MAX_EMPTY_COLUMNS` empty columns: a stray cell at row 1,048,576 costs one cell,
  not a dense grid of the used range. Hidden sheets, rows and columns and content beyond
  the table are not returned as data; they are listed in :attr:`RawTable.ignored`.
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
    "MAX_EMPTY_COLUMNS",
    "MAX_EMPTY_ROWS",
    "MAX_GRID_CELLS",
    "SUPPORTED_SUFFIXES",
    "IgnoredPart",
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


@dataclass(frozen=True)
class IgnoredPart:
    """Content of a sheet that is not returned as data (hidden, or outside the table).

    Attributes
    ----------
    row : int or None
        1-based row as Excel shows it (None: a whole sheet or column).
    column : int or None
        0-based column index (None: a whole sheet or row).
    code : str
        ``hidden_sheet``, ``hidden_row``, ``hidden_column`` or ``outside_table``.
    reason : str
        What was not loaded, why, and what to do.
    value : str
        A sample of the content (shortened), for the report.
    """

    row: int | None
    column: int | None
    code: str
    reason: str
    value: str


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
    hidden : bool
        The sheet is hidden in the workbook: ``rows`` is empty and ``ignored`` says so.
    ignored : list of IgnoredPart
        Content the reader did not return: hidden rows and columns, cells beyond the
        table's data extent. The pipeline lists them in the ingest report.
    """

    label: str
    rows: list[list[object]]
    row_numbers: list[int]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    encoding: str | None = None
    hidden: bool = False
    ignored: list[IgnoredPart] = field(default_factory=list)


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
    del data  # the decoded text replaces the bytes (a 50 MB file is not held twice)
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
    # Cells repeat (town, indicator, unit, source): one string object per distinct text
    # keeps a large file's table a fraction of its naive size.
    seen: dict[str, str] = {}
    try:
        for record_no, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS:
                msg = (
                    f"row {record_no} has {len(record):,} columns (limit {MAX_COLUMNS:,}); "
                    "this does not look like a table"
                )
                raise InputFileError(label, msg)
            rows.append([seen.setdefault(cell, cell) for cell in record])
            numbers.append(record_no)
    except csv.Error as exc:
        raise InputFileError(label, f"malformed CSV near line {reader.line_num}: {exc}") from exc
    return RawTable(label=label, rows=_pad(rows), row_numbers=numbers, encoding=encoding)


def _pad(rows: list[list[object]]) -> list[list[object]]:
    """Pad ragged rows with ``None`` in place (no copy of a large table)."""
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return rows


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

#: A run of more empty rows than this ends a sheet's table; content after it is listed as
#: ignored (outside the table), never loaded and never expanded into a grid.
MAX_EMPTY_ROWS = 1000
#: A run of more empty columns than this ends a sheet's table (same treatment).
MAX_EMPTY_COLUMNS = 100
#: A sheet whose table (rows with content x columns) has more cells than this is refused.
MAX_GRID_CELLS = 5_000_000
#: At most this many ignored rows/cells outside the table are listed one by one per sheet.
MAX_IGNORED_LISTED = 20

_TRUE = frozenset({"1", "true"})


def _read_xlsx(data: bytes, *, label: str, max_bytes: int) -> list[RawTable]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, KeyError) as exc:
        raise InputFileError(label, f"corrupt workbook: not a valid zip archive ({exc})") from exc
    if total > max_bytes:
        msg = (
            f"the workbook expands to {_mb(total)} when unzipped, larger than the "
            f"{_mb(max_bytes)} limit (possible zip bomb; raise the limit with "
            "--max-bytes if the file is genuine)"
        )
        raise InputFileError(label, msg)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputFileError(label, "the zip archive is not an Excel workbook (no xl/ part)")
    import openpyxl  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # read_only: sheets are streamed row by row, never loaded as a grid of cells.
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zipfile errors, XML errors...
        reason = f"corrupt workbook: openpyxl cannot open it ({type(exc).__name__}: {exc})"
        raise InputFileError(label, reason) from exc
    tables = []
    try:
        percent_styles = _percent_styles(wb)
        for ws in wb.worksheets:
            sheet = _SheetStream(ws, percent_styles, label=f"{label}[{ws.title}]")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    table = sheet.read()
            except InputFileError:
                raise
            except Exception as exc:  # XML errors in one sheet: the workbook is corrupt
                reason = (
                    f"corrupt workbook: sheet {ws.title!r} cannot be read "
                    f"({type(exc).__name__}: {exc})"
                )
                raise InputFileError(label, reason) from exc
            if table is not None:
                tables.append(table)
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return tables


def _percent_styles(wb: Any) -> frozenset[int]:
    """Return the style ids whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE  # noqa: PLC0415

    out = set()
    for style_id, style in enumerate(getattr(wb, "_cell_styles", [])):
        fmt_id = style.numFmtId
        if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fmt_id, "General")
        else:
            custom = wb._number_formats
            index = fmt_id - BUILTIN_FORMATS_MAX_SIZE
            fmt = custom[index] if 0 <= index < len(custom) else "General"
        if "%" in str(fmt):
            out.add(style_id)
    return frozenset(out)


def _cell_parser_class() -> type:
    """Return a WorkSheetParser that yields the saved value *and* the formula of a cell."""
    from openpyxl.worksheet._reader import WorkSheetParser  # noqa: PLC0415
    from openpyxl.xml.constants import SHEET_MAIN_NS  # noqa: PLC0415

    formula_tag = f"{{{SHEET_MAIN_NS}}}f"

    class _Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if element.find(formula_tag) is not None:
                formula = self.parse_formula(element)  # also registers shared formulas
                cell["formula"] = getattr(formula, "text", formula)
            return cell

    return _Parser


class _SheetStream:
    """Stream one worksheet into a :class:`RawTable` bounded by its real data extent.

    Only cells with content are kept while the XML is parsed (a stray cell at row
    1,048,576 costs one cell, not a million empty rows). Hidden sheets, rows and columns
    and content beyond a long run of empty rows or columns are listed in
    :attr:`RawTable.ignored` and not returned as data.
    """

    def __init__(self, ws: Any, percent_styles: frozenset[int], *, label: str) -> None:
        self.ws = ws
        self.percent_styles = percent_styles
        self.label = label
        self.cells: dict[int, dict[int, object]] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.ignored: list[IgnoredPart] = []
        self.last_row = 0
        self.outside: list[tuple[int, int, object]] = []
        self.outside_count = 0
        self.outside_gap = 0

    def read(self) -> RawTable | None:
        """Parse the sheet; return its table, or None when it has no content."""
        parser = self._parse()
        if not self.cells and not self.outside_count:
            return None
        hidden = getattr(self.ws, "sheet_state", "visible") != "visible"
        if hidden:
            n = len(self.cells)
            self.ignored = [
                IgnoredPart(
                    None,
                    None,
                    "hidden_sheet",
                    f"hidden sheet ({n:,} rows with content): not loaded; unhide it in Excel "
                    "(right-click a sheet tab > Unhide) if it holds data to load",
                    "",
                )
            ]
            return RawTable(self.label, [], [], hidden=True, ignored=self.ignored)
        self._list_outside_rows()
        self._fill_merged(parser, MAX_COLUMNS)
        width = self._cut_columns()
        hidden_rows = self._hidden_rows(parser)
        hidden_cols = self._hidden_columns(parser, width)
        numbers = sorted(r for r in self.cells if r not in hidden_rows)
        if len(numbers) * width > MAX_GRID_CELLS:
            msg = (
                f"sheet {self.ws.title!r} holds a table of {len(numbers):,} rows x {width:,} "
                f"columns, more than {MAX_GRID_CELLS:,} cells; split it into several files"
            )
            raise InputFileError(self.label.rsplit("[", 1)[0], msg)
        rows: list[list[object]] = []
        for r in numbers:
            line: list[object] = [None] * width
            for c, value in self.cells[r].items():
                if c < width and c not in hidden_cols:
                    line[c] = value
            rows.append(line)
        formulas = {
            key: text
            for key, text in self.formulas.items()
            if key[0] not in hidden_rows and key[1] < width and key[1] not in hidden_cols
        }
        if not any(v is not None for row in rows for v in row) and not formulas:
            rows, numbers = [], []
        return RawTable(self.label, rows, numbers, formulas=formulas, ignored=self.ignored)

    # -- parsing -------------------------------------------------------------------------

    def _parse(self) -> Any:
        parent = self.ws.parent
        parser_class = _cell_parser_class()
        with self.ws._get_source() as src:
            parser = parser_class(
                src,
                self.ws._shared_strings,
                data_only=True,
                epoch=parent.epoch,
                date_formats=parent._date_formats,
                timedelta_formats=parent._timedelta_formats,
            )
            for row_no, cells in parser.parse():
                self._add_row(row_no, cells)
        return parser

    def _add_row(self, row_no: int, cells: list[dict[str, Any]]) -> None:
        kept: dict[int, object] = {}
        for cell in cells:
            col = int(cell["column"]) - 1
            value = _cell(_shown(cell, self.percent_styles))
            formula = cell.get("formula")
            if value is None and isinstance(formula, str) and formula.startswith("="):
                self.formulas[(row_no, col)] = formula
                kept[col] = None
            elif value is not None:
                kept[col] = value
        if not kept:
            return
        gap = row_no - self.last_row - 1
        if self.outside_count or (self.last_row and gap > MAX_EMPTY_ROWS):
            if not self.outside_count:
                self.outside_gap = gap
            for col, value in kept.items():
                self.formulas.pop((row_no, col), None)
                self.outside_count += 1
                if len(self.outside) < MAX_IGNORED_LISTED:
                    self.outside.append((row_no, col, value))
            return
        self.cells[row_no] = kept
        self.last_row = row_no

    # -- extent ----------------------------------------------------------------------------

    def _list_outside_rows(self) -> None:
        if not self.outside_count:
            return
        first = self.outside[0][0]
        for row_no, col, value in self.outside:
            reason = (
                f"cell {_col_letter(col)}{row_no} is outside the table: it comes after "
                f"{self.outside_gap:,} empty rows (more than {MAX_EMPTY_ROWS:,}); not loaded. "
                "Delete the stray content or move it next to the table"
            )
            self.ignored.append(IgnoredPart(row_no, col, "outside_table", reason, _sample(value)))
        more = self.outside_count - len(self.outside)
        if more > 0:
            reason = (
                f"{more:,} more cells after row {first:,} are outside the table (after "
                f"{self.outside_gap:,} empty rows); not loaded"
            )
            self.ignored.append(IgnoredPart(None, None, "outside_table", reason, ""))

    def _cut_columns(self) -> int:
        """Return the table width; cells beyond a long empty-column run become ignored."""
        used = sorted({c for cols in self.cells.values() for c in cols})
        if not used:
            return 0
        width = used[0] + 1
        for c in used[1:]:
            if c - width > MAX_EMPTY_COLUMNS or c >= MAX_COLUMNS:
                break
            width = c + 1
        listed = 0
        beyond = 0
        for r in sorted(self.cells):
            for c in sorted(k for k in self.cells[r] if k >= width):
                value = self.cells[r].pop(c)
                self.formulas.pop((r, c), None)
                beyond += 1
                if listed < MAX_IGNORED_LISTED:
                    listed += 1
                    why = (
                        f"more than {MAX_EMPTY_COLUMNS} empty columns"
                        if c < MAX_COLUMNS
                        else f"beyond the {MAX_COLUMNS:,}-column limit"
                    )
                    reason = (
                        f"cell {_col_letter(c)}{r} is outside the table (after column "
                        f"{_col_letter(width - 1)}: {why}); not loaded. Delete the stray "
                        "content or move it next to the table"
                    )
                    self.ignored.append(IgnoredPart(r, c, "outside_table", reason, _sample(value)))
        if beyond > listed:
            reason = (
                f"{beyond - listed:,} more cells right of column {_col_letter(width - 1)} are "
                "outside the table; not loaded"
            )
            self.ignored.append(IgnoredPart(None, None, "outside_table", reason, ""))
        for r in [r for r, cols in self.cells.items() if not cols]:
            del self.cells[r]
        return width

    def _fill_merged(self, parser: Any, width: int) -> None:
        """Give every cell of a merged range the value of its top-left cell."""
        merged = getattr(getattr(parser, "merged_cells", None), "mergeCell", None) or []
        from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415

        for item in merged:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(item.ref)
            except (TypeError, ValueError):
                continue
            top = self.cells.get(min_row, {}).get(min_col - 1)
            if top is None or min_col > width:
                continue
            last = min(max_row, self.last_row)
            if (last - min_row + 1) * (min(max_col, width) - min_col + 1) > MAX_GRID_CELLS:
                continue  # a sheet-sized merge: the cap below refuses the sheet anyway
            for r in range(min_row, last + 1):
                row = self.cells.setdefault(r, {})
                for c in range(min_col - 1, min(max_col, width)):
                    row[c] = top

    def _hidden_rows(self, parser: Any) -> set[int]:
        hidden = set()
        for key, attrs in getattr(parser, "row_dimensions", {}).items():
            if str(attrs.get("hidden", "")).lower() in _TRUE:
                r = int(key)
                if r in self.cells:
                    hidden.add(r)
                    values = [v for v in self.cells[r].values() if v is not None]
                    reason = (
                        f"hidden row {r} ({len(values)} cells with content): not loaded; "
                        "unhide it in Excel (select the rows around it, right-click > Unhide) "
                        "if it holds data to load, or delete it"
                    )
                    sample = _sample(values[0]) if values else ""
                    self.ignored.append(IgnoredPart(r, None, "hidden_row", reason, sample))
        return hidden

    def _hidden_columns(self, parser: Any, width: int) -> set[int]:
        hidden: set[int] = set()
        for attrs in getattr(parser, "column_dimensions", {}).values():
            if str(attrs.get("hidden", "")).lower() not in _TRUE:
                continue
            try:
                lo, hi = int(attrs["min"]) - 1, int(attrs.get("max", attrs["min"])) - 1
            except (KeyError, ValueError):
                continue
            hidden.update(range(lo, min(hi, width - 1) + 1))
        for c in sorted(hidden):
            values = [
                (r, self.cells[r][c])
                for r in sorted(self.cells)
                if self.cells[r].get(c) is not None
            ]
            if not values:
                continue
            reason = (
                f"hidden column {_col_letter(c)} ({len(values)} cells with content): not "
                "loaded; unhide it in Excel (select the columns around it, right-click > "
                "Unhide) if it holds data to load, or delete it"
            )
            self.ignored.append(
                IgnoredPart(None, c, "hidden_column", reason, _sample(values[0][1]))
            )
        return hidden


def _sample(value: object) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 80 else f"{text[:80]}…"


def _col_letter(index: int) -> str:
    """Return the Excel column letters of a 0-based column index (0 -> A)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _shown(cell: dict[str, Any], percent_styles: frozenset[int]) -> object:
    """Return a cell's value as the user sees it.

    A number in a percent-formatted cell is returned as text with its ``%`` (Excel stores
    35 % as 0.35; the user typed and sees ``35%``), so the value parser can accept it only
    for indicators measured in percent.
    """
    value = cell["value"]
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and cell.get("style_id") in percent_styles
    ):
        return f"{float(f'{value * 100:.12g}'):.12g}%"
    if cell.get("data_type") == "e" and isinstance(value, str):
        return value  # Excel error such as #DIV/0!: the value parser names it
    return value


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.timedelta):
        return str(value)
    return value
