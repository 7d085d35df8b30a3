"""Display formatting: B.E. years, Thai month names, numbers, escaping."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.report.fmt import esc, fmt_date, fmt_number, fmt_year, fmt_year_range


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
