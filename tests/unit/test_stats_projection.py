"""Projections: agreement with statsmodels, natural bounds, flags."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from unit_builders import indicator_frame

from analysis.catalogue import load_catalogue
from analysis.stats import projection_table
from analysis.stats.projection import _log_offset, transform_for

CAT = load_catalogue()


frame = indicator_frame


@pytest.mark.parametrize(
    ("ind", "values"),
    [
        ("pm25_annual", [31, 29, 30, 26, 27, 24, 25, 22, 21, 22.5]),  # log scale
        ("river_wqi", [55, 57, 56, 60, 59, 63, 62, 66, 65, 68]),  # logit on [0, 100]
        ("native_bird_species", [30, 31, 33, 32, 35, 37, 36, 40, 41, 43]),  # logit [0, 2000]
    ],
)
def test_matches_statsmodels_prediction_interval(ind, values):
    years = np.array([2012, 2013, 2014, 2016, 2017, 2018, 2019, 2021, 2022, 2024])
    p = projection_table(frame(ind, years, values), CAT, horizon=2037)
    tr = transform_for(CAT, ind)
    v = np.asarray(values, dtype=float)
    off = _log_offset(v[None, :], np.ones((1, len(v)), bool), tr)[0]
    fit = sm.OLS(tr.forward(v, off), sm.add_constant(years.astype(float))).fit()
    fut = np.arange(2025, 2038, dtype=float)
    sf = fit.get_prediction(sm.add_constant(fut, has_constant="add")).summary_frame(alpha=0.05)
    proj = p[p["kind"] == "projected"]
    assert proj["year"].tolist() == list(range(2025, 2038))
    np.testing.assert_allclose(proj["mean"], tr.inverse(sf["mean"].to_numpy(), off), atol=1e-9)
    np.testing.assert_allclose(
        proj["lo"], tr.inverse(sf["obs_ci_lower"].to_numpy(), off), atol=1e-9
    )
    np.testing.assert_allclose(
        proj["hi"], tr.inverse(sf["obs_ci_upper"].to_numpy(), off), atol=1e-9
    )
    fitted = p[p["kind"] == "fitted"]
    assert fitted["year"].tolist() == years.tolist()
    assert p[p["kind"] == "observed"]["mean"].tolist() == pytest.approx(v.tolist())
    assert set(p["method"][p["kind"] != "observed"]) == {f"ols_{tr.name}"}


def test_flags():
    short = frame("pm25_annual", [2021, 2022, 2023, 2024], [20, 19, 18, 17])
    p = projection_table(short, CAT, horizon=2037)
    assert set(p.loc[p["kind"] != "observed", "flag"]) == {"few_points;long_extrapolation"}
    long_ = frame("pm25_annual", range(2010, 2025), np.linspace(30, 20, 15))
    p = projection_table(long_, CAT, horizon=2037)
    assert set(p.loc[p["kind"] != "observed", "flag"]) == {""}


def test_too_few_points_only_observed():
    p = projection_table(frame("pm25_annual", [2023, 2024], [20, 19]), CAT)
    assert set(p["kind"]) == {"observed"} and set(p["flag"]) == {"too_few_points"}


def test_constant_series_at_bound_stays_constant():
    p = projection_table(frame("waste_collection_pct", range(2015, 2025), [100.0] * 10), CAT)
    assert (p["mean"] == 100).all()
    assert (p.loc[p.kind != "observed", ["lo", "hi"]] == 100).all().all()


def test_horizon_parameter():
    p = projection_table(
        frame("pm25_annual", range(2015, 2025), np.linspace(30, 20, 10)), CAT, horizon=2030
    )
    assert p.loc[p.kind == "projected", "year"].max() == 2030


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=4, max_size=12),
    st.sampled_from(["river_wqi", "waste_recycled_pct", "pm25_annual", "river_do"]),
)
def test_projections_stay_within_natural_bounds(values, ind):
    lo_b, hi_b = CAT.get(ind).bounds
    vals = np.clip(values, lo_b, hi_b if hi_b is not None else np.inf)
    p = projection_table(frame(ind, range(2013, 2013 + len(vals)), vals), CAT, horizon=2037)
    cols = p[["mean", "lo", "hi"]].to_numpy()
    finite = cols[~np.isnan(cols)]
    assert (finite >= lo_b).all()
    if hi_b is not None:
        assert (finite <= hi_b).all()
    proj = p[p.kind == "projected"]
    assert (proj["lo"] <= proj["mean"] + 1e-9).all() and (proj["mean"] <= proj["hi"] + 1e-9).all()
