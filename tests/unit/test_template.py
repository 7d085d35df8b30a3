"""``ecoplan template``: the data-entry form, its validations and the fill-in round trip."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.errors import ParameterError
from analysis.ingest import ingest_files
from analysis.ingest.template import DATA_SHEET, LIST_SHEET, TEMPLATE_HEADERS, write_template
from analysis.paths import get_paths
from analysis.towns import load_towns

CATALOGUE = load_catalogue()
TOWNS = load_towns(get_paths().towns_csv)
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def form(tmp_path):
    return write_template("takhli", CATALOGUE, TOWNS, tmp_path / "form.xlsx", rows=50, today=TODAY)


def _validations(ws):
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_form_has_thai_headers_prefilled_town_and_drop_downs(form):
    wb = openpyxl.load_workbook(form)
    assert wb.sheetnames[0] == DATA_SHEET
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[1]] == [h for h, _ in TEMPLATE_HEADERS]
    assert ws["A2"].value == ws["A51"].value == "เทศบาลเมืองตาคลี"
    dvs = _validations(ws)
    indicator = dvs["B2:B51"]
    assert indicator.type == "list"
    assert indicator.formula1 == f"'{LIST_SHEET}'!$A$2:$A${len(CATALOGUE.indicators) + 1}"
    lists = wb[LIST_SHEET]
    names = [lists.cell(row=r, column=1).value for r in range(2, len(CATALOGUE.indicators) + 2)]
    assert names == [i.name_th for i in CATALOGUE.indicators]
    year = dvs["C2:C51"]
    assert (year.type, year.operator, year.formula1, year.formula2) == (
        "whole",
        "between",
        "2533",
        "2570",
    )
    assert year.showErrorMessage
    value = dvs["D2:D51"]
    assert (value.type, value.operator, value.formula1) == ("decimal", "greaterThanOrEqual", "0")
    unit = dvs["E2:E51"]
    start, end = unit.formula1.split("!")[1].replace("$A$", "").split(":")
    listed = [lists.cell(row=r, column=1).value for r in range(int(start), int(end) + 1)]
    assert set(listed) == {CATALOGUE.units[i.unit].symbol_th for i in CATALOGUE.indicators}
    # unit hints: each indicator row names its canonical unit and accepted spellings
    pm25_row = names.index(CATALOGUE.get("pm25_annual").name_th) + 2
    assert lists.cell(row=pm25_row, column=2).value == "pm25_annual"
    assert "ug/m3" in lists.cell(row=pm25_row, column=5).value


def test_filled_form_round_trips_through_ingest(form, tmp_path):
    wb = openpyxl.load_workbook(form)
    ws = wb[DATA_SHEET]
    entries = [
        ("pm25_annual", 2565, 24.5, "มคก./ลบ.ม.", "สถานีตรวจวัด คพ."),
        ("pm25_annual", 2566, 22.1, "มคก./ลบ.ม.", "สถานีตรวจวัด คพ."),
        ("waste_per_capita", 2566, 1.25, "กก./คน/วัน", "กองสาธารณสุข"),
        ("green_area_pct", 2567, 6.5, "ร้อยละ", "ผังเมือง"),
    ]
    for r, (ind, year, value, unit, source) in enumerate(entries, start=2):
        ws.cell(row=r, column=2, value=CATALOGUE.get(ind).name_th)
        ws.cell(row=r, column=3, value=year)
        ws.cell(row=r, column=4, value=value)
        ws.cell(row=r, column=5, value=unit)
        ws.cell(row=r, column=6, value=source)
    ws.cell(row=3, column=7, value="ค่าเบื้องต้น")
    filled = tmp_path / "takhli_filled.xlsx"
    wb.save(filled)
    result = ingest_files([filled], CATALOGUE, TOWNS, raw_root=tmp_path, year_range=(1990, 2027))
    assert result.rejected.empty, result.rejected.to_dict("records")
    summary = result.files[0]
    assert summary.tables == [f"takhli_filled.xlsx[{DATA_SHEET}]"]
    # instructions, indicator list and the measures register are not indicator data
    assert len(summary.skipped_sheets) == 3
    got = result.rows[
        ["town_id", "indicator_id", "year", "value", "unit", "source", "note", "src_row"]
    ]
    want = pd.DataFrame(
        {
            "town_id": "takhli",
            "indicator_id": [e[0] for e in entries],
            "year": [e[1] - 543 for e in entries],
            "value": [e[2] for e in entries],
            "unit": [CATALOGUE.get(e[0]).unit for e in entries],
            "source": [e[4] for e in entries],
            "note": [None, "ค่าเบื้องต้น", None, None],
            "src_row": [2, 3, 4, 5],
        }
    )
    want = want.astype({c: "str" for c in ("town_id", "indicator_id", "unit", "source", "note")})
    want = want.sort_values(["town_id", "indicator_id", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert not result.rows["is_synthetic"].any()


def test_empty_form_loads_nothing_and_rejects_nothing(form, tmp_path):
    result = ingest_files([form], CATALOGUE, TOWNS, raw_root=tmp_path, year_range=(1990, 2027))
    assert result.rows.empty and result.rejected.empty


@pytest.mark.parametrize("bad", ["../etc", "Takhli", "ตาคลี", "a b", "", "takhli/.."])
def test_invalid_town_id_writes_nothing(tmp_path, bad):
    out = tmp_path / "x.xlsx"
    with pytest.raises(ParameterError, match="invalid town_id"):
        write_template(bad, CATALOGUE, TOWNS, out)
    assert not out.exists()


def test_unknown_town_writes_nothing(tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(ParameterError, match="unknown town_id 'bangkok'"):
        write_template("bangkok", CATALOGUE, TOWNS, out)
    assert not out.exists()


def test_cli_template(tmp_path, capsys):
    out = tmp_path / "sub" / "form.xlsx"
    assert main(["template", "--town", "mueang-nan", "--out", str(out), "--rows", "5"]) == 0
    assert str(out) in capsys.readouterr().out
    assert openpyxl.load_workbook(out)[DATA_SHEET]["A2"].value == "เทศบาลเมืองน่าน"
    assert main(["template", "--town", "mueang-nan", "--out", str(out)]) == 2  # exists, no --force
    assert main(["template", "--town", "mueang-nan", "--out", str(out), "--force"]) == 0
    assert (
        main(["template", "--town", "takhli", "--out", str(tmp_path / "z.xlsx"), "--rows", "0"])
        == 2
    )
    assert not (tmp_path / "z.xlsx").exists()
    assert main(["template", "--town", "../x", "--out", str(tmp_path / "y.xlsx")]) == 2
    assert "invalid town_id" in capsys.readouterr().err
    assert not (tmp_path / "y.xlsx").exists()


def test_form_prefills_the_town_id_when_another_town_shares_the_thai_name(tmp_path):
    """Ingest refuses a Thai name two towns share, so the form must not pre-fill it."""
    twin = TOWNS[TOWNS["town_id"] == "takhli"].copy()
    twin["town_id"] = "takhli-twin"
    towns = pd.concat([TOWNS, twin], ignore_index=True)
    out = write_template("takhli", CATALOGUE, towns, tmp_path / "f.xlsx", rows=3, today=TODAY)
    ws = openpyxl.load_workbook(out)[DATA_SHEET]
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == ["takhli"] * 3
    alone = write_template("takhli", CATALOGUE, TOWNS, tmp_path / "g.xlsx", rows=1, today=TODAY)
    name = TOWNS.loc[TOWNS["town_id"] == "takhli", "name_th"].iloc[0]
    assert openpyxl.load_workbook(alone)[DATA_SHEET].cell(row=2, column=1).value == name
