import numpy as np
import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.synthetic.series import TownTraits, generate_series, load_profiles


def test_generator_is_seeded_and_labelled():
    cat = load_catalogue()
    towns = [TownTraits("a"), TownTraits("b", north=True)]
    one = generate_series(towns, cat, seed=1)
    two = generate_series(towns, cat, seed=1)
    pd.testing.assert_frame_equal(one, two)
    assert not one.equals(generate_series(towns, cat, seed=2))
    assert one["source"].str.contains("SYNTHETIC").all()


def test_values_respect_catalogue_bounds_and_leave_gaps():
    cat = load_catalogue()
    df = generate_series([TownTraits(f"t{i}") for i in range(30)], cat, seed=3)
    for ind_id, grp in df.groupby("indicator_id"):
        lo, hi = cat.get(ind_id).bounds
        if lo is not None:
            assert (grp["value"] >= lo).all(), ind_id
        if hi is not None:
            assert (grp["value"] <= hi).all(), ind_id
    full = 30 * df["indicator_id"].nunique() * 15
    assert 0.9 * full < len(df) < full  # a few gaps
    assert (df.groupby(["town_id", "indicator_id"])["year"].max() == 2024).all()
    assert set(df["trend_kind"]) == {"improving", "worsening", "flat"}


def test_every_profile_cites_an_anchor_and_matches_catalogue():
    cat = load_catalogue()
    profiles = load_profiles()
    assert set(profiles) <= set(cat.ids)
    assert all(str(p["anchor"]).strip() for p in profiles.values())


def test_suffixed_ids_reuse_base_profile():
    cat = load_catalogue()
    df = generate_series(
        [TownTraits("x")], cat, indicators=["pm25_annual", "pm25_annual__1"], seed=5
    )
    assert set(df["indicator_id"]) == {"pm25_annual", "pm25_annual__1"}
    assert np.isfinite(df["value"]).all()
