"""Progress towards targets: the UNSD Progress Chart and the Statistics Canada / Open SDG methods.

Both use the compound annual growth rate (CAGR) from a base year (2015, else the nearest
year with data) to the latest year. Formulas, thresholds and sources are in
``docs/methods.md`` (domain research section 4). All computations are vectorised over
series; :func:`assess_progress` evaluates a single series.

The UNSD method extrapolates the CAGR to the target year. That figure belongs to the
progress method (it is what the ratio r is computed from), not the report's projection
(:mod:`analysis.stats.projection`), so it is stored as ``progress_method_value`` and is
censored to the indicator's natural bounds (a share never above 100 %, a concentration
never below 0); ``progress_method_at_bound`` says when censoring changed it. Censoring
does not change any category, because every target lies inside the natural range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import ParameterError
from analysis.stats.panel import Panel, build_panel, catalogue_row_for, target_for
from analysis.stats.projection import bounds_arrays

__all__ = [
    "BASE_YEAR",
    "PROGRESS_CATEGORIES",
    "PROGRESS_COLUMNS",
    "Progress",
    "assess_progress",
    "meets_target",
    "nonzero",
    "progress_arrays",
    "progress_table",
    "statcan_score",
]

BASE_YEAR = 2015
ZERO_REPLACEMENT = 0.001
ProgressMethod = Literal["unsd", "statcan"]
#: Category keys per method, best first (translated under ``plan.progress.<key>``).
PROGRESS_CATEGORIES: dict[str, tuple[str, ...]] = {
    "unsd": (
        "achieved",
        "on_track",
        "acceleration_needed",
        "stagnation_or_regression",
        "insufficient",
    ),
    "statcan": (
        "achieved",
        "on_track",
        "acceleration_needed",
        "limited_progress",
        "deterioration",
        "insufficient",
    ),
}
PROGRESS_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "method",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "has_target",
    "cagr_actual",
    "cagr_required",
    "progress_method_value",
    "progress_method_at_bound",
    "ratio",
    "score",
    "category",
)


@dataclass(frozen=True)
class Progress:
    """Progress of one series (see :func:`assess_progress`)."""

    method: str
    cagr_actual: float
    cagr_required: float
    progress_method_value: float
    ratio: float
    score: float
    category: str


def nonzero(values: np.ndarray) -> np.ndarray:
    """Replace exact zeros by :data:`ZERO_REPLACEMENT` so growth rates stay defined.

    Parameters
    ----------
    values : numpy.ndarray
        Values (any shape).

    Returns
    -------
    numpy.ndarray
        A copy of ``values`` with zeros replaced.

    Examples
    --------
    >>> nonzero(np.array([0.0, 2.0])).tolist()
    [0.001, 2.0]
    """
    return np.where(values == 0, ZERO_REPLACEMENT, values)


def meets_target(value: np.ndarray, target: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Return whether ``value`` meets ``target`` in the desired direction.

    Parameters
    ----------
    value, target : numpy.ndarray
        Values and targets (broadcastable).
    higher : numpy.ndarray of bool
        True where higher is better (meets when ``value >= target``), else lower is
        better (``value <= target``).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> meets_target(np.array([5.0, 5.0]), np.array([4.0, 4.0]), np.array([True, False]))
    array([ True, False])
    """
    return np.where(higher, value >= target, value <= target)


def _cagr(v0: np.ndarray, v1: np.ndarray, years: np.ndarray) -> np.ndarray:
    a = nonzero(v0)
    b = nonzero(v1)
    ok = (years > 0) & (a * b > 0)
    safe_ratio = np.where(ok, b / np.where(ok, a, 1.0), 1.0)
    safe_years = np.where(ok, years, 1.0)
    return np.where(ok, safe_ratio ** (1.0 / safe_years) - 1.0, np.nan)


def statcan_score(ratio: np.ndarray, cagr: np.ndarray, has_target: np.ndarray) -> np.ndarray:
    """Open SDG -5..+5 score by linear interpolation (domain research 4.2).

    With a target: ratio R = -0.60 -> -5, 0.60 -> 0, 1.30 -> 5. Without: the CAGR in the
    desired direction -2 % -> -5, 0 -> -2.5, 0.5 % -> 0, 1.5 % -> 2.5, 2 % -> 5. Values
    beyond the end points are clipped to -5 / +5.

    Parameters
    ----------
    ratio : numpy.ndarray
        Ratio R of actual to required CAGR (used where there is a target).
    cagr : numpy.ndarray
        CAGR in the desired direction (used where there is none).
    has_target : numpy.ndarray of bool
        Which rule applies.

    Returns
    -------
    numpy.ndarray
        Score in [-5, 5].

    Examples
    --------
    >>> statcan_score(np.array([0.95]), np.array([np.nan]), np.array([True])).round(4).tolist()
    [2.5]
    """
    with_t = np.interp(ratio, [-0.6, 0.6, 1.3], [-5.0, 0.0, 5.0])
    without = np.interp(cagr, [-0.02, 0.0, 0.005, 0.015, 0.02], [-5.0, -2.5, 0.0, 2.5, 5.0])
    return np.where(has_target, with_t, without)


def progress_arrays(
    base_year: np.ndarray,
    base_value: np.ndarray,
    latest_year: np.ndarray,
    latest_value: np.ndarray,
    *,
    target_value: np.ndarray,
    target_year: np.ndarray,
    higher_is_better: np.ndarray,
    method: ProgressMethod = "unsd",
    c_factor: np.ndarray | float = 1.0,
    lower: np.ndarray | float = -np.inf,
    upper: np.ndarray | float = np.inf,
) -> dict[str, np.ndarray]:
    """Vectorised progress assessment (arrays of equal length; NaN target = no target).

    Parameters
    ----------
    base_year, base_value, latest_year, latest_value : numpy.ndarray
        Base and latest observations.
    target_value, target_year : numpy.ndarray
        The target; NaN where there is none.
    higher_is_better : numpy.ndarray of bool
        Desired direction.
    method : {"unsd", "statcan"}
        UNSD Progress Chart 2023 or Statistics Canada / Open SDG.
    c_factor : float or numpy.ndarray, default 1
        Open SDG's C in [0, 1] that shrinks the no-target thresholds near a natural limit.
    lower, upper : float or numpy.ndarray, default -inf, inf
        Natural bounds of the indicator; the UNSD CAGR extrapolation is censored to them.

    Returns
    -------
    dict of str to numpy.ndarray
        ``cagr_actual, cagr_required, progress_method_value, progress_method_at_bound,
        ratio, score, category``. ``progress_method_value`` is the UNSD CAGR
        extrapolation to the target year, within ``[lower, upper]`` (NaN for
        ``"statcan"``, which does not extrapolate); ``progress_method_at_bound`` is True
        where censoring changed it.

    Raises
    ------
    ParameterError
        If ``method`` is unknown.
    """
    if method not in PROGRESS_CATEGORIES:
        msg = f"unknown progress method {method!r}: expected 'unsd' or 'statcan'"
        raise ParameterError(msg)
    higher = np.asarray(higher_is_better, dtype=bool)
    d = np.where(higher, 1.0, -1.0)
    span = latest_year - base_year
    enough = span > 0
    has_t = ~np.isnan(target_value)
    cagr_a = _cagr(base_value, latest_value, span)
    cagr_t = _cagr(base_value, np.where(has_t, target_value, 1.0), target_year - base_year)
    cagr_t = np.where(has_t, cagr_t, np.nan)
    achieved = has_t & meets_target(latest_value, np.where(has_t, target_value, 0.0), higher)
    if method == "unsd":
        # Within 1 point of a 0 % or 100 % target also counts as achieved.
        edge = has_t & np.isin(target_value, [0.0, 100.0])
        achieved = achieved | (edge & (np.abs(latest_value - np.nan_to_num(target_value)) <= 1))
    achieved = achieved & enough
    directed = d * cagr_a  # actual growth in the desired direction

    if method == "unsd":
        proj = latest_value * (1 + np.nan_to_num(cagr_a)) ** (
            np.where(has_t, target_year, latest_year) - latest_year
        )
        proj = np.where(has_t & enough & ~np.isnan(cagr_a), proj, np.nan)
        raw = proj
        proj = np.clip(proj, lower, upper)
        with np.errstate(invalid="ignore"):
            at_bound = ~np.isnan(raw) & (proj != raw)
        gap = np.where(has_t, target_value, np.nan) - base_value
        # A base already at or beyond the target needs no progress: not achieved now means
        # the series moved away from it (regression).
        wrong_way = has_t & (d * gap <= 0)
        ratio = np.divide(
            proj - base_value, gap, out=np.full(len(gap), np.nan), where=has_t & ~wrong_way
        )
        ratio = np.where(wrong_way & ~achieved, -np.inf, ratio)
        cat_t = np.select(
            [achieved, ratio >= 0.95, ratio >= 0.10],
            ["achieved", "on_track", "acceleration_needed"],
            "stagnation_or_regression",
        )
        cat_n = np.select(
            [directed >= 0.02, directed >= 0.005],
            ["on_track", "acceleration_needed"],
            "stagnation_or_regression",
        )
        score = np.full(len(ratio), np.nan)
    else:
        proj = np.full(len(base_value), np.nan)
        at_bound = np.zeros(len(base_value), dtype=bool)
        wrong_way = has_t & (d * cagr_t <= 0)  # target not beyond the base
        ratio = np.divide(
            cagr_a,
            cagr_t,
            out=np.full(len(cagr_a), np.nan),
            where=has_t & ~wrong_way & (cagr_t != 0),
        )
        ratio = np.where(wrong_way & ~achieved, -np.inf, ratio)
        cat_t = np.select(
            [achieved, ratio >= 0.95, ratio >= 0.60, ratio >= 0.0],
            ["achieved", "on_track", "acceleration_needed", "limited_progress"],
            "deterioration",
        )
        cval = np.asarray(c_factor, dtype=float) * np.ones(len(directed))
        cat_n = np.select(
            [directed >= 0.015 * cval, directed >= 0.005 * cval, directed >= 0],
            ["on_track", "acceleration_needed", "limited_progress"],
            "deterioration",
        )
        score = np.where(achieved, 5.0, statcan_score(ratio, directed, has_t))
        score = np.where(enough & ~np.isnan(cagr_a), score, np.nan)
    category = np.where(has_t, cat_t, cat_n)
    category = np.where(enough & ~np.isnan(cagr_a), category, "insufficient").astype(object)
    ratio = np.where(np.isinf(ratio), np.nan, ratio)
    return {
        "cagr_actual": cagr_a,
        "cagr_required": cagr_t,
        "progress_method_value": proj,
        "progress_method_at_bound": at_bound,
        "ratio": ratio,
        "score": score,
        "category": category,
    }


def assess_progress(
    base_year: int,
    base_value: float,
    latest_year: int,
    latest_value: float,
    *,
    target_value: float | None,
    target_year: int | None,
    higher_is_better: bool,
    method: ProgressMethod = "unsd",
    c_factor: float = 1.0,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Progress:
    """Assess progress of one series from its base and latest observations.

    Parameters
    ----------
    base_year, base_value : int, float
        The base observation (normally 2015).
    latest_year, latest_value : int, float
        The latest observation.
    target_value, target_year : float or None, int or None
        The target, or None for the no-target rules.
    higher_is_better : bool
        Desired direction.
    method : {"unsd", "statcan"}, default "unsd"
        Which method.
    c_factor : float, default 1
        Open SDG's C (no-target rules of ``"statcan"`` only).
    bounds : tuple of (float or None, float or None), default (None, None)
        Natural bounds; the UNSD figure is censored to them.

    Returns
    -------
    Progress
        CAGRs, the progress method's figure at the target year (UNSD, bounded), the ratio (UNSD r or StatCan R), the
        StatCan score and the category key.

    Examples
    --------
    The worked example of the domain research (section 4.2):

    >>> p = assess_progress(2015, 40.0, 2022, 52.0, target_value=80.0, target_year=2030,
    ...                     higher_is_better=True, method="statcan")
    >>> round(p.ratio, 5), p.category
    (0.80754, 'acceleration_needed')
    """
    has_t = target_value is not None and target_year is not None
    res = progress_arrays(
        np.array([float(base_year)]),
        np.array([float(base_value)]),
        np.array([float(latest_year)]),
        np.array([float(latest_value)]),
        target_value=np.array([float(target_value) if has_t else np.nan]),  # type: ignore[arg-type]
        target_year=np.array([float(target_year) if has_t else np.nan]),  # type: ignore[arg-type]
        higher_is_better=np.array([higher_is_better]),
        method=method,
        c_factor=c_factor,
        lower=-np.inf if bounds[0] is None else float(bounds[0]),
        upper=np.inf if bounds[1] is None else float(bounds[1]),
    )
    return Progress(
        method=method,
        cagr_actual=float(res["cagr_actual"][0]),
        cagr_required=float(res["cagr_required"][0]),
        progress_method_value=float(res["progress_method_value"][0]),
        ratio=float(res["ratio"][0]),
        score=float(res["score"][0]),
        category=str(res["category"][0]),
    )


def _base_index(panel: Panel, base_year: int) -> np.ndarray:
    """Return the column of each series' base observation.

    ``base_year`` if present, else the nearest year before the latest (ties go to the
    earlier year).
    """
    valid = panel.mask
    last_col = np.maximum(panel.n - 1, 0)
    usable = valid & (np.arange(valid.shape[1])[None, :] < last_col[:, None])
    dist = np.where(usable, np.abs(panel.years - base_year) * 2 + (panel.years > base_year), np.inf)
    idx = np.argmin(dist, axis=1) if valid.shape[1] else np.zeros(len(panel), np.int64)
    return np.where(usable.any(axis=1), idx, last_col)


def _c_factor(catalogue: Catalogue, ind_id: str, base_value: np.ndarray) -> np.ndarray:
    """Return ecoplan's C factor per series.

    The remaining room to the natural limit in the desired direction as a share of the
    range, when both bounds are finite; 1 otherwise.
    """
    entry = catalogue_row_for(catalogue, ind_id)
    lo, hi = entry.bounds
    if lo is None or hi is None or hi <= lo:
        return np.ones(len(base_value))
    room = (hi - base_value) if entry.higher_is_better else (base_value - lo)
    return np.clip(room / (hi - lo), 0.0, 1.0)


def progress_table(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    method: ProgressMethod = "unsd",
    base_year: int = BASE_YEAR,
    targets: dict[str, tuple[float, int]] | None = None,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Progress of every series towards its catalogue target.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Direction, bounds and target per indicator.
    method : {"unsd", "statcan"}, default "unsd"
        UNSD Progress Chart 2023 (ratio r of projected to required change) or Statistics
        Canada / Open SDG (ratio R of actual to required CAGR, -5..+5 score).
    base_year : int, default 2015
        Preferred base year; otherwise the nearest year with data before the latest.
    targets : dict, optional
        ``{indicator_id: (value, year)}`` overriding catalogue targets.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        One row per town x indicator with :data:`PROGRESS_COLUMNS`; ``category`` is a key
        of :data:`PROGRESS_CATEGORIES` (``"insufficient"`` with fewer than 2 points).
        ``progress_method_value`` is the progress method's own figure at the target year
        (UNSD CAGR extrapolation, censored to the catalogue bounds; NaN for StatCan),
        never the report's projection.
    """
    panel = panel if panel is not None else build_panel(indicators)
    size = len(panel)
    rows = np.arange(size)
    bidx = _base_index(panel, base_year)
    by = panel.years[rows, bidx] if size else np.zeros(0)
    bv = panel.obs[rows, bidx] if size else np.zeros(0)
    ly, lv = panel.last_year, panel.last_value
    tv, tyr = np.full(size, np.nan), np.full(size, np.nan)
    higher = np.zeros(size, dtype=bool)
    cfac = np.ones(size)
    lower, upper = bounds_arrays(catalogue, panel.indicator_id)
    for ind_id in panel.indicator_ids:
        sel = np.asarray(panel.indicator_id == ind_id)
        entry = catalogue_row_for(catalogue, ind_id)
        higher[sel] = entry.higher_is_better
        tv[sel], tyr[sel] = target_for(entry, ind_id, targets)
        cfac[sel] = _c_factor(catalogue, ind_id, bv[sel])
    res = progress_arrays(
        by,
        bv,
        ly,
        lv,
        target_value=tv,
        target_year=tyr,
        higher_is_better=higher,
        method=method,
        c_factor=cfac,
        lower=lower,
        upper=upper,
    )
    frame = pd.DataFrame(
        {
            "town_id": panel.town_id,
            "indicator_id": panel.indicator_id,
            "method": method,
            "base_year": by.astype(np.int64),
            "base_value": bv,
            "latest_year": ly.astype(np.int64),
            "latest_value": lv,
            "target_year": pd.array(
                np.where(np.isnan(tyr), 0, tyr).astype(np.int64), dtype="Int64"
            ),
            "target_value": tv,
            "has_target": ~np.isnan(tv),
            **res,
        }
    )
    frame.loc[~frame["has_target"], "target_year"] = pd.NA
    return frame.loc[:, list(PROGRESS_COLUMNS)]
