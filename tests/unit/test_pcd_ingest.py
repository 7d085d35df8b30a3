"""PCD (Air4Thai) station workbooks: reader, station matching, aggregation (issue 13).

Expected numbers are computed here from the fixture with plain openpyxl, never by the code
under test. The fixture ``tests/data/pcd/PM2.5(2022).xlsx`` is real PCD data (see the README
beside it); variants are built in temporary folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import InputFileError
from analysis.ingest.air import (
    MIN_COVERAGE,
    aggregate,
    apply_measured,
    ingest_air,
    run_air,
    standard_on,
)
from analysis.ingest.pcd import is_pcd_workbook, normalise_code, read_pcd_workbook
from analysis.ingest.stations import parse_address
from analysis.store.boundaries import load_raw_boundaries

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "pcd" / "PM2.5(2022).xlsx"
FIXTURE_SHA = "b2fad2b9ad7de526c0e70dce3c56fe3a74edb167f545104111dc1c86e313cac9"
PILOTS = {"67T": "mueang-nan", "41T": "nakhon-sawan", "86T": "phitsanulok"}
TAMBONS = {"67T": "TH550101", "41T": "TH600101", "86T": "TH650101"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "raw" / "towns.csv", dtype={"tambon_pcode": str})


@pytest.fixture(scope="module")
def boundaries():
    return load_raw_boundaries(REPO / "data" / "raw" / "geo")


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, object]]:
    """Independent 2022 figures per pilot station, from the cells (openpyxl only)."""
    wb = openpyxl.load_workbook(FIXTURE, read_only=True, data_only=True)
    rows = list(wb["PM2.5"].iter_rows(values_only=True))
    wb.close()
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    out: dict[str, dict[str, object]] = {}
    for code in PILOTS:
        j = header.index(code)
        days = {}
        na = 0
        for i, row in enumerate(rows[1:], start=2):
            if isinstance(row[0], dt.datetime) and row[0].year == 2022:
                v = row[j]
                if isinstance(v, (int, float)):
                    days[row[0].date()] = (float(v), i)
                elif isinstance(v, str) and v.strip().lower() == "n/a":
                    na += 1
        vals = [v for v, _ in days.values()]
        out[code] = {
            "days": days,
            "na": na,
            "mean": sum(vals) / len(vals),
            "max": max(vals),
            "over": sum(1 for v in vals if v > 50),  # 50 µg/m³ was in force all of 2022
            "valid": len(vals),
            "coverage": len(vals) / 365,
        }
    return out


@pytest.fixture(scope="module")
def air(cat, towns, boundaries):
    before = _sha(FIXTURE)
    res = ingest_air([FIXTURE], cat, towns, boundaries, raw_root=FIXTURE.parent)
    assert _sha(FIXTURE) == before == FIXTURE_SHA  # raw bytes unchanged
    return res


# --------------------------------------------------------------------------- fixture


def test_fixture_is_the_attributed_real_workbook() -> None:
    assert _sha(FIXTURE) == FIXTURE_SHA
    readme = (FIXTURE.parent / "README.md").read_text(encoding="utf-8")
    assert "Pollution Control Department, Thailand (Air4Thai)" in readme
    assert FIXTURE_SHA in readme


def test_every_daily_cell_is_loaded_or_rejected_with_its_location(air) -> None:
    wb = openpyxl.load_workbook(FIXTURE, read_only=True, data_only=True)
    rows = list(wb["PM2.5"].iter_rows(values_only=True))
    wb.close()
    n_codes = sum(1 for c in rows[0][1:] if c is not None)
    numbers = texts = 0
    for row in rows[1:]:
        if not isinstance(row[0], dt.datetime):
            continue
        for v in row[1 : n_codes + 1]:
            if isinstance(v, (int, float)):
                numbers += 1
            elif v is not None:
                texts += 1
    assert len(air.daily) == numbers
    assert len(air.rejections) == texts > 0
    for file, row, column, value, reason, code in air.rejections:
        assert file == "PM2.5(2022).xlsx"
        assert isinstance(row, int) and row >= 2
        assert column and reason and value.lower() == "n/a"
        assert code == "missing_value"
    assert numbers + texts == 365 * n_codes


def test_a_few_daily_values_with_source_row(air, expected) -> None:
    d = air.daily
    for code, day in (
        ("67T", dt.date(2022, 1, 1)),
        ("41T", dt.date(2022, 1, 3)),
        ("86T", dt.date(2022, 4, 15)),
    ):
        want, row = expected[code]["days"][day]
        got = d[(d["station_code"] == code) & (d["date"] == pd.Timestamp(day))]
        assert len(got) == 1
        assert got["value"].iloc[0] == want
        assert int(got["src_row"].iloc[0]) == row
        assert got["town_id"].iloc[0] == PILOTS[code]
    # spot values read by eye in Excel
    nan = d[d["station_code"] == "67T"].set_index("date")["value"]
    assert nan[pd.Timestamp("2022-01-01")] == 23
    assert nan[pd.Timestamp("2022-01-03")] == 26


@pytest.mark.parametrize("code", sorted(PILOTS))
def test_2022_annual_values_of_the_pilot_stations(air, expected, code: str) -> None:
    exp = expected[code]
    cov = air.coverage
    c = cov[(cov["station_code"] == code) & (cov["year"] == 2022)].iloc[0]
    assert c["days_valid"] == exp["valid"]
    assert c["coverage"] == pytest.approx(exp["coverage"])
    assert bool(c["complete"]) is (exp["coverage"] >= 0.75)
    ann = air.annual[(air.annual["town_id"] == PILOTS[code]) & (air.annual["year"] == 2022)]
    got = dict(zip(ann["indicator_id"], ann["value"], strict=True))
    assert got["pm25_annual"] == pytest.approx(exp["mean"])
    assert got["pm25_24h_max"] == exp["max"]
    assert got["pm25_days_over_24h_std"] == exp["over"]
    assert not ann["is_synthetic"].any()
    assert ann["source"].str.startswith(f"PCD Air4Thai station {code} (").all()
    assert ann["source"].str.contains("daily 24-h means, 2022 workbook").all()


def test_2022_figures_agree_with_the_hand_derived_partial_fixture(expected) -> None:
    few = pd.read_csv(REPO / "tests" / "data" / "partial" / "pcd_pm25_few_values.csv")
    few = few[few["year"] == 2022].set_index(["town", "indicator"])["value"]
    for code, town in (("67T", "mueang-nan"), ("41T", "nakhon-sawan")):
        assert round(expected[code]["mean"], 1) == few[(town, "pm25_annual")]
        assert expected[code]["max"] == few[(town, "pm25_24h_max")]


# --------------------------------------------------------------------------- stations


@pytest.mark.parametrize("code", sorted(PILOTS))
def test_pilot_stations_match_their_towns_tambon(air, code: str) -> None:
    st = air.stations[air.stations["station_code"] == code]
    assert len(st) == 1
    rec = st.iloc[0]
    assert rec["match_status"] == "matched"
    assert rec["tambon_pcode"] == TAMBONS[code]
    assert rec["town_id"] == PILOTS[code]
    assert rec["relation"] == "own_tambon"
    assert 0 <= rec["distance_km"] < 5


def test_every_other_station_is_matched_or_has_a_reason(air) -> None:
    wb = openpyxl.load_workbook(FIXTURE, read_only=True, data_only=True)
    header = next(wb["PM2.5"].iter_rows(values_only=True))
    wb.close()
    codes = {normalise_code(c) for c in header[1:] if c is not None}
    st = air.stations
    assert codes <= set(st["station_code"])
    for rec in st.to_dict("records"):
        assert rec["match_status"] in {"matched", "unmatched"}
        if rec["match_status"] == "unmatched":
            assert rec["match_reason"], rec["station_code"]
        else:
            assert rec["tambon_pcode"].startswith(rec["district_pcode"])
    by = st.set_index("station_code")
    assert "no entry in the station sheet" in by.loc["103T", "match_reason"]
    assert "more than once" in by.loc["100T", "match_reason"]  # Hua Hin and Chanthaburi
    assert "no district or tambon boundaries" in by.loc["02T", "match_reason"]  # Bangkok
    assert by.loc["75T", "match_status"] == "matched"  # Chaloem Phra Kiat, Nan
    assert by.loc["75T", "relation"] == "none"
    assert by.loc["87T", "tambon_pcode"].startswith("TH2301")  # Bang Phra, Mueang Trat
    assert "72T" in codes  # header "72T(ใหม่)": the note in brackets is dropped


@pytest.mark.parametrize(
    ("address", "want"),
    [
        ("ต.ในเวียง อ.เมือง จ.น่าน", ("ในเวียง", "เมือง", "น่าน")),
        ("แขวงหิรัญรูจี เขตธนบุรี กทม.", ("หิรัญรูจี", "ธนบุรี", "กรุงเทพมหานคร")),
        ("ริมถนนพระรามสี่ แขวงปทุมวัน เขตปทุมวัน กทม.", ("ปทุมวัน", "ปทุมวัน", "กรุงเทพมหานคร")),
        ("ต.ทะเลชุบศร อ.เมืองลพบุรี จ.ลพบุรี", ("ทะเลชุบศร", "เมืองลพบุรี", "ลพบุรี")),
        ("ต.นาจักร อ.เมือง จ. แพร่", ("นาจักร", "เมือง", "แพร่")),
        ("ต.พิมาน อ.เมือง. จ.สตูล", ("พิมาน", "เมือง", "สตูล")),
        ("ต.เสม็ด อ.เมือง  จ.บุรีรัมย์", ("เสม็ด", "เมือง", "บุรีรัมย์")),
    ],
)
def test_parse_address(address: str, want: tuple[str, str, str]) -> None:
    assert parse_address(address) == want


# --------------------------------------------------------------------------- standards


def test_standard_in_force_on_the_day(cat) -> None:
    assert standard_on(cat, "pm25", dt.date(2023, 5, 31)) == 50
    assert standard_on(cat, "pm25", dt.date(2023, 6, 1)) == 37.5
    assert standard_on(cat, "pm10", dt.date(2023, 6, 1)) == 120


def test_days_over_count_uses_the_standard_of_each_day(cat) -> None:
    days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    daily = pd.DataFrame(
        {
            "station_code": "X1",
            "pollutant": "pm25",
            "date": days,
            "value": 40.0,
            "unit": "ug_m3",
            "src_file": "f.xlsx",
            "src_row": range(2, 2 + len(days)),
        }
    )
    got = aggregate(daily, cat).iloc[0]
    # 40 is below 50 (to 31 May) and above 37.5 (from 1 June): June..December count
    assert got["days_over_std"] == (dt.date(2023, 12, 31) - dt.date(2023, 6, 1)).days + 1 == 214
    assert got["complete"]


def test_incomplete_year_has_coverage_but_no_annual_value(cat) -> None:
    days = pd.date_range("2024-01-01", periods=200, freq="D")  # 200/366 < 75 %
    daily = pd.DataFrame(
        {
            "station_code": "X1",
            "pollutant": "pm25",
            "date": days,
            "value": 20.0,
            "unit": "ug_m3",
            "src_file": "f.xlsx",
            "src_row": range(2, 202),
        }
    )
    got = aggregate(daily, cat).iloc[0]
    assert got["days_in_year"] == 366
    assert got["coverage"] == pytest.approx(200 / 366)
    assert MIN_COVERAGE > 200 / 366
    assert not got["complete"]
    assert pd.isna(got["mean"]) and pd.isna(got["max"]) and pd.isna(got["days_over_std"])


# --------------------------------------------------------------------------- measured vs synthetic


def test_measured_value_replaces_the_synthetic_one() -> None:
    base = {"unit": "ug_m3", "note": "", "src_row": 2}
    rows = pd.DataFrame(
        [
            {
                "town_id": "t",
                "indicator_id": "pm25_annual",
                "year": 2022,
                "value": 41.1,
                "source": "SYNTHETIC demo",
                "is_synthetic": True,
                "src_file": "indicators/t.csv",
                **base,
            },
            {
                "town_id": "t",
                "indicator_id": "pm25_annual",
                "year": 2021,
                "value": 40.0,
                "source": "SYNTHETIC demo",
                "is_synthetic": True,
                "src_file": "indicators/t.csv",
                **base,
            },
        ]
    )
    annual = pd.DataFrame(
        [
            {
                "town_id": "t",
                "indicator_id": "pm25_annual",
                "year": 2022,
                "value": 26.7,
                "source": "PCD Air4Thai station 67T",
                "is_synthetic": False,
                "src_file": "air/PM2.5(2022).xlsx",
                **base,
            }
        ]
    )
    merged, sup = apply_measured(rows, annual)
    assert len(merged) == 2
    by_year = merged.set_index("year")
    assert by_year.loc[2022, "value"] == 26.7 and not by_year.loc[2022, "is_synthetic"]
    assert by_year.loc[2021, "value"] == 40.0
    assert sup[["indicator_id", "year", "old_value", "new_value"]].to_dict("records") == [
        {"indicator_id": "pm25_annual", "year": 2022, "old_value": 41.1, "new_value": 26.7}
    ]
    assert bool(sup["old_is_synthetic"].iloc[0])


# --------------------------------------------------------------------------- variation


def _workbook(
    path: Path,
    *,
    data_sheet: str = "PM2.5",
    station_sheet: str = "พารามิเตอร์_สถานี",
    title_rows: int = 0,
    station_offset: tuple[int, int] = (3, 2),
    header: list[object] | None = None,
    days: list[list[object]] | None = None,
    stations: list[tuple[object, str]] | None = None,
) -> Path:
    """Write a small PCD-like workbook (layout details configurable)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = data_sheet
    for k in range(title_rows):
        ws.append([f"title {k}"])
    ws.append(header or ["Date", "67T", "41T"])
    for row in days or []:
        ws.append(row)
    st = wb.create_sheet(station_sheet)
    r0, c0 = station_offset
    st.cell(1, c0, "รายละเอียดสถานีตรวจวัดคุณภาพอากาศ")
    for j, text in enumerate(["ลำดับ", "รหัสสถานี", "ชื่อสถานี", "รายละเอียดจุดติดตั้งสถานี"]):
        st.cell(r0, c0 + j, text)
    for i, (code, address) in enumerate(
        stations or [("67T", "ต.ในเวียง อ.เมือง จ.น่าน"), ("41T", "ต.ปากน้ำโพ อ.เมือง จ.นครสวรรค์")]
    ):
        st.cell(r0 + 1 + i, c0, i + 1)
        st.cell(r0 + 1 + i, c0 + 1, code)
        st.cell(r0 + 1 + i, c0 + 2, address)
        st.cell(r0 + 1 + i, c0 + 3, "site")
    wb.save(path)
    return path


def test_layout_variation_is_read(tmp_path: Path, cat, towns, boundaries) -> None:
    start = dt.date(2023, 1, 1)
    days: list[list[object]] = []
    for k in range(365):
        day = start + dt.timedelta(days=k)
        if day in (dt.date(2023, 3, 1), dt.date(2023, 3, 2)):
            continue  # two dates missing from the sheet
        v67: object = 30 + (k % 7)
        if k == 0:
            v67 = " 31 "  # number stored as text
        elif k == 1:
            v67 = "๓๒"  # Thai digits
        elif k == 2:
            v67 = "N/A"
        days.append([dt.datetime.combine(day, dt.time()), v67, 10])
    days.append([dt.datetime(2023, 1, 10), 30 + 9 % 7, 10])  # duplicate, same values
    days.append([dt.datetime(2023, 1, 11), 99, 10])  # duplicate, conflicting 67T
    days += [[None, None, None]] * 3 + [["หมายเหตุ : N/A ไม่มีข้อมูล", None, None]]
    path = _workbook(
        tmp_path / "pm25_2566.xlsx",
        data_sheet="DATA",
        station_sheet="รายละเอียดสถานี",
        title_rows=2,
        station_offset=(5, 3),
        header=["วันที่", " 67T ", "41t(ใหม่)"],
        days=days,
    )
    wb = openpyxl.load_workbook(path)
    wb["DATA"].cell(1500, 1, "stray note far below")
    wb.save(path)
    before = _sha(path)
    assert is_pcd_workbook(path)
    w = read_pcd_workbook(path, "air/pm25_2566.xlsx")
    assert _sha(path) == before
    assert (w.pollutant, w.unit, w.data_sheet, w.station_sheet) == (
        "pm25",
        "ug_m3",
        "DATA",
        "รายละเอียดสถานี",
    )
    assert w.codes == ["67T", "41T"]
    s67 = w.daily[w.daily["station_code"] == "67T"].set_index("date")["value"]
    assert s67[pd.Timestamp("2023-01-01")] == 31
    assert s67[pd.Timestamp("2023-01-02")] == 32
    assert pd.Timestamp("2023-01-03") not in s67.index
    assert pd.Timestamp("2023-01-11") not in s67.index  # conflicting duplicate: neither
    assert s67[pd.Timestamp("2023-01-10")] == 30 + 9 % 7
    reasons = {(r[1].split()[0], r[4]) for r in w.rejections}
    assert ("B", "missing_value") in reasons
    assert ("B", "duplicate_conflict") in reasons
    assert w.missing_dates[2023] == [dt.date(2023, 3, 1), dt.date(2023, 3, 2)]
    assert any("2 days have no row" in n for n in w.notes)
    assert any("appears twice" in n and "same value" in n for n in w.notes)
    assert any("footnotes" in n for n in w.notes)
    res = ingest_air([path], cat, towns, boundaries)
    cov = res.coverage.set_index("station_code")
    # 363 rows of days; 67T loses 2023-01-03 (N/A) and 2023-01-11 (conflict)
    assert cov.loc["67T", "days_valid"] == 361
    assert cov.loc["41T", "days_valid"] == 363
    assert cov.loc["67T", "days_with_row"] == 363
    assert res.stations.set_index("station_code").loc["41T", "town_id"] == "nakhon-sawan"


def test_partial_year_is_stored_as_incomplete(tmp_path: Path, cat, towns, boundaries) -> None:
    days = [[dt.datetime(2024, 1, 1) + dt.timedelta(days=k), 40, 20] for k in range(150)]
    path = _workbook(tmp_path / "PM2.5(2024).xlsx", days=days)
    res = ingest_air([path], cat, towns, boundaries)
    assert res.annual.empty
    assert not res.coverage["complete"].any()
    assert set(res.coverage["days_valid"]) == {150}


def test_named_nearby_station_is_labelled_with_its_distance(
    tmp_path: Path, cat, towns, boundaries
) -> None:
    days = [[dt.datetime(2023, 1, 1) + dt.timedelta(days=k), 40, 20] for k in range(365)]
    path = _workbook(tmp_path / "PM2.5(2023).xlsx", days=days)
    named = pd.DataFrame({"town_id": ["takhli"], "station_code": ["41T"]})
    res = ingest_air([path], cat, towns, boundaries, named=named)
    st = res.stations[res.stations["town_id"] == "takhli"].iloc[0]
    assert st["relation"] == "named_nearby"
    assert st["distance_km"] > 20
    ann = res.annual[res.annual["town_id"] == "takhli"]
    assert set(ann["indicator_id"]) == {"pm25_annual", "pm25_24h_max", "pm25_days_over_24h_std"}
    assert ann["source"].str.contains(f"nearby station {st['distance_km']:.1f} km").all()
    daily = res.daily[res.daily["station_code"] == "41T"]
    assert set(daily["town_id"]) == {"nakhon-sawan", "takhli"}
    assert (daily["town_id"] == "takhli").sum() == 365


# --------------------------------------------------------------------------- bad files


def _one_line(exc: pytest.ExceptionInfo[InputFileError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_not_a_pcd_workbook(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["town", "indicator", "year", "value"])
    wb.save(path)
    assert not is_pcd_workbook(path)
    with pytest.raises(InputFileError) as exc:
        read_pcd_workbook(path)
    assert "not a PCD workbook" in _one_line(exc)
    text = tmp_path / "notes.xlsx"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_pcd_workbook(text)
    assert "not a PCD workbook" in _one_line(exc)


def test_workbook_without_its_station_sheet(tmp_path: Path) -> None:
    path = tmp_path / "PM2.5(2022).xlsx"
    shutil.copyfile(FIXTURE, path)
    wb = openpyxl.load_workbook(path)
    del wb["พารามิเตอร์_สถานี"]
    wb.save(path)
    with pytest.raises(InputFileError) as exc:
        read_pcd_workbook(path)
    assert "without a station sheet" in _one_line(exc)


def test_station_code_twice_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "PM2.5(2022).xlsx"
    shutil.copyfile(FIXTURE, path)
    wb = openpyxl.load_workbook(path)
    wb["PM2.5"]["C1"] = "67T "
    wb.save(path)
    with pytest.raises(InputFileError) as exc:
        read_pcd_workbook(path)
    msg = _one_line(exc)
    assert "station code 67T appears twice" in msg
    assert "columns C and BO" in msg


def test_run_air_writes_the_tables_and_reports_bad_files(
    tmp_path: Path, cat, towns, boundaries
) -> None:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    (raw / "air").mkdir(parents=True)
    processed.mkdir()
    shutil.copyfile(FIXTURE, raw / "air" / FIXTURE.name)
    (raw / "air" / "broken.xlsx").write_bytes(b"not a zip")
    rows = pd.DataFrame(
        columns=[
            "town_id",
            "indicator_id",
            "year",
            "value",
            "unit",
            "source",
            "note",
            "is_synthetic",
            "src_file",
            "src_row",
        ]
    )
    rep = run_air(raw, processed, rows, catalogue=cat, towns=towns, boundaries=boundaries)
    assert rep is not None
    for name in (
        "air_daily.parquet",
        "air_stations.parquet",
        "air_coverage.parquet",
        "superseded.csv",
    ):
        assert (processed / name).is_file()
    assert "not a PCD workbook" in rep.result.errors["air/broken.xlsx"]
    assert set(rep.rows["town_id"]) == set(PILOTS.values())
    daily = pd.read_parquet(processed / "air_daily.parquet")
    assert {
        "town_id",
        "station_code",
        "pollutant",
        "date",
        "value",
        "src_file",
        "src_row",
        "src_column",
    } <= set(daily.columns)
    shutil.rmtree(raw / "air")
    assert run_air(raw, processed, rows, catalogue=cat, towns=towns, boundaries=boundaries) is None
    assert not (processed / "air_daily.parquet").exists()  # stale tables removed


# --------------------------------------------------------------------------- ecoplan ingest


def test_cli_ingest_loads_the_workbook_and_reports_bad_ones_in_one_line(
    tmp_path: Path, capsys
) -> None:
    from analysis.cli import main  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415

    paths = get_paths()
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_indicators, raw / "indicators")
    shutil.copy(paths.towns_csv, raw / "towns.csv")
    (raw / "geo").symlink_to(paths.raw_geo, target_is_directory=True)
    air = raw / "air"
    air.mkdir()
    shutil.copyfile(FIXTURE, air / FIXTURE.name)
    _workbook(air / "form.xlsx", header=["town", "indicator", "year"])  # no Date header
    nosheet = air / "PM2.5(2021).xlsx"
    shutil.copyfile(FIXTURE, nosheet)
    wb = openpyxl.load_workbook(nosheet)
    del wb["พารามิเตอร์_สถานี"]
    wb.save(nosheet)
    twice = air / "PM2.5(2020).xlsx"
    shutil.copyfile(FIXTURE, twice)
    wb = openpyxl.load_workbook(twice)
    wb["PM2.5"]["B1"] = "86T"
    wb.save(twice)
    processed = tmp_path / "processed"
    args = ["ingest", "--raw-dir", str(raw), "--processed-dir", str(processed), "--skip-spatial"]
    assert main(args) == 0
    out = capsys.readouterr()
    errors = [line for line in out.err.splitlines() if "cannot read air/" in line]
    assert len(errors) == 3
    by_file = {line.split(":")[1].strip().removeprefix("cannot read "): line for line in errors}
    assert "not a PCD workbook" in by_file["air/form.xlsx"]
    assert "without a station sheet" in by_file["air/PM2.5(2021).xlsx"]
    assert "station code 86T appears twice" in by_file["air/PM2.5(2020).xlsx"]
    assert "Traceback" not in out.err
    assert "measured replaces synthetic: mueang-nan pm25_annual 2022" in out.out
    ind = pd.read_parquet(processed / "indicators.parquet")
    real = ind[~ind["is_synthetic"]]
    assert set(real["town_id"]) == set(PILOTS.values())
    assert len(real) == 9
    sup = pd.read_csv(processed / "superseded.csv")
    assert len(sup) == 6  # the demo has synthetic 2022 annual mean and max for the three
    rejected = pd.read_csv(processed / "rejected.csv")
    assert {"air/form.xlsx", "air/PM2.5(2021).xlsx", "air/PM2.5(2020).xlsx"} <= set(
        rejected.loc[rejected["row"].isna(), "file"]
    )
    assert _sha(air / FIXTURE.name) == FIXTURE_SHA


def test_size_limit_is_applied(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as exc:
        read_pcd_workbook(FIXTURE, max_bytes=100_000)
    assert "larger than the limit" in _one_line(exc)
