"""Executive summary and appendix E's measures sections, over a small analysed store."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.ingest.measures import ingest_measures
from analysis.paths import get_paths
from analysis.report import appendices, render
from analysis.report.params import validate_params
from analysis.report.strategy import (
    indicator_state,
    measures_overview,
    measures_table,
    town_measures,
    unaddressed_ids,
    unaddressed_problems,
)
from analysis.report.summary import (
    data_gaps,
    executive_summary,
    glance_sentence,
    light_counts,
    summary_fragment,
)
from analysis.report.valuemark import extract_marks
from analysis.results.compute import run_analysis
from analysis.store.io import write_table
from analysis.synthetic.measures import write_demo_measures
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import load_towns

CAT = load_catalogue()
MISSING = "river_bod"  # left out of nam-chiao's data: a data gap


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Takhli with the demo register; Nam Chiao without one and without river BOD."""
    tmp = tmp_path_factory.mktemp("summary-store")
    towns = load_towns(get_paths().towns_csv)
    write_table(towns, "towns.parquet", tmp)
    traits = [TownTraits("takhli"), TownTraits("nam-chiao", rural=True)]
    df = generate_series(traits, CAT).drop(columns="trend_kind")
    df = df[~((df["town_id"] == "nam-chiao") & (df["indicator_id"] == MISSING))]
    df = df.assign(
        note=None, is_synthetic=True, src_file="indicators/x.csv", src_row=range(2, len(df) + 2)
    )
    write_table(df.reset_index(drop=True), "indicators.parquet", tmp)
    files = write_demo_measures(tmp / "raw" / "measures", CAT, towns, traits[:1])
    measures = ingest_measures(files, CAT, towns, raw_root=tmp / "raw")
    assert measures.rejected == []
    write_table(measures.rows, "measures.parquet", tmp)
    mp = pytest.MonkeyPatch()
    mp.setenv("ECOPLAN_PROCESSED_DIR", str(tmp))
    run_analysis(dataclasses.replace(get_paths(), processed=tmp))
    yield tmp
    mp.undo()


def _run(town: str, lang: str = "th"):
    return validate_params(town_id=town, lang=lang, horizon=2037)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_light_counts_cover_every_light() -> None:
    counts = light_counts(pd.DataFrame({"light": ["green", "green", "purple"]}))
    assert counts == {"green": 2, "amber": 0, "red": 0, "grey": 1}


def test_status_sentence_has_no_zero_count_clause(store) -> None:
    run = _run("takhli")
    state = pd.DataFrame({"light": ["green", "red", "red"], "indicator_id": ["a", "b", "c"]})
    th = glance_sentence(run, state)
    assert "ผ่านมาตรฐาน 1 ตัว" in th and "ไม่ผ่านมาตรฐาน 2 ตัว" in th
    assert "เฝ้าระวัง" not in th and "0 ตัว" not in th
    assert " และ " in th  # Thai list: "... และ ..."
    en = glance_sentence(_run("takhli", "en"), state)
    assert en.endswith("1 meets its standard and 2 fail their standard.")


def test_summary_values_are_the_stored_values(store) -> None:
    for lang in ("th", "en"):
        run = _run("takhli", lang)
        html = executive_summary(run).html
        marks = extract_marks(html)
        assert marks, "the summary shows indicator values"
        latest = indicator_state(run).set_index("indicator_id")
        for m in marks:
            assert m.kind == "observed"
            assert m.value == pytest.approx(float(latest.loc[m.indicator_id, "latest_value"]))
            assert int(m.year) == int(latest.loc[m.indicator_id, "latest_year"])


def test_summary_names_the_measures_and_flags_open_problems(store) -> None:
    run = _run("takhli")
    html = executive_summary(run).html
    text = _text(html)
    assert html.startswith('<section class="exec-summary">')
    assert "บทสรุปผู้บริหาร" in text and "ปัญหาที่ต้องแก้ไขก่อน" in text
    measures = town_measures(run)
    state = indicator_state(run)
    first_solve = measures[measures["plan_class"] == "solve"]
    assert any(name in text for name in first_solve["name"])
    n, budget = len(measures), f"{measures['budget_baht'].sum():,.0f}"
    assert f"ทะเบียนแผนงาน/โครงการมี {n} รายการ งบประมาณรวม {budget} บาท" in text
    for ind in unaddressed_ids(state, measures):
        assert f'href="indicators/{ind}.html"' in html
    assert "2567" in text and "2024" not in text  # Buddhist Era years on Thai pages


def test_summary_without_a_register_flags_every_problem(store) -> None:
    run = _run("nam-chiao")
    html = executive_summary(run).html
    assert "ยังไม่มีทะเบียนแผนงาน/โครงการของเทศบาล" in _text(html)
    shown_solve = html.split("ปัญหาที่ต้องแก้ไขก่อน")[1].split("</ul>")[0]
    items = re.findall(r"<li>(.*?)</li>", shown_solve)
    assert items and all("ยังไม่มีแผนงาน/โครงการรองรับ" in it for it in items)


def test_data_gaps_name_the_missing_indicator(store) -> None:
    have = pd.read_parquet(store / "indicators.parquet").query("town_id == 'nam-chiao'")
    # measured_only indicators (from daily station records) are never a reported gap
    missing = [
        i for i in CAT.indicators if i.id not in set(have["indicator_id"]) and not i.measured_only
    ]
    assert MISSING in [i.id for i in missing]  # and any indicator the generator does not know
    th = _text(data_gaps(_run("nam-chiao")).html)
    assert f"ยังไม่มีข้อมูลตัวชี้วัด {len(missing)} ตัว" in th
    en = _text(data_gaps(_run("nam-chiao", "en")).html)
    count = "1 indicator has" if len(missing) == 1 else f"{len(missing)} indicators have"
    assert f"{count} no data yet" in en
    for ind in missing:
        assert ind.name_th in th and ind.name_en in en
    assert "0 indicators" not in _text(data_gaps(_run("takhli", "en")).html)


def test_combined_page_opens_with_the_executive_summary(store) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ecoplan", "display_name": "ecoplan", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x")]
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<p>chapter a</p>"})
    ]
    nb.metadata["ecoplan"] = {
        "title": "a",
        "town_name": "ตาคลี",
        "synthetic": True,
        "lang": "th",
        "appendix": "a",
        "town_id": "takhli",
    }
    pages = [(appendices.get_appendix("a"), nb)]
    html = render.render_combined_html(pages, lang="th", town_id="takhli")
    assert 'id="chapter-summary"' in html
    assert html.index('id="chapter-summary"') < html.index('id="chapter-a"')
    toc = re.findall(r'<li><a href="#([^"]+)"', html)
    assert toc[:2] == ["chapter-summary", "chapter-a"]
    assert summary_fragment("takhli", "th") in html
    plain = render.render_combined_html(pages, lang="th", town_id="takhli", summary=False)
    assert 'id="chapter-summary"' not in plain


def test_appendix_e_shows_measures_by_class_and_phase_linked_to_indicators(store) -> None:
    run = _run("takhli")
    overview = measures_overview(run).html
    assert "ระยะที่ 2 (พ.ศ. 2566–2570)" in overview
    measures = town_measures(run)
    html = measures_table(run, "solve").html
    first = measures[measures["plan_class"] == "solve"].iloc[0]
    assert first["name"] in html
    assert f"{first['start_year'] + 543}–{first['end_year'] + 543}" in html
    for ind in first["indicators"]:
        assert f'href="indicators/{ind}.html"' in html
    state = indicator_state(run).set_index("indicator_id")
    for m in extract_marks(html):
        row = state.loc[m.indicator_id]
        if m.kind == "projected":
            assert m.value == pytest.approx(float(row["proj_mean"]))
            assert int(m.year) == int(row["proj_year"])
        else:
            assert m.value == pytest.approx(float(row["latest_value"]))


def test_problems_without_a_measure_are_flagged(store) -> None:
    run = _run("takhli")
    state, measures = indicator_state(run), town_measures(run)
    missing = unaddressed_ids(state, measures)
    assert missing, "the demo register leaves one problem open"
    html = unaddressed_problems(run).html
    for ind in missing:
        assert f'href="indicators/{ind}.html"' in html
    assert html.count("flag-unaddressed") == len(missing)
    # without a register every problem is flagged
    run_nc = _run("nam-chiao")
    state_nc = indicator_state(run_nc)
    flagged = unaddressed_problems(run_nc).html.count("flag-unaddressed")
    assert flagged == int(state_nc["problem"].sum()) > 0
    assert measures_table(run_nc, "solve").html == ""
    assert "ยังไม่มีทะเบียน" in measures_overview(run_nc).html


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["th", "en"])
def test_summary_prints_on_one_a4_page(store, tmp_path, lang) -> None:
    pypdf = pytest.importorskip("pypdf")
    if not (Path(render.CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip("chromium is not installed")
    html = render.render_combined_html([], lang=lang, town_id="takhli")
    page = tmp_path / "summary.html"
    page.write_text(html, encoding="utf-8")
    pdf = render.html_to_pdf(page, tmp_path / "summary.pdf")
    pages = pypdf.PdfReader(pdf).pages
    assert len(pages) == 2  # the cover with its contents, then the summary on one page
    assert ("บทสรุปผู้บริหาร" if lang == "th" else "Executive summary") in pages[1].extract_text()
