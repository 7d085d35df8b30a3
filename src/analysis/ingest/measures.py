"""The measures register: a town's programmes and projects (แผนงาน / โครงการ).

A town lists the measures of its 20-year master plan in a table it fills itself: the sheet
:data:`MEASURES_SHEET` of the XLSX data-entry form (:mod:`analysis.ingest.template`), or a
file ``data/raw/measures/<town_id>_measures.csv`` (or ``.xlsx``). Row 1 holds the Thai
headers of :data:`MEASURE_FIELDS`; an optional second row holds their English names (either
language, or ``ไทย / English`` in one cell, is recognised). One row per measure:

========================  ==========================  ==========================================
Thai header               English header              content
========================  ==========================  ==========================================
เทศบาล                    Town                        town id or name; optional in a file named
                                                      ``<town_id>_measures.*``
รหัส                      Code                        optional; default ``<file>:<row>``
ลักษณะ                    Kind                        แผนงาน (programme) or โครงการ (project)
ชื่อแผนงาน/โครงการ         Name                        required
รายละเอียด                Description                 optional
แนวทางของแผน              Plan class                  แก้ไขปัญหา / ป้องกันปัญหา / สร้างโอกาส
                                                      (solve / prevent / opportunity)
ตัวชี้วัดเป้าหมาย          Target indicators           catalogue ids or names, ``;`` or ``,``
หน่วยงานรับผิดชอบ         Lead agency                 required
หน่วยงานร่วม              Partner agencies            optional
งบประมาณ (บาท)            Budget (baht)               a number >= 0
แหล่งงบประมาณ             Budget source               required when the budget is above 0
ปีเริ่มต้น (พ.ศ.)          Start year (BE)             Buddhist Era, within the plan period
ปีสิ้นสุด (พ.ศ.)           End year (BE)               Buddhist Era, not before the start
ระยะของแผน                Plan phase                  1-4, ``ระยะที่ 2`` or ``2566-2570``
ตัวชี้วัดความสำเร็จ (KPI)  KPI                         required
ค่าเป้าหมาย KPI           KPI target                  a number
หน่วยของ KPI              KPI unit                    optional
แหล่งที่มา                Source                      optional; ``SYNTHETIC`` marks demo rows
หมายเหตุ                  Note                        optional
========================  ==========================  ==========================================

The plan phases are the four 5-year phases of the National Strategy B.E. 2561-2580
(:data:`analysis.stats.plan.PHASES`); a measure's phase must overlap its years. Every bad
cell becomes a rejection naming the file, the row as Excel shows it, the column and what
was expected; a row with any rejection is left out of the register (never silently: the
rejections go into ``rejected.csv`` with the indicator files'). Two rows with the same town
and code are both rejected. Years are stored in CE like every store table and shown in BE.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd
import pandera.pandas as pa

from analysis.catalogue import Catalogue
from analysis.errors import DataError, InputFileError
from analysis.ingest.normalise import (
    BE_OFFSET,
    CellError,
    IndicatorLookup,
    cell_text,
    header_key,
    is_blank,
    normalise_key,
    parse_number,
    thai_to_arabic_digits,
)
from analysis.ingest.rawfiles import col_letter, raw_files
from analysis.ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, RawTable, read_raw_file
from analysis.stats.plan import PHASES
from analysis.store.schema import columns as store_columns
from analysis.synthetic.series import SYNTHETIC_TAG
from analysis.towns import TOWN_ID_PATTERN, TownResolver

__all__ = [
    "MEASURES_SCHEMA",
    "MEASURES_SHEET",
    "MEASURE_CLASSES",
    "MEASURE_COLUMNS",
    "MEASURE_FIELDS",
    "MEASURE_KINDS",
    "MeasureField",
    "MeasuresResult",
    "discover_measure_files",
    "empty_measures_frame",
    "ingest_measures",
    "parse_phase",
]

#: The sheet of the data-entry workbook that holds the register (the indicator ingest skips it).
MEASURES_SHEET = "แผนงานโครงการ"
#: Plan classes a measure can serve (``maintain`` needs no measure).
MEASURE_CLASSES: tuple[str, ...] = ("solve", "prevent", "opportunity")
MEASURE_KINDS: tuple[str, ...] = ("programme", "project")
#: How many rows from the top of a table the header may be.
_HEADER_SCAN_ROWS = 10
_MAX_TEXT = 2_000


@dataclass(frozen=True)
class MeasureField:
    """One column of the register: store name, Thai and English headers, required or not."""

    name: str
    th: str
    en: str
    required: bool
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        """Return the header keys that name this column.

        Returns
        -------
        set of str
            The :func:`~analysis.ingest.normalise.header_key` of the Thai and English
            headers, the field name and every alias.
        """
        return {header_key(x) for x in (self.th, self.en, self.name, *self.aliases)}


MEASURE_FIELDS: tuple[MeasureField, ...] = (
    MeasureField("town", "เทศบาล", "Town", False, ("town_id", "อปท.", "municipality")),
    MeasureField("code", "รหัส", "Code", False, ("measure_id", "รหัสโครงการ", "id")),
    MeasureField("kind", "ลักษณะ", "Kind", False, ("type", "แผนงาน/โครงการ")),
    MeasureField("name", "ชื่อแผนงาน/โครงการ", "Name", True, ("ชื่อโครงการ", "ชื่อ", "measure")),
    MeasureField("description", "รายละเอียด", "Description", False, ("คำอธิบาย",)),
    MeasureField("plan_class", "แนวทางของแผน", "Plan class", True, ("แนวทาง", "class")),
    MeasureField("indicators", "ตัวชี้วัดเป้าหมาย", "Target indicators", True, ("indicators", "ตัวชี้วัด")),
    MeasureField("lead_agency", "หน่วยงานรับผิดชอบ", "Lead agency", True, ("lead",)),
    MeasureField("partner_agencies", "หน่วยงานร่วม", "Partner agencies", False, ("partners",)),
    MeasureField("budget_baht", "งบประมาณ (บาท)", "Budget (baht)", True, ("งบประมาณ", "budget")),
    MeasureField("budget_source", "แหล่งงบประมาณ", "Budget source", False, ()),
    MeasureField("start_year", "ปีเริ่มต้น (พ.ศ.)", "Start year (BE)", True, ("ปีเริ่มต้น",)),
    MeasureField("end_year", "ปีสิ้นสุด (พ.ศ.)", "End year (BE)", True, ("ปีสิ้นสุด",)),
    MeasureField("phase", "ระยะของแผน", "Plan phase", True, ("ระยะ", "phase")),
    MeasureField("kpi", "ตัวชี้วัดความสำเร็จ (KPI)", "KPI", True, ("ตัวชี้วัดความสำเร็จ",)),
    MeasureField("kpi_target", "ค่าเป้าหมาย KPI", "KPI target", True, ("ค่าเป้าหมาย",)),
    MeasureField("kpi_unit", "หน่วยของ KPI", "KPI unit", False, ()),
    MeasureField("source", "แหล่งที่มา", "Source", False, ()),
    MeasureField("note", "หมายเหตุ", "Note", False, ("notes",)),
)

MEASURE_FIELDS_BY_NAME: Mapping[str, MeasureField] = {f.name: f for f in MEASURE_FIELDS}

#: Columns of the ``measures`` store table (years in CE, ``indicator_ids`` joined by ``;``).
MEASURE_COLUMNS: tuple[str, ...] = store_columns("measures.parquet")

_CLASS_WORDS: Mapping[str, tuple[str, ...]] = {
    "solve": ("solve", "แก้ไขปัญหา", "แก้ปัญหา", "แก้ไข", "1"),
    "prevent": ("prevent", "ป้องกันปัญหา", "ป้องกัน", "2"),
    "opportunity": ("opportunity", "create opportunity", "สร้างโอกาส", "การสร้างโอกาส", "3"),
}
_KIND_WORDS: Mapping[str, tuple[str, ...]] = {
    "programme": ("programme", "program", "แผนงาน"),
    "project": ("project", "โครงการ"),
}
_PLAN_FIRST, _PLAN_LAST = PHASES[0][0], PHASES[-1][1]

MEASURES_SCHEMA = pa.DataFrameSchema(
    {
        "town_id": pa.Column("str", pa.Check.str_matches(TOWN_ID_PATTERN.pattern)),
        "measure_id": pa.Column("str"),
        "kind": pa.Column("str", pa.Check.isin(MEASURE_KINDS)),
        "name": pa.Column("str", pa.Check.str_length(min_value=1)),
        "plan_class": pa.Column("str", pa.Check.isin(MEASURE_CLASSES)),
        "indicator_ids": pa.Column("str", pa.Check.str_length(min_value=1)),
        "lead_agency": pa.Column("str", pa.Check.str_length(min_value=1)),
        "budget_baht": pa.Column("float64", pa.Check.ge(0)),
        "start_year": pa.Column("int64", pa.Check.in_range(_PLAN_FIRST, _PLAN_LAST)),
        "end_year": pa.Column("int64", pa.Check.in_range(_PLAN_FIRST, _PLAN_LAST)),
        "phase": pa.Column("int64", pa.Check.in_range(1, len(PHASES))),
        "kpi": pa.Column("str"),
        "kpi_target": pa.Column("float64"),
        "is_synthetic": pa.Column("bool"),
        "src_file": pa.Column("str"),
        "src_row": pa.Column("int64", pa.Check.ge(1)),
    },
    checks=pa.Check(lambda df: df["end_year"] >= df["start_year"], name="end_after_start"),
    unique=["town_id", "measure_id"],
    strict=False,
    name="measures",
)


@dataclass
class MeasuresResult:
    """Output of :func:`ingest_measures`.

    Attributes
    ----------
    rows : pandas.DataFrame
        Valid measures, columns :data:`MEASURE_COLUMNS`, sorted by town, phase and code.
    rejected : list of dict
        Rejections with keys ``file, row, column, value, reason, code`` (row as Excel
        shows it; ``None`` for a whole table).
    tables : list of str
        The tables read as registers.
    """

    rows: pd.DataFrame
    rejected: list[dict[str, object]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def empty_measures_frame() -> pd.DataFrame:
    """Return an empty register with the store's columns and dtypes.

    Returns
    -------
    pandas.DataFrame
        No rows, columns :data:`MEASURE_COLUMNS`.
    """
    return _typed(pd.DataFrame({c: [] for c in MEASURE_COLUMNS}))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = df[list(MEASURE_COLUMNS)].copy()
    numeric = {"budget_baht": "float64", "kpi_target": "float64", "start_year": "int64"}
    numeric |= {"end_year": "int64", "phase": "int64", "src_row": "int64", "is_synthetic": "bool"}
    for c in MEASURE_COLUMNS:
        out[c] = out[c].astype(numeric.get(c, "str"))  # optional text stays missing (NaN)
    return out.reset_index(drop=True)


def discover_measure_files(raw_dir: Path) -> list[Path]:
    """Return the files that may hold a register.

    Parameters
    ----------
    raw_dir : pathlib.Path
        ``data/raw``.

    Returns
    -------
    list of pathlib.Path
        Every file in ``measures/`` (unsupported types are rejected by
        :func:`ingest_measures`) and the workbooks in ``indicators/`` (only their
        :data:`MEASURES_SHEET` sheet is read), sorted.
    """
    out: list[Path] = []
    folder = raw_dir / "measures"
    if folder.is_dir():
        out += [
            p
            for p in sorted(folder.iterdir())
            if p.is_file()
            and not p.name.startswith((".", "~$"))
            and p.stem.lower() not in {"readme", "license"}
        ]
    ind = raw_dir / "indicators"
    if ind.is_dir():
        out += [
            p
            for p in sorted(ind.iterdir())
            if p.suffix.lower() in {".xlsx", ".xlsm"} and not p.name.startswith(("~$", "."))
        ]
    return out


def parse_phase(value: object) -> int:
    """Parse a plan-phase cell into the phase number (1-based).

    Parameters
    ----------
    value : object
        ``2``, ``"ระยะที่ 2"``, ``"phase 2"`` or the phase's years in BE (``"2566-2570"``).

    Returns
    -------
    int
        The phase number, ``1 .. len(PHASES)``.

    Raises
    ------
    CellError
        ``missing_phase`` or ``bad_phase``.

    Examples
    --------
    >>> parse_phase("ระยะที่ ๒"), parse_phase(3.0), parse_phase("2566-2570")
    (2, 3, 2)
    """
    spans = ", ".join(
        f"{k} = {s + BE_OFFSET}-{e + BE_OFFSET}" for k, (s, e) in enumerate(PHASES, start=1)
    )
    expected = f"expected a plan phase 1-{len(PHASES)} ({spans})"
    if is_blank(value):
        msg = f"missing plan phase (empty cell): {expected}"
        raise CellError(msg, "missing_phase")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = thai_to_arabic_digits(normalise_key(value))
    span = re.fullmatch(r"(?:ระยะที่|phase)?\s*(\d{4})\s*[-–]\s*(\d{4})", text)
    if span:
        years = (int(span[1]) - BE_OFFSET, int(span[2]) - BE_OFFSET)
        if years in PHASES:
            return PHASES.index(years) + 1
    num = re.fullmatch(r"(?:ระยะที่|ระยะ|phase)?\s*(\d)", text)
    if num and 1 <= int(num[1]) <= len(PHASES):
        return int(num[1])
    msg = f"{expected}, got {cell_text(value, 80)!r}"
    raise CellError(msg, "bad_phase")


def _parse_be_year(value: object, what: str) -> int:
    lo, hi = _PLAN_FIRST + BE_OFFSET, _PLAN_LAST + BE_OFFSET
    expected = f"a Buddhist Era year {lo}-{hi} (the plan period)"
    if is_blank(value):
        msg = f"missing {what} (empty cell): expected {expected}"
        raise CellError(msg, f"missing_{what.replace(' ', '_')}")
    try:
        number = parse_number(value)
    except CellError as err:
        msg = f"expected {expected}, got {cell_text(value, 80)!r}"
        raise CellError(msg, "bad_year") from err
    if not float(number).is_integer():
        msg = f"expected a whole year ({expected}), got {cell_text(value, 80)!r}"
        raise CellError(msg, "bad_year")
    year = int(number)
    if lo - BE_OFFSET <= year <= hi - BE_OFFSET:
        msg = (
            f"{year} looks like a CE year: write the year in B.E. ({year + BE_OFFSET}), {expected}"
        )
        raise CellError(msg, "ce_year")
    if not lo <= year <= hi:
        msg = f"{what} {year} is outside the plan period: expected {expected}"
        raise CellError(msg, "year_range")
    return year - BE_OFFSET


def _word(value: object, words: Mapping[str, tuple[str, ...]], what: str) -> str:
    keys = {normalise_key(w): k for k, ws in words.items() for w in ws}
    shown = " / ".join(ws[1] if len(ws) > 1 else ws[0] for ws in words.values())
    names = " / ".join(words)
    if is_blank(value):
        msg = f"missing {what} (empty cell): expected {shown} ({names})"
        raise CellError(msg, f"missing_{what.replace(' ', '_')}")
    text = normalise_key(value)
    for chunk in (text, *re.split(r"\s*[/|()]\s*", text)):
        if chunk.strip() in keys:
            return keys[chunk.strip()]
    msg = f"unknown {what} {cell_text(value, 80)!r}: expected {shown} ({names})"
    raise CellError(msg, f"bad_{what.replace(' ', '_')}")


def _text(value: object, what: str, *, required: bool) -> str | None:
    if is_blank(value):
        if required:
            msg = f"missing {what} (empty cell)"
            raise CellError(msg, f"missing_{what.replace(' ', '_')}")
        return None
    text = value.strip() if isinstance(value, str) else cell_text(value, limit=_MAX_TEXT)
    if len(text) > _MAX_TEXT:
        msg = f"{what} is {len(text):,} characters long (limit {_MAX_TEXT:,})"
        raise CellError(msg, "cell_too_long")
    return text


def _number(value: object, what: str, *, minimum: float | None = None) -> float:
    if is_blank(value):
        msg = f"missing {what} (empty cell): expected a number"
        raise CellError(msg, f"missing_{what.replace(' ', '_')}")
    number = parse_number(value)
    if minimum is not None and number < minimum:
        msg = f"{what} must be {minimum:g} or more, got {cell_text(value, 80)!r}"
        raise CellError(msg, "negative")
    return number


def _indicators(value: object, lookup: IndicatorLookup) -> str:
    if is_blank(value):
        msg = "missing target indicators (empty cell): expected catalogue ids or names, e.g. 'pm25_annual'"
        raise CellError(msg, "missing_indicators")
    items = [x.strip() for x in re.split(r"[;,\n]+", str(value)) if x.strip()]
    ids: list[str] = []
    bad: list[str] = []
    for item in items:
        try:
            ids.append(lookup.resolve(item))
        except CellError as err:
            bad.append(err.reason)
    if bad:
        raise CellError("; ".join(bad), "unknown_indicator")
    return ";".join(dict.fromkeys(ids))


def _match_field(cell: object) -> MeasureField | None:
    key = header_key(cell)
    candidates = [key, *(p.strip() for p in re.split(r"\s+/\s+|\n", key))]
    for cand in candidates:
        for f in MEASURE_FIELDS:
            if cand in f.keys():  # noqa: SIM118 - a method, not a dict
                return f
    return None


@dataclass
class _Header:
    index: int
    columns: dict[str, int]
    labels: dict[int, str]
    skip_next: bool


def _header(table: RawTable) -> _Header | None:
    best: _Header | None = None
    for i, row in enumerate(table.rows[:_HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        labels: dict[int, str] = {}
        for j, cell in enumerate(row):
            if is_blank(cell):
                continue
            f = _match_field(cell)
            if f is not None and f.name not in columns:
                columns[f.name] = j
                labels[j] = cell_text(cell)
        if len(columns) >= 3 and (best is None or len(columns) > len(best.columns)):
            best = _Header(i, columns, labels, skip_next=False)
    if best is None:
        return None
    nxt = best.index + 1
    if nxt < len(table.rows):
        second = [f for c in table.rows[nxt] if not is_blank(c) and (f := _match_field(c))]
        best.skip_next = len(second) >= 3
    return best


def _town_from_name(label: str, towns: TownResolver) -> str | None:
    stem = Path(label.split("[", 1)[0]).stem
    town = stem.removesuffix("_measures")
    if town == stem:
        return None
    try:
        return towns.resolve(town)
    except CellError:
        return None


class _Table:
    """Parse the rows of one register table."""

    def __init__(
        self,
        table: RawTable,
        header: _Header,
        towns: TownResolver,
        indicators: IndicatorLookup,
        default_town: str | None,
    ) -> None:
        self.table = table
        self.header = header
        self.towns = towns
        self.indicators = indicators
        self.default_town = default_town
        self.rows: list[dict[str, object]] = []
        self.rejected: list[dict[str, object]] = []
        self.current_town: str | None = default_town

    def _reject(self, row_no: int | None, column: str, raw: str, reason: str, code: str) -> None:
        self.rejected.append(
            {
                "file": self.table.label,
                "row": row_no,
                "column": column,
                "value": raw,
                "reason": reason,
                "code": code,
                "town_id": self.current_town,
            }
        )

    def _label(self, name: str) -> str:
        j = self.header.columns[name]
        return self.header.labels.get(j, col_letter(j))

    def run(self) -> None:
        cols = self.header.columns
        first = self.header.index + (2 if self.header.skip_next else 1)
        content = [n for n in cols if n != "town"]
        for k in range(first, len(self.table.rows)):
            row = self.table.rows[k]
            row_no = self.table.row_numbers[k]
            if all(is_blank(row[cols[n]]) for n in content):
                continue  # an empty row of the form (the town is pre-filled)
            self._row(row, row_no)

    def _row(self, row: Sequence[object], row_no: int) -> None:
        cols = self.header.columns
        out: dict[str, object] = {}
        ok = True

        def attempt(name: str, fn: Callable[[object], object]) -> None:
            nonlocal ok
            value = row[cols[name]] if name in cols else None
            try:
                out[name] = fn(value)
            except CellError as err:
                ok = False
                self._reject(row_no, self._label(name), cell_text(value), err.reason, err.code)

        self.current_town = self.default_town
        if "town" in cols and not (is_blank(row[cols["town"]]) and self.default_town):
            attempt("town", self.towns.resolve)  # a blank cell takes the file name's town
            self.current_town = cast("str | None", out.get("town"))
        attempt("name", lambda v: _text(v, "name", required=True))
        attempt("kind", lambda v: "project" if is_blank(v) else _word(v, _KIND_WORDS, "kind"))
        attempt("plan_class", lambda v: _word(v, _CLASS_WORDS, "plan class"))
        attempt("indicators", lambda v: _indicators(v, self.indicators))
        attempt("lead_agency", lambda v: _text(v, "lead agency", required=True))
        attempt("budget_baht", lambda v: _number(v, "budget", minimum=0))
        attempt("start_year", lambda v: _parse_be_year(v, "start year"))
        attempt("end_year", lambda v: _parse_be_year(v, "end year"))
        attempt("phase", parse_phase)
        attempt("kpi", lambda v: _text(v, "KPI", required=True))
        attempt("kpi_target", lambda v: _number(v, "KPI target"))
        for name in ("code", "description", "partner_agencies", "budget_source", "kpi_unit"):
            if name in cols:
                attempt(name, lambda v, n=name: _text(v, n.replace("_", " "), required=False))
        for name in ("source", "note"):
            if name in cols:
                attempt(name, lambda v, n=name: _text(v, n, required=False))
        if ok:  # without a town column, the file name gave the town (checked by the caller)
            self._cross_checks(out, row, row_no, str(out.get("town") or self.default_town))

    def _cross_checks(
        self, out: dict[str, object], row: Sequence[object], row_no: int, town: str
    ) -> None:
        cols = self.header.columns
        start, end, phase = int(out["start_year"]), int(out["end_year"]), int(out["phase"])  # type: ignore[call-overload]
        problems: list[tuple[str, str, str]] = []
        if end < start:
            problems.append(
                (
                    "end_year",
                    f"the end year {end + BE_OFFSET} is before the start year {start + BE_OFFSET}",
                    "end_before_start",
                )
            )
        p_start, p_end = PHASES[phase - 1]
        if end >= start and (end < p_start or start > p_end):
            problems.append(
                (
                    "phase",
                    f"phase {phase} is B.E. {p_start + BE_OFFSET}-{p_end + BE_OFFSET} but the "
                    f"measure runs {start + BE_OFFSET}-{end + BE_OFFSET}: expected a phase "
                    "overlapping its years",
                    "phase_mismatch",
                )
            )
        if float(out["budget_baht"]) > 0 and not out.get("budget_source"):  # type: ignore[arg-type]
            problems.append(
                (
                    "budget_source" if "budget_source" in cols else "budget_baht",
                    "missing budget source: a budget above 0 baht needs its source "
                    "(e.g. เทศบัญญัติงบประมาณ, เงินอุดหนุน)",
                    "missing_budget_source",
                )
            )
        for name, reason, code in problems:
            label = self._label(name) if name in cols else MEASURE_FIELDS_BY_NAME[name].th
            value = cell_text(row[cols[name]]) if name in cols else ""
            self._reject(row_no, label, value, reason, code)
        if problems:
            return
        source = str(out.get("source") or "")
        self.rows.append(
            {
                "town_id": town,
                "measure_id": str(out.get("code") or f"{self.table.label}:{row_no}"),
                "kind": out["kind"],
                "name": out["name"],
                "description": out.get("description"),
                "plan_class": out["plan_class"],
                "indicator_ids": out["indicators"],
                "lead_agency": out["lead_agency"],
                "partner_agencies": out.get("partner_agencies"),
                "budget_baht": float(out["budget_baht"]),  # type: ignore[arg-type]
                "budget_source": out.get("budget_source"),
                "start_year": start,
                "end_year": end,
                "phase": phase,
                "kpi": out["kpi"],
                "kpi_target": float(out["kpi_target"]),  # type: ignore[arg-type]
                "kpi_unit": out.get("kpi_unit"),
                "source": source or None,
                "note": out.get("note"),
                "is_synthetic": SYNTHETIC_TAG in source.upper(),
                "src_file": self.table.label,
                "src_row": row_no,
            }
        )


def _file_tables(
    path: Path, label: str, max_bytes: int, rejected: list[dict[str, object]]
) -> list[RawTable]:
    """Read the tables of one file that may hold a register; a bad file is one rejection."""
    in_form = path.parent.name == "indicators"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        reason = (
            f"unsupported file type {path.suffix or '(none)'!r}: expected a measures table "
            ".csv or .xlsx"
        )
        rejected.append(_file_rejection(label, reason, "unreadable_file"))
        return []
    try:
        tables = read_raw_file(path, label=label, max_bytes=max_bytes)
    except InputFileError as exc:
        if not in_form:  # the indicator ingest already reports a bad workbook
            rejected.append(_file_rejection(label, exc.reason, "unreadable_file"))
        return []
    if in_form:
        return [t for t in tables if t.label.endswith(f"[{MEASURES_SHEET}]")]
    return tables


def _file_rejection(label: str, reason: str, code: str) -> dict[str, object]:
    return {"file": label, "row": None, "column": "", "value": "", "reason": reason, "code": code}


def _header_hint() -> str:
    return ", ".join(f"{f.th} ({f.en})" for f in MEASURE_FIELDS if f.required)


def ingest_measures(
    files: Iterable[Path],
    catalogue: Catalogue,
    towns: pd.DataFrame,
    *,
    raw_root: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MeasuresResult:
    r"""Read and validate measures registers (pure: reads files, writes nothing).

    Parameters
    ----------
    files : iterable of pathlib.Path
        Usually :func:`discover_measure_files`.
    catalogue : Catalogue
        For the target indicators.
    towns : pandas.DataFrame
        The town registry.
    raw_root : pathlib.Path, optional
        Labels are relative to it (``measures/takhli_measures.csv``).
    max_bytes : int
        Per-file size limit.

    Returns
    -------
    MeasuresResult
        Valid measures and the rejections (file, row, column, value, reason, code).

    Raises
    ------
    DataError
        If the valid rows break :data:`MEASURES_SCHEMA` (a bug, not bad input).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from analysis.catalogue import load_catalogue
    >>> towns = pd.DataFrame(
    ...     {"town_id": ["takhli"], "name_th": ["เทศบาลเมืองตาคลี"], "name_en": ["Takhli"]}
    ... )
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "measures"
    >>> d.mkdir()
    >>> _ = (d / "takhli_measures.csv").write_text(
    ...     "ชื่อแผนงาน/โครงการ,แนวทางของแผน,ตัวชี้วัดเป้าหมาย,หน่วยงานรับผิดชอบ,งบประมาณ (บาท),"
    ...     "ปีเริ่มต้น (พ.ศ.),ปีสิ้นสุด (พ.ศ.),ระยะของแผน,ตัวชี้วัดความสำเร็จ (KPI),ค่าเป้าหมาย KPI\n"
    ...     "ปลูกต้นไม้,สร้างโอกาส,green_space_per_capita,กองช่าง,0,2569,2570,2,ต้นไม้ (ต้น),500\n"
    ...     "ลดฝุ่น,แก้ไขปัญหา,pm25_annual,กองสาธารณสุข,0,2023,2570,2,วัน,10\n",
    ...     encoding="utf-8",
    ... )
    >>> res = ingest_measures(
    ...     [d / "takhli_measures.csv"], load_catalogue(), towns, raw_root=d.parent
    ... )
    >>> res.rows[["town_id", "name", "start_year", "phase"]].to_numpy().tolist()
    [['takhli', 'ปลูกต้นไม้', 2026, 2]]
    >>> [(r["row"], r["column"], r["code"]) for r in res.rejected]
    [(3, 'ปีเริ่มต้น (พ.ศ.)', 'ce_year')]
    """
    town_lookup = TownResolver.from_frame(towns)
    ind_lookup = IndicatorLookup.from_catalogue(catalogue)
    rejected: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    used: list[str] = []
    for path, label, refused in raw_files(files, raw_root):
        if refused is not None:
            rejected.append(_file_rejection(label, refused, "outside_raw"))
            continue
        for table in _file_tables(path, label, max_bytes, rejected):
            header = _header(table)
            if header is None:
                continue  # an instructions sheet; a file with no register is reported below
            default_town = _town_from_name(label, town_lookup)
            missing = [f for f in MEASURE_FIELDS if f.required and f.name not in header.columns]
            if "town" not in header.columns and default_town is None:
                missing.insert(0, MEASURE_FIELDS_BY_NAME["town"])
            if missing:
                header_row = table.row_numbers[header.index]
                reason = (
                    f"missing required column(s) {', '.join(f'{f.th} ({f.en})' for f in missing)} "
                    f"in the header (row {header_row}); expected {_header_hint()}"
                    + (
                        ", and เทศบาล (Town) unless the file is named <town_id>_measures.csv"
                        if "town" not in header.columns
                        else ""
                    )
                )
                rejected.append(
                    {
                        "file": table.label,
                        "row": header_row,
                        "column": ", ".join(f.th for f in missing),
                        "value": "",
                        "reason": reason,
                        "code": "missing_column",
                    }
                )
                continue
            worker = _Table(table, header, town_lookup, ind_lookup, default_town)
            worker.run()
            used.append(table.label)
            rows += worker.rows
            rejected += worker.rejected
        reported = any(str(r["file"]).startswith(label) for r in rejected)
        found = any(t.startswith(label) for t in used)
        if path.parent.name != "indicators" and not reported and not found:
            reason = f"no measures table found: expected a header row with {_header_hint()}"
            rejected.append(_file_rejection(label, reason, "no_header"))
    frame = pd.DataFrame(rows, columns=list(MEASURE_COLUMNS)) if rows else None
    frame, dup_rejections = _dedupe(frame)
    rejected += dup_rejections
    out = _typed(frame) if frame is not None else empty_measures_frame()
    out = out.sort_values(["town_id", "phase", "measure_id"], kind="stable").reset_index(drop=True)
    try:
        MEASURES_SCHEMA.validate(out)
    except Exception as exc:  # pandera SchemaError: a bug in this module, not bad input
        msg = f"the measures register breaks the measures.parquet contract: {exc}"
        raise DataError(msg) from exc
    return MeasuresResult(rows=out, rejected=rejected, tables=used)


def _dedupe(frame: pd.DataFrame | None) -> tuple[pd.DataFrame | None, list[dict[str, object]]]:
    """Reject every row of a (town, code) pair given more than once."""
    if frame is None:
        return None, []
    dup = frame.duplicated(["town_id", "measure_id"], keep=False)
    out: list[dict[str, object]] = []
    for _, r in frame[dup].iterrows():
        others = frame[
            dup
            & (frame["town_id"] == r["town_id"])
            & (frame["measure_id"] == r["measure_id"])
            & ~((frame["src_file"] == r["src_file"]) & (frame["src_row"] == r["src_row"]))
        ]
        where = ", ".join(
            f"{f} row {n}" for f, n in zip(others["src_file"], others["src_row"], strict=True)
        )
        out.append(
            {
                "file": r["src_file"],
                "row": int(r["src_row"]),
                "column": MEASURE_FIELDS_BY_NAME["code"].th,
                "value": str(r["measure_id"]),
                "reason": f"measure code {r['measure_id']!r} of {r['town_id']} is used again in "
                f"{where}: expected one row per code",
                "code": "duplicate_measure",
                "town_id": str(r["town_id"]),
            }
        )
    kept = frame[~dup]
    return (kept if len(kept) else None), out
