"""The file loop every raw-data reader shares (analysis.ingest.rawfiles)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.ingest.measures import MEASURE_FIELDS, discover_measure_files, ingest_measures
from analysis.ingest.rawfiles import col_letter, raw_files, raw_label

TOWNS = pd.DataFrame({"town_id": ["takhli"], "name_th": ["เทศบาลเมืองตาคลี"], "name_en": ["Takhli"]})


def _register(path: Path) -> None:
    row = {
        "name": "ลดฝุ่นละออง",
        "kind": "โครงการ",
        "plan_class": "แก้ไขปัญหา",
        "indicators": "pm25_annual",
        "lead_agency": "กองสาธารณสุขและสิ่งแวดล้อม",
        "budget_baht": "1000",
        "budget_source": "เทศบัญญัติงบประมาณรายจ่ายประจำปี",
        "start_year": 2569,
        "end_year": 2570,
        "phase": 2,
        "kpi": "PM2.5",
        "kpi_target": 15,
    }
    frame = pd.DataFrame(
        [[row.get(f.name, "") for f in MEASURE_FIELDS]], columns=[f.th for f in MEASURE_FIELDS]
    )
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def test_col_letter_counts_like_excel() -> None:
    assert [col_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_a_link_keeps_its_own_label_and_is_refused_only_when_it_leaves_the_raw_folder(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    (raw / "indicators").mkdir(parents=True)
    inside = raw / "indicators" / "a.csv"
    inside.write_text("x\n", encoding="utf-8")
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("x\n", encoding="utf-8")
    (raw / "indicators" / "in_link.csv").symlink_to(inside)
    (raw / "indicators" / "out_link.csv").symlink_to(outside)
    files = sorted((raw / "indicators").iterdir())
    seen = {f.label: f.refused for f in raw_files(files, raw)}
    assert set(seen) == {"indicators/a.csv", "indicators/in_link.csv", "indicators/out_link.csv"}
    assert seen["indicators/a.csv"] is None
    assert seen["indicators/in_link.csv"] is None
    assert seen["indicators/out_link.csv"] is not None
    assert "outside the raw folder" in seen["indicators/out_link.csv"]
    assert raw_label(outside, raw) == "elsewhere.csv"
    assert [f.refused for f in raw_files(files, None)] == [None, None, None]


def test_the_measures_reader_refuses_a_link_out_of_the_raw_folder(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "measures").mkdir(parents=True)
    _register(raw / "measures" / "takhli_measures.csv")
    elsewhere = tmp_path / "takhli_measures.csv"
    _register(elsewhere)
    (raw / "measures" / "linked_measures.csv").symlink_to(elsewhere)
    res = ingest_measures(discover_measure_files(raw), load_catalogue(), TOWNS, raw_root=raw)
    assert len(res.rows) == 1
    assert set(res.rows["src_file"]) == {"measures/takhli_measures.csv"}
    refused = [r for r in res.rejected if r["code"] == "outside_raw"]
    assert [r["file"] for r in refused] == ["measures/linked_measures.csv"]
