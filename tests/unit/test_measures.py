"""The measures register: reading, located errors, the form sheet, ingest and the demo set."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.ingest.measures import (
    MEASURE_FIELDS,
    MEASURES_SCHEMA,
    MEASURES_SHEET,
    discover_measure_files,
    ingest_measures,
    parse_phase,
)
from analysis.ingest.normalise import CellError
from analysis.ingest.pipeline import run_ingest
from analysis.ingest.template import write_template
from analysis.paths import ProjectPaths, get_paths
from analysis.stats.summary import analyse_all
from analysis.synthetic.demo_files import DEMO_TOWNS
from analysis.synthetic.measures import demo_measures, write_demo_measures
from analysis.synthetic.series import generate_series
from analysis.towns import load_towns

CATALOGUE = load_catalogue()
PATHS = get_paths()
TOWNS = load_towns(PATHS.towns_csv)
TH = [f.th for f in MEASURE_FIELDS]
EN = [f.en for f in MEASURE_FIELDS]


def _row(**cells: object) -> list[object]:
    """One register row (Thai header order) from field names; the rest blank."""
    base: dict[str, object] = {
        "name": "ลดฝุ่นละออง",
        "kind": "โครงการ",
        "plan_class": "แก้ไขปัญหา",
        "indicators": "pm25_annual",
        "lead_agency": "กองสาธารณสุขและสิ่งแวดล้อม",
        "budget_baht": "1,000,000",
        "budget_source": "เทศบัญญัติงบประมาณรายจ่ายประจำปี",
        "start_year": 2569,
        "end_year": 2570,
        "phase": 2,
        "kpi": "ค่าเฉลี่ยรายปีของฝุ่นละออง PM2.5",
        "kpi_target": 15,
    }
    base.update(cells)
    return [base.get(f.name, "") for f in MEASURE_FIELDS]


def _write_csv(path, rows, *, english=True) -> None:
    body = [EN, *rows] if english else rows
    pd.DataFrame(body, columns=TH).to_csv(path, index=False, encoding="utf-8-sig")


def _ingest(tmp_path, rows, name="takhli_measures.csv", **kw):
    folder = tmp_path / "measures"
    folder.mkdir(exist_ok=True)
    _write_csv(folder / name, rows, **kw)
    return ingest_measures(discover_measure_files(tmp_path), CATALOGUE, TOWNS, raw_root=tmp_path)


def test_a_valid_register_loads_with_ce_years_and_the_town_from_the_file_name(tmp_path):
    rows = [
        _row(town="", code="M1"),
        _row(
            code="M2",
            plan_class="สร้างโอกาส (opportunity)",
            indicators="green_space_per_capita; พื้นที่สีเขียวสาธารณะต่อประชากร",
            phase="ระยะที่ ๓",
            start_year="๒๕๗๑",
            end_year=2575,
            budget_baht=0,
            budget_source="",
            source="ข้อมูลสังเคราะห์ (SYNTHETIC)",
        ),
    ]
    res = _ingest(tmp_path, rows)
    assert res.rejected == []
    got = res.rows.set_index("measure_id")
    assert list(got.index) == ["M1", "M2"]
    assert got.loc["M1", "town_id"] == "takhli"
    assert (got.loc["M1", "start_year"], got.loc["M1", "end_year"]) == (2026, 2027)
    assert got.loc["M1", "plan_class"] == "solve"
    assert got.loc["M1", "budget_baht"] == 1_000_000.0
    assert got.loc["M2", "plan_class"] == "opportunity"
    assert got.loc["M2", "phase"] == 3
    assert got.loc["M2", "indicator_ids"] == "green_space_per_capita"  # same indicator twice
    assert bool(got.loc["M2", "is_synthetic"]) and not bool(got.loc["M1", "is_synthetic"])
    assert got.loc["M1", "src_row"] == 3  # row 2 holds the English headers
    MEASURES_SCHEMA.validate(res.rows)


BAD_ROWS = [
    # (cells, column header, code)
    ({"plan_class": "ปรับปรุง"}, "แนวทางของแผน", "bad_plan_class"),
    ({"indicators": "pm25_annual; no_such_indicator"}, "ตัวชี้วัดเป้าหมาย", "unknown_indicator"),
    ({"start_year": 2026}, "ปีเริ่มต้น (พ.ศ.)", "ce_year"),
    ({"end_year": 2590}, "ปีสิ้นสุด (พ.ศ.)", "year_range"),
    ({"start_year": 2570, "end_year": 2569}, "ปีสิ้นสุด (พ.ศ.)", "end_before_start"),
    ({"phase": 4}, "ระยะของแผน", "phase_mismatch"),
    ({"phase": "ระยะที่ 7"}, "ระยะของแผน", "bad_phase"),
    ({"budget_baht": -5}, "งบประมาณ (บาท)", "negative"),
    ({"budget_source": ""}, "แหล่งงบประมาณ", "missing_budget_source"),
    ({"name": ""}, "ชื่อแผนงาน/โครงการ", "missing_name"),
    ({"lead_agency": " "}, "หน่วยงานรับผิดชอบ", "missing_lead_agency"),
    ({"kpi_target": "ราว ๆ สิบ"}, "ค่าเป้าหมาย KPI", "not_a_number"),
    ({"kind": "กิจกรรม"}, "ลักษณะ", "bad_kind"),
    ({"town": "เมืองที่ไม่มี"}, "เทศบาล", "unknown_town"),
]


def test_bad_rows_get_located_errors_and_the_good_rows_still_load(tmp_path):
    rows = [_row(code="OK1"), *(_row(code=f"B{k}", **c) for k, (c, _, _) in enumerate(BAD_ROWS))]
    rows.append(_row(code="OK2"))
    res = _ingest(tmp_path, rows)
    assert list(res.rows["measure_id"]) == ["OK1", "OK2"]
    by_row = {r["row"]: r for r in res.rejected}
    assert len(res.rejected) == len(BAD_ROWS)  # one reason per bad row, none dropped
    for k, (_, column, code) in enumerate(BAD_ROWS):
        rej = by_row[k + 4]  # header, English header, OK1, then the bad rows
        assert rej["file"] == "measures/takhli_measures.csv"
        assert (rej["column"], rej["code"]) == (column, code), rej
        assert rej["reason"]
    assert "expected" in by_row[4]["reason"] and "แก้ไขปัญหา" in by_row[4]["reason"]
    assert "no_such_indicator" in by_row[5]["reason"]
    assert "2569" in by_row[6]["reason"]  # says which B.E. year was probably meant


def test_a_register_without_required_columns_is_one_located_rejection(tmp_path):
    folder = tmp_path / "measures"
    folder.mkdir()
    pd.DataFrame(
        [["ลดฝุ่น", "แก้ไขปัญหา", "pm25_annual"]],
        columns=["ชื่อแผนงาน/โครงการ", "แนวทางของแผน", "ตัวชี้วัดเป้าหมาย"],
    ).to_csv(folder / "register.csv", index=False)
    res = ingest_measures(discover_measure_files(tmp_path), CATALOGUE, TOWNS, raw_root=tmp_path)
    assert res.rows.empty
    (rej,) = res.rejected
    assert (rej["file"], rej["row"], rej["code"]) == ("measures/register.csv", 1, "missing_column")
    assert "หน่วยงานรับผิดชอบ" in rej["column"] and "เทศบาล" in rej["column"]


def test_a_file_without_a_register_header_is_reported(tmp_path):
    folder = tmp_path / "measures"
    folder.mkdir()
    (folder / "takhli_measures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    res = ingest_measures(discover_measure_files(tmp_path), CATALOGUE, TOWNS, raw_root=tmp_path)
    assert [r["code"] for r in res.rejected] == ["no_header"]


def test_a_code_used_twice_rejects_both_rows(tmp_path):
    res = _ingest(tmp_path, [_row(code="M1"), _row(code="M1"), _row(code="M2")])
    assert list(res.rows["measure_id"]) == ["M2"]
    assert sorted(r["row"] for r in res.rejected) == [3, 4]
    assert {r["code"] for r in res.rejected} == {"duplicate_measure"}
    assert all(r["town_id"] == "takhli" for r in res.rejected)


@pytest.mark.parametrize(
    ("cell", "phase"), [(1, 1), ("2", 2), ("ระยะที่ 3", 3), ("phase 4", 4), ("2561-2565", 1)]
)
def test_parse_phase(cell, phase):
    assert parse_phase(cell) == phase


@pytest.mark.parametrize("cell", ["", "5", "2560-2564", "soon"])
def test_parse_phase_rejects(cell):
    with pytest.raises(CellError):
        parse_phase(cell)


def test_the_form_has_a_measures_sheet_that_ingest_reads(tmp_path):
    form = tmp_path / "indicators" / "takhli_form.xlsx"
    write_template("takhli", CATALOGUE, TOWNS, form, rows=20)
    wb = openpyxl.load_workbook(form)
    ws = wb[MEASURES_SHEET]
    assert [c.value for c in ws[1]] == TH
    assert [c.value for c in ws[2]] == EN
    assert ws.cell(row=3, column=1).value == TOWNS.set_index("town_id").loc["takhli", "name_th"]
    for col, value in enumerate(_row(code="F1")[1:], start=2):  # the town is pre-filled
        ws.cell(row=3, column=col, value=value)
    for col, value in enumerate(_row(code="F2", phase=9)[1:], start=2):
        ws.cell(row=4, column=col, value=value)
    wb.save(form)
    res = ingest_measures(discover_measure_files(tmp_path), CATALOGUE, TOWNS, raw_root=tmp_path)
    assert list(res.rows["measure_id"]) == ["F1"]
    assert res.rows["town_id"].tolist() == ["takhli"]
    (rej,) = res.rejected
    label = f"indicators/takhli_form.xlsx[{MEASURES_SHEET}]"
    assert (rej["file"], rej["row"], rej["column"], rej["code"]) == (
        label,
        4,
        "ระยะของแผน",
        "bad_phase",
    )


def test_run_ingest_writes_the_register_and_its_rejections(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PATHS.raw_indicators, raw / "indicators")
    shutil.copy(PATHS.towns_csv, raw / "towns.csv")
    (raw / "measures").mkdir()
    _write_csv(
        raw / "measures" / "takhli_measures.csv", [_row(code="M1"), _row(code="M2", phase="x")]
    )
    paths = ProjectPaths(
        root=tmp_path, raw=raw, processed=tmp_path / "processed", reports=tmp_path / "reports"
    )
    run_ingest(paths, boundaries=False)
    measures = pd.read_parquet(paths.processed / "measures.parquet")
    assert measures["measure_id"].tolist() == ["M1"]
    rej = pd.read_csv(paths.processed / "rejected.csv", dtype=str, keep_default_na=False)
    mine = rej[rej["file"] == "measures/takhli_measures.csv"]
    assert mine[["row", "column"]].to_numpy().tolist() == [["4", "ระยะของแผน"]]


def test_demo_registers_are_synthetic_load_cleanly_and_leave_one_problem_open(tmp_path):
    files = write_demo_measures(tmp_path / "measures", CATALOGUE, TOWNS, DEMO_TOWNS)
    assert sorted(p.name for p in files) == sorted(f"{t.town_id}_measures.csv" for t in DEMO_TOWNS)
    res = ingest_measures(files, CATALOGUE, TOWNS, raw_root=tmp_path)
    assert res.rejected == []
    assert res.rows["is_synthetic"].all()
    assert set(res.rows["town_id"]) == {t.town_id for t in DEMO_TOWNS}
    assert set(res.rows["plan_class"]) <= {"solve", "prevent", "opportunity"}
    for _, m in res.rows.iterrows():  # a KPI target is the plan target, never invented
        target = CATALOGUE.get(m["indicator_ids"].split(";")[0]).target
        if target is not None:
            assert m["kpi_target"] == pytest.approx(target.value), m["measure_id"]
    series = generate_series(DEMO_TOWNS, CATALOGUE, seed=20261126)
    plan = analyse_all(series[["town_id", "indicator_id", "year", "value"]], CATALOGUE).plan
    for town in DEMO_TOWNS:
        sub = plan[plan["town_id"].astype(str) == town.town_id]
        problems = set(sub.loc[sub["plan_class"].isin(["solve", "prevent"]), "indicator_id"])
        mine = res.rows[res.rows["town_id"] == town.town_id]
        targeted = {i for ids in mine["indicator_ids"] for i in ids.split(";")}
        assert len(problems - targeted) == 1, town.town_id  # appendix E flags it
        assert targeted <= set(sub["indicator_id"].astype(str))


def test_demo_measures_are_deterministic():
    a = demo_measures(DEMO_TOWNS[:2], CATALOGUE, seed=7)
    b = demo_measures(DEMO_TOWNS[:2], CATALOGUE, seed=7)
    pd.testing.assert_frame_equal(a, b)
