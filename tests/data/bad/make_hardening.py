"""Write the hardening cases of the bad-input corpus (issue 16: items 2, 3, 6 and 15).

Run from the repository root::

    .venv/bin/python tests/data/bad/make_hardening.py

Every file is small (the stray-cell workbooks are a few kB) and committed. What ingest must
report for each is in ``tests/unit/test_ingest_corpus.py`` (``EXPECTED``) and
``tests/unit/test_ingest_readers_hardening.py``; the folder's README lists them.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SRC = "Municipal survey 2566"
HEADER = ["town", "indicator", "year", "value", "unit", "source"]


def _text(name: str, text: str) -> None:
    (HERE / name).write_bytes(text.encode("utf-8"))


def write_text_files() -> None:
    """CSV cases: year labels a wide file cannot read, censored values, units, serials."""
    # Item 2: six year columns, three of which are not a single observed year.
    _text(
        "wide_year_labels.csv",
        "town,indicator,unit,source,2563,2564,2565/66,2566*,ปีงบประมาณ 2567,2567 (ประมาณการ)\n"
        f"nakhon-sawan,pm25_annual,ug/m3,{SRC},19,20,21,22,23,24\n",
    )
    # Item 15: a year typed as an Excel date serial (45292 = 1 Jan 2024).
    _text(
        "excel_serial_year.csv",
        "town,indicator,year,value,unit,source\n"
        f"takhli,pm25_annual,45292,20,ug/m3,{SRC}\n"
        f"takhli,pm25_annual,2565,21,ug/m3,{SRC}\n",
    )
    # Item 15: not detected and below the detection limit.
    _text(
        "censored_values.csv",
        "town,indicator,year,value,unit,source\n"
        f"takhli,river_bod,2565,ND,mg/L,{SRC}\n"
        f"takhli,river_bod,2566,<0.5,mg/L,{SRC}\n"
        f"takhli,river_bod,2564,1.5,mg/L,{SRC}\n",
    )
    # Item 15: a percent sign on a value whose unit is not a percentage.
    _text(
        "percent_wrong_unit.csv",
        "town,indicator,year,value,unit,source\n"
        f"takhli,pm25_annual,2566,35%,ug/m3,{SRC}\n"
        f"takhli,green_area_pct,2566,35%,%,{SRC}\n",
    )


def _stray(name: str, cell: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    for row in [HEADER, ["takhli", "pm25_annual", 2566, 20, "ug/m3", SRC]]:
        ws.append(row)
    ws[cell] = "x"
    wb.save(HERE / name)


def write_workbooks() -> None:
    """XLSX cases: stray cells far away (item 3), hidden content (item 6)."""
    _stray("stray_cell_row.xlsx", "G1048576")
    _stray("stray_cell_column.xlsx", "ALL1048576")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    # Column C is a hidden helper column whose header repeats "ปี" (the year column is D).
    ws.append(["town", "indicator", "ปี", "year", "value", "unit", "source"])
    ws.append(["takhli", "pm25_annual", "helper", 2566, 20, "ug/m3", SRC])
    ws.append(["takhli", "pm25_annual", "helper", 2565, 99, "ug/m3", SRC])  # hidden row 3
    ws.append(["takhli", "pm25_annual", "helper", 2564, 22, "ug/m3", SRC])
    ws.column_dimensions["C"].hidden = True
    ws.row_dimensions[3].hidden = True
    calc = wb.create_sheet("calc")
    calc.append(HEADER)
    calc.append(["takhli", "river_do", 2566, 5.0, "mg/L", SRC])
    calc.sheet_state = "hidden"
    wb.save(HERE / "hidden_content.xlsx")


if __name__ == "__main__":
    write_text_files()
    write_workbooks()
    print(f"hardening corpus files written in {HERE}")
