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
3. **Parse** each cell: town and indicator by id or Thai/English name, years in B.E. or CE,
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import DataError, InputFileError
from analysis.ingest.normalise import (
    BE_OFFSET,
    CellError,
    IndicatorLookup,
    TownLookup,
    cell_text,
    is_blank,
    normalise_header,
    parse_number,
    parse_year,
    parse_year_header,
)
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
from analysis.synthetic.series import SYNTHETIC_TAG

if TYPE_CHECKING:
    import geopandas as gpd

    from analysis.ingest.air import AirStoreReport

__all__ = [
    "HEADER_SCAN_ROWS",
    "MAX_CELL_CHARS",
    "REJECTED_COLUMNS",
    "FileSummary",
    "IngestReport",
    "IngestResult",
    "discover_files",
    "empty_indicator_frame",
    "ingest_files",
    "run_ingest",
    "sha256_file",
]

#: The header must be within the first this-many rows of a table.
HEADER_SCAN_ROWS = 20
#: Longer text in a used cell is rejected (a 5 MB "town name" is not data).
MAX_CELL_CHARS = 10_000
REJECTED_COLUMNS: tuple[str, ...] = ("file", "row", "column", "value", "reason")

_REQUIRED_LONG = ("town", "indicator", "year", "value", "unit", "source")
_REQUIRED_WIDE = ("town", "indicator", "unit", "source")
_HEADER_HINT = (
    "expected columns town/เทศบาล, indicator/ตัวชี้วัด, year/ปี พ.ศ., value/ค่า, unit/หน่วย, "
    "source/แหล่งข้อมูล (long layout) or one column per year (wide layout)"
)
_IGNORED_NAMES = ("readme", "license")


@dataclass(frozen=True)
class Rejection:
    """One rejected cell, row, table or file (``row`` is ``None`` for a whole file)."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    code: str


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
    """

    rows: pd.DataFrame
    rejected: pd.DataFrame
    files: list[FileSummary]
    collapsed_duplicates: int = 0


@dataclass
class IngestReport:
    """Output of :func:`run_ingest`: the result plus what was written."""

    result: IngestResult
    outputs: dict[str, Path]
    manifest: dict
    strict: bool = False
    #: The PCD station workbooks of ``data/raw/air`` (None when there is none).
    air: AirStoreReport | None = None

    @property
    def rows_loaded(self) -> int:
        """Number of rows written to ``indicators.parquet``."""
        return len(self.result.rows)

    @property
    def rows_rejected(self) -> int:
        """Number of lines in ``rejected.csv``."""
        return len(self.result.rejected)

    @property
    def ok(self) -> bool:
        """False in strict mode when anything was rejected."""
        return not (self.strict and self.rows_rejected)


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

    Hidden files, Excel lock files (``~$x.xlsx``) and README/LICENSE files are ignored;
    everything else is returned (unsupported types are rejected by :func:`ingest_files`).

    Parameters
    ----------
    folder : pathlib.Path
        Usually ``data/raw/indicators``.

    Returns
    -------
    list of pathlib.Path
        The files, sorted; empty when ``folder`` is not a directory.
    """
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if (
            not path.is_file()
            or path.stem.lower().startswith(_IGNORED_NAMES)
            or path.suffix.lower() == ".md"
        ):
            continue
        out.append(path)
    return out


def _label(path: Path, raw_root: Path | None) -> str:
    if raw_root is not None:
        try:
            return path.resolve().relative_to(raw_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _col_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- header


@dataclass
class _Header:
    index: int
    columns: dict[str, int]
    labels: dict[int, str]
    years: list[tuple[int, int, str]]
    duplicates: list[tuple[str, int]]

    @property
    def score(self) -> int:
        return len(self.columns) + len(self.years) - len(self.duplicates)


def _scan_header(table: RawTable) -> _Header | None:
    best: _Header | None = None
    for i, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        labels: dict[int, str] = {}
        years: list[tuple[int, int, str]] = []
        dupes: list[tuple[str, int]] = []
        for j, cell in enumerate(row):
            if is_blank(cell) or (isinstance(cell, str) and len(cell) > 200):
                continue
            labels[j] = cell_text(cell)
            name = normalise_header(cell)
            if name is not None:
                if name in columns:
                    dupes.append((name, j))
                else:
                    columns[name] = j
                continue
            year = parse_year_header(cell)
            if year is not None:
                years.append((j, year, cell_text(cell)))
        header = _Header(i, columns, labels, years, dupes)
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

    def _label(self, j: int) -> str:
        return self.header.labels.get(j, _col_letter(j))

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
            Rejection(self.table.label, row_no, column, raw, err.reason, err.code)
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

        attempt("town", self.ctx.towns.resolve)
        attempt("indicator", self.ctx.indicators.resolve)
        for name in names:
            if name == "year":
                attempt("year", parse_year)
            elif name == "value":
                attempt("value", parse_number)
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

    def run_long(self) -> None:
        cols = self.header.columns
        key_cols = [cols["indicator"], cols["year"], cols["value"]]
        for k in range(self.header.index + 1, len(self.table.rows)):
            row = self.table.rows[k]
            row_no = self.table.row_numbers[k]
            if all(is_blank(row[j]) and (row_no, j) not in self.table.formulas for j in key_cols):
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
            if not filled:
                continue
            self.rows_read += 1
            parsed, ok = self._common(row_no, row, ())
            if not ok:
                continue
            for j, year, label in filled:
                try:
                    value = parse_number(self._cell(row_no, j, row))
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


def _parse_source(value: object) -> str:
    if is_blank(value):
        msg = "missing source (empty cell): say where the figure comes from"
        raise CellError(msg, "missing_source")
    return cell_text(value, limit=MAX_CELL_CHARS)


def _parse_note(value: object) -> str | None:
    return None if is_blank(value) else cell_text(value, limit=MAX_CELL_CHARS)


@dataclass
class _Context:
    towns: TownLookup
    indicators: IndicatorLookup
    catalogue_units: dict[str, str]
    candidates: list[dict] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


# --------------------------------------------------------------------------- ingest


def _ingest_table(table: RawTable, ctx: _Context, summary: FileSummary) -> bool | None:
    """Process one table; return True (data), None (not a data sheet) or False (bad table)."""
    header = _scan_header(table)
    if header is None or len(header.columns) < 2:
        return None
    cols = header.columns
    header_row = table.row_numbers[header.index]
    if header.duplicates:
        name, j = header.duplicates[0]
        first = cols[name]
        reason = (
            f"column {name!r} appears twice (columns {_col_letter(first)} and {_col_letter(j)}); "
            "keep one"
        )
        ctx.rejections.append(
            Rejection(table.label, header_row, header.labels[j], "", reason, "duplicate_column")
        )
        return False
    required: tuple[str, ...]
    if "year" in cols and "value" in cols:
        layout, required = "long", _REQUIRED_LONG
    elif header.years and "year" not in cols and "value" not in cols:
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
        return False
    has_data = any(not all(is_blank(v) for v in row) for row in table.rows[header.index + 1 :])
    if not has_data:
        reason = f"no data rows below the header (row {header_row})"
        ctx.rejections.append(Rejection(table.label, None, "", "", reason, "no_data"))
        return False
    worker = _TableIngest(table, header, ctx, summary.file)
    if layout == "long":
        worker.run_long()
    else:
        worker.run_wide()
    summary.layouts[table.label] = layout
    summary.rows_read += worker.rows_read
    return True


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
                else "the workbook has no sheet with data"
            )
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
                Rejection(rec["src_file"], int(rec["src_row"]), column, shown, reason, code)
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
                )
            )
    return cand.drop(index=drop), collapsed


def _rejected_frame(rejections: list[Rejection]) -> pd.DataFrame:
    df = pd.DataFrame(
        [dataclasses.asdict(r) for r in rejections], columns=[*REJECTED_COLUMNS, "code"]
    )
    df["row"] = df["row"].astype("Int64")
    for col in ("file", "column", "value", "reason", "code"):
        df[col] = df[col].astype("str")
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
        towns=TownLookup.from_frame(towns),
        indicators=IndicatorLookup.from_catalogue(catalogue),
        catalogue_units={i.id: i.unit for i in catalogue.indicators},
    )
    summaries = [_ingest_file(path, _label(path, raw_root), ctx, max_bytes) for path in files]
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
    row_level = rejected.dropna(subset=["row"]).drop_duplicates(["file", "row"])
    for src, n in row_level["file"].value_counts().items():
        if str(src) in table_to_file:
            table_to_file[str(src)].rows_rejected += int(n)
    return IngestResult(
        rows=rows, rejected=rejected, files=summaries, collapsed_duplicates=collapsed
    )


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
    ``boundaries.parquet`` and ``ingest_manifest.json`` to ``paths.processed``. Raw files are
    only read.

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
    files = discover_files(paths.raw_indicators)
    result = ingest_files(
        files, catalogue, towns, raw_root=paths.raw, max_bytes=max_bytes, year_range=year_range
    )
    out = paths.processed
    bnd = None
    if boundaries:
        from analysis.store.boundaries import load_raw_boundaries  # noqa: PLC0415

        bnd = load_raw_boundaries(paths.raw_geo)
    air = _air(paths, result, catalogue, towns, bnd, max_bytes=max_bytes)
    outputs = {
        "indicators": write_table(result.rows, "indicators.parquet", out),
        "rejected": write_table(result.rejected[list(REJECTED_COLUMNS)], "rejected.csv", out),
        "towns": write_table(towns, "towns.parquet", out),
    }
    if bnd is not None:
        outputs["boundaries"] = write_geotable(bnd, "boundaries.parquet", out)
    if air is not None:
        outputs.update(air.outputs)
    manifest = {
        "ecoplan_version": __version__,
        "catalogue_version": catalogue.version,
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "max_bytes": max_bytes,
        "rows_loaded": len(result.rows),
        "rows_rejected": int(
            result.rejected.dropna(subset=["row"]).drop_duplicates(["file", "row"]).shape[0]
        ),
        "rejections": len(result.rejected),
        "files_unreadable": sum(1 for f in result.files if f.error),
        "collapsed_duplicates": result.collapsed_duplicates,
        "towns": len(towns),
        "files": [dataclasses.asdict(f) for f in result.files],
        "raw_sha256": _hash_tree(paths.raw),
        "outputs": {k: v.name for k, v in outputs.items()},
    }
    if air is not None:
        manifest["air"] = air.manifest()
    outputs["manifest"] = atomic_write_text(
        out / "ingest_manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    )
    return IngestReport(result=result, outputs=outputs, manifest=manifest, strict=strict, air=air)


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
