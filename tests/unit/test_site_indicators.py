"""Indicator pages: the CSV under each chart gives exactly what is drawn, in the page language."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from analysis.site.indicators import indicator_csv, indicator_href


def _projection() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2021, 2020, 2021, 2030],
            "kind": ["observed", "observed", "fitted", "fitted", "projected"],
            "mean": [24.5, 23.0, 24.2, 23.4, 18.0],
            "lo": [np.nan, np.nan, 22.0, 21.0, 12.0],
            "hi": [np.nan, np.nan, 26.0, 25.0, 24.0],
        }
    )


def test_thai_csv_has_thai_headers_and_buddhist_era_years() -> None:
    out = pd.read_csv(io.StringIO(indicator_csv(_projection(), pd.DataFrame(), "th", "มคก./ลบ.ม.")))
    assert list(out.columns) == ["ปี พ.ศ.", "ชุดข้อมูล", "ค่า", "ขอบล่าง", "ขอบบน", "หน่วย"]
    assert set(out["ปี พ.ศ."]) == {2563, 2564, 2573}
    assert len(out) == 5 and out["ค่า"].tolist().count(18.0) == 1


def test_english_csv_has_common_era_years_and_every_drawn_point() -> None:
    out = pd.read_csv(io.StringIO(indicator_csv(_projection(), pd.DataFrame(), "en", "µg/m³")))
    assert out.columns[0] == "year" and set(out["year"]) == {2020, 2021, 2030}
    drawn = _projection()
    assert sorted(out["value"]) == sorted(drawn["mean"])


def test_map_values_without_projection_are_listed() -> None:
    values = pd.DataFrame({"year": [np.nan], "value": [12.5]})
    out = pd.read_csv(io.StringIO(indicator_csv(_projection().iloc[0:0], values, "en", "%")))
    assert out["value"].tolist() == [12.5]


def test_appendix_rows_link_beside_the_appendix() -> None:
    assert indicator_href("pm25_annual") == "indicators/pm25_annual.html"
