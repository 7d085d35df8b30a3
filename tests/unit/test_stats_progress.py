"""Progress to targets: the domain worked example, categories, base-year rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import ParameterError
from analysis.stats import assess_progress, progress_table
from analysis.stats.progress import statcan_score

CAT = load_catalogue()
EXAMPLE = dict(
    base_year=2015,
    base_value=40.0,
    latest_year=2022,
    latest_value=52.0,
    target_value=80.0,
    target_year=2030,
    higher_is_better=True,
)


def test_worked_example_statcan():
    p = assess_progress(**EXAMPLE, method="statcan")
    assert p.cagr_actual == pytest.approx(0.0381919, abs=1e-6)
    assert p.cagr_required == pytest.approx(0.0472941, abs=1e-6)
    assert p.ratio == pytest.approx(0.80754, abs=1e-5)
    assert p.category == "acceleration_needed"
    # score: linear between R = 0.6 -> 0 and 1.3 -> 5
    assert p.score == pytest.approx((0.8075393568599837 - 0.6) / 0.7 * 5, abs=1e-9)


def test_worked_example_unsd():
    p = assess_progress(**EXAMPLE, method="unsd")
    assert p.cagr_actual == pytest.approx(0.0381919, abs=1e-6)
    assert p.progress_method_value == pytest.approx(70.1818, abs=1e-4)
    assert p.ratio == pytest.approx(0.75454, abs=1e-5)
    assert p.category == "acceleration_needed"


@pytest.mark.parametrize(
    ("latest", "method", "category"),
    [
        (85.0, "unsd", "achieved"),
        (60.0, "unsd", "on_track"),
        (40.5, "unsd", "stagnation_or_regression"),
        (35.0, "unsd", "stagnation_or_regression"),
        (85.0, "statcan", "achieved"),
        (60.0, "statcan", "on_track"),
        (45.0, "statcan", "limited_progress"),
        (35.0, "statcan", "deterioration"),
    ],
)
def test_categories_with_target(latest, method, category):
    args = {**EXAMPLE, "latest_value": latest}
    assert assess_progress(**args, method=method).category == category


def test_lower_is_better_mirrors():
    p = assess_progress(
        2015,
        30.0,
        2022,
        24.0,
        target_value=15.0,
        target_year=2030,
        higher_is_better=False,
        method="statcan",
    )
    assert p.cagr_actual < 0 and p.cagr_required < 0 and p.ratio > 0
    worse = assess_progress(
        2015,
        30.0,
        2022,
        33.0,
        target_value=15.0,
        target_year=2030,
        higher_is_better=False,
        method="statcan",
    )
    assert worse.category == "deterioration" and worse.score < 0


def test_base_already_beyond_target_then_regressing_is_not_on_track():
    p = assess_progress(
        2015,
        90.0,
        2022,
        70.0,
        target_value=80.0,
        target_year=2030,
        higher_is_better=True,
        method="unsd",
    )
    assert p.category == "stagnation_or_regression"


@pytest.mark.parametrize(
    ("growth", "unsd", "statcan"),
    [
        (0.03, "on_track", "on_track"),
        (0.01, "acceleration_needed", "acceleration_needed"),
        (0.003, "stagnation_or_regression", "limited_progress"),
        (-0.01, "stagnation_or_regression", "deterioration"),
    ],
)
def test_without_target_bands(growth, unsd, statcan):
    latest = 40.0 * (1 + growth) ** 7
    kw = dict(target_value=None, target_year=None, higher_is_better=True)
    assert assess_progress(2015, 40.0, 2022, latest, **kw, method="unsd").category == unsd
    assert assess_progress(2015, 40.0, 2022, latest, **kw, method="statcan").category == statcan


def test_statcan_score_interpolation_points():
    r = np.array([-0.6, 0.6, 1.3, 2.0, -3.0])
    assert statcan_score(r, np.zeros(5), np.ones(5, bool)).tolist() == [-5, 0, 5, 5, -5]
    c = np.array([-0.02, 0.0, 0.005, 0.015, 0.02, 0.0025])
    assert statcan_score(np.zeros(6), c, np.zeros(6, bool)) == pytest.approx(
        [-5, -2.5, 0, 2.5, 5, -1.25]
    )


def test_zero_values_replaced():
    p = assess_progress(
        2015,
        0.0,
        2022,
        5.0,
        target_value=10.0,
        target_year=2030,
        higher_is_better=True,
        method="statcan",
    )
    assert p.cagr_actual == pytest.approx((5 / 0.001) ** (1 / 7) - 1)


def test_table_base_year_and_insufficient():
    df = pd.DataFrame(
        {
            "town_id": ["a"] * 5 + ["b"],
            "indicator_id": "river_wqi",
            "year": [2013, 2014, 2016, 2017, 2022, 2022],
            "value": [50.0, 52, 54, 55, 60, 70],
        }
    )
    t = progress_table(df, CAT, method="unsd").set_index("town_id")
    assert t.loc["a", "base_year"] == 2014  # 2015 missing: nearest, ties to the earlier
    assert t.loc["a", "target_year"] == 2037 and t.loc["a", "target_value"] == 71
    assert t.loc["b", "category"] == "insufficient"
    t2 = progress_table(df, CAT, method="statcan", targets={"river_wqi": (80.0, 2030)})
    assert t2.set_index("town_id").loc["a", "target_value"] == 80.0


def test_unknown_method():
    with pytest.raises(ParameterError, match="unsd"):
        assess_progress(**EXAMPLE, method="eurostat")  # type: ignore[arg-type]


def test_worked_example_unchanged_by_bounds():
    p = assess_progress(**EXAMPLE, method="unsd", bounds=(0.0, 100.0))
    assert p.progress_method_value == pytest.approx(70.1818, abs=1e-4)
    assert p.ratio == pytest.approx(0.75454, abs=1e-5)


def test_unsd_figure_censored_to_natural_range_category_kept():
    # 40 -> 70 % in 7 years: the CAGR extrapolated to 2037 is far above 100 %
    kw = dict(target_value=90.0, target_year=2037, higher_is_better=True, method="unsd")
    free = assess_progress(2015, 40.0, 2022, 70.0, **kw)
    bounded = assess_progress(2015, 40.0, 2022, 70.0, **kw, bounds=(0.0, 100.0))
    assert free.progress_method_value > 100
    assert bounded.progress_method_value == 100.0
    assert bounded.category == free.category == "on_track"


def test_table_progress_figures_within_bounds():
    df = pd.concat(
        [
            pd.DataFrame(
                {
                    "town_id": "a",
                    "indicator_id": "waste_proper_disposal_pct",
                    "year": range(2015, 2025),
                    "value": np.linspace(40, 85, 10),
                }
            ),
            pd.DataFrame(
                {
                    "town_id": "b",
                    "indicator_id": "river_wqi",
                    "year": range(2015, 2025),
                    "value": np.linspace(30, 70, 10),
                }
            ),
            pd.DataFrame(
                {
                    "town_id": "c",
                    "indicator_id": "pm25_annual",
                    "year": range(2015, 2025),
                    "value": np.linspace(30, 16, 10),
                }
            ),
        ]
    )
    t = progress_table(df, CAT, method="unsd").set_index("town_id")
    assert "projected_value" not in t.columns
    assert t.loc["a", "progress_method_value"] == 100.0 and t.loc["a", "progress_method_at_bound"]
    assert t.loc["b", "progress_method_value"] == 100.0
    assert 0 <= t.loc["c", "progress_method_value"] < 16
    assert not t.loc["c", "progress_method_at_bound"]
    for ind, v in zip(t["indicator_id"], t["progress_method_value"], strict=True):
        lo, hi = CAT.get(ind).bounds
        assert v >= lo and (hi is None or v <= hi)
    s = progress_table(df, CAT, method="statcan")
    assert s["progress_method_value"].isna().all() and not s["progress_method_at_bound"].any()
