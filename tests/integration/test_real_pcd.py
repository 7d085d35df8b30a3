"""Real PCD station data beside the synthetic demo (issue 13).

A throw-away project holds the demo's ``data/raw`` plus the real PCD workbook
``tests/data/pcd/PM2.5(2022).xlsx`` in ``data/raw/air/`` (recorded in the project's MANIFEST
as an officer would). After ``ecoplan ingest`` and ``ecoplan build``:

- Nan, Nakhon Sawan and Phitsanulok show the real 2022 PM2.5 annual mean, highest 24-hour
  mean and days above the 24-hour standard (computed here from the cells with openpyxl),
  every mark of such a value on every page carrying the same stored number;
- the rule "a measured value replaces the synthetic one of the same town, indicator and
  year" holds and the pages (appendix A and B) say so, and say which values are real and
  which synthetic;
- their appendix B has the seasonal chart; Takhli, which has no station, has none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hardening_project import Project, make_project

from analysis.report.fmt import fmt_quantity
from analysis.report.valuemark import extract_marks

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "pcd" / "PM2.5(2022).xlsx"
STATIONS = {"mueang-nan": "67T", "nakhon-sawan": "41T", "phitsanulok": "86T"}
NO_STATION = "takhli"
TOWNS = (*STATIONS, NO_STATION)


def _expected() -> dict[str, dict[str, float]]:
    wb = openpyxl.load_workbook(FIXTURE, read_only=True, data_only=True)
    rows = list(wb["PM2.5"].iter_rows(values_only=True))
    wb.close()
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    out = {}
    for town, code in STATIONS.items():
        j = header.index(code)
        vals = [
            float(r[j])
            for r in rows[1:]
            if isinstance(r[0], dt.datetime) and isinstance(r[j], (int, float))
        ]
        out[town] = {
            "pm25_annual": sum(vals) / len(vals),
            "pm25_24h_max": max(vals),
            "pm25_days_over_24h_std": float(sum(1 for v in vals if v > 50)),
        }
        VALID[town] = len(vals)
    return out


#: Valid days of 2022 per town (filled by :func:`_expected`).
VALID: dict[str, int] = {}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict]]:
    proj = make_project(tmp_path_factory.mktemp("pcd"))
    (proj.raw / "air").mkdir()
    target = proj.raw / "air" / FIXTURE.name
    shutil.copyfile(FIXTURE, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with (proj.raw / "MANIFEST").open("a", encoding="utf-8") as fh:
        fh.write(f"{digest}\tair/{FIXTURE.name}\tPCD Air4Thai PM2.5 daily workbook 2022\n")
    ingest = proj.ecoplan("ingest", "--skip-spatial")
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest  # raw untouched
    build = proj.ecoplan(
        "build",
        "--town",
        *TOWNS,
        "--appendix",
        "a",
        "b",
        "c",
        "--jobs",
        "2",
        "--progress",
        "lines",
        "--no-cross-town",
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    yield proj, {"ingest": ingest, "build": build}
    shutil.rmtree(proj.root, ignore_errors=True)


def _page(proj: Project, town: str, lang: str, appendix: str) -> str:
    return (proj.site / "towns" / town / lang / f"{appendix}.html").read_text(encoding="utf-8")


def test_ingest_reports_stations_and_replaced_values(project) -> None:
    proj, out = project
    stdout = out["ingest"].stdout
    assert "air: 1 PCD workbooks" in stdout
    for town in STATIONS:
        assert f"measured replaces synthetic: {town} pm25_annual 2022" in stdout
    sup = pd.read_csv(proj.processed / "superseded.csv")
    assert set(sup["town_id"]) == set(STATIONS)
    assert sup["old_is_synthetic"].all()
    assert sup["new_source"].str.startswith("PCD Air4Thai station").all()
    rejected = pd.read_csv(proj.processed / "rejected.csv")
    pcd = rejected[rejected["file"] == f"air/{FIXTURE.name}"]
    assert len(pcd) > 0 and pcd["row"].notna().all() and pcd["column"].notna().all()


def test_store_has_the_real_values_and_the_rule_holds(project) -> None:
    proj, _ = project
    ind = pd.read_parquet(proj.processed / "indicators.parquet")
    assert not ind.duplicated(["town_id", "indicator_id", "year"]).any()
    for town, want in _expected().items():
        for ind_id, value in want.items():
            row = ind[
                (ind["town_id"] == town) & (ind["indicator_id"] == ind_id) & (ind["year"] == 2022)
            ]
            assert len(row) == 1, (town, ind_id)
            assert row["value"].iloc[0] == pytest.approx(value)
            assert not row["is_synthetic"].iloc[0]
            assert row["source"].iloc[0].startswith(f"PCD Air4Thai station {STATIONS[town]} (")
        other = ind[(ind["town_id"] == town) & (ind["year"] != 2022)]
        assert other["is_synthetic"].all()  # the demo's other years stay synthetic
    assert not (ind[ind["town_id"] == NO_STATION]["is_synthetic"] == False).any()  # noqa: E712


@pytest.mark.parametrize("lang", ["th", "en"])
def test_pages_show_the_real_2022_values_and_the_seasonal_chart(project, lang: str) -> None:
    proj, _ = project
    expected = _expected()
    heading = {"th": "ข้อมูลคุณภาพอากาศรายวันจำแนกตามเดือน", "en": "Daily air-quality record by month"}
    real_vs_syn = {"th": "ค่าสังเคราะห์ (SYNTHETIC)", "en": "SYNTHETIC demo values"}
    replaced = {"th": "ใช้แทนค่าสังเคราะห์", "en": "replaced the synthetic demo values"}
    alt = {"th": "แผนภาพกล่องรายเดือน", "en": "Monthly box plots of the daily 24-hour PM2.5"}
    for town, code in STATIONS.items():
        b = _page(proj, town, lang, "b")
        assert heading[lang] in b
        chart = b[b.index(heading[lang]) :]
        img = re.search(r"<img[^>]*>", chart)
        assert img is not None
        assert "data:image/png;base64," in img.group(0)
        assert alt[lang] in img.group(0)
        assert f"PCD Air4Thai station {code}" in b
        assert real_vs_syn[lang] in b and replaced[lang] in b
        a = _page(proj, town, lang, "a")
        assert replaced[lang] in a
        # the year row of the seasonal table shows the real figures
        text = " ".join(re.sub(r"<[^>]+>", " ", chart).split())
        exp = expected[town]
        year = "2565" if lang == "th" else "2022"
        share = fmt_quantity(100 * VALID[town] / 365, "percent", lang, 1)  # ร้อยละ 99.2 / 99.2%
        row = (
            f"{year} {VALID[town]} / 365 {share} "
            f"{exp['pm25_annual']:.1f} {exp['pm25_24h_max']:g} {exp['pm25_days_over_24h_std']:g}"
        )
        assert row in text, row
        # every mark of these quantities on the town's pages carries the stored number
        for appendix in ("a", "b", "c"):
            for mark in extract_marks(_page(proj, town, lang, appendix)):
                if mark.town_id == town and mark.year == "2022" and mark.indicator_id in exp:
                    assert mark.value == pytest.approx(exp[mark.indicator_id])
    takhli = _page(proj, NO_STATION, lang, "b")
    assert heading[lang] not in takhli
    assert "PCD Air4Thai station" not in takhli
