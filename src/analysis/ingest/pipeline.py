"""The ingest pipeline: raw indicator files -> validated long rows + rejected rows.

:func:`ingest_files` is pure (reads files, writes nothing) and is what tests call;
:func:`run_ingest` runs it over ``data/raw/indicators`` and writes the processed store.

Stages
------
1. **Read** every file into tables of cells (:mod:`analysis.ingest.readers`). A file that
   cannot be read at all becomes one rejection with an empty row.
2. **Locate the header** in the first rows of each table (English or Thai names, maybe
   under title rows or merged cells) and decide the layout: *long* (a year and a value
   column) or *wide* (one column per year). Workbook sheets without a recognisable header
   (instructions, look-up lists) are skipped and listed in the manifest.
3. **Parse** each cell: town and indicator by id or Thai/English name (a town name only
   when unambiguous: a name shared by two towns needs the id or a province column, see
   :class:`analysis.towns.TownResolver`), years in B.E. or CE,
   numbers with Thai digits and thousands separators, units via the catalogue's aliases
   (converted to the canonical unit). Every bad cell becomes a rejection naming file, row
   (as Excel shows it), column and the reason; good rows of the same file still load.
4. **Schema** (:mod:`analysis.ingest.schema`, pandera): year plausible, value within the
   catalogue's natural bounds.
5. **Duplicates**: rows for the same town, indicator and year (across files too; B.E. 2566
   and CE 2023 are the same year) collapse when their values agree, and are all rejected
   when they conflict, because ingest cannot know which one is right.

In the wide layout an empty cell is a year without data and is skipped; explicit markers
(``-``, ``n/a``) are rejected as missing values like in the long layout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import DataError, InputFileError
from analysis.ingest.measures import MEASURES_SHEET, discover_measure_files, ingest_measures
from analysis.ingest.normalise import (
    BE_OFFSET,
    CellError,
    IndicatorLookup,
    cell_text,
    classify_year_header,
    header_key,
    is_blank,
    normalise_header,
    parse_number,
    parse_year,
)
from analysis.ingest.rawfiles import col_letter, raw_files, raw_label
from analysis.ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, RawTable, read_raw_file
from analysis.ingest.schema import (
    INDICATORS_SCHEMA,
    default_year_range,
    failures_by_row,
    row_schema,
)
from analysis.manifest import sha256_file
from analysis.paths import ProjectPaths
from analysis.store.atomic import atomic_write_text
from analysis.store.io import INDICATOR_COLUMNS, write_geotable, write_table
from analysis.store.schema import columns as store_columns
from analysis.synthetic.series import SYNTHETIC_TAG
from analysis.towns import PROVINCE_HEADERS, TownResolver

if TYPE_CHECKING:
    import geopandas as gpd

    from analysis.ingest.air import AirStoreReport

__all__ = [
    "HEADER_SCAN_ROWS",
    "IGNORED_COLUMNS",
    "MAX_CELL_CHARS",
    "REJECTED_COLUMNS",
    "FileSummary",
    "Ignored",
    "IgnoredFile",
    "IngestReport",
    "IngestResult",
    "discover_files",
    "empty_indicator_frame",
    "ignored_warnings",
    "ingest_files",
    "registry_warnings",
    "run_ingest",
    "scan_folder",
    "sha256_file",
    "store_spatial_inputs",
]

#: The header must be within the first this-many rows of a table.
HEADER_SCAN_ROWS = 20
#: Longer text in a used cell is rejected (a 5 MB "town name" is not data).
MAX_CELL_CHARS = 10_000
#: Columns of ``rejected.csv``: ``code`` is the reason's category, ``town_id`` the town the
#: row was resolved to (empty when the town cell itself could not be read).
REJECTED_COLUMNS: tuple[str, ...] = store_columns("rejected.csv")
#: Columns of ``ignored.csv``: content neither loaded nor rejected (hidden, outside the table,
#: a column ingest does not read, a note row), with the reason.
IGNORED_COLUMNS: tuple[str, ...] = store_columns("ignored.csv")

_REQUIRED_LONG = ("town", "indicator", "year", "value", "unit", "source")
_REQUIRED_WIDE = ("town", "indicator", "unit", "source")
_HEADER_HINT = (
    "expected columns town/เทศบาล, indicator/ตัวชี้วัด, year/ปี พ.ศ., value/ค่า, unit/หน่วย, "
    "source/แหล่งข้อมูล (long layout) or one column per year (wide layout)"
)
_DOC_NAMES = ("readme", "licen", "copying")


@dataclass(frozen=True)
class Rejection:
    """One rejected cell, row, table or file (``row`` is ``None`` for a whole file)."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    code: str
    town_id: str | None = None


@dataclass(frozen=True)
class Ignored:
    """Content of a table that was neither loaded nor rejected, and why (``ignored.csv``)."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    code: str


@dataclass(frozen=True)
class IgnoredFile:
    """A file or folder in the raw folder that ingest did not read, and why."""

    file: str
    reason: str


@dataclass
class FileSummary:
    """What ingest did with one raw file."""

    file: str
    tables: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None
    #: Entries of ``ignored.csv`` for this file (hidden or stray content, unread columns).
    ignored: int = 0


@dataclass
class IngestResult:
    """Output of :func:`ingest_files`.

    Attributes
    ----------
    rows : pandas.DataFrame
        Valid rows, columns :data:`analysis.store.io.INDICATOR_COLUMNS`, unique per
        town x indicator x year, sorted.
    rejected : pandas.DataFrame
        ``file, row, column, value, reason, code`` (``row`` is nullable ``Int64``).
    files : list of FileSummary
        Per-file counts.
    collapsed_duplicates : int
        Rows dropped because an identical row (same key, same value) was loaded first.
    ignored : pandas.DataFrame
        :data:`IGNORED_COLUMNS`: content neither loaded nor rejected (hidden sheets, rows and
        columns, cells outside the table, columns ingest does not read, note rows).
    rejected_tables : dict
        ``table -> (header row, data rows)`` of tables rejected as a whole (their data rows
        count as rejected rows).
    """

    rows: pd.DataFrame
    rejected: pd.DataFrame
    files: list[FileSummary]
    collapsed_duplicates: int = 0
    ignored: pd.DataFrame = field(default_factory=lambda: _ignored_frame([]))
    rejected_tables: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class IngestReport:
    """Output of :func:`run_ingest`: the result plus what was written."""

    result: IngestResult
    outputs: dict[str, Path]
    manifest: dict
    strict: bool = False
    #: The PCD station workbooks of ``data/raw/air`` (None when there is none).
    air: AirStoreReport | None = None
    #: Files of ``data/raw/indicators`` that were not read, with the reason.
    ignored_files: list[IgnoredFile] = field(default_factory=list)
    #: Problems of the town registry (a town without data, an unknown tambon code).
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        """Number of rows written to ``indicators.parquet``."""
        return len(self.result.rows)

    @property
    def rows_rejected(self) -> int:
        """Number of lines in ``rejected.csv``."""
        return len(self.result.rejected)

    @property
    def rows_ignored(self) -> int:
        """Number of lines in ``ignored.csv`` (content neither loaded nor rejected)."""
        return len(self.result.ignored)

    @property
    def ok(self) -> bool:
        """False in strict mode when anything was rejected or ignored or a warning was raised."""
        return not (self.strict and (self.rows_rejected or self.rows_ignored or self.warnings))


# --------------------------------------------------------------------------- helpers


def empty_indicator_frame() -> pd.DataFrame:
    """Return an empty frame with the dtypes of ``indicators.parquet``.

    Returns
    -------
    pandas.DataFrame
        No rows; the columns and dtypes of the ``indicators.parquet`` contract.
    """
    return _typed(pd.DataFrame({c: [] for c in INDICATOR_COLUMNS}))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "town_id": df["town_id"].astype("str"),
            "indicator_id": df["indicator_id"].astype("str"),
            "year": df["year"].astype("int64"),
            "value": df["value"].astype("float64"),
            "unit": df["unit"].astype("str"),
            "source": df["source"].astype("str"),
            "note": df["note"].astype("str"),
            "is_synthetic": df["is_synthetic"].astype("bool"),
            "src_file": df["src_file"].astype("str"),
            "src_row": df["src_row"].astype("int64"),
        }
    )
    return out.reset_index(drop=True)


def discover_files(folder: Path) -> list[Path]:
    """List raw indicator files under ``folder`` (recursively, sorted).

    The files :func:`scan_folder` selects; see there for what is left out and why.

    Parameters
    ----------
    folder : pathlib.Path
        Usually ``data/raw/indicators``.

    Returns
    -------
    list of pathlib.Path
        The files, sorted; empty when ``folder`` is not a directory.
    """
    return scan_folder(folder)[0]


def scan_folder(folder: Path, raw_root: Path | None = None) -> tuple[list[Path], list[IgnoredFile]]:
    """Split the entries under ``folder`` into files to read and ignored ones (with reasons).

    Ignored: hidden files and folders, Excel lock files (``~$x.xlsx``), documentation
    (``README*``, ``LICEN[CS]E*``, ``COPYING*``, ``*.md``), broken symbolic links, links
    to folders (not followed) and entries that are not regular files. Everything else is
    returned, including unsupported types (rejected by :func:`ingest_files`) and links to
    files (refused there when they point outside the raw folder).

    Parameters
    ----------
    folder : pathlib.Path
        Usually ``data/raw/indicators``.
    raw_root : pathlib.Path, optional
        Ignored entries are named relative to this folder (``data/raw``).

    Returns
    -------
    files : list of pathlib.Path
        Files to read, sorted.
    ignored : list of IgnoredFile
        Every entry left out, with the reason.
    """
    if not folder.is_dir():
        return [], []
    files: list[Path] = []
    ignored: list[IgnoredFile] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            path = base / name
            if path.is_symlink():
                reason = (
                    f"a symbolic link to a folder ({path.readlink()}); links to folders are "
                    "not followed: copy the files into the raw folder"
                )
            elif name.startswith("."):
                reason = "a hidden folder (its name starts with '.')"
            else:
                kept.append(name)
                continue
            ignored.append(IgnoredFile(raw_label(path, raw_root), reason))
        dirnames[:] = kept
        for name in sorted(filenames):
            path = base / name
            why = _ignore_reason(path)
            if why is None:
                files.append(path)
            else:
                ignored.append(IgnoredFile(raw_label(path, raw_root), why))
    return sorted(files), sorted(ignored, key=lambda f: f.file)


def _ignore_reason(path: Path) -> str | None:
    """Return why ``path`` is not read as an indicator file (None: read it)."""
    name = path.name
    if name.startswith("~$"):
        return "an Excel lock file (the workbook is open in Excel; close it)"
    if name.startswith("."):
        return "a hidden file (its name starts with '.')"
    if path.is_symlink() and not path.exists():
        return f"a broken symbolic link (its target {path.readlink()} does not exist)"
    if name.lower().startswith(_DOC_NAMES) or path.suffix.lower() == ".md":
        return "documentation (README, LICENSE or Markdown), not data"
    if not path.is_file():
        return "not a regular file"
    return None


# --------------------------------------------------------------------------- header


@dataclass
class _Header:
    index: int
    columns: dict[str, int]
    labels: dict[int, str]
    years: list[tuple[int, int, str]]
    duplicates: list[tuple[str, int]]
    #: Headers that name a year but are not one observed year: (column, label, reason).
    bad_years: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def score(self) -> int:
        return len(self.columns) + len(self.years) + len(self.bad_years) - len(self.duplicates)


def _scan_header(table: RawTable) -> _Header | None:
    best: _Header | None = None
    for i, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        labels: dict[int, str] = {}
        years: list[tuple[int, int, str]] = []
        bad_years: list[tuple[int, str, str]] = []
        dupes: list[tuple[str, int]] = []
        for j, cell in enumerate(row):
            if is_blank(cell) or (isinstance(cell, str) and len(cell) > 200):
                continue
            labels[j] = cell_text(cell)
            name = normalise_header(cell)
            if name is None and header_key(cell) in PROVINCE_HEADERS:
                name = "province"
            if name is not None:
                if name in columns:
                    dupes.append((name, j))
                else:
                    columns[name] = j
                continue
            year = classify_year_header(cell)
            if year is not None and year.year is not None:
                years.append((j, year.year, cell_text(cell)))
            elif year is not None:
                bad_years.append((j, cell_text(cell), str(year.reason)))
        header = _Header(i, columns, labels, years, dupes, bad_years)
        if best is None or header.score > best.score:
            best = header
    return best if best is not None and best.score > 0 else None


# --------------------------------------------------------------------------- row parsing


class _TableIngest:
    """Parse the data rows of one table into candidates and rejections."""

    def __init__(self, table: RawTable, header: _Header, ctx: _Context, file_label: str) -> None:
        self.table = table
        self.header = header
        self.ctx = ctx
        self.file_label = file_label
        self.rows_read = 0
        #: The town of the row being parsed (None until its town cell resolves).
        self.row_town: str | None = None

    def _label(self, j: int) -> str:
        return self.header.labels.get(j, col_letter(j))

    def _cell(self, row_no: int, j: int, row: Sequence[object]) -> object:
        """Return the cell, raising CellError for formulas without a value and huge text."""
        formula = self.table.formulas.get((row_no, j))
        if formula is not None:
            msg = (
                f"formula {cell_text(formula, 80)} has no saved result (the file was not saved by "
                "Excel after calculating); open and save it in Excel, or type the value"
            )
            raise CellError(msg, "formula_no_value")
        value = row[j] if j < len(row) else None
        if isinstance(value, str):
            value = value.strip()
            if len(value) > MAX_CELL_CHARS:
                msg = f"cell text is {len(value):,} characters long (limit {MAX_CELL_CHARS:,})"
                raise CellError(msg, "cell_too_long")
        return value

    def _raw(self, row_no: int, j: int, row: Sequence[object]) -> str:
        formula = self.table.formulas.get((row_no, j))
        if formula is not None:
            return cell_text(formula)
        return cell_text(row[j] if j < len(row) else None)

    def _reject(self, row_no: int | None, j: int | None, raw: str, err: CellError) -> None:
        column = self._label(j) if j is not None else ""
        self.ctx.rejections.append(
            Rejection(self.table.label, row_no, column, raw, err.reason, err.code, self.row_town)
        )

    def _common(
        self, row_no: int, row: Sequence[object], names: Iterable[str]
    ) -> tuple[dict[str, Any], bool]:
        """Parse town, indicator, unit factor, source and note; return (values, ok)."""
        cols = self.header.columns
        out: dict[str, Any] = {}
        ok = True

        def attempt(name: str, fn: Callable[[object], object]) -> None:
            nonlocal ok
            j = cols[name]
            try:
                out[name] = fn(self._cell(row_no, j, row))
            except CellError as err:
                ok = False
                self._reject(row_no, j, self._raw(row_no, j, row), err)

        self.row_town = None
        province: object = None
        if "province" in cols:
            attempt("province", lambda v: "" if v is None else v)
            province = out.pop("province", "")  # "" = the column exists, the cell is empty
        attempt("town", lambda v: self.ctx.towns.resolve(v, province=province))
        self.row_town = out.get("town")
        attempt("indicator", self.ctx.indicators.resolve)
        for name in names:
            if name == "year":
                attempt("year", parse_year)
            elif name == "value":
                pct = self.ctx.indicators.is_percent(out.get("indicator"))
                attempt("value", _number_parser(allow_percent=pct))
        if "indicator" in out:
            attempt("unit", lambda v: self.ctx.indicators.unit_factor(str(out["indicator"]), v))
        attempt("source", _parse_source)
        if "note" in cols:
            attempt("note", _parse_note)
        out["unit_text"] = self._raw(row_no, cols["unit"], row)
        return out, ok

    def _candidate(
        self,
        parsed: dict[str, Any],
        *,
        year: int,
        value: float,
        row_no: int,
        year_col: str,
        year_text: str,
        value_col: str,
        value_text: str,
    ) -> None:
        indicator = self.ctx.catalogue_units[str(parsed["indicator"])]
        factor = float(parsed["unit"])
        converted = value * factor
        if factor != 1.0:
            converted = float(f"{converted:.12g}")
        source = str(parsed["source"])
        self.ctx.candidates.append(
            {
                "town_id": parsed["town"],
                "indicator_id": parsed["indicator"],
                "year": year,
                "value": converted,
                "unit": indicator,
                "source": source,
                "note": parsed.get("note"),
                "is_synthetic": SYNTHETIC_TAG in source.upper(),
                "src_file": self.table.label,
                "src_row": row_no,
                "_file": self.file_label,
                "_year_col": year_col,
                "_year_text": year_text,
                "_value_col": value_col,
                "_value_text": value_text,
                "_unit_text": parsed["unit_text"],
                "_order": len(self.ctx.candidates),
            }
        )

    def _note_row(self, row_no: int, row: Sequence[object]) -> None:
        """List a row with content but no indicator/value (a note or footnote) as ignored."""
        filled = [(j, v) for j, v in enumerate(row) if not is_blank(v)]
        if not filled:
            return
        j, value = filled[0]
        reason = (
            f"row {row_no} has content but no indicator, year or value (a note or footnote?): "
            "not loaded; move notes to the note column or delete the row"
        )
        shown = cell_text(value, 80)
        self.ctx.ignored.append(
            Ignored(self.table.label, row_no, self._label(j), shown, reason, "note_row")
        )

    def run_long(self) -> None:
        cols = self.header.columns
        key_cols = [cols["indicator"], cols["year"], cols["value"]]
        for k in range(self.header.index + 1, len(self.table.rows)):
            row = self.table.rows[k]
            row_no = self.table.row_numbers[k]
            if all(is_blank(row[j]) and (row_no, j) not in self.table.formulas for j in key_cols):
                self._note_row(row_no, row)
                continue
            self.rows_read += 1
            parsed, ok = self._common(row_no, row, ("year", "value"))
            if ok:
                self._candidate(
                    parsed,
                    year=int(parsed["year"]),  # type: ignore[call-overload]
                    value=float(parsed["value"]),  # type: ignore[arg-type]
                    row_no=row_no,
                    year_col=self._label(cols["year"]),
                    year_text=self._raw(row_no, cols["year"], row),
                    value_col=self._label(cols["value"]),
                    value_text=self._raw(row_no, cols["value"], row),
                )

    def run_wide(self) -> None:
        for k in range(self.header.index + 1, len(self.table.rows)):
            row = self.table.rows[k]
            row_no = self.table.row_numbers[k]
            filled = [
                (j, year, label)
                for j, year, label in self.header.years
                if not is_blank(row[j]) or (row_no, j) in self.table.formulas
            ]
            refused = [
                (j, label, reason)
                for j, label, reason in self.header.bad_years
                if not is_blank(row[j]) or (row_no, j) in self.table.formulas
            ]
            if not filled and not refused:
                if is_blank(row[self.header.columns["indicator"]]):
                    self._note_row(row_no, row)
                continue
            self.rows_read += 1
            parsed, ok = self._common(row_no, row, ())
            if not ok:
                continue
            for j, _name, reason in refused:
                msg = f"{reason}; the value was not loaded"
                err = CellError(msg, "bad_year_column")
                self._reject(row_no, j, self._raw(row_no, j, row), err)
            pct = self.ctx.indicators.is_percent(parsed.get("indicator"))
            for j, year, label in filled:
                try:
                    value = parse_number(self._cell(row_no, j, row), allow_percent=pct)
                except CellError as err:
                    self._reject(row_no, j, self._raw(row_no, j, row), err)
                    continue
                self._candidate(
                    parsed,
                    year=year,
                    value=value,
                    row_no=row_no,
                    year_col=label,
                    year_text=label,
                    value_col=label,
                    value_text=self._raw(row_no, j, row),
                )


def _number_parser(*, allow_percent: bool) -> Callable[[object], float]:
    """Return :func:`parse_number` accepting a trailing ``%`` only if ``allow_percent``."""

    def parse(value: object) -> float:
        return parse_number(value, allow_percent=allow_percent)

    return parse


def _parse_source(value: object) -> str:
    if is_blank(value):
        msg = "missing source (empty cell): say where the figure comes from"
        raise CellError(msg, "missing_source")
    return cell_text(value, limit=MAX_CELL_CHARS)


def _parse_note(value: object) -> str | None:
    return None if is_blank(value) else cell_text(value, limit=MAX_CELL_CHARS)


@dataclass
class _Context:
    towns: TownResolver
    indicators: IndicatorLookup
    catalogue_units: dict[str, str]
    candidates: list[dict] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    #: Tables rejected as a whole: table -> (header row, number of data rows).
    rejected_tables: dict[str, tuple[int, int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- ingest


def _ingest_table(table: RawTable, ctx: _Context, summary: FileSummary) -> bool | None:
    """Process one table; return True (data), None (not a data sheet) or False (bad table)."""
    if table.label.endswith(f"[{MEASURES_SHEET}]"):
        return None  # the measures register of the data-entry form (analysis.ingest.measures)
    header = _scan_header(table)
    if header is None or len(header.columns) < 2:
        return None
    cols = header.columns
    header_row = table.row_numbers[header.index]
    if header.duplicates:
        name, j = header.duplicates[0]
        first = cols[name]
        reason = (
            f"column {name!r} appears twice (columns {col_letter(first)} and {col_letter(j)}); "
            "keep one"
        )
        ctx.rejections.append(
            Rejection(table.label, header_row, header.labels[j], "", reason, "duplicate_column")
        )
        _reject_table_rows(table, header, ctx, summary)
        return False
    required: tuple[str, ...]
    if "year" in cols and "value" in cols:
        layout, required = "long", _REQUIRED_LONG
    elif (header.years or header.bad_years) and "year" not in cols and "value" not in cols:
        layout, required = "wide", _REQUIRED_WIDE
    elif "year" in cols:
        layout, required = "long", _REQUIRED_LONG
    else:
        layout, required = "wide", (*_REQUIRED_WIDE, "year columns")
    missing = [c for c in required if c not in cols]
    if missing:
        reason = (
            f"missing required column(s) {', '.join(missing)} in the header (row {header_row}); "
            f"{_HEADER_HINT}"
        )
        ctx.rejections.append(
            Rejection(table.label, header_row, ", ".join(missing), "", reason, "missing_column")
        )
        _reject_table_rows(table, header, ctx, summary)
        return False
    has_data = any(not all(is_blank(v) for v in row) for row in table.rows[header.index + 1 :])
    if not has_data:
        reason = f"no data rows below the header (row {header_row})"
        ctx.rejections.append(Rejection(table.label, None, "", "", reason, "no_data"))
        return False
    _note_unread_columns(table, header, layout, ctx)
    worker = _TableIngest(table, header, ctx, summary.file)
    if layout == "long":
        worker.run_long()
    else:
        worker.run_wide()
    summary.layouts[table.label] = layout
    summary.rows_read += worker.rows_read
    return True


def _reject_table_rows(
    table: RawTable, header: _Header, ctx: _Context, summary: FileSummary
) -> None:
    """Count the data rows of a table rejected as a whole as read and rejected."""
    n = sum(1 for row in table.rows[header.index + 1 :] if not all(is_blank(v) for v in row))
    ctx.rejected_tables[table.label] = (table.row_numbers[header.index], n)
    summary.rows_read += n


def _note_unread_columns(table: RawTable, header: _Header, layout: str, ctx: _Context) -> None:
    """List every column with content that ingest does not read as ignored (with the reason)."""
    used = set(header.columns.values())
    if layout == "wide":
        used |= {j for j, _, _ in header.years} | {j for j, _, _ in header.bad_years}
    body = table.rows[header.index + 1 :]
    width = max((len(r) for r in body), default=0)
    for j in sorted(set(range(width)) - used):
        values = [v for v in (r[j] for r in body if j < len(r)) if not is_blank(v)]
        if not values:
            continue
        name = header.labels.get(j)
        if name is None:
            what = f"column {col_letter(j)} has no header"
        elif layout == "long" and any(j == k for k, _, _ in (*header.years, *header.bad_years)):
            what = f"column {name!r} is a year column, but this table has year and value columns"
        else:
            what = f"column {name!r} is not a column ingest reads"
        reason = f"{what}: its {len(values)} values were not loaded ({_HEADER_HINT})"
        column, shown = name or col_letter(j), cell_text(values[0], 80)
        ctx.ignored.append(Ignored(table.label, None, column, shown, reason, "unread_column"))


def _note_reader_ignored(table: RawTable, ctx: _Context) -> None:
    """Carry what the reader left out (hidden sheets/rows/columns, stray cells) to the report."""
    for part in table.ignored:
        column = col_letter(part.column) if part.column is not None else ""
        ctx.ignored.append(
            Ignored(table.label, part.row, column, part.value, part.reason, part.code)
        )


def _ingest_file(path: Path, label: str, ctx: _Context, max_bytes: int) -> FileSummary:
    summary = FileSummary(file=label)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        summary.error = (
            f"unsupported file type {path.suffix or '(none)'!r}: expected .csv, .tsv, .txt (Excel "
            "'Unicode text'), .xlsx or an HTML table saved as .xls"
        )
    else:
        try:
            tables = read_raw_file(path, label=label, max_bytes=max_bytes)
        except InputFileError as exc:
            summary.error = exc.reason
            tables = []
        except Exception as exc:  # a reader bug must not hide the other files
            summary.error = f"cannot read the file ({type(exc).__name__}: {exc})"
            tables = []
        if tables:
            summary.encoding = tables[0].encoding
        n_ignored = len(ctx.ignored)
        for table in tables:
            _note_reader_ignored(table, ctx)
        hidden = [t for t in tables if t.hidden]
        tables = [t for t in tables if not t.hidden]
        outcomes: dict[str, bool | None] = {}
        for table in tables:
            n_cand, n_rej = len(ctx.candidates), len(ctx.rejections)
            try:
                outcomes[table.label] = _ingest_table(table, ctx, summary)
            except Exception as exc:  # report, drop this table, keep going
                del ctx.candidates[n_cand:], ctx.rejections[n_rej:]
                reason = f"cannot process this table ({type(exc).__name__}: {exc})"
                ctx.rejections.append(
                    Rejection(table.label, None, "", "", reason, "internal_error")
                )
                outcomes[table.label] = False
        summary.tables = [t for t, o in outcomes.items() if o is not None]
        summary.skipped_sheets = [t for t, o in outcomes.items() if o is None]
        if summary.error is None and not summary.tables:
            summary.error = (
                (
                    "no table with a header row in the first "
                    f"{HEADER_SCAN_ROWS} rows"
                    + (" of any sheet" if len(tables) > 1 else "")
                    + f"; {_HEADER_HINT}"
                )
                if tables
                else (
                    "every sheet with content is hidden (listed in ignored.csv); unhide the "
                    "data sheet in Excel"
                    if hidden
                    else "the workbook has no sheet with data"
                )
            )
        summary.ignored = len(ctx.ignored) - n_ignored
    if summary.error is not None:
        summary.skipped_sheets = []
        ctx.rejections.append(Rejection(label, None, "", "", summary.error, "unreadable_file"))
    return summary


def _schema_rejections(
    cand: pd.DataFrame, catalogue: Catalogue, year_range: tuple[int, int], ctx: _Context
) -> pd.DataFrame:
    lo, hi = year_range
    schema = row_schema(catalogue, year_min=lo, year_max=hi)
    failures = failures_by_row(schema, cand)
    if not failures:
        return cand
    bounds = {i.id: i.bounds for i in catalogue.indicators}
    for idx, codes in failures.items():
        rec = cand.loc[idx]  # type: ignore[call-overload]
        town = str(rec["town_id"])
        for code in codes:
            column, shown = rec["_value_col"], rec["_value_text"]
            if code == "year_range":
                column, shown = rec["_year_col"], rec["_year_text"]
                era = f" (CE {rec['year']})" if str(rec["year"]) != shown else ""
                reason = (
                    f"year {shown}{era} is outside the plausible range {lo}..{hi} "
                    f"(B.E. {lo + BE_OFFSET}..{hi + BE_OFFSET})"
                )
            elif code == "value_bounds":
                low, high = bounds[rec["indicator_id"]]
                rng = f"{_fmt(low, '-∞')}..{_fmt(high, '∞')}"
                conv = ""
                if shown != _fmt(rec["value"], ""):
                    conv = (
                        f" = {_fmt(rec['value'], '')} {rec['unit']} "
                        f"after conversion from {rec['_unit_text']!r}"
                    )
                side = "below" if low is not None and rec["value"] < low else "above"
                reason = (
                    f"value {shown}{conv} is {side} the natural range "
                    f"{rng} {rec['unit']} of {rec['indicator_id']}"
                )
            else:
                reason = f"failed check {code}"
            ctx.rejections.append(
                Rejection(rec["src_file"], int(rec["src_row"]), column, shown, reason, code, town)
            )
    return cand.drop(index=list(failures))


def _fmt(value: float | None, none: str) -> str:
    if value is None or math.isnan(value):
        return none
    return f"{value:g}"


def _dedupe(cand: pd.DataFrame, ctx: _Context) -> tuple[pd.DataFrame, int]:
    key = ["town_id", "indicator_id", "year"]
    dup_mask = cand.duplicated(key, keep=False)
    if not dup_mask.any():
        return cand, 0
    drop: list[object] = []
    collapsed = 0
    for (town, ind, year), group in cand[dup_mask].sort_values("_order").groupby(key, sort=False):
        values = group["value"].to_numpy()
        if np.allclose(values, values[0], rtol=1e-9, atol=1e-12):
            drop.extend(group.index[1:])
            collapsed += len(group) - 1
            continue
        drop.extend(group.index)
        texts = set(group["_year_text"])
        hint = ""
        if len(texts) > 1:
            same = " and ".join(sorted(texts))
            be_year = int(str(year)) + BE_OFFSET
            hint = f" ({same} are the same year: B.E. {be_year} = CE {year})"
        for idx, rec in group.iterrows():
            listed = [
                f"{o['_value_text']} in {o['src_file']} row {o['src_row']}"
                for j, o in group.iterrows()
                if j != idx
            ]
            others = "; ".join(listed[:3])
            if len(listed) > 3:
                others += f"; and {len(listed) - 3} more"
            reason = (
                f"conflicting duplicate: {town} / {ind} / {year} also given as {others}{hint}; "
                "keep one value"
            )
            ctx.rejections.append(
                Rejection(
                    rec["src_file"],
                    int(rec["src_row"]),
                    rec["_value_col"],
                    rec["_value_text"],
                    reason,
                    "duplicate_conflict",
                    str(town),
                )
            )
    return cand.drop(index=drop), collapsed


def _rejected_frame(rejections: list[Rejection]) -> pd.DataFrame:
    df = pd.DataFrame([dataclasses.asdict(r) for r in rejections], columns=list(REJECTED_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    for col in ("file", "column", "value", "reason", "code"):
        df[col] = df[col].astype("str")
    df["town_id"] = df["town_id"].astype("string")
    df = df.sort_values(["file", "row", "column"], kind="stable", na_position="first")
    return df.reset_index(drop=True)


def ingest_files(
    files: Iterable[Path],
    catalogue: Catalogue,
    towns: pd.DataFrame,
    *,
    raw_root: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    year_range: tuple[int, int] | None = None,
) -> IngestResult:
    """Read, validate and merge raw indicator files; write nothing.

    Parameters
    ----------
    files : iterable of pathlib.Path
        Raw files (CSV, TSV, Excel "Unicode text", XLSX, HTML saved as .xls).
    catalogue : Catalogue
        The indicator catalogue (ids, names, units, aliases, bounds).
    towns : pandas.DataFrame
        The town registry (``town_id``, ``name_th``, ``name_en``).
    raw_root : pathlib.Path, optional
        Files are named relative to this folder (``data/raw``) in ``src_file`` and messages.
    max_bytes : int
        Per-file size limit (also for an XLSX's uncompressed content).
    year_range : tuple of int, optional
        Plausible CE years, inclusive (default ``1990 .. current year + 1``).

    Returns
    -------
    IngestResult
        Valid rows (the ``indicators.parquet`` contract) and every rejection.

    Raises
    ------
    DataError
        If the merged rows break the ``indicators.parquet`` contract (a bug in ingest:
        bad input is reported as rejections, never raised).

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> from analysis.towns import load_towns
    >>> from analysis.paths import get_paths
    >>> p = get_paths()
    >>> res = ingest_files(discover_files(p.raw_indicators), load_catalogue(),
    ...                    load_towns(p.towns_csv), raw_root=p.raw)
    >>> set(res.rows.columns) >= {"town_id", "indicator_id", "year", "value"}
    True
    """
    ctx = _Context(
        towns=TownResolver.from_frame(towns),
        indicators=IndicatorLookup.from_catalogue(catalogue),
        catalogue_units={i.id: i.unit for i in catalogue.indicators},
    )
    summaries = []
    for path, label, refused in raw_files(files, raw_root):
        if refused is None:
            summaries.append(_ingest_file(path, label, ctx, max_bytes))
        else:
            summaries.append(FileSummary(file=label, error=refused))
            ctx.rejections.append(Rejection(label, None, "", "", refused, "outside_raw"))
    cand = pd.DataFrame(ctx.candidates)
    collapsed = 0
    if cand.empty:
        rows = empty_indicator_frame()
    else:
        cand["town_id"] = cand["town_id"].astype("str")
        cand["indicator_id"] = cand["indicator_id"].astype("str")
        cand["year"] = cand["year"].astype("int64")
        cand["value"] = cand["value"].astype("float64")
        cand = _schema_rejections(cand, catalogue, year_range or default_year_range(), ctx)
        cand, collapsed = _dedupe(cand, ctx)
        rows = _typed(cand.sort_values(["town_id", "indicator_id", "year"], kind="stable"))
    try:
        INDICATORS_SCHEMA.validate(rows)
    except Exception as exc:  # pandera SchemaError: a bug in ingest, not bad input
        msg = f"ingest produced rows that break the indicators.parquet contract: {exc}"
        raise DataError(msg) from exc
    rejected = _rejected_frame(ctx.rejections)
    table_to_file = {}
    for s in summaries:
        table_to_file[s.file] = s
        for t in [*s.tables, *s.skipped_sheets]:
            table_to_file[t] = s
    for src, n in rows["src_file"].value_counts().items():
        table_to_file[str(src)].rows_loaded += int(n)
    for src, n in rejected_rows_by_table(rejected, ctx.rejected_tables).items():
        if str(src) in table_to_file:
            table_to_file[str(src)].rows_rejected += int(n)
    return IngestResult(
        rows=rows,
        rejected=rejected,
        files=summaries,
        collapsed_duplicates=collapsed,
        ignored=_ignored_frame(ctx.ignored),
        rejected_tables=dict(ctx.rejected_tables),
    )


def rejected_rows_by_table(
    rejected: pd.DataFrame, rejected_tables: dict[str, tuple[int, int]]
) -> dict[str, int]:
    """Count rejected rows per table, whole-table rejections by their data rows.

    A row counts once however many of its cells were rejected; a table rejected as a whole
    (a duplicate or missing column) counts every data row instead of its header row.

    Parameters
    ----------
    rejected : pandas.DataFrame
        The rejections (``file``, ``row``).
    rejected_tables : dict
        ``table -> (header row, data rows)`` (:attr:`IngestResult.rejected_tables`).

    Returns
    -------
    dict
        ``table -> rejected rows``.
    """
    row_level = rejected.dropna(subset=["row"]).drop_duplicates(["file", "row"])
    counts = {str(k): int(v) for k, v in row_level["file"].value_counts().items()}
    for table, (header_row, n) in rejected_tables.items():
        at_header = ((row_level["file"] == table) & (row_level["row"] == header_row)).any()
        counts[table] = counts.get(table, 0) - int(at_header) + n
    return counts


def _ignored_frame(ignored: list[Ignored]) -> pd.DataFrame:
    df = pd.DataFrame([dataclasses.asdict(i) for i in ignored], columns=list(IGNORED_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    for col in ("file", "column", "value", "reason", "code"):
        df[col] = df[col].astype("str")
    df = df.sort_values(["file", "row", "column"], kind="stable", na_position="first")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- run


def _hash_tree(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def run_ingest(
    paths: ProjectPaths,
    *,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    catalogue: Catalogue | None = None,
    year_range: tuple[int, int] | None = None,
    boundaries: bool = True,
) -> IngestReport:
    """Ingest ``data/raw`` and write the processed store.

    Writes (atomically) ``indicators.parquet``, ``rejected.csv``, ``towns.parquet``,
    ``boundaries.parquet``, ``municipal_boundaries.parquet`` (when that optional file is
    supplied and valid) and ``ingest_manifest.json`` to ``paths.processed``. Raw files are
    only read; the spatial stage then reads the registry and the boundaries from the store
    (:func:`store_spatial_inputs`).

    Parameters
    ----------
    paths : ProjectPaths
        Where to read and write.
    strict : bool
        Recorded in the report; :attr:`IngestReport.ok` is False when anything was rejected.
    max_bytes : int
        Per-file size limit.
    catalogue : Catalogue, optional
        Default: the shipped catalogue.
    year_range : tuple of int, optional
        Plausible CE years (default ``1990 .. current year + 1``).
    boundaries : bool
        Also convert the administrative boundaries (skip in fast tests).

    Returns
    -------
    IngestReport
        Counts, rejections, output paths and the manifest.

    Raises
    ------
    ConfigError
        If ``towns.csv`` is invalid.
    InputFileError
        If a boundary file cannot be read.
    """
    from analysis.towns import load_towns  # noqa: PLC0415

    catalogue = catalogue or load_catalogue()
    towns = load_towns(paths.towns_csv)
    files, ignored = scan_folder(paths.raw_indicators, paths.raw)
    result = ingest_files(
        files, catalogue, towns, raw_root=paths.raw, max_bytes=max_bytes, year_range=year_range
    )
    out = paths.processed
    bnd = None
    geo_outputs: dict[str, Path] = {}
    municipal: dict[str, object] | None = None
    if boundaries:
        bnd, geo_outputs, municipal = _store_boundaries(paths)
    air = _air(paths, result, catalogue, towns, bnd, max_bytes=max_bytes)
    warnings = registry_warnings(towns, result.rows, bnd) + ignored_warnings(result.ignored)
    measures = _measures(paths, result, catalogue, towns, max_bytes=max_bytes)
    outputs = {
        "indicators": write_table(result.rows, "indicators.parquet", out),
        "measures": write_table(measures, "measures.parquet", out),
        "rejected": write_table(result.rejected[list(REJECTED_COLUMNS)], "rejected.csv", out),
        "ignored": write_table(result.ignored, "ignored.csv", out),
        "towns": write_table(towns, "towns.parquet", out),
    }
    outputs.update(geo_outputs)
    if air is not None:
        outputs.update(air.outputs)
    manifest = {
        "ecoplan_version": __version__,
        "catalogue_version": catalogue.version,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "max_bytes": max_bytes,
        "rows_loaded": len(result.rows),
        "rows_rejected": sum(
            rejected_rows_by_table(result.rejected, result.rejected_tables).values()
        ),
        "ignored": len(result.ignored),
        "rejections": len(result.rejected),
        "files_unreadable": sum(1 for f in result.files if f.error),
        "collapsed_duplicates": result.collapsed_duplicates,
        "measures_loaded": len(measures),
        "towns": len(towns),
        "files": [dataclasses.asdict(f) for f in result.files],
        "ignored_files": [dataclasses.asdict(f) for f in ignored],
        "warnings": warnings,
        "raw_sha256": _hash_tree(paths.raw),
        "outputs": {k: v.name for k, v in outputs.items()},
    }
    if air is not None:
        manifest["air"] = air.manifest()
    if municipal is not None:
        manifest[MUNICIPAL_ENTRY] = municipal
    outputs["manifest"] = atomic_write_text(
        out / "ingest_manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    )
    return IngestReport(
        result=result,
        outputs=outputs,
        manifest=manifest,
        strict=strict,
        air=air,
        ignored_files=ignored,
        warnings=warnings,
    )


#: Entry of ``ingest_manifest.json`` saying what became of the municipal boundary file.
MUNICIPAL_ENTRY = "municipal_boundaries"


def _store_boundaries(
    paths: ProjectPaths,
) -> tuple[gpd.GeoDataFrame, dict[str, Path], dict[str, object] | None]:
    """Write the boundary layers of ``raw/geo`` into the store.

    The administrative layers become ``boundaries.parquet``; the optional municipal
    boundary file (:data:`analysis.spatial.area.MUNICIPAL_BOUNDARY_FILE`) becomes
    ``municipal_boundaries.parquet`` (EPSG:4326) when it is valid. An invalid file is not
    stored: its located error is returned for the manifest, and the spatial stage fails
    the towns with a land-use layer with it (the indicators are ingested all the same). A
    table of an earlier run is removed when the file is gone or invalid.

    Parameters
    ----------
    paths : ProjectPaths
        Reads ``raw/geo``, writes to ``processed``.

    Returns
    -------
    tuple
        The administrative boundaries, the tables written (``boundaries``,
        ``municipal_boundaries``) and the manifest entry (``file`` and ``towns`` or
        ``error``; None when no municipal file is supplied).

    Raises
    ------
    InputFileError
        If an administrative boundary file is missing or unreadable.
    """
    from analysis.errors import SpatialInputError  # noqa: PLC0415
    from analysis.spatial.area import (  # noqa: PLC0415
        MUNICIPAL_BOUNDARY_FILE,
        read_municipal_boundaries,
    )
    from analysis.store.boundaries import MUNICIPAL_TABLE, load_raw_boundaries  # noqa: PLC0415
    from analysis.store.io import store_path  # noqa: PLC0415

    out = paths.processed
    bnd = load_raw_boundaries(paths.raw_geo)
    written = {"boundaries": write_geotable(bnd, "boundaries.parquet", out)}
    source = paths.raw / MUNICIPAL_BOUNDARY_FILE
    if not source.is_file():
        store_path(MUNICIPAL_TABLE, out).unlink(missing_ok=True)
        return bnd, written, None
    try:
        municipal = read_municipal_boundaries(source, src=MUNICIPAL_BOUNDARY_FILE)
    except SpatialInputError as exc:
        store_path(MUNICIPAL_TABLE, out).unlink(missing_ok=True)
        return bnd, written, {"file": MUNICIPAL_BOUNDARY_FILE, "error": str(exc)}
    written["municipal_boundaries"] = write_geotable(municipal.to_crs(4326), MUNICIPAL_TABLE, out)
    return bnd, written, {"file": MUNICIPAL_BOUNDARY_FILE, "towns": len(municipal)}


def store_spatial_inputs(paths: ProjectPaths) -> dict[str, Path]:
    """Write what the spatial stage reads into the store, without the indicators.

    The town registry (``towns.parquet``), the administrative boundaries and the municipal
    boundaries, as :func:`run_ingest` writes them; the municipal entry is added to an
    existing ``ingest_manifest.json``. For tests and tools that run the spatial stage
    alone (:func:`analysis.spatial.pipeline.build_spatial` reads only the store).

    Parameters
    ----------
    paths : ProjectPaths
        Reads ``raw/towns.csv`` and ``raw/geo``, writes to ``processed`` (created).

    Returns
    -------
    dict of str to pathlib.Path
        The tables written.

    Raises
    ------
    ConfigError
        If ``towns.csv`` is invalid.
    InputFileError
        If an administrative boundary file is missing or unreadable.
    """
    from analysis.towns import load_towns  # noqa: PLC0415

    paths.processed.mkdir(parents=True, exist_ok=True)
    written = {"towns": write_table(load_towns(paths.towns_csv), "towns.parquet", paths.processed)}
    _bnd, geo, municipal = _store_boundaries(paths)
    written.update(geo)
    manifest_path = paths.processed / "ingest_manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest.pop(MUNICIPAL_ENTRY, None)
        if municipal is not None:
            manifest[MUNICIPAL_ENTRY] = municipal
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        written["manifest"] = atomic_write_text(manifest_path, text)
    return written


def ignored_warnings(ignored: pd.DataFrame) -> list[str]:
    """Return one warning per table with content that was neither loaded nor rejected.

    The warnings make ``ecoplan ingest --strict`` fail and point to ``ignored.csv``.

    Parameters
    ----------
    ignored : pandas.DataFrame
        :attr:`IngestResult.ignored`.

    Returns
    -------
    list of str
        ``"<table>: N parts not loaded (hidden_row 1, ...); the reasons are in
        ignored.csv"``, sorted by table.
    """
    out = []
    for table, group in ignored.groupby("file", sort=True):
        counts = group["code"].value_counts().sort_index()
        kinds = ", ".join(f"{code} {n}" for code, n in counts.items())
        out.append(
            f"{table}: {len(group)} {'part' if len(group) == 1 else 'parts'} not loaded "
            f"({kinds}); the reasons are in ignored.csv"
        )
    return out


def registry_warnings(
    towns: pd.DataFrame, rows: pd.DataFrame, boundaries: gpd.GeoDataFrame | None = None
) -> list[str]:
    """Return the town-registry problems an ingest must not pass silently.

    A registered town for which no indicator value was loaded, and (when the boundaries
    are given) a town whose ``tambon_pcode`` is empty or not a tambon of the boundaries.

    Parameters
    ----------
    towns : pandas.DataFrame
        The registry (``towns.csv``; row numbers in messages are as in a spreadsheet).
    rows : pandas.DataFrame
        The loaded indicator rows (``town_id``).
    boundaries : geopandas.GeoDataFrame, optional
        ``level`` and ``pcode`` of the administrative boundaries.

    Returns
    -------
    list of str
        One located message per problem (empty when there is none).
    """
    with_data = set(rows["town_id"].astype(str))
    tambons = None
    if boundaries is not None:
        tambons = set(boundaries.loc[boundaries["level"] == "tambon", "pcode"].astype(str))
    out = []
    for row_no, rec in enumerate(towns.to_dict("records"), start=2):
        town_id = str(rec["town_id"])
        if town_id not in with_data:
            out.append(
                f"towns.csv, row {row_no}: town {town_id!r} is registered but no indicator value "
                "was loaded for it (no file has rows for it, or all of them were rejected)"
            )
        code = str(rec.get("tambon_pcode") or "").strip()
        if tambons is None:
            continue
        if not code:
            out.append(
                f"towns.csv, row {row_no}, column tambon_pcode: town {town_id!r} has no tambon "
                "code; expected the COD-AB pcode of its tambon, e.g. 'TH600101'"
            )
        elif code not in tambons:
            out.append(
                f"towns.csv, row {row_no}, column tambon_pcode: {code!r} (town {town_id!r}) is "
                "not a tambon in the boundary files of data/raw/geo; check the code"
            )
    return out


def _measures(
    paths: ProjectPaths,
    result: IngestResult,
    catalogue: Catalogue,
    towns: pd.DataFrame,
    *,
    max_bytes: int,
) -> pd.DataFrame:
    """Read the measures registers; their rejections join ``result.rejected``."""
    found = ingest_measures(
        discover_measure_files(paths.raw), catalogue, towns, raw_root=paths.raw, max_bytes=max_bytes
    )
    if found.rejected:
        result.rejected = _rejected_frame(
            [
                *(
                    Rejection(**cast("dict[str, Any]", r))
                    for r in result.rejected.to_dict("records")
                ),
                *(Rejection(**cast("dict[str, Any]", r)) for r in found.rejected),
            ]
        )
    files: dict[str, FileSummary] = {}
    for label in found.tables:
        name = label.split("[", 1)[0]
        if name.startswith("measures/"):
            files.setdefault(name, FileSummary(file=name)).tables.append(label)
    for r in found.rejected:
        name = str(r["file"]).split("[", 1)[0]
        if name.startswith("measures/"):
            summary = files.setdefault(name, FileSummary(file=name))
            if r["row"] is None:
                summary.error = str(r["reason"])
    for name, summary in files.items():
        summary.rows_loaded = int((found.rows["src_file"].str.split("[").str[0] == name).sum())
        summary.rows_rejected = len(
            {r["row"] for r in found.rejected if str(r["file"]).startswith(name) and r["row"]}
        )
        summary.rows_read = summary.rows_loaded + summary.rows_rejected
        summary.layouts = {t: "measures" for t in summary.tables}
        result.files.append(summary)
    return found.rows


def _air(
    paths: ProjectPaths,
    result: IngestResult,
    catalogue: Catalogue,
    towns: pd.DataFrame,
    boundaries: gpd.GeoDataFrame | None,
    *,
    max_bytes: int,
) -> AirStoreReport | None:
    """Ingest the PCD workbooks of ``data/raw/air`` into ``result`` (measured replaces)."""
    from analysis.ingest.air import run_air  # noqa: PLC0415

    air = run_air(
        paths.raw,
        paths.processed,
        result.rows,
        catalogue=catalogue,
        towns=towns,
        boundaries=boundaries,
        max_bytes=max_bytes,
    )
    if air is None:
        return None
    try:
        INDICATORS_SCHEMA.validate(air.rows)
    except Exception as exc:  # pandera SchemaError: a bug, bad input is rejected
        msg = f"PCD aggregation produced rows that break the indicators.parquet contract: {exc}"
        raise DataError(msg) from exc
    result.rows = _typed(air.rows)
    if len(air.rejected):
        result.rejected = _rejected_frame(
            [
                *(
                    Rejection(**cast("dict[str, Any]", r))
                    for r in result.rejected.to_dict("records")
                ),
                *(Rejection(**cast("dict[str, Any]", r)) for r in air.rejected.to_dict("records")),
            ]
        )
    for wb in air.result.workbooks:
        n_rej = len({r[0] for r in wb.rejections if r[0] is not None})
        result.files.append(
            FileSummary(
                file=wb.file,
                tables=[f"{wb.file}#{wb.data_sheet}"],
                layouts={wb.data_sheet: f"PCD daily {wb.pollutant}"},
                rows_read=int(wb.daily["src_row"].nunique()) if len(wb.daily) else 0,
                rows_loaded=len(wb.daily),
                rows_rejected=n_rej,
            )
        )
    for label, reason in air.result.errors.items():
        result.files.append(FileSummary(file=label, error=reason))
    return air
