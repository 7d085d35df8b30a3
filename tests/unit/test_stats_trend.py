"""Trend tests: reference vectors, agreement with pymannkendall/scipy/statsmodels, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.catalogue import load_catalogue
from analysis.errors import DataError, SeriesError
from analysis.stats import build_panel, catalogue_row_for, trend_table

CAT = load_catalogue()
# domain.md 6.2 A (Holy Cross hand-worked example), n = 14
HOLY_CROSS = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]


def frame(values, years=None, town="t", ind="river_wqi") -> pd.DataFrame:
    years = list(range(2000, 2000 + len(values))) if years is None else list(years)
    return pd.DataFrame(
        {
            "town_id": town,
            "indicator_id": ind,
            "year": years,
            "value": np.asarray(values, dtype=float),
        }
    )


def test_hand_worked_mann_kendall_example():
    row = trend_table(frame(HOLY_CROSS), CAT).iloc[0]
    assert row.mk_s == 54
    assert row.mk_var_s == pytest.approx(332.6666667, abs=1e-6)
    assert row.mk_z == pytest.approx(2.905837, abs=1e-6)
    assert row.mk_p == pytest.approx(0.0036627, abs=1e-6)
    assert row.tau == pytest.approx(0.593407, abs=1e-6)
    assert row.sen_slope == pytest.approx(0.5666667, abs=1e-6)
    assert row.sen_intercept == pytest.approx(11.966667, abs=1e-6)
    assert row.mk_trend == "increasing"
    assert row.change == "improving"  # WQI: higher is better
    assert row.status == "ok"


def test_hamed_rao_reference_values():
    row = trend_table(frame(HOLY_CROSS), CAT).iloc[0]
    assert row.hr_var_s == pytest.approx(272.91969, abs=1e-5)
    assert row.hr_z == pytest.approx(3.208178, abs=1e-6)
    assert row.hr_p == pytest.approx(0.0013358, abs=1e-7)
    assert row.hr_trend == "increasing"


def random_series(seed: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(4, 18))
        # rounding creates ties; a drift makes some trends significant
        out.append(np.round(rng.normal(size=n).cumsum() + rng.normal() * np.arange(n), 1))
    return out


def test_vectorised_matches_pymannkendall_and_scipy():
    series = random_series(7, 120)
    df = pd.concat([frame(v, town=f"t{k:03d}") for k, v in enumerate(series)])
    table = trend_table(df, CAT).set_index("town_id")
    for k, v in enumerate(series):
        row = table.loc[f"t{k:03d}"]
        o = mk.original_test(v)
        h = mk.hamed_rao_modification_test(v)
        ts = stats.theilslopes(v, np.arange(len(v)))
        assert row.mk_s == o.s
        np.testing.assert_allclose(
            [
                row.mk_var_s,
                row.mk_z,
                row.mk_p,
                row.tau,
                row.sen_slope,
                row.sen_intercept,
                row.sen_lo,
                row.sen_hi,
                row.hr_var_s,
                row.hr_z,
                row.hr_p,
            ],
            [
                o.var_s,
                o.z,
                o.p,
                o.Tau,
                o.slope,
                o.intercept,
                ts.low_slope,
                ts.high_slope,
                h.var_s,
                h.z,
                h.p,
            ],
            rtol=0,
            atol=1e-9,
        )
        assert row.mk_trend == o.trend
        assert row.hr_trend == h.trend


def test_hamed_rao_lag3_matches_pymannkendall():
    series = random_series(11, 40)
    df = pd.concat([frame(v, town=f"t{k:03d}") for k, v in enumerate(series)])
    table = trend_table(df, CAT, hr_lag=3).set_index("town_id")
    for k, v in enumerate(series):
        h = mk.hamed_rao_modification_test(v, lag=3)
        row = table.loc[f"t{k:03d}"]
        np.testing.assert_allclose([row.hr_var_s, row.hr_p], [h.var_s, h.p], atol=1e-9)


def test_ols_matches_statsmodels_with_gaps():
    rng = np.random.default_rng(3)
    years = np.array([2010, 2011, 2013, 2014, 2017, 2018, 2020, 2024])
    values = 50 + 0.8 * (years - 2010) + rng.normal(size=len(years))
    row = trend_table(frame(values, years), CAT).iloc[0]
    fit = sm.OLS(values, sm.add_constant(years.astype(float))).fit()
    lo, hi = fit.conf_int(alpha=0.05)[1]
    np.testing.assert_allclose(
        [row.ols_slope, row.ols_lo, row.ols_hi, row.ols_p],
        [fit.params[1], lo, hi, fit.pvalues[1]],
        atol=1e-9,
    )


def test_gaps_use_actual_years_for_sen_slope():
    years = [2010, 2011, 2015, 2016, 2020]
    values = [1.0, 2.0, 6.0, 7.0, 11.0]  # exactly +1 per calendar year
    row = trend_table(frame(values, years), CAT).iloc[0]
    ts = stats.theilslopes(values, years)
    assert row.sen_slope == pytest.approx(1.0)
    assert row.sen_slope == pytest.approx(ts.slope)
    assert (row.sen_lo, row.sen_hi) == pytest.approx((ts.low_slope, ts.high_slope))
    assert row.sen_intercept == pytest.approx(1.0)  # the line's value at first_year
    assert (row.first_year, row.last_year, row.n) == (2010, 2020, 5)


def test_too_few_points_gives_no_test():
    row = trend_table(frame([1.0, 2.0, 3.0]), CAT).iloc[0]
    assert row.status == "too_few_points"
    assert row.change == "insufficient"
    assert np.isnan(row.mk_p) and np.isnan(row.sen_slope) and np.isnan(row.ols_slope)
    assert row.n == 3


def test_flat_series_is_no_trend_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = trend_table(frame([5.0] * 10), CAT).iloc[0]
    assert row.mk_s == 0 and row.mk_p == 1.0 and row.hr_p == 1.0
    assert row.ols_p == 1.0 and row.sen_slope == 0.0
    assert row.mk_trend == "no trend" and row.change == "no_trend"


def test_perfectly_linear_series_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = trend_table(frame(np.arange(8.0)), CAT).iloc[0]
    assert row.ols_slope == pytest.approx(1.0)
    assert row.ols_lo == pytest.approx(1.0) and row.ols_p == 0.0
    assert row.hr_trend == "increasing"


def test_direction_from_catalogue_and_base_id_mapping():
    values = np.arange(10.0)
    df = pd.concat([frame(values, ind="pm25_annual"), frame(values, ind="river_wqi__2")])
    t = trend_table(df, CAT).set_index("indicator_id")
    assert t.loc["pm25_annual", "change"] == "worsening"  # rising PM2.5 is bad
    assert t.loc["river_wqi__2", "change"] == "improving"
    assert catalogue_row_for(CAT, "river_wqi__2").id == "river_wqi"


def test_unsorted_rows_are_sorted():
    df = frame(HOLY_CROSS).sample(frac=1.0, random_state=1)
    assert trend_table(df, CAT).iloc[0].mk_s == 54


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.assign(value=d["value"].where(d["year"] != 2003)), "2003"),
        (
            lambda d: d.assign(value=d["value"].astype(object).where(d["year"] != 2004, "n/a")),
            "not a number",
        ),
        (lambda d: pd.concat([d, d.iloc[[2]]]), "more than once"),
        (lambda d: d.assign(value=d["value"].where(d["year"] != 2001, np.inf)), "not finite"),
        (lambda d: d.assign(year=d["year"].astype(float) + 0.5), "whole year"),
    ],
)
def test_bad_input_names_town_and_indicator(mutate, needle):
    df = mutate(frame(HOLY_CROSS, town="nan_town", ind="pm10_annual"))
    with pytest.raises(SeriesError) as info:
        trend_table(df, CAT)
    assert info.value.town_id == "nan_town"
    assert info.value.indicator_id == "pm10_annual"
    assert needle in str(info.value)
    assert "nan_town / pm10_annual" in str(info.value)


def test_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="value"):
        build_panel(frame(HOLY_CROSS).drop(columns="value"))


def test_empty_frame_gives_empty_table():
    out = trend_table(frame([]), CAT)
    assert out.empty
    assert "change" in out.columns


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=4, max_size=15))
def test_reversing_direction_flips_trend_sign(raw):
    values = np.asarray(raw, dtype=float)
    df = pd.concat(
        [frame(values, town="a"), frame(-values, town="b"), frame(values[::-1], town="c")]
    )
    t = trend_table(df, CAT).set_index("town_id")
    for other in ("b", "c"):
        assert t.loc[other, "mk_s"] == -t.loc["a", "mk_s"]
        assert t.loc[other, "mk_z"] == pytest.approx(-t.loc["a", "mk_z"], abs=1e-12)
        assert t.loc[other, "sen_slope"] == pytest.approx(-t.loc["a", "sen_slope"], abs=1e-12)
        assert t.loc[other, "mk_p"] == pytest.approx(t.loc["a", "mk_p"], abs=1e-12)
    flip = {"improving": "worsening", "worsening": "improving", "no_trend": "no_trend"}
    assert t.loc["b", "change"] == flip[t.loc["a", "change"]]
