"""Write an XLSX data-entry form that a municipal officer fills in and ingest reads back.

The workbook has four sheets:

``ข้อมูล`` (data)
    The long layout with Thai headers (เทศบาล, ตัวชี้วัด, ปี พ.ศ., ค่า, หน่วย, แหล่งข้อมูล,
    หมายเหตุ). The town is pre-filled; the indicator and unit columns have drop-down lists
    from the catalogue; the year column accepts only whole Buddhist Era years and the value
    column only numbers (Excel data validation). Rows left without indicator, year and value
    are ignored by ingest.
``คำแนะนำ`` (instructions)
    How to fill in the form, in Thai and English.
``แผนงานโครงการ`` (measures register)
    The plan's programmes and projects, one per row: Thai headers in row 1, English in
    row 2 (the columns of :data:`analysis.ingest.measures.MEASURE_FIELDS`); read by
    :func:`analysis.ingest.measures.ingest_measures`, skipped by the indicator ingest.
``รายการตัวชี้วัด`` (indicator list)
    Every catalogue indicator with its id, names, canonical unit, accepted unit spellings
    and natural bounds: the unit hints. Its headers are deliberately not ingest headers, so
    ingest skips this sheet and the instructions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import ParameterError
from analysis.ingest.measures import MEASURE_FIELDS, MEASURES_SHEET
from analysis.ingest.normalise import BE_OFFSET
from analysis.ingest.schema import YEAR_MIN
from analysis.report.neutralise import neutralise_worksheet
from analysis.stats.plan import PHASES
from analysis.store.atomic import atomic_path
from analysis.towns import validate_town_id

__all__ = ["DATA_SHEET", "LIST_SHEET", "MEASURES_SHEET", "TEMPLATE_HEADERS", "write_template"]

DATA_SHEET = "ข้อมูล"
INFO_SHEET = "คำแนะนำ"
LIST_SHEET = "รายการตัวชี้วัด"

#: Data-sheet headers (Thai) and their English hint shown as a cell comment.
TEMPLATE_HEADERS: tuple[tuple[str, str], ...] = (
    ("เทศบาล", "Town (pre-filled)"),
    ("ตัวชี้วัด", "Indicator: pick from the list"),
    ("ปี พ.ศ.", "Year in the Buddhist Era, e.g. 2566"),
    ("ค่า", "Value: a number with a decimal point, e.g. 12.5"),
    ("หน่วย", "Unit: pick from the list (see sheet รายการตัวชี้วัด)"),
    ("แหล่งข้อมูล", "Source of the figure (required)"),
    ("หมายเหตุ", "Note (optional)"),
)

#: Register columns that hold sentences (wider in the form).
_WIDE_FIELDS = frozenset({"name", "description", "indicators", "lead_agency", "kpi"})

_LIST_HEADERS = (
    "ชื่อภาษาไทย",
    "รหัส id",
    "ชื่อภาษาอังกฤษ",
    "หน่วยมาตรฐาน",
    "หน่วยที่ยอมรับ",
    "ค่าต่ำสุด",
    "ค่าสูงสุด",
)

_INSTRUCTIONS = (
    "แบบฟอร์มกรอกข้อมูลตัวชี้วัดสิ่งแวดล้อม (ecoplan)",
    "",
    "1. กรอกข้อมูลในแผ่นงาน 'ข้อมูล' หนึ่งแถวต่อหนึ่งตัวชี้วัดต่อหนึ่งปี",
    "2. เลือกตัวชี้วัดและหน่วยจากรายการ (ดูหน่วยที่ใช้ได้ในแผ่นงาน 'รายการตัวชี้วัด')",
    "3. ปีเป็นปี พ.ศ. เช่น 2566; ค่าเป็นตัวเลขใช้จุดทศนิยม เช่น 12.5 (ห้ามใช้จุลภาคเป็นทศนิยม)",
    "4. ทุกค่าต้องระบุแหล่งข้อมูล; ถ้าไม่มีข้อมูลให้เว้นแถวนั้นว่าง อย่าใส่ '-' หรือ 'n/a'",
    "5. บันทึกเป็น .xlsx แล้วนำไปไว้ที่ data/raw/indicators จากนั้นสั่ง ecoplan ingest",
    "6. แผนงาน/โครงการของแผนแม่บท กรอกในแผ่นงาน 'แผนงานโครงการ' หนึ่งแถวต่อหนึ่งแผนงานหรือโครงการ"
    " (แถว 1 หัวตารางภาษาไทย แถว 2 ภาษาอังกฤษ); ปีเป็น พ.ศ. ระยะของแผน 1-4",
    "",
    "Fill in one row per indicator and year on the sheet 'ข้อมูล'. Pick the indicator and unit",
    "from the lists; the year is Buddhist Era (e.g. 2566); use a decimal point (12.5). Every",
    "value needs a source. Leave unknown values out rather than typing '-' or 'n/a'. Save as",
    ".xlsx into data/raw/indicators and run `ecoplan ingest`.",
    "Programmes and projects of the plan go on the sheet 'แผนงานโครงการ', one row each (row 1",
    "Thai headers, row 2 English); years in B.E.; plan phase 1-4 (docs/data-contract.md).",
)


def _town_label(town: pd.Series, towns: pd.DataFrame) -> str:
    """Return what the form pre-fills in its town column.

    The Thai name, unless another registered town shares it (ingest would then refuse the
    name as ambiguous); then the town id, which is never ambiguous.

    Parameters
    ----------
    town : pandas.Series
        The town's registry row.
    towns : pandas.DataFrame
        The whole registry.

    Returns
    -------
    str
        The Thai name or the town id.
    """
    from analysis.towns import name_key  # noqa: PLC0415

    name = town.get("name_th")
    if not isinstance(name, str) or not name.strip():
        return str(town["town_id"])
    key = name_key(name)
    shared = sum(
        1 for other in towns["name_th"] if isinstance(other, str) and name_key(other) == key
    )
    return str(town["town_id"]) if shared > 1 else name


def _check_town(town_id: str, towns: pd.DataFrame) -> pd.Series:
    validate_town_id(town_id)
    match = towns[towns["town_id"] == town_id]
    if match.empty:
        known = ", ".join(towns["town_id"])
        msg = f"unknown town_id {town_id!r}: not in data/raw/towns.csv (known: {known})"
        raise ParameterError(msg)
    return match.iloc[0]


def write_template(
    town_id: str,
    catalogue: Catalogue,
    towns: pd.DataFrame,
    out: Path,
    *,
    rows: int = 400,
    today: dt.date | None = None,
) -> Path:
    """Write the data-entry workbook for one town.

    Parameters
    ----------
    town_id : str
        The town; validated with :func:`analysis.towns.validate_town_id` and looked up in
        the registry before anything is written.
    catalogue : Catalogue
        Indicators for the drop-down and the unit hints.
    towns : pandas.DataFrame
        The town registry.
    out : pathlib.Path
        The ``.xlsx`` to write (atomically; parent folders are created).
    rows : int
        Number of pre-formatted data rows (town pre-filled, validations applied).
    today : datetime.date, optional
        Sets the latest year accepted by the year validation (current year + 1).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    ParameterError
        If the town id is not a valid slug or not in the registry.
    """
    town = _check_town(town_id, towns)
    import openpyxl  # noqa: PLC0415
    from openpyxl.comments import Comment  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    today = today or dt.date.today()
    year_lo, year_hi = YEAR_MIN + BE_OFFSET, today.year + 1 + BE_OFFSET
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (name, hint) in enumerate(TEMPLATE_HEADERS, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = bold
        cell.fill = fill
        cell.comment = Comment(hint, "ecoplan")
    for letter, width in zip("ABCDEFG", (34, 52, 10, 12, 18, 40, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    last = rows + 1
    label = _town_label(town, towns)
    for r in range(2, last + 1):
        ws.cell(row=r, column=1, value=label)

    lists = wb.create_sheet(LIST_SHEET)
    for col, name in enumerate(_LIST_HEADERS, start=1):
        lists.cell(row=1, column=col, value=name).font = bold
    for r, ind in enumerate(catalogue.indicators, start=2):
        info = catalogue.units[ind.unit]
        accepted = ", ".join(dict.fromkeys([info.symbol_th, info.symbol, *ind.unit_aliases]))
        lo, hi = ind.bounds
        values = (ind.name_th, ind.id, ind.name_en, info.symbol_th, accepted, lo, hi)
        for c, value in enumerate(values, start=1):
            lists.cell(row=r, column=c, value=value)
    units = list(dict.fromkeys(catalogue.units[i.unit].symbol_th for i in catalogue.indicators))
    first_unit_row = len(catalogue.indicators) + 4
    lists.cell(row=first_unit_row - 1, column=1, value="หน่วยในรายการเลือก").font = bold
    for k, symbol in enumerate(units):
        lists.cell(row=first_unit_row + k, column=1, value=symbol)
    for letter, width in zip("ABCDEFG", (52, 26, 50, 16, 60, 10, 10), strict=True):
        lists.column_dimensions[letter].width = width

    info_ws = wb.create_sheet(INFO_SHEET)
    for r, line in enumerate(_INSTRUCTIONS, start=1):
        info_ws.cell(row=r, column=1, value=line).alignment = Alignment(wrap_text=False)
    info_ws["A1"].font = Font(bold=True, size=14)
    info_ws.column_dimensions["A"].width = 110

    quoted = f"'{LIST_SHEET}'"
    n_ind = len(catalogue.indicators)
    validations = [
        DataValidation(
            type="list",
            formula1=f"{quoted}!$A$2:$A${n_ind + 1}",
            allow_blank=True,
            promptTitle="ตัวชี้วัด",
            prompt="เลือกตัวชี้วัดจากรายการ",
            errorTitle="ตัวชี้วัดไม่ถูกต้อง",
            error="กรุณาเลือกตัวชี้วัดจากรายการ",
            sqref=f"B2:B{last}",
        ),
        DataValidation(
            type="whole",
            operator="between",
            formula1=str(year_lo),
            formula2=str(year_hi),
            allow_blank=True,
            promptTitle="ปี พ.ศ.",
            prompt=f"ปีพุทธศักราช {year_lo}-{year_hi} เช่น 2566",
            errorTitle="ปีไม่ถูกต้อง",
            error=f"กรุณากรอกปี พ.ศ. เป็นตัวเลข {year_lo}-{year_hi}",
            sqref=f"C2:C{last}",
        ),
        DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            promptTitle="ค่า",
            prompt="ตัวเลข ใช้จุดทศนิยม เช่น 12.5",
            errorTitle="ค่าไม่ถูกต้อง",
            error="กรุณากรอกตัวเลขที่ไม่ติดลบ",
            sqref=f"D2:D{last}",
        ),
        DataValidation(
            type="list",
            formula1=f"{quoted}!$A${first_unit_row}:$A${first_unit_row + len(units) - 1}",
            allow_blank=True,
            promptTitle="หน่วย",
            prompt="เลือกหน่วย (หน่วยอื่นที่รับได้ดูในแผ่นงาน รายการตัวชี้วัด)",
            errorTitle="หน่วยไม่ถูกต้อง",
            error="กรุณาเลือกหน่วยจากรายการ",
            sqref=f"E2:E{last}",
        ),
    ]
    for dv in validations:
        dv.showErrorMessage = True
        dv.showInputMessage = True
        ws.add_data_validation(dv)
    _measures_sheet(wb, label, rows=min(rows, 200))
    wb.active = 0
    for sheet in wb.worksheets:  # a name_th like "=..." stays text, never a formula
        neutralise_worksheet(sheet)
    out = Path(out)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


def _measures_sheet(wb: Any, town_name: str, *, rows: int) -> None:
    """Add the measures register sheet (:mod:`analysis.ingest.measures`) to the form.

    Row 1 holds the Thai headers, row 2 their English names; the town is pre-filled and
    the kind, plan class and phase columns have drop-down lists.
    """
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    ws = wb.create_sheet(MEASURES_SHEET, 1)
    fill = PatternFill("solid", fgColor="E2EFDA")
    letter = {}
    for col, f in enumerate(MEASURE_FIELDS, start=1):
        head = ws.cell(row=1, column=col, value=f.th)
        head.font, head.fill = Font(bold=True), fill
        ws.cell(row=2, column=col, value=f.en).font = Font(italic=True)
        letter[f.name] = get_column_letter(col)
        ws.column_dimensions[letter[f.name]].width = 30 if f.name in _WIDE_FIELDS else 16
    ws.freeze_panes = "A3"
    last = rows + 2
    for r in range(3, last + 1):
        ws.cell(row=r, column=1, value=town_name)
    lo, hi = PHASES[0][0] + BE_OFFSET, PHASES[-1][1] + BE_OFFSET
    lists = {
        "kind": "แผนงาน,โครงการ",
        "plan_class": "แก้ไขปัญหา,ป้องกันปัญหา,สร้างโอกาส",
        "phase": ",".join(str(k) for k in range(1, len(PHASES) + 1)),
    }
    for name, choices in lists.items():
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        dv.add(f"{letter[name]}3:{letter[name]}{last}")
        ws.add_data_validation(dv)
    for name in ("start_year", "end_year"):
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(lo),
            formula2=str(hi),
            allow_blank=True,
            errorTitle="ปีไม่ถูกต้อง",
            error=f"กรุณากรอกปี พ.ศ. {lo}-{hi}",
        )
        dv.add(f"{letter[name]}3:{letter[name]}{last}")
        ws.add_data_validation(dv)
    dv = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    dv.add(f"{letter['budget_baht']}3:{letter['budget_baht']}{last}")
    ws.add_data_validation(dv)
    for dv in ws.data_validations.dataValidation:
        dv.showErrorMessage = True
