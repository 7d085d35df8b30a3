"""Projections: agreement with statsmodels, the withholding rule, natural bounds, flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from unit_builders import indicator_frame

from analysis.catalogue import load_catalogue
from analysis.stats import projection_table
from analysis.stats.projection import (
    METHOD,
    MIN_PROJECTION_POINTS,
    PROJECTION_COLUMNS,
    bounds_arrays,
)

CAT = load_catalogue()
frame = indicator_frame
# Real PCD annual PM2.5 pattern for Nan 2019-2024: six points, a burning-season spike.
NAN_PM25 = ([2019, 2020, 2021, 2022, 2023, 2024], [31.0, 27.5, 24.1, 19.8, 35.2, 22.6])


@pytest.mark.parametrize(
    ("ind", "values"),
    [
        ("pm25_annual", [31, 29, 30, 26, 27, 24, 25, 22, 21, 22.5, 21.0, 20.5]),
        ("river_wqi", [55, 57, 56, 60, 59, 63, 62, 66, 65, 68, 67, 69]),
        ("native_bird_species", [30, 31, 33, 32, 35, 37, 36, 40, 41, 43, 44, 44]),
    ],
)
def test_matches_statsmodels_prediction_interval(ind, values):
    years = np.array([2010, 2011, 2012, 2013, 2014, 2016, 2017, 2018, 2019, 2021, 2022, 2024])
    p = projection_table(frame(ind, years, values), CAT, horizon=2037)
    v = np.asarray(values, dtype=float)
    fit = sm.OLS(v, sm.add_constant(years.astype(float))).fit()
    fut = np.arange(2025, 2038, dtype=float)
    sf = fit.get_prediction(sm.add_constant(fut, has_constant="add")).summary_frame(alpha=0.05)
    proj = p[p["kind"] == "projected"]
    assert proj["year"].tolist() == list(range(2025, 2038))
    # These series stay inside their bounds, so the censored fit is the plain OLS fit.
    assert set(proj["flag"]) == {""}
    np.testing.assert_allclose(proj["mean"], sf["mean"], atol=1e-9)
    np.testing.assert_allclose(proj["lo"], sf["obs_ci_lower"], atol=1e-9)
    np.testing.assert_allclose(proj["hi"], sf["obs_ci_upper"], atol=1e-9)
    fitted = p[p["kind"] == "fitted"]
    assert fitted["year"].tolist() == years.tolist()
    np.testing.assert_allclose(fitted["mean"], fit.fittedvalues, atol=1e-9)
    assert p[p["kind"] == "observed"]["mean"].tolist() == pytest.approx(v.tolist())
    assert set(p["method"][p["kind"] != "observed"]) == {METHOD}
    assert set(p["method"][p["kind"] == "observed"]) == {""}


def test_columns_and_dtypes_are_parquet_friendly():
    p = projection_table(frame("pm25_annual", range(2015, 2025), np.linspace(30, 20, 10)), CAT)
    assert tuple(p.columns) == PROJECTION_COLUMNS
    assert not any(p[c].dtype == object for c in p.columns)
    assert p["n_points"].dtype == np.int64 and p["span_end"].dtype == np.int64


def test_nan_six_points_withheld_too_few_points():
    years, values = NAN_PM25
    p = projection_table(frame("pm25_annual", years, values), CAT, horizon=2037)
    assert "projected" not in set(p["kind"])
    held = p[p["kind"] == "withheld"]
    assert held["year"].tolist() == list(range(2025, 2038))
    assert set(held["withheld_reason"]) == {"too_few_points"}
    assert held[["mean", "lo", "hi"]].isna().all().all()
    assert (held["n_points"] == 6).all()
    # distinguishable from "no data": the observed rows are there, with no reason
    obs = p[p["kind"] == "observed"]
    assert len(obs) == 6 and set(obs["withheld_reason"]) == {""}


def test_fifteen_points_projected_to_2037():
    p = projection_table(
        frame("pm25_annual", range(2010, 2025), np.linspace(30, 20, 15)), CAT, horizon=2037
    )
    assert p.loc[p["kind"] == "projected", "year"].tolist() == list(range(2025, 2038))
    assert "withheld" not in set(p["kind"])
    assert (p["span_end"] == 2038).all()


def test_ten_points_projected_only_over_the_observed_span():
    p = projection_table(
        frame("river_wqi", range(2015, 2025), np.linspace(50, 60, 10)), CAT, horizon=2037
    )
    assert p.loc[p["kind"] == "projected", "year"].tolist() == list(range(2025, 2034))
    held = p[p["kind"] == "withheld"]
    assert held["year"].tolist() == [2034, 2035, 2036, 2037]
    assert set(held["withheld_reason"]) == {"beyond_observed_span"}
    assert held["mean"].isna().all()


def test_minimum_is_eight_points():
    assert MIN_PROJECTION_POINTS == 8
    seven = projection_table(frame("river_wqi", range(2011, 2025, 2), np.arange(7.0) + 50), CAT)
    eight = projection_table(frame("river_wqi", range(2010, 2025, 2), np.arange(8.0) + 50), CAT)
    assert "projected" not in set(seven["kind"])
    assert "projected" in set(eight["kind"])


def test_very_short_series_has_observed_and_withheld_rows_only():
    p = projection_table(frame("pm25_annual", [2023, 2024], [20, 19]), CAT)
    assert set(p["kind"]) == {"observed", "withheld"}
    assert set(p.loc[p["kind"] == "withheld", "withheld_reason"]) == {"too_few_points"}


def test_constant_series_at_bound_stays_exactly_constant():
    p = projection_table(frame("waste_collection_pct", range(2010, 2025), [100.0] * 15), CAT)
    fut = p[p.kind != "observed"]
    assert (p["mean"] == 100).all()
    assert (fut[["lo", "hi"]] == 100).all().all()
    assert set(fut["flag"]) == {""}  # exactly at the bound, not censored


def test_near_linear_share_is_not_an_s_curve_and_is_censored():
    # recycling 2 -> 11 % over 9 years: a linear projection, not logit's 62.7 % in 2037
    p = projection_table(
        frame("waste_recycled_pct", range(2012, 2025), np.linspace(2, 11, 13)), CAT
    )
    last = p[(p["kind"] == "projected") & (p["year"] == 2036)].iloc[0]
    assert last["mean"] == pytest.approx(11 + 12 * 0.75, abs=1e-9)
    # PM2.5 30 -> 8: the linear trend reaches 0 and is censored there, flagged at_bound
    wiggle = np.tile([0.8, -0.6, 0.3, -0.5], 4)[:13]
    q = projection_table(
        frame("pm25_annual", range(2012, 2025), np.linspace(30, 8, 13) + wiggle), CAT
    )
    fut = q[q["kind"] == "projected"]
    assert (fut[["mean", "lo", "hi"]] >= 0).all().all()
    assert set(fut.loc[fut["mean"] == 0, "flag"]) == {"at_bound"}
    assert "interval_at_bound" in set(fut["flag"])


def test_horizon_parameter():
    p = projection_table(
        frame("pm25_annual", range(2015, 2025), np.linspace(30, 20, 10)), CAT, horizon=2030
    )
    assert p.loc[p.kind == "projected", "year"].max() == 2030
    assert "withheld" not in set(p["kind"])


def test_bounds_arrays():
    lo, hi = bounds_arrays(CAT, pd.Categorical(["river_wqi", "pm25_annual__2"]))
    assert lo.tolist() == [0.0, 0.0] and hi.tolist() == [100.0, np.inf]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=16),
    st.sampled_from(["river_wqi", "waste_recycled_pct", "pm25_annual", "river_do"]),
)
def test_projections_stay_within_natural_bounds(values, ind):
    lo_b, hi_b = CAT.get(ind).bounds
    vals = np.clip(values, lo_b, hi_b if hi_b is not None else np.inf)
    p = projection_table(frame(ind, range(2009, 2009 + len(vals)), vals), CAT, horizon=2037)
    cols = p[["mean", "lo", "hi"]].to_numpy()
    finite = cols[~np.isnan(cols)]
    assert (finite >= lo_b).all()
    if hi_b is not None:
        assert (finite <= hi_b).all()
    proj = p[p.kind == "projected"]
    assert (proj["lo"] <= proj["mean"] + 1e-9).all() and (proj["mean"] <= proj["hi"] + 1e-9).all()
    # withholding rule
    n = len(vals)
    if len(proj):
        assert n >= MIN_PROJECTION_POINTS
        assert proj["year"].max() <= 2 * (2008 + n) - 2009
    held = p[p.kind == "withheld"]
    assert held[["mean", "lo", "hi"]].isna().all().all()
    assert len(proj) + len(held) == max(2037 - (2008 + n), 0)
