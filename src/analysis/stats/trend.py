"""Trend tests for many series at once: Mann-Kendall, Hamed-Rao, Sen's slope, OLS.

All statistics are computed with NumPy across every series of a :class:`~.panel.Panel`
together (pairwise differences in a 3-D array, closed-form OLS), in chunks to bound
memory. ``pymannkendall``, ``scipy.stats.theilslopes`` and ``statsmodels`` are the
references these vectorised versions are tested against (to 1e-9). See
``docs/methods.md`` for the formulas and their sources.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalogue import Catalogue
from analysis.stats.panel import MIN_POINTS, Panel, build_panel, catalogue_row_for

__all__ = ["TREND_COLUMNS", "trend_arrays", "trend_table"]

TREND_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "n",
    "first_year",
    "last_year",
    "mk_s",
    "mk_var_s",
    "mk_z",
    "mk_p",
    "mk_trend",
    "hr_var_s",
    "hr_z",
    "hr_p",
    "hr_trend",
    "tau",
    "sen_slope",
    "sen_lo",
    "sen_hi",
    "sen_intercept",
    "ols_slope",
    "ols_lo",
    "ols_hi",
    "ols_p",
    "status",
    "change",
)

_CHUNK = 8192


def _median_sorted(sorted_arr: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of the first ``count`` entries of each row of a row-sorted array."""
    rows = np.arange(sorted_arr.shape[0])
    lo = np.maximum((count - 1) // 2, 0)
    hi = np.maximum(count // 2, 0)
    return 0.5 * (sorted_arr[rows, lo] + sorted_arr[rows, hi])


def _z_from_s(s: np.ndarray, var_s: np.ndarray) -> np.ndarray:
    """Continuity-corrected z; 0 when S = 0; NaN when the variance is not positive."""
    num = s - np.sign(s)
    ok = var_s > 0
    z = np.divide(num, np.sqrt(np.where(ok, var_s, 1.0)), out=np.zeros_like(num), where=ok)
    return np.where(~ok & (s != 0), np.nan, z)


def _trend_words(z: np.ndarray, p: np.ndarray, alpha: float) -> np.ndarray:
    h = np.abs(z) > stats.norm.ppf(1 - alpha / 2)
    out = np.where(h & (z > 0), "increasing", np.where(h & (z < 0), "decreasing", "no trend"))
    return np.where(np.isnan(p), "undefined", out).astype(object)


def _mann_kendall(
    values: np.ndarray, valid: np.ndarray, pair_ok: np.ndarray, dv: np.ndarray, nf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Kendall S and Var(S) with the tie correction."""
    sgn = np.where(pair_ok, np.sign(np.nan_to_num(dv)), 0.0)
    s = sgn.sum(axis=1)
    # sum_p t_p(t_p-1)(2t_p+5) = sum_i (c_i-1)(2c_i+5), c_i = size of i's tie group
    eq = (values[:, :, None] == values[:, None, :]) & valid[:, :, None] & valid[:, None, :]
    c = eq.sum(axis=2).astype(float)
    tie_term = np.where(valid, (c - 1) * (2 * c + 5), 0.0).sum(axis=1)
    var_s = (nf * (nf - 1) * (2 * nf + 5) - tie_term) / 18.0
    return s, var_s


def _sen(
    years: np.ndarray,
    values: np.ndarray,
    n: np.ndarray,
    *,
    pair_ok: np.ndarray,
    dv: np.ndarray,
    ij: tuple[np.ndarray, np.ndarray],
    var_s: np.ndarray,
    alpha: float,
) -> dict[str, np.ndarray]:
    """Sen's slope on actual years, its Sen (1968) interval and the Kendall-Theil intercept."""
    iu, ju = ij
    rows = np.arange(len(n))
    nf = n.astype(float)
    dy = years[:, ju] - years[:, iu]
    slopes = np.where(pair_ok, dv / np.where(pair_ok, dy, 1.0), np.nan)
    slopes.sort(axis=1)
    nt = (nf * (nf - 1) / 2).astype(np.int64)
    sen = _median_sorted(slopes, nt)
    z_ci = stats.norm.ppf(alpha / 2)
    sigma = np.sqrt(var_s)  # Sen (1968) eq. 2.6 as in scipy.stats.theilslopes; no x ties
    ru = np.minimum(np.round((nt - z_ci * sigma) / 2).astype(np.int64), nt - 1)
    rl = np.maximum(np.round((nt + z_ci * sigma) / 2).astype(np.int64) - 1, 0)
    offsets = years - years[:, :1]  # increasing, NaN after the last observation
    intercept = _median_sorted(np.sort(values, axis=1), n) - sen * _median_sorted(offsets, n)
    return {
        "sen_slope": sen,
        "sen_lo": slopes[rows, rl],
        "sen_hi": slopes[rows, ru],
        "sen_intercept": intercept,
        "_offsets": offsets,
    }


def _hamed_rao_factor(
    values: np.ndarray,
    offsets: np.ndarray,
    sen: np.ndarray,
    *,
    valid: np.ndarray,
    n: np.ndarray,
    alpha: float,
    hr_lag: int | None,
) -> np.ndarray:
    """Hamed & Rao (1998) n/n* from the ACF of the ranks of the Sen-detrended series."""
    nf = n.astype(float)
    det = values - (offsets + 1.0) * sen[:, None]
    less = (det[:, None, :] < det[:, :, None]) & valid[:, None, :]
    same = (det[:, None, :] == det[:, :, None]) & valid[:, None, :]
    rank = less.sum(axis=2) + (same.sum(axis=2) + 1) / 2.0
    dev = np.where(valid, rank - (nf[:, None] + 1) / 2.0, 0.0)
    acov0 = (dev * dev).sum(axis=1)
    bound = stats.norm.ppf(1 - alpha / 2) / np.sqrt(nf)
    width = values.shape[1]
    max_lag = width - 1 if hr_lag is None else min(hr_lag, width - 1)
    sni = np.zeros(len(n))
    safe0 = np.where(acov0 > 0, acov0, 1.0)
    for k in range(1, max_lag + 1):
        r_k = (dev[:, :-k] * dev[:, k:]).sum(axis=1) / safe0
        use = (k <= n - 1) & (np.abs(r_k) > bound) & (acov0 > 0)
        sni += np.where(use, (nf - k) * (nf - k - 1) * (nf - k - 2) * r_k, 0.0)
    return 1 + 2 / (nf * (nf - 1) * (nf - 2)) * sni


def _ols(
    years: np.ndarray, values: np.ndarray, valid: np.ndarray, nf: np.ndarray, alpha: float
) -> dict[str, np.ndarray]:
    """OLS y = a + b * year in closed form; t interval and p with n - 2 df."""
    xm = np.where(valid, years, 0.0).sum(axis=1) / nf
    ym = np.where(valid, values, 0.0).sum(axis=1) / nf
    xc = np.where(valid, years - xm[:, None], 0.0)
    yc = np.where(valid, values - ym[:, None], 0.0)
    sxx = (xc * xc).sum(axis=1)
    b = (xc * yc).sum(axis=1) / sxx
    resid = np.where(valid, yc - b[:, None] * xc, 0.0)
    df = nf - 2
    se = np.sqrt((resid * resid).sum(axis=1) / df / sxx)
    t_crit = stats.t.ppf(1 - alpha / 2, df)
    t_stat = np.divide(b, se, out=np.zeros_like(b), where=se > 0)
    p = np.where(se > 0, 2 * stats.t.sf(np.abs(t_stat), df), np.where(b == 0, 1.0, 0.0))
    return {"ols_slope": b, "ols_lo": b - t_crit * se, "ols_hi": b + t_crit * se, "ols_p": p}


def _chunk_stats(
    years: np.ndarray, values: np.ndarray, n: np.ndarray, alpha: float, hr_lag: int | None
) -> dict[str, np.ndarray]:
    """All trend statistics for one chunk of series (every n >= MIN_POINTS)."""
    width = values.shape[1]
    nf = n.astype(float)
    valid = np.arange(width)[None, :] < n[:, None]
    iu, ju = np.triu_indices(width, 1)
    pair_ok = ju[None, :] < n[:, None]  # left-aligned: both valid iff j < n
    dv = values[:, ju] - values[:, iu]

    s, var_s = _mann_kendall(values, valid, pair_ok, dv, nf)
    z = _z_from_s(s, var_s)
    p = np.where(np.isnan(z), np.nan, 2 * stats.norm.sf(np.abs(z)))
    sen = _sen(years, values, n, pair_ok=pair_ok, dv=dv, ij=(iu, ju), var_s=var_s, alpha=alpha)
    offsets = sen.pop("_offsets")
    hr_var = var_s * _hamed_rao_factor(
        values, offsets, sen["sen_slope"], valid=valid, n=n, alpha=alpha, hr_lag=hr_lag
    )
    hr_z = _z_from_s(s, hr_var)
    hr_p = np.where(np.isnan(hr_z), np.nan, 2 * stats.norm.sf(np.abs(np.nan_to_num(hr_z))))
    return {
        "mk_s": s,
        "mk_var_s": var_s,
        "mk_z": z,
        "mk_p": p,
        "mk_trend": _trend_words(z, p, alpha),
        "hr_var_s": hr_var,
        "hr_z": hr_z,
        "hr_p": hr_p,
        "hr_trend": _trend_words(np.nan_to_num(hr_z), hr_p, alpha),
        "tau": s / (0.5 * nf * (nf - 1)),
        **sen,
        **_ols(years, values, valid, nf, alpha),
    }


def trend_arrays(
    panel: Panel, *, alpha: float = 0.05, hr_lag: int | None = None
) -> dict[str, np.ndarray]:
    """Compute every trend statistic for every series of ``panel`` as arrays.

    Series with fewer than :data:`MIN_POINTS` observations get NaN statistics and
    ``"insufficient"`` trend words.

    Parameters
    ----------
    panel : Panel
        Series from :func:`~analysis.stats.panel.build_panel`.
    alpha : float, default 0.05
        Significance level of the tests and 1 - confidence of the intervals.
    hr_lag : int, optional
        Lags considered by the Hamed-Rao correction; default all (pymannkendall's
        default); 3 is the choice of Hamed & Rao (1998).

    Returns
    -------
    dict of str to numpy.ndarray
        Keys ``mk_s, mk_var_s, mk_z, mk_p, mk_trend, hr_var_s, hr_z, hr_p, hr_trend,
        tau, sen_slope, sen_lo, sen_hi, sen_intercept, ols_slope, ols_lo, ols_hi, ols_p``
        and ``enough`` (bool: the series has at least MIN_POINTS observations).
    """
    size = len(panel)
    out: dict[str, np.ndarray] = {}
    enough = panel.n >= MIN_POINTS
    idx = np.flatnonzero(enough)
    for start in range(0, len(idx), _CHUNK):
        part = idx[start : start + _CHUNK]
        sub = panel.subset(part)
        res = _chunk_stats(sub.years, sub.obs, sub.n, alpha, hr_lag)
        for key, arr in res.items():
            if key not in out:
                fill: object = "insufficient" if arr.dtype == object else np.nan
                out[key] = np.full(size, fill, dtype=arr.dtype)
            out[key][part] = arr
    if not out:  # no series long enough: still return every key
        probe = _chunk_stats(
            np.zeros((0, MIN_POINTS)),
            np.zeros((0, MIN_POINTS)),
            np.zeros(0, np.int64),
            alpha,
            hr_lag,
        )
        for key, arr in probe.items():
            fill = "insufficient" if arr.dtype == object else np.nan
            out[key] = np.full(size, fill, dtype=arr.dtype)
    out["enough"] = enough
    return out


def trend_table(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    alpha: float = 0.05,
    hr_lag: int | None = None,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Trend tests per town x indicator, interpreted with the catalogue direction.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value`` (any row order).
    catalogue : Catalogue
        Gives each indicator's direction (ids ``<base>__<k>`` map to ``<base>``).
    alpha : float, default 0.05
        Significance level; intervals are at 1 - alpha.
    hr_lag : int, optional
        Lags for the Hamed-Rao correction (default: all).
    panel : Panel, optional
        A panel already built from ``indicators`` (skips validation).

    Returns
    -------
    pandas.DataFrame
        One row per town x indicator with :data:`TREND_COLUMNS`. ``status`` is ``"ok"``
        or ``"too_few_points"`` (fewer than 4 observations; statistics NaN);
        ``change`` is ``"improving"``, ``"worsening"``, ``"no_trend"`` (Mann-Kendall
        not significant at ``alpha``) or ``"insufficient"``. ``sen_intercept`` is the
        Kendall-Theil line at ``first_year``; slopes are per year.

    Raises
    ------
    SeriesError
        For bad input (NaN, non-numeric value, duplicate year), naming the series.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": "demo", "indicator_id": "pm25_annual",
    ...                    "year": range(2015, 2021), "value": [30, 29, 27, 26, 24, 21.0]})
    >>> row = trend_table(df, load_catalogue()).iloc[0]
    >>> row.mk_trend, row.change, round(float(row.sen_slope), 3)
    ('decreasing', 'improving', -1.667)
    """
    panel = panel if panel is not None else build_panel(indicators)
    res = trend_arrays(panel, alpha=alpha, hr_lag=hr_lag)
    enough = res.pop("enough")
    sign = _direction_sign(panel.indicator_id, catalogue)
    z = res["mk_z"]
    h = np.abs(np.nan_to_num(z)) > stats.norm.ppf(1 - alpha / 2)
    change = np.where(
        ~enough,
        "insufficient",
        np.where(h & (sign * z > 0), "improving", np.where(h, "worsening", "no_trend")),
    ).astype(object)
    frame = pd.DataFrame(
        {
            "town_id": panel.town_id,
            "indicator_id": panel.indicator_id,
            "n": panel.n,
            "first_year": panel.first_year.astype(np.int64) if len(panel) else [],
            "last_year": panel.last_year.astype(np.int64) if len(panel) else [],
            **res,
            "status": np.where(enough, "ok", "too_few_points").astype(object),
            "change": change,
        }
    )
    return frame.loc[:, list(TREND_COLUMNS)]


def _direction_sign(indicator_ids: pd.Categorical, catalogue: Catalogue) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better, per series."""
    per = np.array(
        [
            1.0 if catalogue_row_for(catalogue, str(u)).higher_is_better else -1.0
            for u in indicator_ids.categories
        ]
    )
    return per[indicator_ids.codes] if len(per) else np.zeros(len(indicator_ids))
