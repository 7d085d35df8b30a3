"""Cross-town scores, ranks and the ASEAN ESC shortlist."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.stats import esc_shortlist, indicator_scores, score_table

CAT = load_catalogue()


def latest_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["town_id", "indicator_id", "year", "value"])


DATA = latest_frame(
    [
        ("a", "pm25_annual", 2024, 10.0),
        ("b", "pm25_annual", 2024, 20.0),
        ("c", "pm25_annual", 2024, 30.0),
        ("a", "river_wqi", 2024, 50.0),
        ("b", "river_wqi", 2024, 90.0),
        ("c", "river_wqi", 2024, 70.0),
        ("a", "river_do", 2024, 5.0),
        ("b", "river_do", 2024, 5.0),
        ("c", "river_do", 2024, 5.0),
    ]
)


def test_indicator_scores_use_direction():
    s = indicator_scores(DATA, CAT).set_index(["town_id", "indicator_id"])["indicator_score"]
    assert s[("a", "pm25_annual")] == 100 and s[("c", "pm25_annual")] == 0
    assert s[("b", "river_wqi")] == 100 and s[("c", "river_wqi")] == 50
    assert s[("a", "river_do")] == 50  # all equal


def test_theme_and_overall_scores_and_ranks():
    t = score_table(DATA, CAT).set_index(["theme", "town_id"])
    assert t.loc[("water", "b"), "score"] == pytest.approx(75.0)
    assert t.loc[("water", "a"), "score"] == pytest.approx(25.0)
    assert t.loc[("overall", "a"), "score"] == pytest.approx((100 + 25) / 2)
    assert t.loc[("overall", "b"), "score"] == pytest.approx((50 + 75) / 2)
    assert t.loc[("overall", "a"), "rank"] == 1 and t.loc[("overall", "b"), "rank"] == 1
    assert t.loc[("overall", "c"), "rank"] == 3
    assert t.loc[("water", "b"), "n_indicators"] == 2


def test_shortlist_requires_passing_standards():
    short = esc_shortlist(DATA, CAT, top=3, min_score=0)
    air = short[short["theme"] == "air"]
    # only a (10) meets the Thai limit of 15; b (20) and c (30) fail it
    assert set(air["town_id"]) == {"a"}
    water = short[short["theme"] == "water"]
    # a's WQI 50 is below the PCD "fair" band (61), but an index band is context, not law;
    # river DO 5 meets the legal NEB No. 8 minimum of 4 in every town
    assert set(water["town_id"]) == {"a", "b", "c"}
    assert water.groupby("town_id")["indicator_id"].apply(set).to_dict()["b"] == {
        "river_wqi",
        "river_do",
    }
    assert (
        water.set_index(["town_id", "indicator_id"]).loc[("b", "river_wqi"), "latest_value"] == 90.0
    )
