"""Status against the yardsticks in force on 1 January, and the latest-status light."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from unit_builders import indicator_frame

from analysis.catalogue import load_catalogue
from analysis.catalogue.load import DEFAULT_CATALOGUE
from analysis.stats import latest_status, status_table, trend_table

CAT = load_catalogue()


frame = indicator_frame


def test_year_judged_by_standard_in_force_on_1_january():
    # Thai PM2.5 annual: 25 until 8 Jul 2022, 15 from 9 Jul 2022 -> 2022 is judged by 25.
    st = status_table(frame("pm25_annual", [2021, 2022, 2023], [20, 20, 20]), CAT)
    thai = st[st["issuer"] == "TH_NEB"].set_index("year")
    assert thai["standard_value"].to_dict() == {2021: 25.0, 2022: 25.0, 2023: 15.0}
    assert thai["passes"].to_dict() == {2021: True, 2022: True, 2023: False}
    assert thai["margin"].to_dict() == {2021: 5.0, 2022: 5.0, 2023: -5.0}
    assert thai["standard_changed_in_year"].to_dict() == {2021: False, 2022: True, 2023: False}
    who = st[st["issuer"] == "WHO"].set_index("year")["standard_value"].to_dict()
    assert who == {2021: 10.0, 2022: 5.0, 2023: 5.0}  # AQG 2021 from 22 Sep 2021
    in_force = {(s.issuer, s.value) for s in CAT.get("pm25_annual").standards_in_force(2022)}
    y22 = st[(st.year == 2022) & (st.category != "target")]
    assert set(zip(y22.issuer, y22.standard_value, strict=True)) == in_force


def test_highest_24h_pm25_of_2023_is_judged_against_50_and_2024_against_37_5():
    # 37.5 in force from 1 Jun 2023; the 2023 peak falls in the Feb-Apr burning season.
    df = frame("pm25_24h_max", [2023, 2024], [45.0, 45.0])
    st = status_table(df, CAT)
    head = st[st["is_headline"]].set_index("year")
    assert head["standard_value"].to_dict() == {2023: 50.0, 2024: 37.5}
    assert head["passes"].to_dict() == {2023: True, 2024: False}
    assert head["standard_changed_in_year"].to_dict() == {2023: True, 2024: False}
    only_2023 = latest_status(frame("pm25_24h_max", [2022, 2023], [45.0, 45.0]), CAT).iloc[0]
    assert only_2023.headline_value == 50.0 and bool(only_2023.headline_pass)
    assert bool(only_2023.standard_changed_in_year)
    assert latest_status(df, CAT).iloc[0].light == "red"


def test_headline_is_a_legal_standard_and_unique_per_year():
    st = status_table(frame("pm25_annual", range(2015, 2025), np.linspace(30, 12, 10)), CAT)
    head = st[st["is_headline"]]
    assert head["year"].is_unique and len(head) == 10
    assert set(head["issuer_group"]) == {"th"} and set(head["category"]) == {"legal_standard"}


def test_only_legal_standards_and_targets_are_decisive():
    df = pd.concat(
        [frame(i.id, [2020, 2021, 2022], [5.0, 6.0, 7.0], town=i.id) for i in CAT.indicators]
    )
    st = status_table(df, CAT)
    assert set(st.loc[st["is_headline"], "category"]) == {"legal_standard", "target"}
    ctx = st[st["category"].isin(["guideline", "award_criterion", "index_band", "reference"])]
    assert len(ctx) and not ctx["is_headline"].any()
    ls = latest_status(df, CAT)
    assert set(ls["headline_category"].dropna()) <= {"legal_standard", "target"}
    # a red light only ever comes from a failed legal standard
    red = ls[ls["light"] == "red"]
    assert (red["headline_category"] == "legal_standard").all()
    assert (~red["headline_pass"].astype(bool)).all()


def test_min_kind_margin_positive_when_better():
    st = status_table(frame("river_do", [2020], [5.5]), CAT)
    row = st.iloc[0]
    assert row.kind == "min" and row.passes and row.margin == pytest.approx(1.5)
    assert row.margin_pct == pytest.approx(37.5)


def test_no_standard_in_force_before_it_existed():
    # ASEAN green-area criterion is in force from 2014 only; the plan target every year
    st = status_table(frame("green_area_pct", [2012, 2013, 2014], [12, 12, 12]), CAT)
    assert st.loc[st["issuer"] == "ASEAN", "year"].tolist() == [2014]
    assert st.loc[st["category"] == "target", "year"].tolist() == [2012, 2013, 2014]


def test_latest_status_columns_and_lights():
    df = pd.concat(
        [
            frame("pm25_annual", range(2015, 2025), np.linspace(30, 20, 10), town="red"),
            frame("pm25_annual", range(2015, 2025), [14.0] * 10, town="amber_near"),
            frame("pm25_annual", range(2015, 2025), np.linspace(30, 8, 10), town="green"),
            frame("pm25_annual", range(2015, 2025), np.linspace(5, 12, 10), town="amber_worse"),
            frame("waste_per_capita", range(2015, 2025), [1.0] * 10, town="target_met"),
            frame("waste_per_capita", range(2015, 2025), [1.2] * 10, town="target_not_yet"),
        ]
    )
    t = trend_table(df, CAT)
    ls = latest_status(df, CAT, trends=t).set_index("town_id")
    assert ls.loc["red", "light"] == "red"
    assert ls.loc["amber_near", "light"] == "amber"  # 14 is within 10 % of 15
    assert ls.loc["green", "light"] == "green"
    assert ls.loc["amber_worse", "light"] == "amber"  # passes but worsening
    assert ls.loc["target_met", "light"] == "green"  # no legal standard: target 1.0 met
    assert ls.loc["target_not_yet", "light"] == "amber"  # not yet at target, never red
    g = ls.loc["green"]
    assert g.th_issuer == "TH_NEB" and g.th_value == 15.0 and bool(g.th_pass)
    assert g.who_value == 5.0 and not bool(g.who_pass)
    assert g.who_margin == pytest.approx(-3.0)
    assert pd.isna(ls.loc["green", "asean_value"]) and pd.isna(ls.loc["green", "asean_pass"])
    assert g.headline_issuer == "TH_NEB" and g.latest_year == 2024


def test_grey_without_legal_standard_or_target(tmp_path):
    data = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    for entry in data["indicators"]:
        if entry["id"] == "green_space_per_capita":
            entry.pop("target")
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    row = latest_status(frame("green_space_per_capita", [2020], [5.0]), load_catalogue(path))
    assert row.iloc[0].light == "grey" and not bool(row.iloc[0].ref_pass)  # 9 m² not met


def test_without_a_legal_standard_the_plan_target_decides_and_is_never_red():
    # ASEAN ESC A1 (< 15 days) is an award criterion: context, not pass/fail
    ls = latest_status(frame("aqi_unhealthy_days", [2020, 2021], [10, 20]), CAT)
    row = ls.iloc[0]
    assert row.headline_issuer == "PLAN" and row.headline_category == "target"
    assert row.light == "amber" and not bool(row.headline_pass)  # not yet at target
    assert row.headline_margin == pytest.approx(-5.0)
    assert row.asean_value == 15.0 and not bool(row.asean_pass)
    met = latest_status(frame("aqi_unhealthy_days", [2020, 2021], [10, 12]), CAT).iloc[0]
    assert met.light == "green"


def test_green_space_per_capita_judged_by_onep_target_with_9_as_reference():
    ls = latest_status(frame("green_space_per_capita", [2020, 2021], [10.0, 12.0]), CAT)
    row = ls.iloc[0]
    assert row.headline_category == "target" and row.headline_value == 15.0
    assert row.light == "amber"
    assert row.ref_issuer == "OTHER" and row.ref_value == 9.0 and bool(row.ref_pass)
    assert pd.isna(row.who_value) and pd.isna(row.th_value)


def test_roadmap_target_is_a_reference_only_until_2021():
    st = status_table(frame("waste_proper_disposal_pct", [2020, 2021, 2022], [50] * 3), CAT)
    ref = st[st["category"] == "reference"]
    assert ref["year"].tolist() == [2020, 2021] and not ref["is_headline"].any()
    assert set(st.loc[st["is_headline"], "category"]) == {"target"}


@pytest.mark.parametrize(
    "ind", ["pm25_annual", "pm25_24h_max", "pm10_annual", "green_space_per_capita"]
)
def test_vectorised_status_agrees_with_catalogue_rules(ind):
    entry = CAT.get(ind)
    years = list(range(2000, 2031))
    values = np.linspace(2, 60, len(years))
    st = status_table(frame(ind, years, values), CAT)
    for year, value in zip(years, values, strict=True):
        got = st[(st["year"] == year) & (st["category"] != "target")]
        want = entry.standards_in_force(year)
        assert sorted(zip(got["issuer"], got["standard_value"], strict=True)) == sorted(
            (s.issuer, s.value) for s in want
        )
        for s in want:
            row = got[(got["issuer"] == s.issuer) & (got["standard_value"] == s.value)].iloc[0]
            assert bool(row.passes) == s.passes(value)
