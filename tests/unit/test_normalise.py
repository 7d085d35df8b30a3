"""Normalisers: digits, numbers, years, headers, towns, indicators and units."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.catalogue import load_catalogue
from analysis.ingest.normalise import (
    CellError,
    IndicatorLookup,
    be_to_ce,
    ce_to_be,
    normalise_header,
    parse_number,
    parse_year,
    parse_year_header,
    thai_to_arabic_digits,
    to_thai_digits,
    unit_key,
)
from analysis.paths import get_paths
from analysis.towns import TownResolver, load_towns

CATALOGUE = load_catalogue()
TOWNS = load_towns(get_paths().towns_csv)
INDICATORS = IndicatorLookup.from_catalogue(CATALOGUE)
TOWN_LOOKUP = TownResolver.from_frame(TOWNS)


# --------------------------------------------------------------------------- digits


@given(st.text(alphabet="0123456789.,- ", max_size=30))
def test_thai_digits_round_trip(text):
    thai = to_thai_digits(text)
    assert not any(c in "0123456789" for c in thai)
    assert thai_to_arabic_digits(thai) == text


def test_thai_digits_leave_other_text_alone():
    assert thai_to_arabic_digits("ปี ๒๕๖๖ (B.E.)") == "ปี 2566 (B.E.)"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", 12.5),
        (" 12.5 ", 12.5),
        ("๑,๒๓๔.๕", 1234.5),
        ("1,234", 1234.0),
        ("1,234,567.25", 1234567.25),
        ("−3", -3.0),  # Unicode minus
        ("1e3", 1000.0),
        ("35%", 35.0),
        ("35 %", 35.0),
        ("1\u00a0234", 1234.0),  # no-break space as thousands separator
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_parse_number_accepts(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_value"),
        (None, "missing_value"),
        (float("nan"), "missing_value"),
        ("n/a", "missing_value"),
        ("N/A", "missing_value"),
        ("-", "missing_value"),
        ("—", "missing_value"),
        ("ไม่มีข้อมูล", "missing_value"),
        ("12,5", "ambiguous_number"),
        ("1,23", "ambiguous_number"),
        ("1,2345", "ambiguous_number"),
        ("#DIV/0!", "excel_error"),
        ("<0.5", "censored_value"),
        ("< 0.5", "censored_value"),
        ("ND", "not_detected"),
        ("ตรวจไม่พบ", "not_detected"),
        ("abc", "not_a_number"),
        ("1_000", "not_a_number"),
        ("12 5", "not_a_number"),
        ("inf", "not_a_number"),
        ("nan", "missing_value"),
        (float("inf"), "not_a_number"),
        (True, "not_a_number"),
        (dt.datetime(2023, 1, 1), "date_value"),
    ],
)
def test_parse_number_rejects(text, code):
    with pytest.raises(CellError) as info:
        parse_number(text)
    assert info.value.code == code
    assert info.value.reason


def test_decimal_comma_is_reported_as_ambiguous_not_guessed():
    with pytest.raises(CellError, match=r"ambiguous number '12,5'.*decimal point"):
        parse_number("12,5")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_parse_number_round_trips_formatted_floats(value):
    plain = repr(value)
    assert parse_number(plain) == value
    grouped = format(value, ",")
    assert parse_number(grouped) == value
    assert parse_number(to_thai_digits(grouped)) == value


# --------------------------------------------------------------------------- years


@given(st.integers(min_value=1900, max_value=2200))
def test_years_be_and_ce_round_trip(ce):
    be = ce_to_be(ce)
    assert be_to_ce(be) == ce
    assert parse_year(ce) == ce
    assert parse_year(be) == ce
    assert parse_year(str(be)) == ce
    assert parse_year(to_thai_digits(str(be))) == ce
    assert parse_year(float(be)) == ce
    assert parse_year(f"พ.ศ. {be}") == ce
    assert parse_year(f"{ce} CE") == ce


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "missing_year"),
        (None, "missing_year"),
        ("ปีที่แล้ว", "bad_year"),
        ("2023.5", "bad_year"),
        (2023.5, "bad_year"),
        ("พ.ศ. 2023", "bad_year"),  # marked B.E. but a CE number
        ("2566 CE", "bad_year"),
        (dt.datetime(2023, 1, 1), "date_year"),
        (dt.date(2023, 1, 1), "date_year"),
        (True, "bad_year"),
    ],
)
def test_parse_year_rejects(text, code):
    with pytest.raises(CellError) as info:
        parse_year(text)
    assert info.value.code == code


def test_year_headers():
    assert parse_year_header("2566") == 2023
    assert parse_year_header(2010) == 2010
    assert parse_year_header(2010.0) == 2010
    assert parse_year_header("๒๕๖๖") == 2023
    assert parse_year_header("unit") is None
    assert parse_year_header(45000) is None  # an Excel date serial is not a year
    assert parse_year_header(None) is None


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("town", "town"),
        ("Town", "town"),
        ("เทศบาล", "town"),
        ("town_id", "town"),
        ("ตัวชี้วัด", "indicator"),
        ("Indicator", "indicator"),
        ("ปี", "year"),
        ("ปี พ.ศ.", "year"),
        ("ปี  พ.ศ.", "year"),
        ("Year", "year"),
        ("ค่า", "value"),
        ("Value*", "value"),
        ("ค่า / value", "value"),
        ("หน่วย (unit)", "unit"),
        ("หน่วย", "unit"),
        ("แหล่งข้อมูล", "source"),
        ("Source", "source"),
        ("หมายเหตุ", "note"),
        ("note", "note"),
        ("province", None),
        ("", None),
    ],
)
def test_normalise_header(header, canonical):
    assert normalise_header(header) == canonical


# --------------------------------------------------------------------------- towns and indicators


def test_towns_resolve_by_id_thai_and_english_name():
    assert TOWN_LOOKUP.resolve("nakhon-sawan") == "nakhon-sawan"
    assert TOWN_LOOKUP.resolve("เทศบาลนครนครสวรรค์") == "nakhon-sawan"
    assert TOWN_LOOKUP.resolve("  nakhon sawan city  MUNICIPALITY ") == "nakhon-sawan"


def test_unknown_town_suggests_the_registry_spelling():
    with pytest.raises(CellError) as info:
        TOWN_LOOKUP.resolve("เทศบาลตำบลน้ำเชี่ยวว")
    assert info.value.code == "unknown_town"
    assert "Did you mean 'เทศบาลตำบลน้ำเชี่ยว'" in info.value.reason


def test_nan_is_not_a_town():
    with pytest.raises(CellError, match="unknown town 'nan'"):
        TOWN_LOOKUP.resolve("nan")


def test_indicators_resolve_by_id_and_names():
    ind = CATALOGUE.get("pm25_annual")
    for name in (ind.id, ind.name_en, ind.name_th, ind.name_en.upper()):
        assert INDICATORS.resolve(name) == "pm25_annual"
    with pytest.raises(CellError) as info:
        INDICATORS.resolve("noise")
    assert info.value.code == "unknown_indicator"


# --------------------------------------------------------------------------- units

ALIASES = [
    (i.id, alias, factor) for i in CATALOGUE.indicators for alias, factor in i.unit_aliases.items()
]


@pytest.mark.parametrize(("indicator_id", "alias", "factor"), ALIASES)
def test_every_catalogue_alias_converts_with_its_factor(indicator_id, alias, factor):
    assert INDICATORS.unit_factor(indicator_id, alias) == factor
    assert INDICATORS.unit_factor(indicator_id, f" {alias.upper()} ") == factor


def test_canonical_unit_and_symbols_are_accepted():
    for ind in CATALOGUE.indicators:
        info = CATALOGUE.units[ind.unit]
        for spelling in (ind.unit, info.symbol, info.symbol_th):
            assert INDICATORS.unit_factor(ind.id, spelling) == 1.0


def test_unit_key_folds_micro_sign_and_superscripts():
    assert unit_key("µg/m³") == unit_key("μg/m3") == unit_key("ug/m3".replace("u", "μ"))


def test_unknown_and_missing_unit():
    with pytest.raises(CellError) as info:
        INDICATORS.unit_factor("pm25_annual", "ppm")
    assert info.value.code == "unknown_unit"
    assert "ug/m3" in info.value.reason
    with pytest.raises(CellError) as info:
        INDICATORS.unit_factor("pm25_annual", "")
    assert info.value.code == "missing_unit"


@given(
    st.sampled_from(ALIASES),
    st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False),
)
def test_unit_conversion_round_trips(alias_case, value):
    indicator_id, alias, factor = alias_case
    canonical = value * INDICATORS.unit_factor(indicator_id, alias)
    back = canonical / factor
    assert math.isclose(back, value, rel_tol=1e-12)
