"""Phase milestones: required value (path to target) next to the projection at the phase end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from unit_builders import indicator_frame

from analysis.catalogue import load_catalogue
from analysis.errors import ParameterError
from analysis.stats.milestones import MILESTONE_COLUMNS, milestone_table
from analysis.stats.panel import build_panel, latest_frame
from analysis.stats.projection import METHOD, projection_table

CAT = load_catalogue()


def miles(df: pd.DataFrame, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    proj = projection_table(df, CAT)
    return milestone_table(latest_frame(build_panel(df)), CAT, proj, **kw), proj


def test_required_linear_and_geometric_paths():
    # 15 points ending at 28 in 2024: projected to 2037 (span 14 >= 13)
    df = indicator_frame("pm25_annual", range(2010, 2025), np.linspace(40, 28, 15))
    lin, _ = miles(df, path="linear")
    assert lin["phase"].tolist() == ["2023-2027", "2028-2032", "2033-2037"]
    step = (15 - 28) / 13
    assert lin["required_value"].tolist() == pytest.approx([28 + 3 * step, 28 + 8 * step, 15.0])
    assert lin["required_annual_change"].iloc[0] == pytest.approx(step)
    assert set(lin["path"]) == {"linear"}
    geo, _ = miles(df, path="geometric")
    rate = (15 / 28) ** (1 / 13) - 1
    assert geo["required_annual_rate"].iloc[0] == pytest.approx(rate)
    assert geo["required_value"].tolist() == pytest.approx(
        [28 * (1 + rate) ** 3, 28 * (1 + rate) ** 8, 15.0]
    )
    assert "2580" in geo["note_th"].iloc[0] and "2037" in geo["note_en"].iloc[0]
    assert tuple(lin.columns) == MILESTONE_COLUMNS


def test_projected_value_is_the_projection_tables_mean():
    wiggle = np.tile([0.4, -0.3, 0.2, -0.4, 0.1], 3)
    df = pd.concat(
        [
            indicator_frame("pm25_annual", range(2010, 2025), np.linspace(40, 28, 15) + wiggle),
            indicator_frame("river_wqi", range(2010, 2025), np.linspace(50, 64, 15) + wiggle),
        ]
    )
    m, proj = miles(df)
    p = proj[proj["kind"] == "projected"]
    key = ["indicator_id", "year"]
    look = p.assign(indicator_id=p["indicator_id"].astype(str)).set_index(key)
    for _, r in m.iterrows():
        row = look.loc[(r["indicator_id"], r["phase_end"])]
        assert r["projected_value"] == row["mean"]
        assert r["projected_lo"] == row["lo"] and r["projected_hi"] == row["hi"]
    assert set(m["projection_method"].astype(str)) == {METHOD}
    assert set(m["projection_withheld_reason"].astype(str)) == {""}
    assert m["on_track"].notna().all()


def test_on_track_flag_compares_projection_with_required_value():
    # PM2.5 falling 1/year from 40 to 26: projected below the straight path to 15 -> on track
    fast = indicator_frame("pm25_annual", range(2010, 2025), np.linspace(40, 26, 15))
    # falling slowly: above the path -> off track
    slow = indicator_frame("pm25_annual", range(2010, 2025), np.linspace(28, 26, 15), "s")
    m, _ = miles(pd.concat([fast, slow]))
    assert m.loc[m.town_id == "t", "on_track"].tolist() == [True, True, True]
    assert m.loc[m.town_id == "s", "on_track"].tolist() == [False, False, False]
    assert m["on_track"].dtype == "boolean"


def test_nan_like_short_series_withheld_with_reason_in_both_languages():
    df = indicator_frame("pm25_annual", range(2019, 2025), [31.0, 27.5, 24.1, 19.8, 35.2, 22.6])
    m, _ = miles(df)
    assert m["projected_value"].isna().all() and m["on_track"].isna().all()
    assert set(m["projection_withheld_reason"].astype(str)) == {"too_few_points"}
    assert m["required_value"].notna().all()  # the target path is still stated
    en, th = m["projection_note_en"].iloc[-1], m["projection_note_th"].iloc[-1]
    assert en == "Projection withheld: 6 annual values, at least 8 are needed."
    assert "6" in th and "8" in th and "2037" not in th


def test_beyond_observed_span_phase_end_withheld():
    df = indicator_frame("river_wqi", range(2015, 2025), np.linspace(50, 60, 10))
    m, _ = miles(df)
    by_end = m.set_index("phase_end")
    assert by_end.loc[2032, "projection_withheld_reason"] == ""
    assert np.isfinite(by_end.loc[2032, "projected_value"])
    assert by_end.loc[2037, "projection_withheld_reason"] == "beyond_observed_span"
    assert np.isnan(by_end.loc[2037, "projected_value"])
    assert "2033" in by_end.loc[2037, "projection_note_en"]


def test_already_met_holds_level_and_on_track_uses_target():
    df = indicator_frame("river_wqi", range(2008, 2021), np.linspace(78, 80, 13))
    m, _ = miles(df)
    assert set(m["note"]) == {"already_met"} and (m["required_value"] == 80.0).all()
    assert m["phase_end"].tolist() == [2022, 2027, 2032, 2037]
    # rising 78 -> 80 still meets the 71 target; 2037 is beyond the span (to 2032)
    assert m["on_track"].tolist()[:3] == [True, True, True]
    assert pd.isna(m["on_track"].iloc[3])


def test_no_projection_row_is_not_projected():
    latest = pd.DataFrame(
        {
            "town_id": ["t"],
            "indicator_id": ["river_wqi"],
            "latest_year": [2020],
            "latest_value": [60.0],
        }
    )
    empty = projection_table(indicator_frame("pm25_annual", [2020], [1.0], "other"), CAT)
    m = milestone_table(latest, CAT, empty)
    assert set(m["projection_withheld_reason"].astype(str)) == {"not_projected"}
    assert m["projection_note_en"].str.startswith("No projection").all()


def test_bad_path():
    df = indicator_frame("river_wqi", range(2015, 2025), np.linspace(50, 60, 10))
    with pytest.raises(ParameterError):
        miles(df, path="spline")
