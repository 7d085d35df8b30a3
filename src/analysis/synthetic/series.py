"""Seeded synthetic indicator series, with magnitudes from published figures.

No open town-level indicator series exist for the pilot towns, so the demo data is
synthetic. Every generated row says so in its ``source``; see ``profiles.yaml`` for the
figure each magnitude is anchored on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.yamltext import load_yaml

__all__ = ["SYNTHETIC_TAG", "TownTraits", "generate_series", "load_profiles"]

SYNTHETIC_TAG = "SYNTHETIC"
TREND_KINDS = ("improving", "worsening", "flat")


@dataclass(frozen=True)
class TownTraits:
    """What shapes a town's synthetic levels.

    Attributes
    ----------
    town_id : str
        The town.
    north : bool
        In the northern haze belt (higher particulate levels).
    rural : bool
        Mostly rural (more natural area and canopy).
    """

    town_id: str
    north: bool = False
    rural: bool = False


def load_profiles() -> dict[str, dict[str, object]]:
    """Return the per-indicator magnitude profiles (level range, noise, anchor).

    Returns
    -------
    dict
        Indicator id -> profile, from the packaged ``profiles.yaml``.
    """
    text = (files("analysis.synthetic") / "profiles.yaml").read_text(encoding="utf-8")
    return load_yaml(text)


def generate_series(
    towns: Sequence[TownTraits],
    catalogue: Catalogue,
    *,
    years: Sequence[int] = tuple(range(2010, 2025)),
    indicators: Sequence[str] | None = None,
    seed: int = 20261126,
    gap_share: float = 0.04,
) -> pd.DataFrame:
    """Generate long-format synthetic series for every town x indicator x year.

    The work is vectorised over all series at once, so national-scale benchmark data
    (thousands of towns) takes about a second.

    Parameters
    ----------
    towns : sequence of TownTraits
        Towns to generate for.
    catalogue : Catalogue
        Supplies direction and natural bounds per indicator.
    years : sequence of int, default 2010-2024
        Calendar (CE) years.
    indicators : sequence of str, optional
        Indicator ids; default: every catalogue indicator with a profile. An id of the
        form ``<base>__<k>`` reuses the profile and catalogue entry of ``<base>``
        (used by the national-scale benchmark to reach 25 indicators).
    seed : int
        Random seed; the same seed gives the same table.
    gap_share : float, default 0.04
        Share of rows dropped at random to leave gaps.

    Returns
    -------
    pandas.DataFrame
        Columns ``town_id, indicator_id, year, value, unit, source, trend_kind``.
    """
    profiles = load_profiles()
    ids = (
        list(indicators) if indicators is not None else [i for i in catalogue.ids if i in profiles]
    )
    rng = np.random.default_rng(seed)
    years_arr = np.asarray(years, dtype=np.int64)
    n_t, n_i, n_y = len(towns), len(ids), len(years_arr)

    base_ids = [i.split("__")[0] for i in ids]
    inds = [catalogue.get(b) for b in base_ids]
    prof = [profiles[b] for b in base_ids]
    lo = np.array([float(p["level"][0]) for p in prof])  # type: ignore[index]
    hi = np.array([float(p["level"][1]) for p in prof])  # type: ignore[index]
    noise = np.array([float(p["noise"]) for p in prof])  # type: ignore[arg-type]
    north_f = np.array([float(p.get("north_factor", 1.0)) for p in prof])  # type: ignore[arg-type]
    rural_f = np.array([float(p.get("rural_factor", 1.0)) for p in prof])  # type: ignore[arg-type]
    higher = np.array([i.higher_is_better for i in inds])
    lower_b = np.array([np.nan if i.bounds[0] is None else i.bounds[0] for i in inds])
    upper_b = np.array([np.nan if i.bounds[1] is None else i.bounds[1] for i in inds])
    integer = np.array([bool(p.get("integer", False)) for p in prof])

    north = np.array([t.north for t in towns])[:, None]
    rural = np.array([t.rural for t in towns])[:, None]
    level = lo + rng.random((n_t, n_i)) * (hi - lo)
    level = level * np.where(north, north_f, 1.0) * np.where(rural, rural_f, 1.0)

    # Trend kind per series: improving, worsening or flat, with a yearly relative rate.
    kind = rng.choice(3, size=(n_t, n_i), p=[0.45, 0.3, 0.25])
    rate = rng.uniform(0.015, 0.05, size=(n_t, n_i))
    good_sign = np.where(higher, 1.0, -1.0)
    signed = np.select([kind == 0, kind == 1], [good_sign * rate, -good_sign * rate], 0.0)

    t = (years_arr - years_arr[0]).astype(float)
    trend = level[..., None] * (1.0 + signed[..., None]) ** t
    # AR(1) noise, phi = 0.4, so trend tests see realistic autocorrelation.
    eps = rng.standard_normal((n_t, n_i, n_y))
    ar = np.empty_like(eps)
    ar[..., 0] = eps[..., 0]
    for k in range(1, n_y):
        ar[..., k] = 0.4 * ar[..., k - 1] + np.sqrt(1 - 0.16) * eps[..., k]
    values = trend * (1.0 + noise[None, :, None] * ar)
    values = np.where(
        np.isnan(lower_b)[None, :, None], values, np.maximum(values, lower_b[None, :, None])
    )
    values = np.where(
        np.isnan(upper_b)[None, :, None], values, np.minimum(values, upper_b[None, :, None])
    )
    values = np.where(integer[None, :, None], np.round(values), np.round(values, 2))

    keep = rng.random((n_t, n_i, n_y)) >= gap_share
    keep[..., -1] = True  # the latest year is always reported
    ti, ii, yi = np.nonzero(keep)
    town_ids = np.array([t.town_id for t in towns], dtype=object)
    units = np.array([i.unit for i in inds], dtype=object)
    anchors = [str(p["anchor"]) for p in prof]
    sources = np.array(
        [
            f"{SYNTHETIC_TAG} demo series (ecoplan generator, seed {seed}); magnitude anchored on {a}"
            for a in anchors
        ],
        dtype=object,
    )
    kinds = np.array(TREND_KINDS, dtype=object)
    return pd.DataFrame(
        {
            "town_id": town_ids[ti],
            "indicator_id": np.array(ids, dtype=object)[ii],
            "year": years_arr[yi],
            "value": values[ti, ii, yi],
            "unit": units[ii],
            "source": sources[ii],
            "trend_kind": kinds[kind[ti, ii]],
        }
    )
