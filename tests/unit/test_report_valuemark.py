"""Value marks: what each printed number is, kept through the page sanitiser."""

from __future__ import annotations

import math

import pytest

from analysis.report.render import sanitise_html
from analysis.report.valuemark import extract_marks, value_mark


def test_marks_survive_the_sanitiser_and_read_back() -> None:
    html = (
        "<p>"
        + value_mark(
            '13.1 <span class="unit">µg/m³</span>',
            town_id="nakhon-sawan",
            indicator_id="pm25_annual",
            year=2024,
            value=13.12345678901,
        )
        + "</p>"
    )
    (mark,) = extract_marks(sanitise_html(html))
    assert (mark.town_id, mark.indicator_id, mark.year, mark.kind) == (
        "nakhon-sawan",
        "pm25_annual",
        "2024",
        "observed",
    )
    assert mark.value == 13.12345678901  # full precision, not the shown 13.1
    assert mark.text == "13.1 µg/m³"


def test_hostile_mark_attributes_are_dropped() -> None:
    cleaned = sanitise_html('<data class="iv" value="javascript:x" onclick="y">1</data>')
    assert "javascript" not in cleaned and "onclick" not in cleaned
    assert math.isnan(extract_marks(cleaned)[0].value)


def test_missing_values_are_not_marked_and_map_values_have_no_year() -> None:
    assert value_mark("—", town_id="t", indicator_id="x", year=2020, value=None) == "—"
    assert value_mark("—", town_id="t", indicator_id="x", year=2020, value=math.nan) == "—"
    (m,) = extract_marks(
        value_mark("18.5", town_id="t", indicator_id="green_area_pct_map", year=None, value=18.5)
    )
    assert m.year == ""
    with pytest.raises(ValueError, match="unknown value kind"):
        value_mark("1", town_id="t", indicator_id="x", year=1, value=1.0, kind="guess")
