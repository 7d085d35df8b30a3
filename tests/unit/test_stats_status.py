"""Status against the standards in force, and the latest-status traffic light."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from unit_builders import indicator_frame

from analysis.catalogue import load_catalogue
from analysis.stats import latest_status, status_table, trend_table

CAT = load_catalogue()


frame = indicator_frame


def test_year_judged_by_standard_in_force_on_31_december():
    # Thai PM2.5 annual: 25 until 8 Jul 2022, 15 from 9 Jul 2022 -> 2022 is judged by 15.
    st = status_table(frame("pm25_annual", [2021, 2022, 2023], [20, 20, 20]), CAT)
    thai = st[st["issuer"] == "TH_NEB"].set_index("year")
    assert thai["standard_value"].to_dict() == {2021: 25.0, 2022: 15.0, 2023: 15.0}
    assert thai["passes"].to_dict() == {2021: True, 2022: False, 2023: False}
    assert thai["margin"].to_dict() == {2021: 5.0, 2022: -5.0, 2023: -5.0}
    who = st[st["issuer"] == "WHO"].set_index("year")["standard_value"].to_dict()
    assert who == {2021: 5.0, 2022: 5.0, 2023: 5.0}  # AQG 2021 from 22 Sep 2021
    in_force = {(s.issuer, s.value) for s in CAT.get("pm25_annual").standards_in_force(2022)}
    assert (
        set(zip(st[st.year == 2022].issuer, st[st.year == 2022].standard_value, strict=True))
        == in_force
    )


def test_headline_is_thai_and_unique_per_year():
    st = status_table(frame("pm25_annual", range(2015, 2025), np.linspace(30, 12, 10)), CAT)
    head = st[st["is_headline"]]
    assert head["year"].is_unique and len(head) == 10
    assert set(head["issuer_group"]) == {"th"}


def test_min_kind_margin_positive_when_better():
    st = status_table(frame("river_do", [2020], [5.5]), CAT)
    row = st.iloc[0]
    assert row.kind == "min" and row.passes and row.margin == pytest.approx(1.5)
    assert row.margin_pct == pytest.approx(37.5)


def test_no_standard_in_force_before_it_existed():
    # ASEAN green-area criterion is in force from 2014 only
    st = status_table(frame("green_area_pct", [2012, 2013, 2014], [12, 12, 12]), CAT)
    assert st["year"].tolist() == [2014]


def test_latest_status_columns_and_lights():
    df = pd.concat(
        [
            frame("pm25_annual", range(2015, 2025), np.linspace(30, 20, 10), town="red"),
            frame("pm25_annual", range(2015, 2025), [14.0] * 10, town="amber_near"),
            frame("pm25_annual", range(2015, 2025), np.linspace(30, 8, 10), town="green"),
            frame("pm25_annual", range(2015, 2025), np.linspace(5, 12, 10), town="amber_worse"),
            frame("waste_per_capita", range(2015, 2025), [1.0] * 10, town="grey"),
        ]
    )
    t = trend_table(df, CAT)
    ls = latest_status(df, CAT, trends=t).set_index("town_id")
    assert ls.loc["red", "light"] == "red"
    assert ls.loc["amber_near", "light"] == "amber"  # 14 is within 10 % of 15
    assert ls.loc["green", "light"] == "green"
    assert ls.loc["amber_worse", "light"] == "amber"  # passes but worsening
    assert ls.loc["grey", "light"] == "grey"
    g = ls.loc["green"]
    assert g.th_issuer == "TH_NEB" and g.th_value == 15.0 and bool(g.th_pass)
    assert g.who_value == 5.0 and not bool(g.who_pass)
    assert g.who_margin == pytest.approx(-3.0)
    assert pd.isna(ls.loc["green", "asean_value"]) and pd.isna(ls.loc["green", "asean_pass"])
    assert g.headline_issuer == "TH_NEB" and g.latest_year == 2024


def test_headline_falls_back_to_asean_when_no_thai_standard():
    ls = latest_status(frame("aqi_unhealthy_days", [2020, 2021], [10, 20]), CAT)
    row = ls.iloc[0]
    assert row.headline_issuer == "ASEAN" and row.light == "red"
    assert row.headline_margin == pytest.approx(-5.0)


@pytest.mark.parametrize(
    "ind", ["pm25_annual", "pm25_24h_max", "pm10_annual", "green_space_per_capita"]
)
def test_vectorised_status_agrees_with_catalogue_rules(ind):
    entry = CAT.get(ind)
    years = list(range(2000, 2031))
    values = np.linspace(2, 60, len(years))
    st = status_table(frame(ind, years, values), CAT)
    for year, value in zip(years, values, strict=True):
        got = st[st["year"] == year]
        want = entry.standards_in_force(year)
        assert sorted(zip(got["issuer"], got["standard_value"], strict=True)) == sorted(
            (s.issuer, s.value) for s in want
        )
        for s in want:
            row = got[(got["issuer"] == s.issuer) & (got["standard_value"] == s.value)].iloc[0]
            assert bool(row.passes) == s.passes(value)
