"""Issue 16 items 1, 7, 12 (ingest), 14 and 15: names, attribution, file selection, OS errors.

* Town names resolve only when unambiguous (a shared name is a located error naming both
  towns; a province column picks one); Thai marks typed in another order still match.
* Rejected rows are attributed to their resolved town (``town_id`` in ``rejected.csv``)
  and appendix A publishes only counts and reasons per file, never cell text.
* Every file ingest skips is listed with a reason; links out of the raw folder are
  refused; names with control characters are printed escaped.
* A full disk or a read-only store is a one-line error naming the path, not a traceback.
* A registered town without data or with an unknown tambon code is a warning (an error
  under ``--strict``).

The corpus files are in ``tests/data/bad/names`` (see ``tests/data/bad/README.md``);
``names/towns.csv`` is the demo registry plus two synthetic towns sharing one name.
"""

from __future__ import annotations

import errno
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

import analysis.ingest.pipeline as pipeline
import analysis.report.data as report_data
from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.commands.ingest import escape_name
from analysis.ingest import ingest_files, run_ingest
from analysis.ingest.normalise import CellError
from analysis.ingest.pipeline import registry_warnings, scan_folder
from analysis.paths import ProjectPaths, get_paths
from analysis.report.params import RunParams
from analysis.report.profile import quality_table, rejected_table
from analysis.towns import TownResolver, load_towns, name_key

NAMES = Path(__file__).resolve().parents[1] / "data" / "bad" / "names"
CATALOGUE = load_catalogue()
TOWNS = load_towns(get_paths().towns_csv)
SHARED = load_towns(NAMES / "towns.csv")
YEARS = (1990, 2027)


@pytest.fixture(autouse=True)
def _own_reports_dir(tmp_path, monkeypatch):
    """The command line takes the project lock in the reports folder: use a private one."""
    monkeypatch.setenv("ECOPLAN_REPORTS_DIR", str(tmp_path / "reports"))


def _ingest(name: str, towns: pd.DataFrame = SHARED):
    return ingest_files([NAMES / name], CATALOGUE, towns, raw_root=NAMES, year_range=YEARS)


def _project(tmp_path: Path, files: dict[str, str] | None = None) -> ProjectPaths:
    raw = tmp_path / "raw"
    (raw / "indicators").mkdir(parents=True)
    shutil.copy(get_paths().towns_csv, raw / "towns.csv")
    (raw / "geo").symlink_to(get_paths().raw_geo, target_is_directory=True)
    for name, text in (files or {}).items():
        (raw / "indicators" / name).write_text(text, encoding="utf-8")
    return ProjectPaths(
        root=tmp_path, raw=raw, processed=tmp_path / "processed", reports=tmp_path / "reports"
    )


def _cli(paths: ProjectPaths, *extra: str) -> int:
    return main(
        [
            "ingest",
            "--raw-dir",
            str(paths.raw),
            "--processed-dir",
            str(paths.processed),
            "--skip-spatial",
            "--manifest",
            "warn",
            *extra,
        ]
    )


LONG = "town,indicator,year,value,unit,source\n"
ROW = "{town},pm25_annual,2566,20.5,ug/m3,SYNTHETIC test\n"


# --------------------------------------------------------------------------- item 1


def test_a_name_shared_by_two_towns_is_a_located_error_naming_both():
    res = _ingest("shared_name.csv")
    rej = res.rejected.set_index("row")
    assert list(rej.loc[[2, 3], "code"]) == ["ambiguous_town", "ambiguous_town"]
    reason = rej.loc[2, "reason"]
    assert "'ban-mai-ns' (เทศบาลตำบลบ้านใหม่, นครสวรรค์)" in reason
    assert "'ban-mai-trat' (เทศบาลตำบลบ้านใหม่, ตราด)" in reason
    assert "write the town_id" in reason and "province/จังหวัด column" in reason
    assert rej.loc[2, "column"] == "town" and rej.loc[2, "file"] == "shared_name.csv"
    # nothing lands on the first town with that name; the row given by id loads
    assert res.rows[["town_id", "year"]].to_dict("records") == [
        {"town_id": "ban-mai-trat", "year": 2023}
    ]


def test_a_province_column_picks_the_town_and_a_wrong_province_is_rejected():
    res = _ingest("shared_name_province.csv")
    got = res.rows.set_index("src_row")["town_id"].to_dict()
    assert got == {2: "ban-mai-ns", 3: "ban-mai-trat"}
    rej = res.rejected.set_index("row")
    assert rej.loc[4, "code"] == "town_province_mismatch"
    assert "is not in province 'Nan'" in rej.loc[4, "reason"]
    assert rej.loc[5, "code"] == "ambiguous_town"
    assert "fill the province cell" in rej.loc[5, "reason"]


def test_a_province_that_contradicts_an_unambiguous_name_is_rejected():
    resolver = TownResolver.from_frame(TOWNS)
    assert resolver.resolve("เทศบาลเมืองตาคลี", province="จ.นครสวรรค์") == "takhli"
    assert resolver.resolve(" TAKHLI ", province="Nakhon Sawan Province") == "takhli"
    with pytest.raises(CellError) as info:
        resolver.resolve("takhli", province="ตราด")
    assert info.value.code == "town_province_mismatch"


# --------------------------------------------------------------------------- item 15 (names)


def test_thai_marks_typed_in_another_order_resolve_to_the_town():
    res = _ingest("thai_lookalike.csv", TOWNS)
    assert res.rejected.empty, res.rejected["reason"].tolist()
    assert res.rows["town_id"].tolist() == ["nam-chiao"]
    assert name_key("น้ำ") == name_key("นํ้า") == name_key("น ้ ำ".replace(" ", ""))
    assert name_key("แม่") == name_key("เเม่")


def test_a_tone_mark_typed_before_the_vowel_resolves():
    resolver = TownResolver.from_frame(TOWNS)
    typed = "เทศบาลตำบลน้ำเชี่ยว".replace("ชี่", "ช่ี")  # mai ek before sara ii
    assert typed != "เทศบาลตำบลน้ำเชี่ยว"
    assert resolver.resolve(typed) == "nam-chiao"


def test_a_look_alike_with_swapped_letters_names_the_difference():
    resolver = TownResolver.from_frame(TOWNS)
    with pytest.raises(CellError) as info:
        resolver.resolve("เทศบาลเมืองตาลคี")  # ล and ค swapped: same letters
    reason = info.value.reason
    assert "Did you mean 'เทศบาลเมืองตาคลี'?" in reason
    assert "U+0E25 U+0E04" in reason and "U+0E04 U+0E25" in reason


# --------------------------------------------------------------------------- item 7


def _cells(html: str) -> list[list[str]]:
    """Return the text of each table row's cells (header row first)."""

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in {"td", "th"}:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in {"td", "th"} and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(html)
    return parser.rows


def test_rejected_rows_record_the_resolved_town(tmp_path):
    paths = _project(tmp_path)
    shutil.copy(NAMES / "survey_2566.csv", paths.raw_indicators / "survey_2566.csv")
    run_ingest(paths, year_range=YEARS, boundaries=False)
    rej = pd.read_csv(paths.processed / "rejected.csv", dtype=str, keep_default_na=False)
    by_row = rej.groupby("row")["town_id"].first().to_dict()
    assert by_row == {"3": "takhli", "4": "takhli", "5": ""}  # row 5: the town is unknown
    assert set(rej["code"]) >= {"not_a_number", "missing_value", "unknown_town"}


@pytest.fixture
def survey_store(monkeypatch):
    """Appendix A's readers over the ingest of ``survey_2566.csv`` (no results needed)."""
    res = ingest_files(
        [NAMES / "survey_2566.csv"],
        CATALOGUE,
        TOWNS,
        raw_root=NAMES.parent,
        year_range=YEARS,
    )
    rejected = res.rejected.astype({"row": "string", "town_id": "string"}).fillna("")
    monkeypatch.setattr(report_data, "read_rejected_cached", lambda: rejected)
    monkeypatch.setattr(report_data, "read_indicators_cached", lambda: res.rows)
    return res


def test_appendix_a_counts_rejected_rows_by_resolved_town_not_file_name(survey_store, monkeypatch):
    import analysis.report.profile as profile  # noqa: PLC0415

    run = RunParams(town_id="takhli", lang="en")
    html = rejected_table(run).html
    assert "names/survey_2566.csv" in html  # not named takhli_..., still attributed
    assert "No raw row of this town was rejected" not in html
    rec = _cells(html)[1]
    assert rec[1] == "2"  # rows 3 and 4 resolved to takhli
    assert rec[2] == "1"  # row 5: town could not be read, counted per file
    assert "value is not a number" in rec[3] and "town not in the registry" in rec[3]
    monkeypatch.setattr(profile, "rows_for", lambda _run: survey_store.rows)
    quality = quality_table(run).html
    assert "2 rows" in quality
    other = rejected_table(RunParams(town_id="nam-chiao", lang="en")).html
    assert "survey_2566" not in other


def test_appendix_a_publishes_no_rejected_cell_text(survey_store):
    for lang in ("th", "en"):
        html = rejected_table(RunParams(town_id="takhli", lang=lang)).html
        assert "081-234-5678" not in html and "สมชาย" not in html
        assert "ตาคลีใหม่" not in html  # not even the unknown town's name
        assert "rejected.csv" in html


# --------------------------------------------------------------------------- item 14


def test_every_skipped_file_is_listed_with_a_reason(tmp_path):
    paths = _project(tmp_path, {"takhli_ok.csv": LONG + ROW.format(town="takhli")})
    ind = paths.raw_indicators
    for name in ("README.txt", "LICENCE.csv", "licenses.md", ".hidden.csv", "~$open.xlsx"):
        (ind / name).write_text(LONG + ROW.format(town="takhli"), encoding="utf-8")
    (ind / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ind / "linked_dir").symlink_to(elsewhere, target_is_directory=True)
    (ind / ".git").mkdir()
    files, ignored = scan_folder(ind, paths.raw)
    assert [p.name for p in files] == ["takhli_ok.csv"]
    reasons = {i.file: i.reason for i in ignored}
    assert set(reasons) == {
        "indicators/README.txt",
        "indicators/LICENCE.csv",
        "indicators/licenses.md",
        "indicators/.hidden.csv",
        "indicators/~$open.xlsx",
        "indicators/gone.csv",
        "indicators/linked_dir",
        "indicators/.git",
    }
    assert "broken symbolic link" in reasons["indicators/gone.csv"]
    assert "link to a folder" in reasons["indicators/linked_dir"]
    assert "Excel lock file" in reasons["indicators/~$open.xlsx"]
    assert "documentation" in reasons["indicators/LICENCE.csv"]
    report = run_ingest(paths, year_range=YEARS, boundaries=False)
    assert [i.file for i in report.ignored_files] == sorted(reasons)
    assert len(report.manifest["ignored_files"]) == 8


def test_a_link_to_a_file_outside_the_raw_folder_is_refused(tmp_path, capsys):
    paths = _project(tmp_path, {"takhli_ok.csv": LONG + ROW.format(town="takhli")})
    outside = tmp_path / "outside.csv"
    outside.write_text(LONG + ROW.format(town="mueang-nan"), encoding="utf-8")
    (paths.raw_indicators / "nan_link.csv").symlink_to(outside)
    (paths.raw_indicators / "ok_link.csv").symlink_to(paths.raw_indicators / "takhli_ok.csv")
    result = ingest_files(
        sorted(paths.raw_indicators.iterdir()), CATALOGUE, TOWNS, raw_root=paths.raw
    )
    assert "mueang-nan" not in set(result.rows["town_id"])
    refused = result.rejected[result.rejected["code"] == "outside_raw"]
    assert refused["file"].tolist() == ["indicators/nan_link.csv"]
    assert "outside the raw folder" in refused["reason"].iloc[0]
    assert str(outside) in refused["reason"].iloc[0]
    # a link inside the raw folder is read, under its own name
    assert "indicators/ok_link.csv" in set(result.rows["src_file"])
    assert _cli(paths) == 0
    err = capsys.readouterr().err
    assert "cannot read indicators/nan_link.csv: refused: a symbolic link" in err


def test_file_names_with_control_characters_are_printed_escaped(tmp_path, capsys):
    evil = "takhli\x1b[2J\x1b[31m_\u202eevil\nfake.csv"
    paths = _project(tmp_path, {evil: LONG + ROW.format(town="takhli") + "takhli,x,1,2,3,4\n"})
    assert _cli(paths) == 0
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "\x1b" not in text and "\u202e" not in text
    assert "takhli\\x1b[2J\\x1b[31m_\\u202eevil\\x0afake.csv" in text
    assert escape_name("ok ไทย.csv") == "ok ไทย.csv"
    # the manifest check (strict by default) names the unlisted file escaped too
    (paths.raw / "MANIFEST").write_text("", encoding="utf-8")
    args = ["--raw-dir", str(paths.raw), "--processed-dir", str(paths.processed)]
    assert main(["ingest", *args, "--skip-spatial"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "takhli\\x1b[2J" in err


# --------------------------------------------------------------------------- item 12


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied: make the folder holding it writable"),
    ],
)
def test_a_full_disk_or_read_only_store_is_one_line(tmp_path, capsys, monkeypatch, code, advice):
    paths = _project(tmp_path, {"takhli_ok.csv": LONG + ROW.format(town="takhli")})
    target = paths.processed.resolve() / "indicators.parquet"

    def failing(df, name, folder):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(pipeline, "write_table", failing)
    assert _cli(paths) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1
    assert f"ecoplan ingest: error: {target}: cannot write" in lines[0]
    assert advice in lines[0]


def test_a_read_only_store_folder_is_one_line_without_monkeypatching(tmp_path, capsys):
    """Real permissions (as a normal user; root ignores modes, so this is skipped)."""
    if os.geteuid() == 0:
        pytest.skip("root can write to read-only folders")
    paths = _project(tmp_path, {"takhli_ok.csv": LONG + ROW.format(town="takhli")})
    paths.processed.mkdir()
    paths.processed.chmod(0o500)
    try:
        assert _cli(paths) == 2
    finally:
        paths.processed.chmod(0o700)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "permission denied" in err


# --------------------------------------------------------------------------- item 15 (registry)


def test_a_registered_town_without_data_is_a_warning_and_fails_strict(tmp_path, capsys):
    paths = _project(tmp_path, {"takhli_ok.csv": LONG + ROW.format(town="takhli")})
    report = run_ingest(paths, year_range=YEARS, boundaries=False)
    assert any("'nam-chiao' is registered but no indicator value" in w for w in report.warnings)
    assert "takhli" not in " ".join(report.warnings)
    assert report.manifest["warnings"] == report.warnings
    assert _cli(paths) == 0
    assert "warning: towns.csv, row 3: town 'nam-chiao'" in capsys.readouterr().err
    assert _cli(paths, "--strict") == 1


def test_an_unknown_tambon_code_is_a_located_warning():
    towns = TOWNS.copy()
    towns.loc[towns["town_id"] == "takhli", "tambon_pcode"] = "TH609999"
    towns.loc[towns["town_id"] == "mueang-nan", "tambon_pcode"] = ""
    known = [c for c in TOWNS["tambon_pcode"] if c not in {"TH609999"}]
    bnd = gpd.GeoDataFrame(
        {"level": ["tambon"] * len(known), "pcode": known},
        geometry=[box(0, 0, 1, 1)] * len(known),
        crs=4326,
    )
    rows = pd.DataFrame({"town_id": TOWNS["town_id"]})
    warnings = registry_warnings(towns, rows, bnd)
    row = int(towns.index[towns["town_id"] == "takhli"][0]) + 2
    assert warnings == [
        "towns.csv, row 5, column tambon_pcode: 'TH609999' (town 'takhli') is not a tambon in "
        "the boundary files of data/raw/geo; check the code",
        "towns.csv, row 6, column tambon_pcode: town 'mueang-nan' has no tambon code; expected "
        "the COD-AB pcode of its tambon, e.g. 'TH600101'",
    ]
    assert row == 5
    assert registry_warnings(TOWNS, rows, bnd) == []
