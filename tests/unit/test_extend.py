"""docs/extend-an-appendix.md: its examples run, and the two helpers do what it says."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import report
from analysis.catalogue import load_catalogue
from analysis.errors import ParameterError
from analysis.paths import get_paths
from analysis.report.params import RunParams
from analysis.results.compute import run_analysis
from analysis.store.io import write_table
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import load_towns

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "docs" / "extend-an-appendix.md", REPO / "docs" / "extend-an-appendix.th.md"]


def _examples(doc: Path) -> list[str]:
    """The python blocks of a doc that are one ``report.page_*`` call."""
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)
    return [b for b in blocks if b.lstrip().startswith("report.page_")]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    processed = tmp_path_factory.mktemp("extend")
    write_table(load_towns(get_paths().towns_csv), "towns.parquet", processed)
    df = generate_series([TownTraits("takhli")], load_catalogue()).drop(columns="trend_kind")
    df["note"] = None  # every column of indicators.parquet (analysis.store.schema)
    df["is_synthetic"] = True
    df["src_file"] = "indicators/takhli_x.csv"
    df["src_row"] = range(2, len(df) + 2)
    write_table(df, "indicators.parquet", processed)
    pd.DataFrame(columns=["file", "row", "column", "value", "reason"]).to_csv(
        processed / "rejected.csv", index=False
    )
    run_analysis(dataclasses.replace(get_paths(), processed=processed))
    return processed


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_examples_are_one_call_cells(doc: Path) -> None:
    examples = _examples(doc)
    assert len(examples) == 2
    for source in examples:
        tree = ast.parse(source)
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_worked_examples_make_page_ready_blocks(
    store: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(store))
    run = report.validate_params(town_id="takhli", lang=lang)
    doc = DOCS[1] if lang == "th" else DOCS[0]  # each language's how-to runs its own example
    table, chart = (eval(src, {"report": report, "run": run}) for src in _examples(doc))
    html = table.html
    name = load_catalogue().get("waste_per_capita")
    assert (name.name_th if lang == "th" else name.name_en) in html
    assert "waste_per_capita" not in html and "kg_cap_day" not in html  # no internal ids
    years = [int(y) for y in re.findall(r"<td>(\d{4})</td>", html)]
    assert len(years) == 5
    assert all(y > 2500 for y in years) if lang == "th" else all(y < 2100 for y in years)
    assert ("กก./คน/วัน" if lang == "th" else "kg/person/day") in html
    assert "Year" not in html if lang == "th" else "Year" in html
    assert chart.html.startswith('<figure class="report-figure"><img src="data:image/png')
    assert plt.get_fignums() == []  # closed


def test_synthetic_rows_on_a_page_of_real_data_get_the_note() -> None:
    run = RunParams(lang="en")
    df = pd.DataFrame({"year": [2020], "value": [1.5], "source": ["SYNTHETIC demo"]})
    assert "synthetic demonstration data" in report.page_table(df, run).html
    df["source"] = "municipal survey"
    assert "synthetic" not in report.page_table(df, run).html
    with pytest.raises(ParameterError, match="no column 'nope'"):
        report.page_table(df, run, columns=["nope"])


def test_own_columns_headers_and_decimals() -> None:
    run = RunParams(lang="th")
    df = pd.DataFrame({"theme": ["waste"], "share": [12.3456], "base_year": [2018]})
    html = report.page_table(df, run, headers={"share": "สัดส่วน"}, decimals={"share": 1}).html
    assert "สัดส่วน" in html and "12.3" in html and "2561" in html
    assert "การจัดการขยะ" in html or "ขยะ" in html


def test_page_figure_needs_alt_text_and_labels_years_in_be() -> None:
    fig, ax = plt.subplots()
    ax.plot([2020, 2021, 2022], [1, 2, 3])
    with pytest.raises(ParameterError, match="alt text"):
        report.page_figure(fig, RunParams(lang="th"), alt=" ")
    report.page_figure(ax, RunParams(lang="th"), alt="x", years="x", synthetic=False)
    assert ax.xaxis.get_major_formatter()(2020, 0) == "2563"
