"""Plan framework classes and reasons (Thai/English, Buddhist Era); milestones elsewhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.i18n import flatten, get_translator
from analysis.stats import (
    latest_status,
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


def proj(town, ind, years, mean, lo=None, hi=None, kind="projected"):
    """A hand-made projection table (the rule must not depend on the projection method)."""
    mean = np.asarray(mean, dtype=float)
    return pd.DataFrame(
        {
            "town_id": town,
            "indicator_id": ind,
            "year": list(years),
            "mean": mean,
            "lo": mean - 1 if lo is None else np.asarray(lo, dtype=float),
            "hi": mean + 1 if hi is None else np.asarray(hi, dtype=float),
            "kind": kind,
            "method": "test",
            "flag": "",
        }
    )


def classify_with(df, projections, catalogue=CAT, horizon=2037):
    t = trend_table(df, catalogue)
    ls = latest_status(df, catalogue, trends=t)
    return plan_table(t, ls, projections, catalogue, horizon=horizon).set_index("town_id")


WIGGLE = np.array([0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.3, -0.2, 0.1, -0.2])
FUTURE = range(2025, 2038)


def test_classes():
    df = pd.concat(
        [
            frame("pm25_annual", np.linspace(30, 20, 10), "solve"),
            # passes now (12 < 15) but rising fast -> the projected mean crosses 15
            frame("pm25_annual", np.linspace(6, 12, 10) + WIGGLE, "prevent"),
            frame("pm10_annual", np.linspace(45, 25, 10) + WIGGLE, "opportunity"),
            frame("river_bod", 1.0 + WIGGLE / 10, "maintain"),
            frame("tree_canopy_pct", 35 + WIGGLE, "asset"),  # target 30 met
            # target-only (1.0 kg by 2037), not met and worsening: off track
            frame("waste_per_capita", np.linspace(1.2, 1.6, 10), "target_off"),
        ]
    )
    p = classify(df)
    assert p.loc["solve", "reason_key"] == "solve_legal"
    assert p.loc["prevent", "plan_class"] == "prevent"
    assert p.loc["prevent", "reason_key"] in {"prevent_projection", "prevent_trend"}
    assert p.loc["opportunity", "reason_key"] == "opportunity_improving"
    assert p.loc["maintain", "reason_key"] == "maintain"
    assert p.loc["asset", "reason_key"] == "opportunity_asset"
    assert p.loc["target_off", "reason_key"] == "solve_target_trend"
    assert p.loc["target_off", "headline_category"] == "target"


def test_improving_and_meeting_the_standard_is_never_prevent():
    # Nakhon Sawan PM2.5 (issue 12): 13.1 vs 15, improving significantly, projected 6.2;
    # even a projection whose mean and interval cross 15 does not make it prevent.
    df = frame("pm25_annual", np.linspace(20, 13.1, 10), "ns")
    low = proj("ns", "pm25_annual", FUTURE, np.linspace(12.5, 6.2, 13), hi=np.full(13, 30.0))
    high = proj("ns", "pm25_annual", FUTURE, np.linspace(14, 18, 13))
    for projections in (low, high):
        row = classify_with(df, projections).loc["ns"]
        assert row.change == "improving" and bool(row.headline_pass)
        assert row.plan_class == "opportunity", row.reason_en
        assert row.reason_key == "opportunity_improving"


def test_prevent_rests_on_the_projected_mean_not_the_interval_edge():
    df = frame("pm25_annual", 12 + WIGGLE, "t")  # meets 15, no significant trend
    crossing = proj("t", "pm25_annual", FUTURE, np.linspace(12.5, 18.5, 13))
    edge_only = proj("t", "pm25_annual", FUTURE, np.full(13, 12.0), hi=np.full(13, 25.0))
    p = classify_with(df, crossing).loc["t"]
    assert p.reason_key == "prevent_projection"
    assert p.breach_year == 2031  # 12.5 + 0.5 * 6 = 15.5 is the first mean above 15
    assert "2031" in p.reason_en and "2574" in p.reason_th
    q = classify_with(df, edge_only).loc["t"]
    assert q.plan_class == "maintain" and pd.isna(q.breach_year)
    # withheld rows (NaN mean) are "no projection"
    withheld = proj("t", "pm25_annual", FUTURE, np.full(13, np.nan), kind="withheld")
    assert classify_with(df, withheld).loc["t", "plan_class"] == "maintain"


def test_worsening_trend_is_prevent_when_meeting_the_standard():
    df = frame("river_bod", np.linspace(1.0, 1.9, 10), "t")  # limit 2.0
    p = classify_with(df, proj("t", "river_bod", [], [])).loc["t"]
    assert p.reason_key == "prevent_trend" and p.change == "worsening"


def test_target_only_solve_when_off_track_and_maintain_when_on_track():
    # waste_recycled_pct: no legal standard; plan target >= 50 % by 2037
    flat = frame("waste_recycled_pct", 30 + WIGGLE, "t")
    rising = frame("waste_recycled_pct", np.linspace(10, 30, 10) + WIGGLE / 10, "t")  # 2.2/yr
    miss = proj("t", "waste_recycled_pct", FUTURE, np.linspace(31, 45, 13))
    reach = proj("t", "waste_recycled_pct", FUTURE, np.linspace(31, 55, 13))
    none = proj("t", "waste_recycled_pct", [], [])
    cases = {
        (0, "miss"): "solve_target_projection",
        (0, "reach"): "maintain_target_on_track_projection",
        (0, "none"): "solve_target_trend",
        (1, "miss"): "solve_target_projection",
        (1, "none"): "maintain_target_on_track_trend",
    }
    data = (flat, rising)
    projs = {"miss": miss, "reach": reach, "none": none}
    for (k, pname), key in cases.items():
        row = classify_with(data[k], projs[pname]).loc["t"]
        assert row.reason_key == key, (k, pname, row.reason_en)
        assert row.headline_category == "target"
    # improving significantly but far too slowly (12 % -> 50 % by 2037 at 0.2 %/yr): solve
    slow = frame("waste_recycled_pct", np.linspace(10, 12, 10) + WIGGLE / 100, "t")
    row = classify_with(slow, none).loc["t"]
    assert row.change == "improving" and row.reason_key == "solve_target_slow", row.reason_en
    row = classify_with(flat, miss).loc["t"]
    assert row.projected_at_target == pytest.approx(45.0) and row.target_year == 2037
    assert "45.0" in row.reason_en and "2580" in row.reason_th


def test_no_yardstick_classes(tmp_path):
    import yaml  # noqa: PLC0415

    from analysis.catalogue.load import DEFAULT_CATALOGUE  # noqa: PLC0415

    data = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    for entry in data["indicators"]:
        if entry["id"] == "waste_per_capita":
            entry.pop("target")
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cat = load_catalogue(path)
    df = frame("waste_per_capita", np.linspace(1.2, 1.6, 10), "t")
    row = classify_with(df, proj("t", "waste_per_capita", [], []), catalogue=cat).loc["t"]
    assert row.reason_key == "prevent_trend_no_yardstick"
    assert pd.isna(row.headline_category)


def test_plan_class_agrees_with_status_light():
    df = pd.concat(
        [
            frame("pm25_annual", np.linspace(30, 20, 10), "a"),
            frame("pm25_annual", np.linspace(20, 13.1, 10), "b"),
            frame("aqi_unhealthy_days", 20 + WIGGLE, "c"),
            frame("green_space_per_capita", 10 + WIGGLE, "d"),
        ]
    )
    t = trend_table(df, CAT)
    ls = latest_status(df, CAT, trends=t).set_index("town_id")
    p = plan_table(t, ls.reset_index(), projection_table(df, CAT), CAT).set_index("town_id")
    red = ls.index[ls["light"] == "red"]
    assert set(red) == {"a"} and (p.loc[red, "plan_class"] == "solve").all()
    # ASEAN criterion (award_criterion) failed and 9 m² reference met: neither decides
    assert ls.loc["c", "light"] == "amber" and ls.loc["c", "headline_category"] == "target"
    assert ls.loc["d", "headline_value"] == 15.0 and bool(ls.loc["d", "ref_pass"])


def test_reasons_in_both_languages_with_buddhist_era():
    p = classify(frame("pm25_annual", np.linspace(30, 20, 10), "t"))
    row = p.loc["t"]
    assert "2024" in row.reason_en and "20.0" in row.reason_en and "15.0" in row.reason_en
    assert "legal standard" in row.reason_en and "มาตรฐานตามกฎหมาย" in row.reason_th
    assert "2567" in row.reason_th and "2024" not in row.reason_th
    assert "มคก./ลบ.ม." in row.reason_th


def test_every_reason_template_fills_without_blanks():
    fields = {
        "value": "1.0",
        "unit": "u",
        "year": 2024,
        "standard": "S",
        "kind": "at most",
        "limit": "2.0",
        "shortfall": "1.0",
        "breach_year": 2030,
        "target_year": 2037,
        "projected": "3.0",
        "required": "0.2",
        "slope": "0.1",
    }
    for lang in ("en", "th"):
        strings = get_translator(lang).strings
        keys = [k for k in strings if k.startswith("plan.reason.")]
        assert len(keys) == 18
        for k in keys:
            text = strings[k].format(**fields)
            assert "{" not in text and "()" not in text and "  " not in text, k
            legal = "legal standard" if lang == "en" else "มาตรฐานตามกฎหมาย"
            plan = "plan target" if lang == "en" else "ค่าเป้าหมายของแผน"
            if not k.endswith("asset"):
                assert legal in text or plan in text, k


def test_plan_yaml_keys_identical_in_both_languages():
    en = {k for k in get_translator("en").strings if k.startswith("plan.")}
    th = {k for k in get_translator("th").strings if k.startswith("plan.")}
    assert en == th and len(en) > 30
    assert flatten({"a": {"b": 1}}) == {"a.b": "1"}


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
    assert straight["reason_key"].tolist()[0] == "solve_legal"
