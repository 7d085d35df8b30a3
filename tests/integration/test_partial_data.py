"""Partial data is normal (issue 12, item 7): few-value and no-value towns build every appendix.

A throw-away project keeps four pilot towns:

- ``mueang-nan`` and ``nakhon-sawan`` get only the handful of values of
  ``tests/data/partial/pcd_pm25_few_values.csv`` (their 2022 PM2.5 annual mean and highest
  24-hour mean derived from the real PCD station workbook, plus a few typed-in
  illustrative years; see the README beside it);
- ``takhli`` gets no indicator file at all (its land-use map stays);
- ``phitsanulok`` keeps its complete demo series, as the control.

``ecoplan build --all`` must exit 0 and report the partial towns as built with warnings;
no chart draws an empty panel, and each theme's indicators without values are listed in
one "no data yet" table with a link to the town's data-entry form (``ecoplan site``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from hardening_project import Project, make_project

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "partial" / "pcd_pm25_few_values.csv"
FEW = ("mueang-nan", "nakhon-sawan")
NONE = "takhli"
FULL = "phitsanulok"
KEEP = (*FEW, NONE, FULL)
APPENDIX_IDS = ("a", "b", "c", "d", "e")
THEMES = ("air", "water", "waste", "green", "biodiversity")


def _partial_project(root: Path) -> Project:
    proj = make_project(root)
    towns_csv = proj.raw / "towns.csv"
    towns = pd.read_csv(towns_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    towns[towns["town_id"].isin(KEEP)].to_csv(towns_csv, index=False, encoding="utf-8")
    for path in (proj.raw / "indicators").iterdir():
        if not path.name.startswith(FULL):
            path.unlink()
    for path in (proj.raw / "landuse").iterdir():
        if path.stem not in KEEP:
            path.unlink()
    few = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    for town, rows in few.groupby("town"):
        rows.to_csv(proj.raw / "indicators" / f"{town}_partial_en.csv", index=False)
    return proj


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict]]:
    proj = _partial_project(tmp_path_factory.mktemp("partial"))
    ingest = proj.ecoplan("ingest")
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    build = proj.ecoplan("build", "--all", "--jobs", "2", "--progress", "lines")
    site = proj.ecoplan("site")
    outcome = {"build": build, "site": site}
    yield proj, outcome
    shutil.rmtree(proj.root, ignore_errors=True)


def _run_json(proj: Project) -> dict:
    return json.loads((proj.reports / "run.json").read_text(encoding="utf-8"))


def _page(proj: Project, town: str, lang: str, appendix: str) -> str:
    return (proj.site / "towns" / town / lang / f"{appendix}.html").read_text(encoding="utf-8")


def test_fixture_keeps_the_real_pcd_values_with_attribution() -> None:
    few = pd.read_csv(FIXTURE)
    real = few[few["source"].str.contains("Pollution Control Department")]
    got = {(r.town, r.indicator): r.value for r in real.itertuples()}
    assert got == {
        ("mueang-nan", "pm25_annual"): 26.7,
        ("mueang-nan", "pm25_24h_max"): 121,
        ("nakhon-sawan", "pm25_annual"): 20.3,
        ("nakhon-sawan", "pm25_24h_max"): 74,
    }
    rest = few.drop(real.index)
    assert rest["source"].str.startswith("ILLUSTRATIVE").all()


@pytest.mark.skipif(
    not (REPO.parent / "shared/data/real/pcd/PM2.5(2022).xlsx").is_file(),
    reason="the PCD workbook is not beside the clone",
)
def test_fixture_values_match_the_pcd_workbook() -> None:
    df = pd.read_excel(REPO.parent / "shared/data/real/pcd/PM2.5(2022).xlsx", sheet_name=0)
    df.columns = [str(c).strip() for c in df.columns]
    df = df[pd.to_datetime(df["Date"], errors="coerce").notna()]
    nan, ns = (pd.to_numeric(df[s], errors="coerce") for s in ("67T", "41T"))
    assert (round(nan.mean(), 1), nan.max()) == (26.7, 121)
    assert (round(ns.mean(), 1), ns.max()) == (20.3, 74)


def test_build_exits_0_and_reports_partial_towns_with_warnings(project) -> None:
    proj, outcome = project
    build = outcome["build"]
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    report = _run_json(proj)
    assert report["totals"]["failed"] == 0
    assert report["failed_towns"] == []
    assert set(report["warning_towns"]) == {*FEW, NONE}
    assert report["totals"]["warnings"] > 0
    assert report["totals"]["built"] == report["totals"]["jobs"] == len(KEEP) * 2 * 5 + 2
    status = {(j["town_id"], j["lang"], j["appendix"]): j for j in report["jobs"]}
    for lang in ("th", "en"):
        for app in ("b", "c", "e"):
            job = status[(NONE, lang, app)]
            assert job["status"] == "built_with_warnings"
            assert job["warnings"] == ["no indicator data for this town"]
        for app in ("a", "d"):  # profile and green space come from the registry and the map
            assert status[(NONE, lang, app)]["status"] == "built"
        for app in APPENDIX_IDS:
            assert status[(FULL, lang, app)]["status"] == "built"
        nan_b = status[("mueang-nan", lang, "b")]
        assert nan_b["status"] == "built_with_warnings"
        assert "no data yet (air): pm10_annual, aqi_unhealthy_days" in nan_b["warnings"]
    assert "built with warnings" in build.stdout
    assert "built_with_warnings" in build.stdout


@pytest.mark.parametrize("lang", ["th", "en"])
def test_no_data_town_gets_profile_green_space_and_one_clear_block(project, lang: str) -> None:
    proj, _ = project
    for app in APPENDIX_IDS:
        assert (proj.site / "towns" / NONE / lang / f"{app}.html").is_file()
    a, d = _page(proj, NONE, lang, "a"), _page(proj, NONE, lang, "d")
    assert 'class="no-town-data"' not in a and 'class="no-town-data"' not in d
    assert "<figure" in d  # the green-space maps
    for app in ("b", "c", "e"):
        html = _page(proj, NONE, lang, app)
        assert html.count('class="no-town-data"') == 1, app
        assert 'href="../form.xlsx"' in html
        assert 'class="report-table status-table"' not in html
        assert 'class="report-table projection-table"' not in html
        assert "ecoplan-warning" not in html  # the build's marker never reaches the page
    # the B page keeps only its location map: no overview, status tables or charts
    from analysis.i18n import get_translator  # noqa: PLC0415

    b = _page(proj, NONE, lang, "b")
    assert b.count('class="report-figure"') == 1
    assert 'class="report-figure figure-grid-wrap"' not in b
    assert 'class="report-figure chart-panel"' not in b
    assert get_translator(lang)("report.b.overview_caption") not in b


@pytest.mark.parametrize("lang", ["th", "en"])
def test_few_value_town_shows_its_real_values_and_one_gap_table_per_theme(
    project, lang: str
) -> None:
    proj, _ = project
    html = _page(proj, "mueang-nan", lang, "b")
    assert "26.7" in html and "121" in html
    assert html.count('class="no-data-yet"') == len(THEMES)  # air is partial, the rest empty
    # figures: the location map and the air charts (one grid of panels); none for the
    # empty themes
    assert html.count('class="report-figure"') == 1  # the location map
    assert html.count('class="report-figure figure-grid-wrap"') == 1  # air only
    assert html.count('class="report-figure chart-panel"') >= 1
    assert html.count('href="../form.xlsx"') == len(THEMES)
    assert "20.3" in _page(proj, "nakhon-sawan", lang, "b")


@pytest.fixture
def store_env(project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Point this process's ``analysis`` library at the project's store."""
    proj, _ = project
    for key, value in proj.env.items():
        if key.startswith("ECOPLAN_"):
            monkeypatch.setenv(key, value)
    return proj


def _empty_panels(fig, tr) -> list[str]:
    """Titles of visible panels without drawn data or with a "no data" text."""
    bad = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.get_title(loc="left"):
            continue
        texts = {t.get_text() for t in ax.texts}
        has_points = any(
            len(ln.get_xdata()) and ln.get_marker() not in {None, "None", ""}
            for ln in ax.get_lines()
        )
        if not has_points or tr("report.not_published") in texts:
            bad.append(ax.get_title(loc="left"))
    return bad


@pytest.mark.parametrize("town", FEW)
def test_trend_charts_have_no_empty_panel(store_env, town: str) -> None:
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.i18n import get_translator  # noqa: PLC0415
    from analysis.report import figures  # noqa: PLC0415
    from analysis.report.data import town_indicators  # noqa: PLC0415

    cat, tr = load_catalogue(), get_translator("en")
    rows = town_indicators(town)
    drawn = 0
    for theme in THEMES:
        if not figures.panel_indicators(rows, cat, theme):
            continue
        fig = figures.trend_chart(rows, cat, theme, tr)
        try:
            assert _empty_panels(fig, tr) == [], theme
            drawn += 1
        finally:
            plt.close(fig)
    assert drawn == 1  # air only


def test_site_publishes_the_forms_the_pages_link(project) -> None:
    import openpyxl  # noqa: PLC0415

    from analysis.ingest.template import DATA_SHEET  # noqa: PLC0415

    proj, outcome = project
    assert outcome["site"].returncode == 0, outcome["site"].stderr
    for town in (*FEW, NONE):
        form = proj.site / "towns" / town / "form.xlsx"
        assert form.is_file(), town
        # the link of the pages resolves to the file
        page = proj.site / "towns" / town / "en" / "b.html"
        assert (page.parent / "../form.xlsx").resolve() == form.resolve()
        wb = openpyxl.load_workbook(form, read_only=True)
        assert DATA_SHEET in wb.sheetnames
        wb.close()
    assert not (proj.site / "towns" / FULL / "form.xlsx").exists()  # nothing missing
    index = (proj.site / "index.en.html").read_text(encoding="utf-8")
    assert "towns/takhli/form.xlsx" in index


@pytest.mark.parametrize("lang", ["th", "en"])
def test_cross_town_page_marks_the_town_without_data(project, lang: str) -> None:
    proj, _ = project
    html = (proj.site / "cross-town" / f"{lang}.html").read_text(encoding="utf-8")
    towns = pd.read_csv(proj.raw / "towns.csv", dtype=str, keep_default_na=False)
    name = towns.loc[towns["town_id"] == NONE, f"name_{lang}"].iloc[0]
    marker = "ยังไม่มีข้อมูลตัวชี้วัด" if lang == "th" else "no indicator data yet"
    line = next((p for p in re.findall(r"<p>(.*?)</p>", html) if marker in p), "")
    assert name in line


def test_projection_charts_have_no_empty_panel(store_env) -> None:
    """Appendix C charts: a panel only for indicators with values (figures.projection_chart)."""
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.i18n import get_translator  # noqa: PLC0415
    from analysis.report import figures  # noqa: PLC0415
    from analysis.report.data import town_analysis  # noqa: PLC0415

    cat, tr = load_catalogue(), get_translator("en")
    proj = town_analysis("mueang-nan").projections
    observed = proj[proj["kind"].astype(str) == "observed"]
    for theme in THEMES:
        if not figures.panel_indicators(observed, cat, theme, column="mean"):
            continue
        fig = figures.projection_chart(proj, cat, theme, tr)
        try:
            assert _empty_panels(fig, tr) == [], theme
        finally:
            plt.close(fig)
