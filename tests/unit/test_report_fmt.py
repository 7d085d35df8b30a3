"""Display formatting: B.E. years, Thai month names, numbers, units, blanks, escaping."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import SpatialInputError
from analysis.i18n import LANGS, get_translator
from analysis.report.fmt import (
    esc,
    fmt_averaging,
    fmt_date,
    fmt_date_or,
    fmt_number,
    fmt_quantity,
    fmt_value,
    fmt_year,
    fmt_year_range,
    is_missing,
    no_data,
    place_unit,
)


def test_years_are_buddhist_era_in_thai() -> None:
    assert fmt_year(2024, "th") == "2567"
    assert fmt_year(2024, "en") == "2024"
    assert fmt_year(None, "th") == ""
    assert fmt_year(float("nan"), "th") == ""
    assert fmt_year_range(2010, 2024, "th") == "2553–2567"
    assert fmt_year_range(2024, 2024, "en") == "2024"


@pytest.mark.parametrize(
    ("day", "lang", "text"),
    [
        (dt.date(2026, 11, 26), "th", "26 พฤศจิกายน 2569"),
        (dt.date(2025, 1, 1), "th", "1 มกราคม 2568"),
        (dt.date(2026, 11, 26), "en", "26 November 2026"),
    ],
)
def test_dates(day: dt.date, lang: str, text: str) -> None:
    assert fmt_date(day, lang) == text


def test_numbers() -> None:
    assert fmt_number(76664) == "76,664"
    assert fmt_number(23.456) == "23.5"
    assert fmt_number(1.234) == "1.23"
    assert fmt_number(12.0) == "12"
    assert fmt_number(1.5, 2) == "1.50"
    assert fmt_number(None) == ""
    assert fmt_number("x") == ""


def test_escape() -> None:
    assert esc('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert esc(None) == ""


def test_small_values_keep_two_significant_digits() -> None:
    assert fmt_number(0.0042) == "0.0042"  # never "0.00" for a non-zero value
    assert fmt_number(-0.0042) == "-0.0042"
    assert fmt_number(0.0) == "0"
    assert fmt_number(-1234.5) == "-1,234"
    assert fmt_number(0.0042, 2) == "0.00"  # fixed decimals are fixed
    assert fmt_number(float("inf")) == ""
    assert fmt_number(-0.0) == "0" and fmt_number(-0.001, 1) == "0.0"  # no "-0"
    assert fmt_number(-0.05, 1) == "-0.1"


@pytest.mark.parametrize(
    ("value", "unit", "lang", "decimals", "text"),
    [
        (45, "percent", "th", None, "ร้อยละ 45"),  # a Thai word read before the number
        (45, "percent", "en", None, "45%"),  # English writes the sign against it
        (62.55, "percent", "th", 1, "ร้อยละ 62.5"),
        (-1.25, "percent", "th", None, "ร้อยละ -1.25"),
        (-1.25, "percent", "en", None, "-1.25%"),
        (25, "ug_m3", "th", None, "25 มคก./ลบ.ม."),  # a Thai symbol follows the number
        (25, "ug_m3", "en", None, "25 µg/m³"),
        (0.48, "kg_cap_day", "th", None, "0.48 กก./คน/วัน"),
        (12.345, "m2_cap", "en", 2, "12.35 m²/person"),
        (1234567, "days", "th", None, "1,234,567 วัน"),
        (3, "ppb", "th", None, "3 ppb"),  # not a catalogue unit: written after
        (None, "percent", "th", None, "ไม่มีข้อมูล"),
        (float("nan"), "ug_m3", "en", None, "no data"),
        (pd.NA, "percent", "en", 1, "no data"),
    ],
)
def test_quantities_place_the_unit_as_each_language_reads_it(
    value: object, unit: str, lang: str, decimals: int | None, text: str
) -> None:
    assert fmt_quantity(value, unit, lang, decimals) == text


def test_the_word_order_is_data_on_the_catalogue_unit() -> None:
    cat = load_catalogue()
    assert cat.units["percent"].th_position == "prefix"
    assert cat.units["percent"].en_attached
    # every other unit is a symbol after the number, in both languages
    others = [u for u in cat.units if u != "percent"]
    assert all(cat.units[u].th_position == "suffix" for u in others)
    for unit in cat.units:
        th = fmt_quantity(7, unit, "th", catalogue=cat)
        symbol = cat.units[unit].symbol_th
        assert th == (f"{symbol} 7" if unit == "percent" else f"7 {symbol}")


def test_place_unit_in_html_leaves_the_number_markup_and_escapes_the_unit() -> None:
    marked = '<span class="value-mark">45</span>'
    assert place_unit(marked, "percent", "th", html=True) == (
        f'<span class="unit">ร้อยละ</span> {marked}'
    )
    assert place_unit(marked, "percent", "en", html=True) == f'{marked}<span class="unit">%</span>'
    assert place_unit("1", "<b>", "en", html=True) == '1 <span class="unit">&lt;b&gt;</span>'
    assert place_unit("1", "", "th") == "1"
    # a town's own unit text (measures register) keeps its words, in the catalogue's order
    assert place_unit("80", "ร้อยละ", "th", unit_html="<i>ร้อยละ</i>") == "<i>ร้อยละ</i> 80"
    assert place_unit("80", " % ", "en", unit_html="<i>%</i>") == "80<i>%</i>"
    assert place_unit("80", "%", "th", unit_html="<i>%</i>") == "80 <i>%</i>"
    assert place_unit("3", "ตัน", "th", unit_html="<i>ตัน</i>") == "3 <i>ตัน</i>"
    assert place_unit("5", "ร้อยละ", "th") == "ร้อยละ 5"  # a symbol resolves to its unit


def test_blanks_read_no_data_in_the_page_language() -> None:
    assert no_data("th") == "ไม่มีข้อมูล" and no_data("en") == "no data"
    assert fmt_value(None, "th") == "ไม่มีข้อมูล"
    assert fmt_value(pd.NaT, "en") == "no data"
    assert fmt_value(0, "th") == "0"  # zero is a value, not a blank
    assert fmt_value(-2.5, "en", 1) == "-2.5"
    assert is_missing(pd.NA) and not is_missing(0)
    assert fmt_date_or(None, "th") == "" and fmt_date_or(pd.NaT, "en", "-") == "-"
    assert fmt_date_or(dt.date(2022, 7, 9), "th") == "9 กรกฎาคม 2565"


def test_every_averaging_period_of_the_catalogue_reads_in_both_languages() -> None:
    periods = {s.averaging for i in load_catalogue().indicators for s in i.standards}
    assert periods  # the test cannot pass on an empty catalogue
    for period in periods:
        th, en = fmt_averaging(period, "th"), fmt_averaging(period, "en")
        assert not re.search(r"[A-Za-z]", th), (period, th)  # no English on Thai pages
        assert th != period and en
    assert fmt_averaging("1 year", "th") == "ค่าเฉลี่ยรายปี"
    assert fmt_averaging("24 hours", "th") == "ค่าเฉลี่ย 24 ชั่วโมง"
    assert fmt_averaging("8 hours", "th") == "8 hours"  # unknown: as given, never blank


def test_every_refusal_code_has_a_reader_sentence_in_both_languages() -> None:
    from analysis.report.green_area import refusal_reason  # noqa: PLC0415
    from analysis.spatial.checks import REFUSAL_CODES  # noqa: PLC0415

    for lang in LANGS:
        tr = get_translator(lang)
        texts = set()
        for code in REFUSAL_CODES:
            assert tr.has(f"spatial.refusal.{code}"), (lang, code)
            texts.add(refusal_reason(pd.Series({"error_code": code}), tr))
        assert len(texts) == len(REFUSAL_CODES)  # one sentence per reason
        if lang == "th":
            assert not any(re.search(r"[A-Za-z]", t) for t in texts)
    unknown = refusal_reason(pd.Series({"error_code": "no-such-code"}), get_translator("th"))
    assert unknown == get_translator("th")("spatial.refusal.unusable")


def test_a_refused_layer_carries_its_reason_code() -> None:
    from analysis.spatial.checks import REFUSAL_CODES, check_town_results  # noqa: PLC0415

    zones = pd.DataFrame({"zone": ["urban"], "area_m2": [2.0e6], "share_pct": [200.0]})
    with pytest.raises(SpatialInputError) as err:
        check_town_results(
            src="landuse/x.gpkg",
            analysis_area_m2=1.0e6,
            coverage_pct=100.0,
            greenspace_summary=pd.DataFrame(columns=["green_share_pct", "green_area_m2"]),
            cbi=pd.DataFrame(columns=["unit", "indicator", "version", "value"]),
            zone_areas=zones,
        )
    assert err.value.code == "implausible" and err.value.code in REFUSAL_CODES
    assert "landuse/x.gpkg" in str(err.value)  # the located message is kept for the log
    assert SpatialInputError("x").code == "unusable"


@pytest.mark.parametrize("lang", LANGS)
def test_indicator_page_standards_read_in_the_page_language(lang: str) -> None:
    from analysis.site.indicators import _standards_html  # noqa: PLC0415

    cat = load_catalogue()
    for ind in cat.indicators:
        text = _standards_html(ind, lang)
        for std in ind.standards:
            assert fmt_averaging(std.averaging, lang) in text
        if lang == "th":
            assert not re.search(r"\d ร้อยละ", text), ind.id
            assert not re.search(r"\b(year|hours|percentile|samples)\b", text), ind.id
            if ind.unit == "percent" and ind.standards:
                assert re.search(r"ร้อยละ \d", text), ind.id
