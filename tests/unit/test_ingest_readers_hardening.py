"""Issue 16, items 2, 3, 6 and 15: no silent drops, bounded XLSX reading, hidden content.

Every column, sheet and row of a raw file is loaded, rejected with a located reason, or
listed in ``ignored.csv`` with the reason; the XLSX reader streams rows and stops at the
real data extent. The fixtures are in ``tests/data/bad`` (``make_hardening.py``).
"""

import tracemalloc
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import InputFileError
from analysis.ingest import ingest_files, readers
from analysis.ingest.normalise import CellError, classify_year_header, parse_number, parse_year
from analysis.ingest.pipeline import IngestReport, IngestResult
from analysis.ingest.readers import MAX_EMPTY_COLUMNS, read_raw_file
from analysis.paths import get_paths
from analysis.towns import load_towns

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CATALOGUE = load_catalogue()
TOWNS = load_towns(get_paths().towns_csv)
YEARS = (1990, 2027)
SRC = "Municipal survey 2566"
HEADER = ["town", "indicator", "year", "value", "unit", "source"]


def _ingest(*paths: Path, root: Path = BAD) -> IngestResult:
    return ingest_files(list(paths), CATALOGUE, TOWNS, raw_root=root, year_range=YEARS)


def _ignored(result: IngestResult) -> list[tuple]:
    return [
        (r.file, None if pd.isna(r.row) else int(r.row), r.column, r.code)
        for r in result.ignored.itertuples()
    ]


# --------------------------------------------------------------------------- item 2


def test_wide_year_columns_are_loaded_or_rejected_never_dropped():
    res = _ingest(BAD / "wide_year_labels.csv")
    assert sorted(res.rows["year"]) == [2020, 2021, 2024]  # 2563, 2564, ปีงบประมาณ 2567
    assert res.rows.set_index("year").loc[2024, "value"] == 23.0
    rejected = res.rejected.set_index("column")
    assert sorted(rejected.index) == ["2565/66", "2566*", "2567 (ประมาณการ)"]
    assert set(rejected["code"]) == {"bad_year_column"}
    assert rejected.loc["2567 (ประมาณการ)", "value"] == "24"
    assert (rejected["row"] == 2).all()
    # six year columns with a value: three loaded + three rejected, none missing
    assert len(res.rows) + len(res.rejected) == 6
    assert res.files[0].rows_rejected == 1


@pytest.mark.parametrize(
    ("header", "year", "fiscal"),
    [
        ("2566", 2023, False),
        ("พ.ศ. 2566", 2023, False),
        ("ปีงบประมาณ 2567", 2024, True),
        ("ปีงบ 2567", 2024, True),
        ("ปีงบประมาณ พ.ศ. ๒๕๖๗", 2024, True),
    ],
)
def test_year_headers_that_are_one_observed_year(header, year, fiscal):
    got = classify_year_header(header)
    assert (got.year, got.fiscal, got.reason) == (year, fiscal, None)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("2565/66", "spans two years"),
        ("2565-2566", "spans two years"),
        ("2566*", "footnote mark"),
        ("2566 (1)", "footnote mark"),
        ("2567 (ประมาณการ)", "estimate"),
        ("2570 เป้าหมาย", "target"),
        ("2566 เบื้องต้น", "preliminary"),
        ("ปีงบประมาณ 2024", "not a Buddhist Era year"),
        ("FY2024", "other text around the year"),
        (45292, "Excel date serial (2024-01-01)"),
    ],
)
def test_year_headers_that_are_refused_with_a_reason(header, fragment):
    got = classify_year_header(header)
    assert got.year is None
    assert got.code == "bad_year_column"
    assert fragment in got.reason


@pytest.mark.parametrize("header", ["unit", "ลำดับ", "หมายเหตุ", "", None, 12])
def test_headers_without_a_year_are_not_year_columns(header):
    assert classify_year_header(header) is None


def test_unread_columns_and_note_rows_are_listed_as_ignored(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(
        "ลำดับ,town,indicator,unit,source,2565,2566\n"
        f"1,takhli,pm25_annual,ug/m3,{SRC},20,21\n"
        ",,,,,,\n"
        "หมายเหตุ: ข้อมูลจากกองสาธารณสุข,,,,,,\n",
        encoding="utf-8",
    )
    res = _ingest(path, root=tmp_path)
    assert len(res.rows) == 2
    assert res.rejected.empty
    assert _ignored(res) == [
        ("extra.csv", None, "ลำดับ", "unread_column"),
        ("extra.csv", 4, "ลำดับ", "note_row"),
    ]
    assert "not loaded" in res.ignored["reason"].iloc[0]
    assert res.files[0].ignored == 2


def test_a_year_column_in_a_long_table_is_listed_as_ignored(tmp_path):
    path = tmp_path / "long_plus.csv"
    path.write_text(
        f"town,indicator,year,value,unit,source,2566\ntakhli,pm25_annual,2565,20,ug/m3,{SRC},21\n",
        encoding="utf-8",
    )
    res = _ingest(path, root=tmp_path)
    assert len(res.rows) == 1
    assert _ignored(res) == [("long_plus.csv", None, "2566", "unread_column")]
    assert (
        "is a year column, but this table has year and value columns"
        in (res.ignored["reason"].iloc[0])
    )


# --------------------------------------------------------------------------- item 3


@pytest.mark.parametrize(
    ("name", "cell"),
    [("stray_cell_row.xlsx", "G1048576"), ("stray_cell_column.xlsx", "ALL1048576")],
)
def test_a_stray_cell_far_away_is_ignored_and_costs_no_memory(name, cell):
    tracemalloc.start()
    try:
        tables = read_raw_file(BAD / name, label=name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024  # the dense grid of the used range took 2.1 GB or more
    (table,) = tables
    assert table.row_numbers == [1, 2]
    assert [len(r) for r in table.rows] == [6, 6]
    (part,) = table.ignored
    assert (part.code, part.value) == ("outside_table", "x")
    assert f"cell {cell} is outside the table" in part.reason
    res = _ingest(BAD / name)
    assert len(res.rows) == 1
    assert _ignored(res) == [(f"{name}[data]", 1048576, cell.rstrip("0123456789"), "outside_table")]


def test_a_stray_cell_right_of_a_long_empty_column_run_is_ignored(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [HEADER, ["takhli", "pm25_annual", 2566, 20, "ug/m3", SRC]]:
        ws.append(row)
    far = 6 + MAX_EMPTY_COLUMNS + 2
    ws.cell(row=2, column=far, value="stray")
    wb.save(tmp_path / "wide_gap.xlsx")
    (table,) = read_raw_file(tmp_path / "wide_gap.xlsx", label="wide_gap.xlsx")
    assert {len(r) for r in table.rows} == {6}
    (part,) = table.ignored
    assert part.code == "outside_table"
    assert part.row == 2
    assert "outside the table (after column F" in part.reason


def test_a_sheet_beyond_the_cell_cap_is_refused_with_a_located_message(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "big"
    for i in range(30):
        ws.append(["takhli", "pm25_annual", 2000 + i, 20, "ug/m3", SRC])
    wb.save(tmp_path / "big.xlsx")
    monkeypatch.setattr(readers, "MAX_GRID_CELLS", 100)
    with pytest.raises(InputFileError, match=r"sheet 'big' holds a table of 30 rows x 6 columns"):
        read_raw_file(tmp_path / "big.xlsx", label="big.xlsx")


def test_streamed_reader_keeps_merged_cells_formulas_dates_and_percent(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["title"])
    ws.merge_cells("A1:C1")
    ws.append([0.35, "=A2*2", None])
    ws["A2"].number_format = "0%"
    wb.save(tmp_path / "mix.xlsx")
    (table,) = read_raw_file(tmp_path / "mix.xlsx", label="mix.xlsx")
    assert table.rows[0] == ["title", "title", "title"]
    assert table.rows[1][0] == "35%"  # as shown; accepted only for percent indicators
    assert table.formulas == {(2, 1): "=A2*2"}


# --------------------------------------------------------------------------- item 6


def test_hidden_sheets_rows_and_columns_are_ignored_not_loaded():
    res = _ingest(BAD / "hidden_content.xlsx")
    got = res.rows.set_index("year")["value"].to_dict()
    assert got == {2021: 22.0, 2023: 20.0}  # hidden row 3 (99) and the hidden sheet left out
    assert "river_do" not in set(res.rows["indicator_id"])
    assert res.rejected.empty  # the hidden helper column no longer duplicates "ปี"
    assert _ignored(res) == [
        ("hidden_content.xlsx[calc]", None, "", "hidden_sheet"),
        ("hidden_content.xlsx[data]", None, "C", "hidden_column"),
        ("hidden_content.xlsx[data]", 3, "", "hidden_row"),
    ]
    assert all("hidden" in r and "not loaded" in r for r in res.ignored["reason"])
    summary = res.files[0]
    assert summary.tables == ["hidden_content.xlsx[data]"]
    assert (summary.rows_loaded, summary.rows_rejected, summary.ignored) == (2, 0, 3)


def test_a_workbook_with_only_hidden_sheets_says_so(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [HEADER, ["takhli", "pm25_annual", 2566, 20, "ug/m3", SRC]]:
        ws.append(row)
    wb.create_sheet("visible")
    ws.sheet_state = "hidden"
    wb.active = 1
    wb.save(tmp_path / "all_hidden.xlsx")
    res = _ingest(tmp_path / "all_hidden.xlsx", root=tmp_path)
    assert res.rows.empty
    assert "every sheet with content is hidden" in res.files[0].error
    assert _ignored(res)[0][3] == "hidden_sheet"


def test_a_table_rejected_as_a_whole_counts_all_its_rows(tmp_path):
    path = tmp_path / "dup.csv"
    rows = "".join(f"takhli,pm25_annual,{y},20,21,ug/m3,{SRC}\n" for y in (2564, 2565, 2566))
    path.write_text("town,indicator,year,value,ค่า,unit,source\n" + rows, encoding="utf-8")
    res = _ingest(path, root=tmp_path)
    assert res.rejected["code"].tolist() == ["duplicate_column"]
    assert (res.files[0].rows_read, res.files[0].rows_rejected) == (3, 3)


def test_strict_report_is_not_ok_when_only_ignored_content(tmp_path):
    res = _ingest(BAD / "hidden_content.xlsx")
    report = IngestReport(result=res, outputs={}, manifest={}, strict=True)
    assert report.rows_rejected == 0
    assert report.rows_ignored == 3
    assert not report.ok
    assert IngestReport(result=res, outputs={}, manifest={}, strict=False).ok


# --------------------------------------------------------------------------- item 15


@pytest.mark.parametrize("value", [45292, 45292.0, "45292", "๔๕๒๙๒"])
def test_excel_date_serial_in_a_year_cell_gets_a_hint(value):
    with pytest.raises(CellError) as info:
        parse_year(value)
    assert info.value.code == "bad_year"
    assert "Excel date serial (2024-01-01)" in info.value.reason
    assert "2567 (B.E.) or 2024" in info.value.reason


@pytest.mark.parametrize("text", ["ND", "n.d.", "not detected", "ตรวจไม่พบ", "BDL"])
def test_not_detected_is_rejected_naming_the_convention(text):
    with pytest.raises(CellError) as info:
        parse_number(text)
    assert info.value.code == "not_detected"
    assert "ecoplan stores measured values only" in info.value.reason
    assert "docs/data-contract.md" in info.value.reason


@pytest.mark.parametrize(("text", "side"), [("<0.5", "below"), ("> 500", "above"), ("≤2", "below")])
def test_censored_values_are_rejected_naming_the_convention(text, side):
    with pytest.raises(CellError) as info:
        parse_number(text)
    assert info.value.code == "censored_value"
    assert f"({side} a detection or reporting limit)" in info.value.reason
    assert "ecoplan stores measured values only" in info.value.reason


def test_percent_sign_only_for_percent_indicators():
    assert parse_number("35%", allow_percent=True) == 35.0
    assert parse_number("35 %", allow_percent=True) == 35.0
    with pytest.raises(CellError) as info:
        parse_number("35%", allow_percent=False)
    assert info.value.code == "percent_unit"
    assert parse_number("35", allow_percent=False) == 35.0


def test_percent_formatted_cell_for_a_non_percent_indicator_is_rejected(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(HEADER)
    ws.append(["takhli", "pm25_annual", 2566, 0.35, "ug/m3", SRC])
    ws.append(["takhli", "green_area_pct", 2566, 0.35, "%", SRC])
    ws["D2"].number_format = "0%"
    ws["D3"].number_format = "0.0%"
    wb.save(tmp_path / "pct.xlsx")
    res = _ingest(tmp_path / "pct.xlsx", root=tmp_path)
    assert res.rows[["indicator_id", "value"]].to_numpy().tolist() == [["green_area_pct", 35.0]]
    assert res.rejected[["row", "column", "code"]].to_numpy().tolist() == [
        [2, "value", "percent_unit"]
    ]


def test_run_ingest_writes_ignored_csv_and_strict_fails_on_it(tmp_path):
    import dataclasses  # noqa: PLC0415
    import shutil  # noqa: PLC0415

    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415

    raw = tmp_path / "raw"
    (raw / "indicators").mkdir(parents=True)
    towns = TOWNS[TOWNS["town_id"] == "takhli"]
    towns.to_csv(raw / "towns.csv", index=False)
    shutil.copy(BAD / "hidden_content.xlsx", raw / "indicators" / "hidden_content.xlsx")
    paths = dataclasses.replace(get_paths(), raw=raw, processed=tmp_path / "processed")
    report = run_ingest(paths, strict=True, boundaries=False, year_range=YEARS)
    assert report.rows_loaded == 2
    assert report.rows_rejected == 0
    assert report.manifest["ignored"] == 3
    ignored = pd.read_csv(report.outputs["ignored"], keep_default_na=False, dtype=str)
    assert list(ignored.columns) == ["file", "row", "column", "value", "reason", "code"]
    assert sorted(ignored["code"]) == ["hidden_column", "hidden_row", "hidden_sheet"]
    assert report.warnings == [
        "indicators/hidden_content.xlsx[calc]: 1 part not loaded (hidden_sheet 1); the "
        "reasons are in ignored.csv",
        "indicators/hidden_content.xlsx[data]: 2 parts not loaded (hidden_column 1, "
        "hidden_row 1); the reasons are in ignored.csv",
    ]
    assert not report.ok
