"""Projections to the plan horizon: one future per indicator, or a reason why there is none.

Method ``ols_linear_bounded`` (justified in ``docs/methods.md``):

1. **Linear trend on the indicator's own scale.** Ordinary least squares of the value on
   the year, the same linear-trend family appendix B reports (``ols_slope``), with the
   classical OLS prediction interval for a new observation (what ``statsmodels``
   ``OLS(...).get_prediction(...).summary_frame()`` calls ``obs_ci_lower/upper``).
   Log or logit scales are not used: on the short, nearly linear series municipalities
   have, they turn a straight decline into an exponential one and a rising share into an
   S-curve, and their back-transformed intervals are either explosive (log) or far too
   narrow near a bound (logit).
2. **Censoring to the natural range.** The projected mean and both interval ends are
   clipped to the catalogue ``bounds`` (a share stays in 0-100, a concentration >= 0).
   Clipping does not lower the coverage of the interval, because the true value cannot
   leave the range either. Rows where clipping changed a value are flagged
   (``at_bound``: the mean; ``interval_at_bound``: only an interval end). A constant
   series (e.g. 100 % every year) is projected exactly constant.
3. **Withholding rule.** A projection is computed only from at least
   :data:`MIN_PROJECTION_POINTS` (8) observations, and only as far ahead as the observed
   span (up to ``last + (last - first)``). Future years that fail the rule get a
   ``withheld`` row (no mean, no interval) carrying ``withheld_reason``
   (``too_few_points`` or ``beyond_observed_span``), so "withheld because only 6 points"
   is distinguishable from "no data" (no rows at all).

The fit is done in closed form for all series at once; tests check it against
statsmodels to 1e-9 (unclipped fit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalogue import Catalogue
from analysis.stats.panel import MIN_POINTS, Panel, build_panel, catalogue_row_for

__all__ = [
    "DEFAULT_HORIZON",
    "FLAGS",
    "KINDS",
    "METHOD",
    "MIN_PROJECTION_POINTS",
    "PROJECTION_COLUMNS",
    "WITHHELD_REASONS",
    "bounds_arrays",
    "projection_table",
]

DEFAULT_HORIZON = 2037
#: Fewest observations a projection is computed from (fewer: ``too_few_points``).
MIN_PROJECTION_POINTS = 8
#: The one projection method (stored in ``method`` so pages can name it).
METHOD = "ols_linear_bounded"
KINDS: tuple[str, ...] = ("observed", "fitted", "projected", "withheld")
METHODS: tuple[str, ...] = ("", METHOD)
#: ``at_bound``: the mean was censored to a natural bound; ``interval_at_bound``: only
#: an interval end was.
FLAGS: tuple[str, ...] = ("", "interval_at_bound", "at_bound")
WITHHELD_REASONS: tuple[str, ...] = ("", "too_few_points", "beyond_observed_span")
PROJECTION_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "year",
    "mean",
    "lo",
    "hi",
    "kind",
    "method",
    "flag",
    "withheld_reason",
    "n_points",
    "span_end",
)


def bounds_arrays(catalogue: Catalogue, indicator_ids: pd.Categorical) -> tuple[np.ndarray, ...]:
    """Return per-series natural ``(lower, upper)`` bounds (``-inf``/``inf`` where open).

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue (ids ``<base>__<k>`` map to ``<base>``).
    indicator_ids : pandas.Categorical
        One indicator id per series.

    Returns
    -------
    tuple of numpy.ndarray
        ``lower`` and ``upper``, float arrays of the same length.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> lo, hi = bounds_arrays(load_catalogue(), pd.Categorical(["river_wqi", "pm25_annual"]))
    >>> lo.tolist(), hi.tolist()
    ([0.0, 0.0], [100.0, inf])
    """
    ids = pd.Categorical(indicator_ids)
    lower_c = np.full(len(ids.categories), -np.inf)
    upper_c = np.full(len(ids.categories), np.inf)
    for k, ind in enumerate(ids.categories):
        lo, hi = catalogue_row_for(catalogue, str(ind)).bounds
        lower_c[k] = -np.inf if lo is None else float(lo)
        upper_c[k] = np.inf if hi is None else float(hi)
    codes = np.asarray(ids.codes)
    return lower_c[codes], upper_c[codes]


def projection_table(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    horizon: int = DEFAULT_HORIZON,
    level: float = 0.95,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Observed, fitted, projected and withheld rows per series (method ``ols_linear_bounded``).

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Natural bounds per indicator (ids ``<base>__<k>`` map to ``<base>``).
    horizon : int, default 2037
        Last future year (CE); the National Strategy ends in 2037.
    level : float, default 0.95
        Coverage of the prediction interval.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        :data:`PROJECTION_COLUMNS`. ``kind`` is

        * ``"observed"``: ``mean`` = the value, no interval;
        * ``"fitted"``: the trend line at observed years with its prediction interval
          (series with at least 4 observations);
        * ``"projected"``: a future year the rule allows, with its interval;
        * ``"withheld"``: a future year up to ``horizon`` the rule does not allow;
          ``mean, lo, hi`` are NaN and ``withheld_reason`` is ``"too_few_points"``
          (fewer than :data:`MIN_PROJECTION_POINTS` observations) or
          ``"beyond_observed_span"`` (after ``span_end``).

        ``method`` is ``"ols_linear_bounded"`` on every row but observed ones (``""``).
        ``flag`` is ``""``, ``"at_bound"`` (the mean was censored to a natural bound)
        or ``"interval_at_bound"`` (only an interval end was). ``n_points`` is the
        number of observations and ``span_end`` the last year the span rule allows
        (``last + (last - first)``), both int64 and repeated on every row of a series.
        All label columns are ``Categorical`` of str; a series with no data has no rows.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": "demo", "indicator_id": "waste_collection_pct",
    ...                    "year": range(2015, 2025), "value": [80, 83, 85, 88, 90,
    ...                    92, 93, 95, 96, 97.0]})
    >>> p = projection_table(df, load_catalogue(), horizon=2037)
    >>> bool((p["hi"].dropna() <= 100).all())
    True
    >>> p.groupby("kind", observed=True)["year"].max().to_dict()
    {'observed': 2024, 'fitted': 2024, 'projected': 2033, 'withheld': 2037}
    >>> sorted(set(p.loc[p["kind"] == "withheld", "withheld_reason"]))
    ['beyond_observed_span']
    """
    panel = panel if panel is not None else build_panel(indicators)
    size, width = panel.obs.shape
    n = panel.n.astype(np.int64)
    lower, upper = bounds_arrays(catalogue, panel.indicator_id)
    first = panel.first_year if size else np.zeros(0)
    last = panel.last_year if size else np.zeros(0)
    span_end = (2 * last - first) if size else np.zeros(0)
    n_future = np.maximum(horizon - last, 0).astype(np.int64) if size else np.zeros(0, np.int64)
    fut = int(n_future.max()) if size else 0
    fut_years = last[:, None] + np.arange(1, fut + 1)[None, :]

    est = _fit(panel, np.concatenate([panel.years, fut_years], axis=1), level)
    cens = {k: np.clip(est[k], lower[:, None], upper[:, None]) for k in ("mean", "lo", "hi")}
    with np.errstate(invalid="ignore"):
        mean_cut = cens["mean"] != est["mean"]
        band_cut = (cens["lo"] != est["lo"]) | (cens["hi"] != est["hi"])
    flag_m = np.where(mean_cut, 2, np.where(band_cut, 1, 0)).astype(np.int8)

    fit_ok = n >= MIN_POINTS
    proj_ok = n >= MIN_PROJECTION_POINTS
    in_future = np.arange(fut)[None, :] < n_future[:, None]
    in_span = fut_years <= span_end[:, None]
    projected = in_future & proj_ok[:, None] & in_span
    withheld = in_future & ~projected
    reason_f = np.where(withheld, np.where(proj_ok[:, None], 2, 1), 0).astype(np.int8)

    # One matrix per output column: [observed (width) | fitted (width) | future (fut)].
    total = 2 * width + fut
    years = np.concatenate([panel.years, panel.years, fut_years], axis=1)
    mean = np.concatenate([panel.obs, cens["mean"]], axis=1)
    lo = np.concatenate([np.full((size, width), np.nan), cens["lo"]], axis=1)
    hi = np.concatenate([np.full((size, width), np.nan), cens["hi"]], axis=1)
    flag = np.concatenate([np.zeros((size, width), np.int8), flag_m], axis=1)
    reason = np.concatenate([np.zeros((size, 2 * width), np.int8), reason_f], axis=1)
    kind = np.empty((size, total), np.int8)
    kind[:, :width], kind[:, width : 2 * width] = 0, 1
    kind[:, 2 * width :] = np.where(projected, 2, 3)
    valid = np.concatenate([panel.mask, panel.mask & fit_ok[:, None], in_future], axis=1)
    # Withheld future years have no value.
    blank = kind == 3
    for arr in (mean, lo, hi):
        arr[blank] = np.nan
    flag[blank] = 0

    r, c = np.nonzero(valid)  # row-major: series, then observed/fitted/future, by year
    k = kind[r, c]
    return pd.DataFrame(
        {
            "town_id": panel.town_id[r],
            "indicator_id": panel.indicator_id[r],
            "year": years[r, c].astype(np.int64),
            "mean": mean[r, c],
            "lo": lo[r, c],
            "hi": hi[r, c],
            "kind": _cat(k, KINDS),
            "method": _cat((k != 0).astype(np.int8), METHODS),
            "flag": _cat(flag[r, c], FLAGS),
            "withheld_reason": _cat(reason[r, c], WITHHELD_REASONS),
            "n_points": n[r],
            "span_end": span_end[r].astype(np.int64),
        }
    )


def _cat(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype="str"))


def _fit(panel: Panel, at_years: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """Closed-form OLS ``value ~ year`` per series, evaluated at ``at_years`` (S, K).

    Returns the unclipped ``mean, lo, hi`` (classical prediction interval, ``n - 2``
    degrees of freedom), NaN for series with fewer than 3 observations or a single year.
    A constant series gives exactly its value with a zero-width interval.
    """
    valid = panel.mask
    n = panel.n
    nf = np.maximum(n, 1).astype(float)
    yrs = np.where(valid, panel.years, 0.0)
    y = np.where(valid, panel.obs, 0.0)
    xm = yrs.sum(axis=1) / nf
    ym = y.sum(axis=1) / nf
    xc = np.where(valid, panel.years - xm[:, None], 0.0)
    yc = np.where(valid, y - ym[:, None], 0.0)
    sxx = (xc * xc).sum(axis=1)
    ok = (n >= 3) & (sxx > 0)
    sxx_safe = np.where(ok, sxx, 1.0)
    b = (xc * yc).sum(axis=1) / sxx_safe
    resid = np.where(valid, yc - b[:, None] * xc, 0.0)
    dof = np.maximum(n - 2, 1)
    s2 = (resid * resid).sum(axis=1) / dof
    t_crit = stats.t.ppf(0.5 + level / 2, dof)
    d = at_years - xm[:, None]
    fit = ym[:, None] + b[:, None] * d
    half = t_crit[:, None] * np.sqrt(
        s2[:, None] * (1 + 1 / nf[:, None] + d * d / sxx_safe[:, None])
    )
    vmax = np.where(valid, panel.obs, -np.inf).max(axis=1, initial=-np.inf)
    vmin = np.where(valid, panel.obs, np.inf).min(axis=1, initial=np.inf)
    const = (vmax == vmin)[:, None]
    bad = ~ok[:, None] | np.isnan(at_years)
    out = {}
    for key, raw in (("mean", fit), ("lo", fit - half), ("hi", fit + half)):
        out[key] = np.where(bad, np.nan, np.where(const, vmax[:, None], raw))
    return out
