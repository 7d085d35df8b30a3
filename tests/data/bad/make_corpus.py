"""Write the bad-input corpus used by ``tests/unit/test_ingest_corpus.py``.

Run from the repository root::

    .venv/bin/python tests/data/bad/make_corpus.py

Every file is small and committed, except the two 5 MB files (``long_line.csv`` and
``long_cell.csv``), which are git-ignored and written by the tests on demand
(:func:`write_large`). ``encrypted.xlsx`` needs ``msoffcrypto-tool`` (dev extra).
Each file exercises one failure; ``EXPECTED`` in the test module says what ingest must
report for it (file, row as Excel shows it, column, reason).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

LONG = "town,indicator,year,value,unit,source\n"
SRC = "Municipal survey 2566"


def _text(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def _long(name: str, *rows: str, header: str = LONG, encoding: str = "utf-8") -> None:
    _text(name, header + "".join(r + "\n" for r in rows), encoding)


def write_text_files() -> None:
    """CSV/TSV/HTML and other non-workbook cases."""
    _text("empty.csv", "")
    _text("header_only.csv", LONG)
    _long(
        "missing_columns.csv",
        "nakhon-sawan,pm25_annual,2023,20",
        header="town,indicator,year,value\n",
    )
    _long("wrong_columns.csv", "1,2,3", header="a,b,c\n")
    _long(
        "duplicate_column.csv",
        f"nakhon-sawan,pm25_annual,2023,20,21,ug/m3,{SRC}",
        header="town,indicator,year,value,ค่า,unit,source\n",
    )
    _long(
        "unknown_town.csv",
        f"nakhon-sawan,pm25_annual,2023,20,ug/m3,{SRC}",
        f"Bangkok,pm25_annual,2023,20,ug/m3,{SRC}",
        f"Nakhon  Sawan City MUNICIPALITY,pm25_annual,2022,21,ug/m3,{SRC}",
    )
    _long(
        "unknown_indicator.csv",
        f"takhli,pm25_annual,2023,20,ug/m3,{SRC}",
        f"takhli,noise_level,2023,60,dB,{SRC}",
        f"takhli,ค่าเฉลี่ยรายปีของฝุ่นละออง PM2.5,2022,21,ug/m3,{SRC}",
    )
    _long(
        "unknown_unit.csv",
        f"takhli,pm25_annual,2023,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,2022,20,ppm,{SRC}",
        f"takhli,river_bod,2022,2,,{SRC}",
    )
    _long(
        "value_text.csv",
        f"nan,pm25_annual,2020,n/a,ug/m3,{SRC}",
        f"mueang-nan,pm25_annual,2020,n/a,ug/m3,{SRC}",
        f"mueang-nan,pm25_annual,2021,-,ug/m3,{SRC}",
        f"mueang-nan,pm25_annual,2022,,ug/m3,{SRC}",
        f'mueang-nan,pm25_annual,2023,"๑,๒๓๔.๕",ug/m3,{SRC}',
        f"mueang-nan,pm25_annual,2019,ไม่มีข้อมูล,ug/m3,{SRC}",
    )
    _long(
        "decimal_comma.csv",
        f'takhli,pm25_annual,2023,"12,5",ug/m3,{SRC}',
        f'takhli,pm25_annual,2022,"1,234",ug/m3,{SRC}',
        f'takhli,pm25_annual,2021,"1,23",ug/m3,{SRC}',
    )
    _long(
        "out_of_bounds.csv",
        f"takhli,pm25_annual,2023,-3,ug/m3,{SRC}",
        f"takhli,wastewater_treated_pct,2023,120,%,{SRC}",
        f"takhli,wastewater_treated_pct,2022,100,%,{SRC}",
        f"takhli,wastewater_treated_pct,2021,1.5,fraction,{SRC}",
        f"takhli,waste_per_capita,2023,1100,g/person/day,{SRC}",
    )
    _long(
        "year_range.csv",
        f"takhli,pm25_annual,1985,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,2650,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,2300,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,2566,20,ug/m3,{SRC}",
    )
    _long(
        "year_text.csv",
        f"takhli,pm25_annual,ปีที่แล้ว,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,พ.ศ. ๒๕๖๕,20,ug/m3,{SRC}",
        f"takhli,pm25_annual,2023.5,20,ug/m3,{SRC}",
    )
    _long(
        "be_ce_conflict.csv",
        f"phitsanulok,pm25_annual,2023,20.5,ug/m3,{SRC}",
        f"phitsanulok,pm25_annual,2566,22.0,ug/m3,{SRC}",
        f"phitsanulok,pm25_annual,2022,19,ug/m3,{SRC}",
    )
    _long(
        "be_ce_identical.csv",
        f"phitsanulok,pm25_annual,2023,20.5,ug/m3,{SRC}",
        f"phitsanulok,pm25_annual,2566,20.50,µg/m³,{SRC}",
    )
    _long(
        "dup_conflict_a.csv",
        f"nam-chiao,river_bod,2021,1.8,mg/L,{SRC}",
        f"nam-chiao,river_bod,2022,1.9,mg/L,{SRC}",
    )
    _long(
        "dup_conflict_b.csv",
        f"nam-chiao,river_bod,2021,2.4,mg/L,{SRC}",
        f"nam-chiao,river_bod,2020,2.0,mg/L,{SRC}",
    )
    th_header = "เทศบาล,ตัวชี้วัด,ปี พ.ศ.,ค่า,หน่วย,แหล่งข้อมูล,หมายเหตุ\n"
    _long(
        "thai_cp874.csv",
        "เทศบาลตำบลน้ำเชี่ยว,ค่าเฉลี่ยรายปีของฝุ่นละออง PM2.5,2565,18.2,มคก./ลบ.ม.,สำรวจ,",
        "เทศบาลตำบลน้ำขาว,ค่าเฉลี่ยรายปีของฝุ่นละออง PM2.5,2565,18.2,มคก./ลบ.ม.,สำรวจ,ชื่อผิด",
        header=th_header,
        encoding="cp874",
    )
    tsv = (
        "town\tindicator\tyear\tvalue\tunit\tsource\r\n"
        f"takhli\triver_do\t2566\t5.1\tmg/L\t{SRC}\r\n"
        f"takhli\triver_do\t2567\tห้า\tmg/L\t{SRC}\r\n"
    )
    (HERE / "excel_unicode_text.txt").write_bytes(b"\xff\xfe" + tsv.encode("utf-16-le"))
    _long(
        "semicolon_decimal_comma.csv",
        f"takhli;pm25_annual;2023;12,5;ug/m3;{SRC}",
        header="town;indicator;year;value;unit;source\n",
        encoding="utf-8-sig",
    )
    _long(
        "excel_error.csv",
        f"takhli,pm25_annual,2023,#DIV/0!,ug/m3,{SRC}",
        f"takhli,river_bod,2023,<0.5,mg/L,{SRC}",
    )
    _long("missing_source.csv", "takhli,pm25_annual,2023,20,ug/m3,")
    _text(
        "title_rows.csv",
        "รายงานตัวชี้วัดสิ่งแวดล้อม เทศบาลเมืองตาคลี,,,,,\n"
        ",,,,,\n"
        + LONG
        + f"takhli,green_area_pct,2023,5.2,%,{SRC}\n"
        + f"takhli,green_area_pct,2022,five,%,{SRC}\n",
    )
    _text(
        "wide_gaps.csv",
        "เทศบาล,ตัวชี้วัด,หน่วย,แหล่งข้อมูล,2564,2565,2566\n"
        f"takhli,pm25_annual,ug/m3,{SRC},21.0,,-\n"
        f"takhli,pm25_annual_typo,ug/m3,{SRC},21.0,22,23\n"
        f"takhli,river_bod,mg/L,{SRC},,,\n",
    )
    (HERE / "binary_garbage.csv").write_bytes(bytes(range(256)) * 4)
    _text("report.pdf", "%PDF-1.4 not really a pdf\n")
    html = (
        "<html><head><meta charset='utf-8'></head><body>"
        "<table border='1'><tr><th>เทศบาล</th><th>ตัวชี้วัด</th><th>ปี พ.ศ.</th><th>ค่า</th>"
        "<th>หน่วย</th><th>แหล่งข้อมูล</th></tr>"
        "<tr><td>เทศบาลเมืองตาคลี</td><td>pm25_annual</td><td>2566</td><td>24.1</td><td>ug/m3</td>"
        "<td>portal export</td></tr>"
        "<tr><td>เทศบาลเมืองตาคลี</td><td>pm25_annual</td><td>2565</td><td>n/a</td><td>ug/m3</td>"
        "<td>portal export</td></tr>"
        "</table></body></html>"
    )
    _text("portal_export_html.xls", html)
    (HERE / "legacy_biff.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    _text("not_a_zip.xlsx", LONG)
    _text(
        "spreadsheet_2003.xml.xls",
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">town</Data></Cell>'
        "</Row></Table></Worksheet></Workbook>\n",
    )


def _wb(rows: list[list[object]], title: str = "data") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return wb


HEADER = ["town", "indicator", "year", "value", "unit", "source"]


def write_workbooks() -> None:
    """XLSX cases (openpyxl)."""
    # Merged title row and a two-row wide header (ปี พ.ศ. merged over the year columns).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ข้อมูล"
    ws.append(["ข้อมูลตัวชี้วัดสิ่งแวดล้อม เทศบาลนครนครสวรรค์"])
    ws.merge_cells("A1:G1")
    ws.append(["เทศบาล", "ตัวชี้วัด", "หน่วย", "แหล่งข้อมูล", "ปี พ.ศ.", None, None])
    ws.append([None, None, None, None, 2564, 2565, 2566])
    for col in "ABCD":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("E2:G2")
    ws.append(["nakhon-sawan", "pm25_annual", "ug/m3", SRC, 25.1, 24.0, 23.2])
    ws.append([None, "river_do", "mg/L", SRC, 4.2, "สี่", 4.4])
    ws.merge_cells("A4:A5")  # the town typed once for both rows
    ws["A1"].font = Font(bold=True)
    wb.save(HERE / "merged_header.xlsx")

    # Several sheets: instructions (skipped), two data sheets, an empty sheet.
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "คำอธิบาย"
    info.append(["กรอกข้อมูลในแผ่นงานถัดไป"])
    info.append(["Fill in the data on the next sheets"])
    s2 = wb.create_sheet("Sheet2")
    for row in [
        HEADER,
        ["takhli", "pm25_annual", 2023, 20.1, "ug/m3", SRC],
        ["takhli", "pm25_annual", 2022, "x", "ug/m3", SRC],
    ]:
        s2.append(row)
    s3 = wb.create_sheet("Sheet3")
    for row in [HEADER, ["takhli", "river_do", 2023, 5.0, "mg/L", SRC]]:
        s3.append(row)
    wb.create_sheet("ว่าง")
    wb.save(HERE / "several_sheets.xlsx")

    # A formula written by a program: no cached value.
    wb = _wb(
        [
            HEADER,
            ["takhli", "pm25_annual", 2023, 20, "ug/m3", SRC],
            ["takhli", "pm25_annual", 2022, "=D2*1.1", "ug/m3", SRC],
        ]
    )
    wb.save(HERE / "formula_no_cache.xlsx")

    # A percentage-formatted cell: Excel stores 0.35 and shows 35 %.
    wb = _wb([HEADER, ["takhli", "green_area_pct", 2023, 0.35, "%", SRC]])
    wb.active["D2"].number_format = "0%"
    wb.save(HERE / "percent_format.xlsx")

    # Dates typed in the year column.
    wb = _wb(
        [
            HEADER,
            ["takhli", "pm25_annual", dt.datetime(2023, 1, 1), 20, "ug/m3", SRC],
            ["takhli", "pm25_annual", 2022, 21, "ug/m3", SRC],
        ]
    )
    wb.save(HERE / "date_in_year.xlsx")

    # A date in the value column and a boolean.
    wb = _wb(
        [
            HEADER,
            ["takhli", "pm25_annual", 2023, dt.datetime(2023, 5, 1), "ug/m3", SRC],
            ["takhli", "pm25_annual", 2022, True, "ug/m3", SRC],
        ]
    )
    wb.save(HERE / "date_in_value.xlsx")

    # Corrupt zip: a good workbook cut in half.
    buf = io.BytesIO()
    _wb([HEADER, ["takhli", "pm25_annual", 2023, 20, "ug/m3", SRC]]).save(buf)
    (HERE / "corrupt_zip.xlsx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])

    # Zip bomb: 60 MB of spaces in a sheet, a few kB on disk.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    (HERE / "zip_bomb.xlsx").write_bytes(buf.getvalue())

    # A zip that is not a workbook.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    (HERE / "plain_zip.xlsx").write_bytes(buf.getvalue())

    # Password-protected (encrypted) workbook.
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        print("msoffcrypto-tool not installed: encrypted.xlsx not regenerated")
    else:
        plain = io.BytesIO()
        _wb([HEADER, ["takhli", "pm25_annual", 2023, 20, "ug/m3", SRC]]).save(plain)
        plain.seek(0)
        out = io.BytesIO()
        OOXMLFile(plain).encrypt("secret", out)
        (HERE / "encrypted.xlsx").write_bytes(out.getvalue())


def write_large(folder: Path = HERE) -> list[Path]:
    """Write the two 5 MB single-line cases (git-ignored) and return their paths."""
    long_line = folder / "long_line.csv"
    long_cell = folder / "long_cell.csv"
    if not long_line.exists():
        long_line.write_bytes(b"x," * (5 * 1024 * 1024 // 2))
    if not long_cell.exists():
        note = "ก" * (5 * 1024 * 1024 // 3)
        long_cell.write_bytes(
            (
                "town,indicator,year,value,unit,source,note\n"
                f"takhli,pm25_annual,2023,20,ug/m3,{SRC},{note}\n"
                f"takhli,pm25_annual,2022,21,ug/m3,{SRC},ok\n"
            ).encode()
        )
    return [long_line, long_cell]


if __name__ == "__main__":
    write_text_files()
    write_workbooks()
    write_large()
    n = sum(
        1 for p in HERE.iterdir() if p.is_file() and p.suffix != ".py" and p.name != ".gitignore"
    )
    print(f"{n} corpus files in {HERE}")
