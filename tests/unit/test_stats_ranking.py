"""Cross-town relative scores and ranks (context for the ASEAN ESC screening)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.stats import indicator_scores, score_table

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


def test_scores_are_relative_and_not_award_criteria():
    # the same values among other towns give other scores: a rank, never an award band
    alone = score_table(DATA[DATA["town_id"].isin(["b", "c"])], CAT).set_index(["theme", "town_id"])
    full = score_table(DATA, CAT).set_index(["theme", "town_id"])
    assert alone.loc[("air", "b"), "score"] == 100.0
    assert full.loc[("air", "b"), "score"] == 50.0
    import analysis.stats as stats  # noqa: PLC0415

    assert not hasattr(stats, "esc_shortlist")
