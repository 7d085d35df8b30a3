"""Appendix E's and the executive summary's priority order of a town's indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.report.strategy import PLAN_CLASSES, priority_order


def _plan(rows: list[tuple[str, str, float, float, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["indicator_id", "plan_class", "headline_value", "latest_value", "breach_year"],
    )


def test_solve_by_shortfall_then_prevent_by_breach_then_the_rest() -> None:
    plan = _plan(
        [
            ("m1", "maintain", 10.0, 5.0, None),
            ("p_late", "prevent", 10.0, 9.0, 2035),
            ("s_small", "solve", 100.0, 110.0, None),  # 10 % short
            ("o1", "opportunity", np.nan, 3.0, None),
            ("p_none", "prevent", 10.0, 9.0, None),  # no breach year: last of prevent
            ("s_big", "solve", 100.0, 150.0, None),  # 50 % short
            ("p_soon", "prevent", 10.0, 9.0, "2029"),  # text years are read as numbers
            ("s_nolimit", "solve", np.nan, 7.0, None),  # no headline: shortfall 0
        ]
    )
    assert priority_order(plan)["indicator_id"].tolist() == [
        "s_big",
        "s_small",
        "s_nolimit",
        "p_soon",
        "p_late",
        "p_none",
        "o1",
        "m1",
    ]


def test_ties_keep_their_order_and_an_unknown_class_goes_last() -> None:
    plan = _plan(
        [
            ("x", "unknown", 1.0, 1.0, None),
            ("a", "maintain", 1.0, 1.0, None),
            ("b", "maintain", 1.0, 1.0, None),
            ("c", "solve", 0.0, 5.0, None),  # a zero headline: no shortfall
            ("d", "solve", np.nan, np.nan, None),
        ]
    )
    assert priority_order(plan)["indicator_id"].tolist() == ["c", "d", "a", "b", "x"]


def _reference(plan: pd.DataFrame) -> pd.DataFrame:
    """The rule written with pandas: a stable sort on (class rank, key)."""
    rel = (plan["headline_value"] - plan["latest_value"]).abs() / plan[
        "headline_value"
    ].abs().where(plan["headline_value"] != 0)
    breach = pd.to_numeric(plan["breach_year"], errors="coerce")
    key = pd.Series(0.0, index=plan.index)
    solve, prevent = plan["plan_class"] == "solve", plan["plan_class"] == "prevent"
    key[solve] = -rel[solve].fillna(0)
    key[prevent] = breach[prevent].fillna(9999)
    cls = plan["plan_class"].map({c: k for k, c in enumerate(PLAN_CLASSES)})
    return plan.assign(_c=cls, _k=key).sort_values(["_c", "_k"]).drop(columns=["_c", "_k"])


@pytest.mark.parametrize("seed", range(20))
def test_the_order_is_the_pandas_stable_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    values = rng.choice([np.nan, 0.0, 5.0, 10.0, 12.5], size=(n, 2))
    plan = pd.DataFrame(
        {
            "indicator_id": [f"i{k}" for k in range(n)],
            "plan_class": rng.choice([*PLAN_CLASSES, "other"], size=n),
            "headline_value": values[:, 0],
            "latest_value": values[:, 1],
            "breach_year": rng.choice([np.nan, 2030.0, 2031.0, 2040.0], size=n),
        },
        index=rng.permutation(n) + 100,
    )
    pd.testing.assert_frame_equal(priority_order(plan), _reference(plan))
