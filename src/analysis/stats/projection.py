"""Projections to the plan horizon with prediction intervals, respecting natural bounds.

Method (justified in ``docs/methods.md``): an ordinary-least-squares linear trend in time
fitted on a transformed scale, with the classical OLS prediction interval for a new
observation (what ``statsmodels`` ``OLS(...).get_prediction(...).summary_frame()`` calls
``obs_ci_lower/obs_ci_upper``), back-transformed:

* both bounds finite (e.g. percentages 0-100): logit of the position within the bounds;
* only a lower bound (e.g. concentrations >= 0): log of the distance above the bound;
* unbounded: no transformation.

So projected values and their intervals can never leave the natural range. The fit is
done in closed form for all series at once; tests check it against statsmodels to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalogue import Catalogue
from analysis.stats.panel import MIN_POINTS, Panel, build_panel, catalogue_row_for

__all__ = [
    "DEFAULT_HORIZON",
    "EDGE_SHARE",
    "FEW_POINTS",
    "PROJECTION_COLUMNS",
    "Transform",
    "projection_table",
    "transform_for",
]

DEFAULT_HORIZON = 2037
#: Series with fewer observations than this are flagged ``few_points``.
FEW_POINTS = 8
#: Values at a bound are moved this share of the range (logit) inside it.
EDGE_SHARE = 0.005
KINDS: tuple[str, ...] = ("observed", "fitted", "projected")
METHODS: tuple[str, ...] = ("", "ols_identity", "ols_log", "ols_log_upper", "ols_logit")
FLAGS: tuple[str, ...] = (
    "",
    "few_points",
    "long_extrapolation",
    "few_points;long_extrapolation",
    "too_few_points",
)
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
)


class Transform:
    """A monotone increasing transformation to an unbounded scale and back.

    Parameters
    ----------
    lower, upper : float or None
        Natural bounds of the indicator.
    """

    def __init__(self, lower: float | None, upper: float | None) -> None:
        self.lower = lower
        self.upper = upper
        self._lo = float("nan") if lower is None else float(lower)
        self._hi = float("nan") if upper is None else float(upper)
        if lower is not None and upper is not None:
            self.name = "logit"
        elif lower is not None:
            self.name = "log"
        elif upper is not None:
            self.name = "log_upper"
        else:
            self.name = "identity"

    def forward(self, v: np.ndarray, offset: np.ndarray | float = 0.0) -> np.ndarray:
        """Map values to the model scale (``offset`` is the per-series log offset).

        Parameters
        ----------
        v : numpy.ndarray
            Values on the indicator's scale.
        offset : numpy.ndarray or float, default 0
            Per-series log offset (broadcast against ``v``; log scales only).

        Returns
        -------
        numpy.ndarray
            Values on the unbounded model scale.
        """
        lo, hi = self._lo, self._hi
        if self.name == "logit":
            p = np.clip((v - lo) / (hi - lo), EDGE_SHARE, 1 - EDGE_SHARE)
            return np.log(p / (1 - p))
        if self.name == "log":
            return np.log(np.maximum(v - lo, 0.0) + offset)
        if self.name == "log_upper":
            return -np.log(np.maximum(hi - v, 0.0) + offset)
        return np.asarray(v, dtype=float)

    def inverse(self, y: np.ndarray, offset: np.ndarray | float = 0.0) -> np.ndarray:
        """Map model-scale values back, clipped to the natural bounds.

        Parameters
        ----------
        y : numpy.ndarray
            Values on the model scale.
        offset : numpy.ndarray or float, default 0
            The offset given to :meth:`forward`.

        Returns
        -------
        numpy.ndarray
            Values on the indicator's scale.
        """
        lo, hi = self._lo, self._hi
        if self.name == "logit":
            return lo + (hi - lo) * stats.logistic.cdf(y)
        if self.name == "log":
            return np.maximum(np.exp(np.minimum(y, 700.0)) - offset + lo, lo)
        if self.name == "log_upper":
            return np.minimum(hi - np.exp(np.minimum(-y, 700.0)) + offset, hi)
        return np.asarray(y, dtype=float)


def transform_for(catalogue: Catalogue, indicator_id: str) -> Transform:
    """Return the :class:`Transform` used for an indicator (from its natural bounds).

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue.
    indicator_id : str
        An indicator id (``<base>__<k>`` maps to ``<base>``).

    Returns
    -------
    Transform

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> transform_for(load_catalogue(), "waste_collection_pct").name
    'logit'
    """
    lower, upper = catalogue_row_for(catalogue, indicator_id).bounds
    return Transform(lower, upper)


def _log_offset(values: np.ndarray, valid: np.ndarray, transform: Transform) -> np.ndarray:
    """Per-series offset for log scales: 1 % of the mean distance from the bound (> 0)."""
    if transform.name == "log":
        dist = values - transform._lo
    elif transform.name == "log_upper":
        dist = transform._hi - values
    else:
        return np.zeros(values.shape[0])
    mean = np.where(valid, dist, 0.0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    return np.maximum(0.01 * mean, 1e-9)


def projection_table(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    horizon: int = DEFAULT_HORIZON,
    level: float = 0.95,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Observed, fitted and projected values with prediction intervals, per series.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Natural bounds per indicator (ids ``<base>__<k>`` map to ``<base>``).
    horizon : int, default 2037
        Last projected year (CE); the National Strategy ends in 2037.
    level : float, default 0.95
        Coverage of the prediction interval.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        :data:`PROJECTION_COLUMNS`. ``kind`` is ``"observed"`` (``mean`` = the value,
        no interval), ``"fitted"`` (the trend line at observed years, with its
        prediction interval) or ``"projected"`` (every year after the latest up to
        ``horizon``). ``method`` is ``"ols_<transform>"``. ``flag`` is ``""``,
        ``"few_points"`` (n < 8), ``"long_extrapolation"`` (projection further ahead
        than twice the observed span) or both joined by ``";"``. Series with fewer
        than 4 observations get only observed rows, flagged ``"too_few_points"``.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": "demo", "indicator_id": "waste_collection_pct",
    ...                    "year": range(2015, 2025), "value": [80, 83, 85, 88, 90,
    ...                    92, 93, 95, 96, 97.0]})
    >>> p = projection_table(df, load_catalogue(), horizon=2037)
    >>> bool((p["hi"].dropna() <= 100).all()), p["kind"].iloc[-1]
    (True, 'projected')
    """
    panel = panel if panel is not None else build_panel(indicators)
    size, width = panel.obs.shape
    t_crit = stats.t.ppf(0.5 + level / 2, np.maximum(panel.n - 2, 1))
    n_future = np.where(panel.n >= MIN_POINTS, np.maximum(horizon - panel.last_year, 0), 0)
    fut = int(n_future.max()) if size else 0
    # One matrix per output column: [observed (width) | fitted (width) | projected (fut)].
    total = 2 * width + fut
    years = np.full((size, total), np.nan)
    mean, lo, hi = (np.full((size, total), np.nan) for _ in range(3))
    valid = np.zeros((size, total), dtype=bool)
    years[:, :width] = panel.years
    mean[:, :width] = panel.obs
    valid[:, :width] = panel.mask
    method = np.zeros(size, np.int8)
    flag = np.where(panel.n < MIN_POINTS, FLAGS.index("too_few_points"), 0).astype(np.int8)
    for ind_id in panel.indicator_ids:
        rows = np.flatnonzero(np.asarray(panel.indicator_id == ind_id) & (panel.n >= MIN_POINTS))
        if len(rows) == 0:
            continue
        tr = transform_for(catalogue, ind_id)
        sub = panel.subset(rows)
        res = _fit(sub, t_crit[rows], tr, horizon)
        w, f = sub.obs.shape[1], res["fut_years"].shape[1]
        for arr, key in ((mean, "mean"), (lo, "lo"), (hi, "hi")):
            arr[rows, width : width + w] = res[key][:, :w]
            arr[rows, 2 * width : 2 * width + f] = res[key][:, w:]
        years[rows, width : width + w] = sub.years
        years[rows, 2 * width : 2 * width + f] = res["fut_years"]
        valid[rows, width : width + w] = sub.mask
        valid[rows, 2 * width : 2 * width + f] = res["fut_valid"]
        method[rows] = METHODS.index(f"ols_{tr.name}")
        flag[rows] = res["flag"]
    r, c = np.nonzero(valid)  # row-major: series, then observed/fitted/projected, by year
    kind = np.where(c < width, 0, np.where(c < 2 * width, 1, 2)).astype(np.int8)
    observed = kind == 0
    row_flag = np.where(observed & (flag[r] != FLAGS.index("too_few_points")), 0, flag[r])
    return pd.DataFrame(
        {
            "town_id": panel.town_id[r],
            "indicator_id": panel.indicator_id[r],
            "year": years[r, c].astype(np.int64),
            "mean": mean[r, c],
            "lo": lo[r, c],
            "hi": hi[r, c],
            "kind": _cat(kind, KINDS),
            "method": _cat(np.where(observed, 0, method[r]), METHODS),
            "flag": _cat(row_flag, FLAGS),
        }
    )


def _cat(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype="str"))


def _fit(panel: Panel, t_crit: np.ndarray, tr: Transform, horizon: int) -> dict[str, np.ndarray]:
    """Fit, fitted values and projections of one indicator's series (all n >= MIN_POINTS).

    Returns ``mean, lo, hi`` of shape (S, width + F) (observed years, then future years),
    ``fut_years`` and ``fut_valid`` of shape (S, F) and the ``flag`` code per series.
    """
    valid = panel.mask
    nf = panel.n.astype(float)
    offset = _log_offset(panel.obs, valid, tr)
    y = np.where(
        valid, tr.forward(np.where(valid, panel.obs, _safe_fill(tr)), offset[:, None]), 0.0
    )
    xm = np.where(valid, panel.years, 0.0).sum(axis=1) / nf
    ym = y.sum(axis=1) / nf
    xc = np.where(valid, panel.years - xm[:, None], 0.0)
    yc = np.where(valid, y - ym[:, None], 0.0)
    sxx = (xc * xc).sum(axis=1)
    b = (xc * yc).sum(axis=1) / sxx
    resid = np.where(valid, yc - b[:, None] * xc, 0.0)
    s2 = (resid * resid).sum(axis=1) / (nf - 2)

    first, last = panel.first_year, panel.last_year
    n_future = np.maximum(horizon - last, 0).astype(np.int64)
    steps = int(n_future.max()) if len(n_future) else 0
    fut_years = last[:, None] + np.arange(1, steps + 1)[None, :]
    fut_valid = np.arange(steps)[None, :] < n_future[:, None]
    d = np.concatenate([panel.years, fut_years], axis=1) - xm[:, None]
    d = np.where(np.isnan(d), 0.0, d)
    fit = ym[:, None] + b[:, None] * d
    half = t_crit[:, None] * np.sqrt(s2[:, None] * (1 + 1 / nf[:, None] + d * d / sxx[:, None]))
    out = {
        "mean": tr.inverse(fit, offset[:, None]),
        "lo": tr.inverse(fit - half, offset[:, None]),
        "hi": tr.inverse(fit + half, offset[:, None]),
    }
    # A constant series (e.g. 100 % every year) stays exactly constant: no edge shrinkage.
    vmax = np.where(valid, panel.obs, -np.inf).max(axis=1)
    vmin = np.where(valid, panel.obs, np.inf).min(axis=1)
    const = (vmax == vmin)[:, None]
    out = {key: np.where(const, vmax[:, None], arr) for key, arr in out.items()}
    few = panel.n < FEW_POINTS
    longx = (horizon - last) > 2 * (last - first)
    out["flag"] = np.select(
        [few & longx, few, longx],
        [
            FLAGS.index("few_points;long_extrapolation"),
            FLAGS.index("few_points"),
            FLAGS.index("long_extrapolation"),
        ],
        0,
    )
    out["fut_years"] = fut_years
    out["fut_valid"] = fut_valid
    return out


def _safe_fill(tr: Transform) -> float:
    """Return a placeholder inside the domain of ``tr`` for padded cells (masked afterwards)."""
    if tr.lower is not None and tr.upper is not None:
        return (float(tr.lower) + float(tr.upper)) / 2
    if tr.lower is not None:
        return float(tr.lower) + 1.0
    if tr.upper is not None:
        return float(tr.upper) - 1.0
    return 0.0
