"""Entry points: analyse_town / analyse_all / town_scores / plan_counts."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import ParameterError, SeriesError
from analysis.stats import (
    PLAN_CLASSES,
    TownAnalysis,
    analyse_all,
    analyse_town,
    plan_counts,
    town_scores,
)
from analysis.synthetic.series import TownTraits, generate_series

CAT = load_catalogue()
TOWNS = [TownTraits("nan_town", north=True), TownTraits("takhli"), TownTraits("trat", rural=True)]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return generate_series(TOWNS, CAT, seed=5)


def test_analyse_town_tables(data):
    res = analyse_town(data, CAT, "takhli")
    assert isinstance(res, TownAnalysis) and res.town_id == "takhli"
    n_ind = data.loc[data.town_id == "takhli", "indicator_id"].nunique()
    for name in ("trends", "latest_status", "progress", "plan"):
        table = getattr(res, name)
        assert len(table) == n_ind and set(table["town_id"]) == {"takhli"}
    assert set(res.projections["kind"]) == {"observed", "fitted", "projected"}
    assert res.projections["year"].max() == 2037
    assert set(res.plan["plan_class"]) <= set(PLAN_CLASSES)
    assert res.milestones["phase_end"].max() == 2037
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.horizon = 2040  # type: ignore[misc]


def test_analyse_all_town_equals_analyse_town(data):
    full = analyse_all(data, CAT, horizon=2035, progress_method="statcan")
    one = analyse_town(data, CAT, "trat", horizon=2035, progress_method="statcan")
    part = full.town("trat")
    for f in ("trends", "latest_status", "progress", "plan", "milestones"):
        pd.testing.assert_frame_equal(getattr(part, f), getattr(one, f))
        assert getattr(one, f)["town_id"].dtype == "str"
    assert part.progress["method"].iloc[0] == "statcan"
    assert full.town_ids == ("nan_town", "takhli", "trat")


def test_unknown_town(data):
    with pytest.raises(SeriesError, match="nowhere"):
        analyse_town(data, CAT, "nowhere")
    with pytest.raises(ParameterError):
        analyse_all(data, CAT).town("nowhere")


def test_scores_and_counts(data):
    s = town_scores(data, CAT)
    assert set(s.columns) >= {"town_id", "theme", "score", "rank"}
    assert set(s["theme"]) == {"air", "water", "waste", "green", "biodiversity", "overall"}
    assert s["score"].between(0, 100).all()
    counts = plan_counts(analyse_all(data, CAT))
    assert list(counts.columns) == ["town_id", *PLAN_CLASSES]
    per_town = data.groupby("town_id")["indicator_id"].nunique()
    assert (counts.set_index("town_id")[list(PLAN_CLASSES)].sum(axis=1) == per_town).all()


def test_extra_indicator_ids_map_to_base(data):
    extra = generate_series(TOWNS[:1], CAT, indicators=["pm25_annual", "pm25_annual__1"])
    res = analyse_town(extra, CAT, "nan_town")
    ls = res.latest_status.set_index("indicator_id")
    assert ls.loc["pm25_annual__1", "th_value"] == 15.0
    assert res.plan["indicator_id"].astype(str).tolist() == ["pm25_annual", "pm25_annual__1"]
