"""The bad-input corpus (tests/data/bad): every file gets the exact rejection it deserves.

For each case: the rejection names file, row (as Excel shows it), column and a reason; good
rows of the same file still load; the raw bytes are unchanged; the command line prints no
traceback and ``rejected.csv`` lists every problem.
"""

import hashlib
import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.ingest import ingest_files
from analysis.paths import get_paths
from analysis.towns import load_towns

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CATALOGUE = load_catalogue()
TOWNS = load_towns(get_paths().towns_csv)
YEARS = (1990, 2027)  # fixed so that the cases do not depend on today's date

_spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

NA = None
# case -> (files, rows loaded, [(file, row, column, code, reason fragment)], options)
EXPECTED = {
    "empty": (["empty.csv"], 0, [("empty.csv", NA, "", "unreadable_file", "the file is empty")]),
    "header_only": (
        ["header_only.csv"],
        0,
        [("header_only.csv", NA, "", "no_data", "no data rows below the header (row 1)")],
    ),
    "missing_columns": (
        ["missing_columns.csv"],
        0,
        [
            (
                "missing_columns.csv",
                1,
                "unit, source",
                "missing_column",
                "missing required column(s) unit, source",
            )
        ],
    ),
    "wrong_columns": (
        ["wrong_columns.csv"],
        0,
        [("wrong_columns.csv", NA, "", "unreadable_file", "no table with a header row")],
    ),
    "duplicate_column": (
        ["duplicate_column.csv"],
        0,
        [
            (
                "duplicate_column.csv",
                1,
                "ค่า",
                "duplicate_column",
                "column 'value' appears twice (columns D and E)",
            )
        ],
    ),
    "unknown_town": (
        ["unknown_town.csv"],
        2,
        [("unknown_town.csv", 3, "town", "unknown_town", "unknown town 'Bangkok'")],
    ),
    "unknown_indicator": (
        ["unknown_indicator.csv"],
        2,
        [
            (
                "unknown_indicator.csv",
                3,
                "indicator",
                "unknown_indicator",
                "unknown indicator 'noise_level'",
            )
        ],
    ),
    "unknown_unit": (
        ["unknown_unit.csv"],
        1,
        [
            ("unknown_unit.csv", 3, "unit", "unknown_unit", "unknown unit 'ppm' for pm25_annual"),
            ("unknown_unit.csv", 4, "unit", "missing_unit", "missing unit (empty cell)"),
        ],
    ),
    "value_text": (
        ["value_text.csv"],
        1,
        [
            ("value_text.csv", 2, "town", "unknown_town", "unknown town 'nan'"),
            ("value_text.csv", 2, "value", "missing_value", "missing value 'n/a'"),
            ("value_text.csv", 3, "value", "missing_value", "missing value 'n/a'"),
            ("value_text.csv", 4, "value", "missing_value", "missing value '-'"),
            ("value_text.csv", 5, "value", "missing_value", "missing value (empty cell)"),
            ("value_text.csv", 7, "value", "missing_value", "missing value 'ไม่มีข้อมูล'"),
        ],
    ),
    "decimal_comma": (
        ["decimal_comma.csv"],
        1,
        [
            ("decimal_comma.csv", 2, "value", "ambiguous_number", "ambiguous number '12,5'"),
            ("decimal_comma.csv", 4, "value", "ambiguous_number", "ambiguous number '1,23'"),
        ],
    ),
    "semicolon_decimal_comma": (
        ["semicolon_decimal_comma.csv"],
        0,
        [
            (
                "semicolon_decimal_comma.csv",
                2,
                "value",
                "ambiguous_number",
                "ambiguous number '12,5'",
            )
        ],
    ),
    "out_of_bounds": (
        ["out_of_bounds.csv"],
        2,
        [
            (
                "out_of_bounds.csv",
                2,
                "value",
                "value_bounds",
                "value -3 is below the natural range 0..∞ ug_m3",
            ),
            (
                "out_of_bounds.csv",
                3,
                "value",
                "value_bounds",
                "value 120 is above the natural range 0..100 percent",
            ),
            (
                "out_of_bounds.csv",
                5,
                "value",
                "value_bounds",
                "1.5 = 150 percent after conversion from 'fraction'",
            ),
        ],
    ),
    "year_range": (
        ["year_range.csv"],
        1,
        [
            (
                "year_range.csv",
                2,
                "year",
                "year_range",
                "year 1985 is outside the plausible range 1990..2027",
            ),
            ("year_range.csv", 3, "year", "year_range", "year 2650 (CE 2107) is outside"),
            ("year_range.csv", 4, "year", "year_range", "year 2300 is outside"),
        ],
    ),
    "year_text": (
        ["year_text.csv"],
        1,
        [
            ("year_text.csv", 2, "year", "bad_year", "got 'ปีที่แล้ว'"),
            ("year_text.csv", 3, "year", "missing_year", "missing year"),
            ("year_text.csv", 5, "year", "bad_year", "got '2023.5'"),
        ],
    ),
    "be_ce_conflict": (
        ["be_ce_conflict.csv"],
        1,
        [
            (
                "be_ce_conflict.csv",
                2,
                "value",
                "duplicate_conflict",
                "2023 and 2566 are the same year",
            ),
            (
                "be_ce_conflict.csv",
                3,
                "value",
                "duplicate_conflict",
                "also given as 20.5 in be_ce_conflict.csv row 2",
            ),
        ],
    ),
    "be_ce_identical": (["be_ce_identical.csv"], 1, []),
    "dup_conflict_across_files": (
        ["dup_conflict_a.csv", "dup_conflict_b.csv"],
        2,
        [
            (
                "dup_conflict_a.csv",
                2,
                "value",
                "duplicate_conflict",
                "also given as 2.4 in dup_conflict_b.csv row 2",
            ),
            (
                "dup_conflict_b.csv",
                2,
                "value",
                "duplicate_conflict",
                "also given as 1.8 in dup_conflict_a.csv row 2",
            ),
        ],
    ),
    "thai_cp874": (
        ["thai_cp874.csv"],
        1,
        [("thai_cp874.csv", 3, "เทศบาล", "unknown_town", "Did you mean 'เทศบาลตำบลน้ำเชี่ยว'")],
    ),
    "excel_unicode_text": (
        ["excel_unicode_text.txt"],
        1,
        [("excel_unicode_text.txt", 3, "value", "not_a_number", "expected a number, got 'ห้า'")],
    ),
    "excel_error": (
        ["excel_error.csv"],
        0,
        [
            ("excel_error.csv", 2, "value", "excel_error", "Excel error '#DIV/0!'"),
            ("excel_error.csv", 3, "value", "censored_value", "censored value '<0.5'"),
        ],
    ),
    "missing_source": (
        ["missing_source.csv"],
        0,
        [("missing_source.csv", 2, "source", "missing_source", "missing source")],
    ),
    "title_rows": (
        ["title_rows.csv"],
        1,
        [("title_rows.csv", 5, "value", "not_a_number", "expected a number, got 'five'")],
    ),
    "wide_gaps": (
        ["wide_gaps.csv"],
        1,
        [
            ("wide_gaps.csv", 2, "2566", "missing_value", "missing value '-'"),
            ("wide_gaps.csv", 3, "ตัวชี้วัด", "unknown_indicator", "Did you mean 'pm25_annual'"),
        ],
    ),
    "merged_header": (
        ["merged_header.xlsx"],
        5,
        [("merged_header.xlsx[ข้อมูล]", 5, "2565", "not_a_number", "expected a number, got 'สี่'")],
    ),
    "several_sheets": (
        ["several_sheets.xlsx"],
        2,
        [("several_sheets.xlsx[Sheet2]", 3, "value", "not_a_number", "expected a number, got 'x'")],
    ),
    "formula_no_cache": (
        ["formula_no_cache.xlsx"],
        1,
        [
            (
                "formula_no_cache.xlsx[data]",
                3,
                "value",
                "formula_no_value",
                "formula =D2*1.1 has no saved result",
            )
        ],
    ),
    "percent_format": (["percent_format.xlsx"], 1, []),
    "date_in_year": (
        ["date_in_year.xlsx"],
        1,
        [
            (
                "date_in_year.xlsx[data]",
                2,
                "year",
                "date_year",
                "the year cell holds a date (2023-01-01)",
            )
        ],
    ),
    "date_in_value": (
        ["date_in_value.xlsx"],
        0,
        [
            ("date_in_value.xlsx[data]", 2, "value", "date_value", "got a date/time (2023-05-01)"),
            ("date_in_value.xlsx[data]", 3, "value", "not_a_number", "logical value True"),
        ],
    ),
    "encrypted": (
        ["encrypted.xlsx"],
        0,
        [("encrypted.xlsx", NA, "", "unreadable_file", "password-protected (encrypted)")],
    ),
    "corrupt_zip": (
        ["corrupt_zip.xlsx"],
        0,
        [("corrupt_zip.xlsx", NA, "", "unreadable_file", "corrupt workbook")],
    ),
    "not_a_zip": (
        ["not_a_zip.xlsx"],
        0,
        [("not_a_zip.xlsx", NA, "", "unreadable_file", "must be a zip archive")],
    ),
    "plain_zip": (
        ["plain_zip.xlsx"],
        0,
        [("plain_zip.xlsx", NA, "", "unreadable_file", "not an Excel workbook")],
    ),
    "zip_bomb": (
        ["zip_bomb.xlsx"],
        0,
        [
            (
                "zip_bomb.xlsx",
                NA,
                "",
                "unreadable_file",
                "expands to 60.0 MB when unzipped, larger than the 50.0 MB",
            )
        ],
    ),
    "legacy_xls": (
        ["legacy_biff.xls"],
        0,
        [("legacy_biff.xls", NA, "", "unreadable_file", "legacy Excel 97-2003")],
    ),
    "spreadsheet_2003": (
        ["spreadsheet_2003.xml.xls"],
        0,
        [("spreadsheet_2003.xml.xls", NA, "", "unreadable_file", "Excel 2003 'XML Spreadsheet'")],
    ),
    "html_as_xls": (
        ["portal_export_html.xls"],
        1,
        [("portal_export_html.xls", 3, "ค่า", "missing_value", "missing value 'n/a'")],
    ),
    "binary_garbage": (
        ["binary_garbage.csv"],
        0,
        [("binary_garbage.csv", NA, "", "unreadable_file", "binary file")],
    ),
    "unsupported_type": (
        ["report.pdf"],
        0,
        [("report.pdf", NA, "", "unreadable_file", "unsupported file type '.pdf'")],
    ),
    "long_line": (
        ["long_line.csv"],
        0,
        [("long_line.csv", NA, "", "unreadable_file", "row 1 has 2,621,441 columns (limit 1,000)")],
    ),
    "long_cell": (
        ["long_cell.csv"],
        1,
        [("long_cell.csv", 2, "note", "cell_too_long", "characters long (limit 10,000)")],
    ),
    "too_big_for_limit": (
        ["unknown_town.csv"],
        0,
        [
            (
                "unknown_town.csv",
                NA,
                "",
                "unreadable_file",
                "larger than the 0.0 MB limit (raise it with --max-bytes)",
            )
        ],
        {"max_bytes": 100},
    ),
    # Issue 16 hardening (make_hardening.py); what is ignored (not rejected) is asserted in
    # tests/unit/test_ingest_readers_hardening.py.
    "wide_year_labels": (
        ["wide_year_labels.csv"],
        3,  # 2563, 2564 and ปีงบประมาณ 2567
        [
            ("wide_year_labels.csv", 2, "2565/66", "bad_year_column", "spans two years"),
            ("wide_year_labels.csv", 2, "2566*", "bad_year_column", "carries a footnote mark"),
            (
                "wide_year_labels.csv",
                2,
                "2567 (ประมาณการ)",
                "bad_year_column",
                "is an estimate, projection or target, not an observed value",
            ),
        ],
    ),
    "excel_serial_year": (
        ["excel_serial_year.csv"],
        1,
        [
            (
                "excel_serial_year.csv",
                2,
                "year",
                "bad_year",
                "45292 looks like an Excel date serial (2024-01-01)",
            )
        ],
    ),
    "censored_values": (
        ["censored_values.csv"],
        1,
        [
            ("censored_values.csv", 2, "value", "not_detected", "not detected ('ND')"),
            (
                "censored_values.csv",
                3,
                "value",
                "censored_value",
                "censored value '<0.5' (below a detection or reporting limit)",
            ),
        ],
    ),
    "percent_wrong_unit": (
        ["percent_wrong_unit.csv"],
        1,
        [
            (
                "percent_wrong_unit.csv",
                2,
                "value",
                "percent_unit",
                "has a percent sign but this indicator is not measured in percent",
            )
        ],
    ),
    "stray_cell_row": (["stray_cell_row.xlsx"], 1, []),
    "stray_cell_column": (["stray_cell_column.xlsx"], 1, []),
    "hidden_content": (["hidden_content.xlsx"], 2, []),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def large_files():
    make_corpus.write_large(BAD)


def test_corpus_has_at_least_30_files():
    files = [
        p
        for p in BAD.iterdir()
        if p.is_file() and p.suffix != ".py" and p.name not in {".gitignore", "README.md"}
    ]
    assert len(files) >= 30
    covered = {f for case in EXPECTED.values() for f in case[0]}
    assert covered == {p.name for p in files}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_corpus_case(case):
    names, loaded, expected, *options = EXPECTED[case]
    paths = [BAD / n for n in names]
    before = [_sha(p) for p in paths]
    result = ingest_files(
        paths, CATALOGUE, TOWNS, raw_root=BAD, year_range=YEARS, **(options[0] if options else {})
    )
    got = result.rejected
    assert list(got.columns) == ["file", "row", "column", "value", "reason", "code", "town_id"]
    keys = [
        (r.file, None if pd.isna(r.row) else int(r.row), r.column, r.code) for r in got.itertuples()
    ]
    assert keys == [(f, row, col, code) for f, row, col, code, _ in expected]
    for reason, (*_, fragment) in zip(got["reason"], expected, strict=True):
        assert fragment in reason
    assert len(result.rows) == loaded
    assert [_sha(p) for p in paths] == before  # raw bytes unchanged


def test_good_rows_of_bad_files_keep_their_values():
    res = ingest_files(
        [BAD / "value_text.csv", BAD / "out_of_bounds.csv", BAD / "merged_header.xlsx"],
        CATALOGUE,
        TOWNS,
        raw_root=BAD,
        year_range=YEARS,
    )
    rows = res.rows.set_index(["town_id", "indicator_id", "year"])["value"]
    assert rows[("mueang-nan", "pm25_annual", 2023)] == 1234.5  # ๑,๒๓๔.๕
    assert rows[("takhli", "waste_per_capita", 2023)] == 1.1  # 1100 g/person/day
    assert rows[("takhli", "wastewater_treated_pct", 2022)] == 100.0
    assert rows[("nakhon-sawan", "pm25_annual", 2021)] == 25.1  # B.E. 2564 from a merged header
    assert rows[("nakhon-sawan", "river_do", 2023)] == 4.4
    percent = ingest_files(
        [BAD / "percent_format.xlsx"], CATALOGUE, TOWNS, raw_root=BAD, year_range=YEARS
    )
    assert percent.rows["value"].tolist() == [35.0]
    merged = res.rows[res.rows["src_file"] == "merged_header.xlsx[ข้อมูล]"]
    assert set(merged["src_row"]) == {4, 5}


def test_identical_be_ce_duplicates_collapse():
    res = ingest_files(
        [BAD / "be_ce_identical.csv"], CATALOGUE, TOWNS, raw_root=BAD, year_range=YEARS
    )
    assert res.collapsed_duplicates == 1
    assert res.rows[["year", "value", "src_row"]].to_dict("records") == [
        {"year": 2023, "value": 20.5, "src_row": 2}
    ]


def test_several_sheets_reads_data_sheets_and_lists_skipped_ones():
    res = ingest_files(
        [BAD / "several_sheets.xlsx"], CATALOGUE, TOWNS, raw_root=BAD, year_range=YEARS
    )
    summary = res.files[0]
    assert summary.tables == ["several_sheets.xlsx[Sheet2]", "several_sheets.xlsx[Sheet3]"]
    assert summary.skipped_sheets == ["several_sheets.xlsx[คำอธิบาย]"]
    assert set(res.rows["src_file"]) == {
        "several_sheets.xlsx[Sheet2]",
        "several_sheets.xlsx[Sheet3]",
    }


def test_cli_on_whole_corpus_no_traceback_and_complete_rejected_csv(tmp_path, capsys, monkeypatch):
    import geopandas as gpd  # noqa: PLC0415
    from shapely.geometry import box  # noqa: PLC0415

    import analysis.store.boundaries as boundaries  # noqa: PLC0415

    raw = tmp_path / "raw"
    (raw / "indicators").mkdir(parents=True)
    shutil.copy(get_paths().towns_csv, raw / "towns.csv")
    for p in BAD.iterdir():
        if p.is_file() and p.suffix != ".py" and p.name not in {".gitignore", "README.md"}:
            shutil.copy(p, raw / "indicators" / p.name)
    hashes = {p.name: _sha(p) for p in (raw / "indicators").iterdir()}
    tiny = gpd.GeoDataFrame(
        {
            "level": ["province"],
            "pcode": ["TH60"],
            "parent_pcode": [None],
            "name_th": ["ก"],
            "name_en": ["A"],
        },
        geometry=[box(0, 0, 1, 1)],
        crs=4326,
    )
    monkeypatch.setattr(boundaries, "load_raw_boundaries", lambda _geo: tiny)
    out = tmp_path / "processed"
    args = ["ingest", "--raw-dir", str(raw), "--processed-dir", str(out), "--skip-spatial"]
    assert main(args) == 0
    assert main([*args, "--strict"]) == 1
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    assert "cannot read indicators/encrypted.xlsx: the workbook is password-protected" in text
    assert "rows rejected" in text
    assert "indicators/date_in_year.xlsx[data]" in text  # sheet names are not eaten as markup
    assert "skipped sheets without a data header: indicators/several_sheets.xlsx[คำอธิบาย]\n" in text
    rejected = pd.read_csv(out / "rejected.csv", keep_default_na=False, dtype=str)
    assert list(rejected.columns) == ["file", "row", "column", "value", "reason", "code", "town_id"]
    result = ingest_files(sorted((raw / "indicators").iterdir()), CATALOGUE, TOWNS, raw_root=raw)
    assert len(rejected) == len(result.rejected)
    assert set(rejected["file"]) == set(result.rejected["file"])
    unreadable = rejected[rejected["row"] == ""]
    assert "indicators/zip_bomb.xlsx" in set(unreadable["file"])
    assert {p.name: _sha(p) for p in (raw / "indicators").iterdir()} == hashes


def test_the_corpus_readme_names_every_file() -> None:
    """Each committed corpus file is listed (with what is asserted) in its README."""
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    skip = {
        "README.md",
        ".gitignore",
        "make_corpus.py",
        "make_hardening.py",
        "long_line.csv",
        "long_cell.csv",
    }
    files = [
        p.relative_to(BAD).as_posix()
        for p in BAD.rglob("*")
        if p.is_file() and p.name not in skip and "__pycache__" not in p.parts
    ]
    missing = [f for f in sorted(files) if f"`{f}`" not in readme]
    assert not missing, f"tests/data/bad/README.md does not list {missing}"
