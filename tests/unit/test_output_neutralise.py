"""Data-derived text stays inert in outputs (issue 16, items 10 and 11).

Before the fix the public ``downloads/<town>.csv`` carried ``=HYPERLINK(...)`` and
``@SUM(...)`` as live formulas, the data-entry form wrote a ``name_th`` starting with
``=`` as a formula, and a town name with ``$\\frac{1}{$`` failed the maps of appendices
A and D with an empty ``ValueError``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest

from analysis.batch.outputs import OutputWriter
from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.ingest.template import DATA_SHEET, write_template
from analysis.paths import get_paths
from analysis.report.figure_block import figure
from analysis.report.figures import score_heatmap
from analysis.report.neutralise import (
    FORMULA_TRIGGERS,
    csv_text,
    neutralise_cell,
    neutralise_frame,
)
from analysis.site import index as site_index
from analysis.spatial import maps
from analysis.spatial.greenspace import greenspace_inventory
from analysis.spatial.landuse import normalise_landuse
from analysis.spatial.zoning import zoning
from analysis.store.boundaries import load_raw_boundaries
from analysis.synthetic.landuse import generate_landuse
from analysis.towns import load_towns

mpl.use("Agg")
RAW = get_paths().raw  # the fixture project (tests/conftest.py)

HYPERLINK = '=HYPERLINK("https://example.invalid/x","click")'
HOSTILE_CELLS = (
    HYPERLINK,
    "@SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
MATH = r"$\frac{1}{$"


# --------------------------------------------------------------------------- the function


@pytest.mark.parametrize("text", HOSTILE_CELLS)
def test_formula_like_text_gets_a_quote(text: str) -> None:
    assert text.startswith(FORMULA_TRIGGERS)
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-5, -5.5, 0.0, "-5", "+1.5e3", "-.5", "เทศบาล =x", "SYNTHETIC =x", None, ""]
)
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert neutralise_cell(value) == value


def test_frame_keeps_numeric_columns_numeric() -> None:
    frame = pd.DataFrame(
        {
            "value": [-1.5, 2.0, float("nan")],
            "year": [2020, 2021, 2022],
            "note": [HYPERLINK, None, "-3"],
            "source": pd.array(["@SUM(A1)", "ok", pd.NA], dtype="string"),
        }
    )
    out = neutralise_frame(frame)
    assert out["value"].dtype == frame["value"].dtype and out["year"].dtype == "int64"
    assert out["note"].iloc[0] == "'" + HYPERLINK and out["note"].iloc[2] == "-3"
    assert pd.isna(out["note"].iloc[1])
    assert out["source"].iloc[0] == "'@SUM(A1)" and out["source"].iloc[1] == "ok"
    assert pd.isna(out["source"].iloc[2])
    assert frame["note"].iloc[0] == HYPERLINK  # the input is not changed
    rows = list(csv.reader(io.StringIO(csv_text(frame))))
    assert rows[1] == ["-1.5", "2020", "'" + HYPERLINK, "'@SUM(A1)"]


# --------------------------------------------------------------------------- site downloads


def _tables(town: str) -> dict[str, pd.DataFrame]:
    tables = {
        name: pd.DataFrame({"town_id": [town], "indicator_id": ["pm25"], "x": [1.0]})
        for name in site_index.DOWNLOAD_SHEETS
    }
    tables["values"] = pd.DataFrame(
        {
            "town_id": [town] * len(HOSTILE_CELLS),
            "indicator_id": ["pm25"] * len(HOSTILE_CELLS),
            "year": list(range(2015, 2015 + len(HOSTILE_CELLS))),
            "value": [-1.5] * len(HOSTILE_CELLS),
            "note": list(HOSTILE_CELLS),
        }
    )
    tables["plan"] = pd.DataFrame(
        {"town_id": [town], "indicator_id": ["pm25"], "reason_th": ["=1+1"]}
    )
    return tables


def test_site_downloads_neutralise_csv_and_keep_xlsx_text(tmp_path: Path) -> None:
    site = tmp_path / "site"
    about = pd.DataFrame({"key": ["town"], "value": ["@evil"]})
    written = site_index._downloads(OutputWriter(), site, "t", _tables("t"), about)
    by_name = {p.name: p for p in written}
    with by_name["t.csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["note"] for r in rows] == ["'" + t for t in HOSTILE_CELLS]
    assert {r["value"] for r in rows} == {"-1.5"}  # a negative number stays a number
    results = next(p for p in written if p.suffix == ".csv" and p.name != "t.csv")
    assert "'=1+1" in results.read_text(encoding="utf-8")

    book = openpyxl.load_workbook(by_name["t.xlsx"])
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = book["values"]
    col = [c.value for c in sheet[1]].index("note") + 1
    notes = [sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)]
    # the exact text, not quoted (XML stores a lone CR as a line feed)
    assert [c.value for c in notes] == [t.replace("\r", "\n") for t in HOSTILE_CELLS]
    assert all(c.quotePrefix and c.data_type == "s" for c in notes)
    assert book["about"]["B2"].value == "@evil" and book["about"]["B2"].quotePrefix
    value = next(c for c in cells if c.value == -1.5)
    assert value.data_type == "n" and not value.quotePrefix


# --------------------------------------------------------------------------- data-entry form


def test_template_writes_a_formula_like_town_name_as_text(tmp_path: Path) -> None:
    towns = load_towns(get_paths().towns_csv)
    towns.loc[towns["town_id"] == "takhli", "name_th"] = HYPERLINK
    out = write_template(
        "takhli", load_catalogue(), towns, tmp_path / "form.xlsx", rows=5, today=dt.date(2026, 1, 1)
    )
    book = openpyxl.load_workbook(out)
    cell = book[DATA_SHEET]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HYPERLINK, "s", True)
    formulas = [
        f"{ws.title}!{c.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


# --------------------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def hostile() -> dict:
    towns = load_towns(RAW / "towns.csv")
    town_id = "mueang-nan"
    hit = towns["town_id"] == town_id
    towns.loc[hit, "name_th"] = f"เทศบาล {MATH}"
    towns.loc[hit, "name_en"] = f"Evil {MATH}"
    boundaries = load_raw_boundaries(RAW / "geo")
    town = towns[hit].iloc[0]
    tambon = boundaries[boundaries["pcode"] == town["tambon_pcode"]].geometry.union_all()
    raw = generate_landuse(tambon, town_id=town_id, lon=town["lon"], lat=town["lat"], n_cells=120)
    lu = normalise_landuse(raw, town_id=town_id, src="generated")
    return {
        "town": town_id,
        "towns": towns,
        "boundaries": boundaries,
        "landuse": lu,
        "greenspace": greenspace_inventory(lu),
        "zones": zoning(lu),
    }


def _draw(fig) -> str:
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [ax.get_title(), *(t.get_text() for t in ax.get_yticklabels())]
    return "\n".join(texts)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("kind", ["location", "landuse", "zoning", "greenspace"])
def test_maps_draw_a_dollar_town_name_as_typed(hostile: dict, kind: str, lang: str) -> None:
    d, town = hostile, hostile["town"]
    common = {"towns": d["towns"], "lang": lang, "boundaries": d["boundaries"]}
    if kind == "location":
        fig = maps.plot_location_map(town, **common)
    elif kind == "landuse":
        fig = maps.plot_landuse_map(town, landuse=d["landuse"], **common)
    elif kind == "zoning":
        fig = maps.plot_zoning_map(town, zones=d["zones"], **common)
    else:
        fig = maps.plot_greenspace_map(
            town, landuse=d["landuse"], greenspace=d["greenspace"], **common
        )
    assert MATH in _draw(fig)


def test_score_heatmap_draws_a_dollar_town_name_as_typed() -> None:
    scores = pd.DataFrame(
        {
            "town_id": ["a", "a", "b", "b"],
            "theme": ["air", "overall"] * 2,
            "score": [10, 20, 30, 40],
        }
    )
    fig = score_heatmap(scores, {"a": f"A {MATH}", "b": "B $x$"}, get_translator("en"))
    drawn = _draw(fig)
    plt.close(fig)
    assert MATH in drawn and "B $x$" in drawn


def test_figure_block_switches_mathtext_off_even_without_the_theme() -> None:
    with mpl.rc_context({"text.parse_math": True}):
        fig = plt.figure(figsize=(2, 1))
        fig.suptitle(f"Town {MATH}")
        block = figure(fig, alt="x", trim=False)
    assert "data:image/png;base64," in str(block)
