"""Plan framework classes, reasons (Thai/English, Buddhist Era) and milestones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import ParameterError
from analysis.i18n import flatten, get_translator
from analysis.stats import (
    latest_status,
    milestone_table,
    plan_table,
    projection_table,
    trend_table,
)

CAT = load_catalogue()
YEARS = range(2015, 2025)


def frame(ind, values, town) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "town_id": town,
            "indicator_id": ind,
            "year": list(YEARS),
            "value": np.asarray(values, dtype=float),
        }
    )


def classify(df, horizon=2037):
    t = trend_table(df, CAT)
    ls = latest_status(df, CAT, trends=t)
    pr = projection_table(df, CAT, horizon=horizon)
    return plan_table(t, ls, pr, CAT, horizon=horizon).set_index("town_id")


def test_classes():
    wiggle = np.array([0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.3, -0.2, 0.1, -0.2])
    df = pd.concat(
        [
            frame("pm25_annual", np.linspace(30, 20, 10), "solve"),
            # passes now (12 < 15) but rising fast -> projected breach
            frame("pm25_annual", np.linspace(6, 12, 10) + wiggle, "prevent"),
            frame("pm10_annual", np.linspace(45, 25, 10) + wiggle, "opportunity"),
            frame("river_bod", 1.0 + wiggle / 10, "maintain"),
            frame("tree_canopy_pct", 30 + wiggle, "asset"),
            frame("waste_per_capita", np.linspace(1.2, 1.6, 10), "worse_nostd"),
        ]
    )
    p = classify(df)
    assert p.loc["solve", "plan_class"] == "solve"
    assert p.loc["prevent", "plan_class"] == "prevent"
    assert p.loc["prevent", "reason_key"] == "prevent_projection"
    assert p.loc["prevent", "breach_year"] > 2024
    assert p.loc["opportunity", "reason_key"] == "opportunity_improving"
    assert p.loc["maintain", "plan_class"] == "maintain"
    assert p.loc["asset", "reason_key"] == "opportunity_asset"
    assert p.loc["worse_nostd", "reason_key"] == "prevent_trend_no_standard"


def test_reasons_in_both_languages_with_buddhist_era():
    p = classify(frame("pm25_annual", np.linspace(30, 20, 10), "t"))
    row = p.loc["t"]
    assert "2024" in row.reason_en and "20.0" in row.reason_en and "15.0" in row.reason_en
    assert "2567" in row.reason_th and "2024" not in row.reason_th
    assert "มคก./ลบ.ม." in row.reason_th


def test_plan_yaml_keys_identical_in_both_languages():
    en = {k for k in get_translator("en").strings if k.startswith("plan.")}
    th = {k for k in get_translator("th").strings if k.startswith("plan.")}
    assert en == th and len(en) > 30
    assert flatten({"a": {"b": 1}}) == {"a.b": "1"}


def test_milestones_linear_and_geometric():
    latest = pd.DataFrame(
        {
            "town_id": ["t"],
            "indicator_id": ["pm25_annual"],
            "latest_year": [2024],
            "latest_value": [28.0],
        }
    )
    lin = milestone_table(latest, CAT, path="linear")
    assert lin["phase"].tolist() == ["2023-2027", "2028-2032", "2033-2037"]
    step = (15 - 28) / 13
    assert lin["milestone"].tolist() == pytest.approx([28 + 3 * step, 28 + 8 * step, 15.0])
    assert lin["required_annual_change"].iloc[0] == pytest.approx(step)
    geo = milestone_table(latest, CAT, path="geometric")
    rate = (15 / 28) ** (1 / 13) - 1
    assert geo["required_annual_rate"].iloc[0] == pytest.approx(rate)
    assert geo["milestone"].tolist() == pytest.approx(
        [28 * (1 + rate) ** 3, 28 * (1 + rate) ** 8, 15.0]
    )
    assert "2580" in geo["note_th"].iloc[0] and "2037" in geo["note_en"].iloc[0]


def test_milestone_already_met_holds_level():
    latest = pd.DataFrame(
        {
            "town_id": ["t"],
            "indicator_id": ["river_wqi"],
            "latest_year": [2020],
            "latest_value": [80.0],
        }
    )
    m = milestone_table(latest, CAT)
    assert set(m["note"]) == {"already_met"} and (m["milestone"] == 80.0).all()
    assert m["phase_end"].tolist() == [2022, 2027, 2032, 2037]


def test_milestone_bad_path():
    latest = pd.DataFrame(
        {
            "town_id": ["t"],
            "indicator_id": ["river_wqi"],
            "latest_year": [2020],
            "latest_value": [80.0],
        }
    )
    with pytest.raises(ParameterError):
        milestone_table(latest, CAT, path="spline")  # type: ignore[arg-type]


def test_plan_aligns_inputs_given_in_another_order():
    df = pd.concat(
        [
            frame("pm25_annual", np.linspace(30, 20, 10), "a"),
            frame("pm10_annual", np.linspace(45, 25, 10), "b"),
            frame("river_bod", np.linspace(1.0, 1.9, 10), "c"),
        ]
    )
    t = trend_table(df, CAT)
    ls = latest_status(df, CAT, trends=t)
    pr = projection_table(df, CAT)
    straight = plan_table(t, ls, pr, CAT)
    shuffled = plan_table(t.iloc[::-1], ls, pr.sample(frac=1.0, random_state=2), CAT)
    pd.testing.assert_frame_equal(straight, shuffled)
    assert straight["plan_class"].tolist() == ["solve", "opportunity", "prevent"]
