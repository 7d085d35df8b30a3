"""Cross-town indicator pages: rows from the stored results, CSV in the page language."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.report.nav import PageRef, href, site_path
from analysis.site.national import national_rows, national_table_csv


def _tables() -> dict[str, pd.DataFrame]:
    latest = pd.DataFrame(
        {
            "town_id": ["b-town", "a-town", "c-town", "a-town"],
            "indicator_id": ["pm25_annual", "pm25_annual", "pm25_annual", "green_area_pct"],
            "latest_year": [2023, 2024, 2024, 2024],
            "latest_value": [31.5, 12.0, np.nan, 40.0],
            "headline_pass": [False, True, pd.NA, True],
            "headline_name_th": ["มาตรฐานไทย", "มาตรฐานไทย", None, None],
            "headline_name_en": ["Thai standard", "Thai standard", None, None],
        }
    )
    trend = pd.DataFrame(
        {
            "town_id": ["a-town", "b-town"],
            "indicator_id": ["pm25_annual", "pm25_annual"],
            "change": ["improving", "worsening"],
        }
    )
    return {"latest": latest, "trend": trend}


def test_rows_keep_built_towns_with_a_latest_value_sorted() -> None:
    rows = national_rows(_tables(), "pm25_annual", ["a-town", "b-town", "c-town"])
    assert rows["town_id"].tolist() == ["a-town", "b-town"]  # c-town has no value
    assert rows["latest_value"].tolist() == [12.0, 31.5]
    assert rows["change"].tolist() == ["improving", "worsening"]
    only_a = national_rows(_tables(), "pm25_annual", ["a-town"])
    assert only_a["town_id"].tolist() == ["a-town"]


def test_town_without_a_trend_row_reads_as_insufficient() -> None:
    tables = _tables()
    tables["trend"] = tables["trend"].iloc[0:0]
    rows = national_rows(tables, "pm25_annual", ["a-town"])
    assert rows["change"].tolist() == ["insufficient"]


def test_thai_csv_has_thai_headers_names_and_buddhist_era_years() -> None:
    rows = national_rows(_tables(), "pm25_annual", ["a-town", "b-town"])
    names = {"a-town": "เมืองเอ", "b-town": "เมืองบี"}
    out = pd.read_csv(io.StringIO(national_table_csv(rows, names, "th", "มคก./ลบ.ม.")))
    assert list(out.columns) == ["เมือง", "ปี พ.ศ.", "ค่า", "หน่วย", "สถานะเทียบกับเกณฑ์หลัก", "แนวโน้ม"]
    assert out["เมือง"].tolist() == ["เมืองเอ", "เมืองบี"]
    assert out["ปี พ.ศ."].tolist() == [2567, 2566]
    assert out["ค่า"].tolist() == [12.0, 31.5]
    assert out["สถานะเทียบกับเกณฑ์หลัก"].tolist() == ["ผ่านเกณฑ์", "ไม่ผ่านเกณฑ์"]


def test_english_csv_has_common_era_years() -> None:
    rows = national_rows(_tables(), "pm25_annual", ["a-town", "b-town"])
    out = pd.read_csv(io.StringIO(national_table_csv(rows, {}, "en", "µg/m³")))
    assert out["year"].tolist() == [2024, 2023]
    assert out["town"].tolist() == ["a-town", "b-town"]  # no name: the id, never blank


def test_cross_town_indicator_page_paths_and_links() -> None:
    page = PageRef("indicator", "th", None, indicator_id="pm25_annual")
    assert site_path(page) == "indicators/th/pm25_annual.html"
    town = PageRef("indicator", "th", "a-town", indicator_id="pm25_annual")
    assert href(page, site_path(town)) == "../../towns/a-town/th/indicators/pm25_annual.html"
    assert href(town, site_path(page)) == "../../../../indicators/th/pm25_annual.html"
    with pytest.raises(ValueError, match="indicator_id"):
        PageRef("indicator", "th", None)


def test_formula_like_town_names_are_inert_in_the_csv() -> None:
    rows = national_rows(_tables(), "pm25_annual", ["a-town"])
    text = national_table_csv(rows, {"a-town": '=HYPERLINK("http://x","y")'}, "en", "%")
    assert "'=HYPERLINK" in text
