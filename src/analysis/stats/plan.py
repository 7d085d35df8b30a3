"""The plan framework: solve / prevent / opportunity / maintain, and phase milestones.

One rule, agreeing with appendix B (:mod:`analysis.stats.status`: the *decisive* yardstick
of the latest year is the Thai legal standard in force, else the plan target; guidelines,
award criteria, index bands and references never decide) and with the Mann-Kendall trend
(``improving``/``worsening`` = significant at 5 %). Classes are checked in this order:

1. ``solve``: the latest value fails the decisive legal standard; or, for an indicator
   judged only by its plan target, the target is not met and the indicator is off track:
   the projected mean for the target year misses the target, or (no projection for that
   year: withheld, absent or NaN) the trend is not significantly improving, or improves
   more slowly (Sen's slope) than the average annual change still needed to reach the
   target in its year.
2. ``prevent``: it meets the legal standard (or target) now, but the projected *mean*
   (not the interval's edge) crosses it within the horizon, or the trend is significantly
   worsening. A significantly improving indicator that meets its yardstick is never
   ``prevent``. An indicator with neither yardstick that worsens significantly is also
   ``prevent``.
3. ``opportunity``: it meets its yardstick (or has none) and is significantly improving,
   or it describes a local natural asset (catalogue ``asset: true``).
4. ``maintain``: everything else (meets with no significant trend, or not yet at target
   but on track: projected to meet it, or, without a projection, improving significantly
   and fast enough).

Reasons are written in Thai (Buddhist Era years) and English from ``i18n/*/plan.yaml``
(``plan.reason.<key>``); each names the kind of yardstick.
Milestones follow the 5-year phases of the National Strategy 2018-2037.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.i18n import BE_OFFSET, get_translator
from analysis.i18n.prose import fmt_quantity, thai_unit_order
from analysis.stats.panel import align_rows, catalogue_row_for, target_for
from analysis.stats.progress import meets_target
from analysis.stats.projection import DEFAULT_HORIZON
from analysis.stats.status import HEADLINE_COLUMNS

__all__ = [
    "BE_OFFSET",
    "PHASES",
    "PLAN_CLASSES",
    "PLAN_COLUMNS",
    "PathKind",
    "format_number",
    "plan_table",
]

PLAN_CLASSES: tuple[str, ...] = ("solve", "prevent", "opportunity", "maintain")
#: 5-year phases of the National Strategy B.E. 2561-2580 (CE 2018-2037).
PHASES: tuple[tuple[int, int], ...] = ((2018, 2022), (2023, 2027), (2028, 2032), (2033, 2037))
PathKind = Literal["linear", "geometric"]
PLAN_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "plan_class",
    "reason_key",
    "reason_en",
    "reason_th",
    "latest_year",
    "latest_value",
    "headline_issuer",
    "headline_category",
    "headline_value",
    "headline_pass",
    "target_value",
    "target_year",
    "projected_at_target",
    "breach_year",
    "change",
    "sen_slope",
    "asset",
)


def format_number(x: float | None) -> str:
    """Format a value for a stored plan sentence: 3 significant-ish digits, separators.

    The rule of :func:`analysis.i18n.prose.fmt_quantity` (which this calls), for the
    sentences the results store; pages format their numbers with
    :func:`analysis.report.fmt.fmt_number` (the same rule) and
    :func:`analysis.report.fmt.fmt_quantity` (with the unit).

    Parameters
    ----------
    x : float or None
        The value.

    Returns
    -------
    str
        0 decimals from 100, 1 from 10, else 2 (a small non-zero value keeps two
        significant digits, never ``0.00``); ``"-"`` for None, NaN or infinity.

    Examples
    --------
    >>> format_number(1234.5), format_number(12.345), format_number(0.1234)
    ('1,234', '12.3', '0.12')
    """
    if x is None or not np.isfinite(x):
        return "-"
    return fmt_quantity(float(x))  # a small non-zero value keeps 2 significant digits


def _format_many(values: np.ndarray) -> list[str]:
    """Vectorised :func:`format_number` (same output, for whole columns)."""
    return [fmt_quantity(x) for x in np.asarray(values, dtype=float).tolist()]


def _first_breach(projections: pd.DataFrame, latest: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """First projected year whose *mean* crosses the decisive yardstick (legal or target).

    The interval's edge is not used; withheld rows and NaN means count as no projection.
    """
    head = latest.loc[
        latest["headline_value"].notna(),
        ["town_id", "indicator_id", "headline_value", "headline_kind"],
    ]
    proj = projections.loc[
        (projections["kind"] == "projected")
        & (projections["year"] <= horizon)
        & projections["mean"].notna(),
        ["town_id", "indicator_id", "year", "mean"],
    ]
    merged = proj.merge(head, on=["town_id", "indicator_id"], how="inner")
    limit = merged["headline_value"].to_numpy(dtype=float)
    is_max = (merged["headline_kind"] == "max").to_numpy(dtype=bool)
    mean = merged["mean"].to_numpy(dtype=float)
    breach = np.where(is_max, mean > limit, mean < limit)
    return (
        merged.loc[breach]
        .groupby(["town_id", "indicator_id"], as_index=False, observed=True)
        .agg(breach_year=("year", "min"))
    )


def _projected_at(projections: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Projected mean in each row's ``target_year`` (NaN: withheld, absent or no target)."""
    years = np.unique(keys["target_year"].to_numpy(dtype=float))
    proj = projections.loc[
        (projections["kind"] == "projected")
        & projections["mean"].notna()
        & projections["year"].isin(years[np.isfinite(years)]),
        ["town_id", "indicator_id", "year", "mean"],
    ]
    left = pd.DataFrame(
        {
            "town_id": np.asarray(keys["town_id"], dtype=object),
            "indicator_id": np.asarray(keys["indicator_id"], dtype=object),
            "year": keys["target_year"].to_numpy(dtype=float),
        }
    )
    right = pd.DataFrame(
        {
            "town_id": np.asarray(proj["town_id"], dtype=object),
            "indicator_id": np.asarray(proj["indicator_id"], dtype=object),
            "year": proj["year"].to_numpy(dtype=float),
            "mean": proj["mean"].to_numpy(dtype=float),
        }
    ).drop_duplicates(["town_id", "indicator_id", "year"])
    return left.merge(right, on=["town_id", "indicator_id", "year"], how="left")["mean"].to_numpy(
        dtype=float
    )


def plan_table(
    trends: pd.DataFrame,
    latest: pd.DataFrame,
    projections: pd.DataFrame,
    catalogue: Catalogue,
    *,
    horizon: int = DEFAULT_HORIZON,
    level: float = 0.95,
) -> pd.DataFrame:
    """Classify every town x indicator as solve / prevent / opportunity / maintain.

    Parameters
    ----------
    trends : pandas.DataFrame
        :func:`analysis.stats.trend.trend_table` (``change``, ``sen_slope``).
    latest : pandas.DataFrame
        :func:`analysis.stats.status.latest_status` (the ``headline_*`` decisive yardstick).
    projections : pandas.DataFrame
        :func:`analysis.stats.projection.projection_table`; only ``kind == "projected"``
        rows with a mean are used (withheld or missing rows mean "no projection").
    catalogue : Catalogue
        Units, targets and the ``asset`` flag.
    horizon : int, default 2037
        Projected years after this are ignored.
    level : float, default 0.95
        Kept for compatibility; the rule uses the projected mean, not the interval.

    Returns
    -------
    pandas.DataFrame
        :data:`PLAN_COLUMNS`: the class, the reason key (``plan.reason.<key>``) and the
        reason in English and Thai (Buddhist Era years), with the evidence columns
        (``breach_year``: first projected year whose mean crosses the decisive yardstick;
        ``projected_at_target``: the projected mean in the target year, NaN when none).

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> latest = pd.DataFrame({"town_id": ["t"], "indicator_id": ["pm25_annual"],
    ...     "latest_year": [2024], "latest_value": [13.1], "headline_issuer": ["TH_NEB"],
    ...     "headline_category": ["legal_standard"], "headline_value": [15.0],
    ...     "headline_kind": ["max"], "headline_name_en": ["NEB PM2.5"],
    ...     "headline_name_th": ["มาตรฐาน PM2.5"], "headline_pass": [True],
    ...     "headline_margin": [1.9]})
    >>> trends = pd.DataFrame({"town_id": ["t"], "indicator_id": ["pm25_annual"],
    ...     "change": ["improving"], "sen_slope": [-0.6]})
    >>> proj = pd.DataFrame({"town_id": "t", "indicator_id": "pm25_annual",
    ...     "year": [2030, 2037], "mean": [9.0, 6.2], "lo": [2.0, 0.0],
    ...     "hi": [16.0, 18.0], "kind": "projected"})
    >>> plan_table(trends, latest, proj, cat)[["plan_class", "reason_key"]].iloc[0].tolist()
    ['opportunity', 'opportunity_improving']
    """
    del level  # the rule rests on the projected mean (issue 12, item 5)
    latest_cols = ["town_id", "indicator_id", "latest_year", "latest_value"]
    df = latest.loc[:, [*latest_cols, *HEADLINE_COLUMNS]].reset_index(drop=True)
    df["change"] = align_rows(df, trends, "change")
    df["sen_slope"] = align_rows(df, trends, "sen_slope").astype(float)
    df["breach_year"] = align_rows(df, _first_breach(projections, latest, horizon), "breach_year")
    ids = df["indicator_id"].astype(str).to_numpy()
    uniq = np.unique(ids)
    entries = {u: catalogue_row_for(catalogue, u) for u in uniq}
    df["asset"] = np.array([entries[i].asset for i in ids], dtype=bool)
    tgt = {u: target_for(entries[u], u) for u in uniq}
    df["target_value"] = np.array([tgt[i][0] for i in ids], dtype=float)
    df["target_year"] = np.array([tgt[i][1] for i in ids], dtype=float)
    df["projected_at_target"] = _projected_at(projections, df)
    higher = np.array([entries[i].higher_is_better for i in ids], dtype=bool)

    category = df["headline_category"].to_numpy(dtype=object)
    legal = category == "legal_standard"
    target = category == "target"
    neither = ~(legal | target)
    passes = df["headline_pass"].fillna(False).to_numpy(dtype=bool)
    breach = df["breach_year"].notna().to_numpy()
    worse = (df["change"] == "worsening").to_numpy(dtype=bool)
    better = (df["change"] == "improving").to_numpy(dtype=bool)
    asset = df["asset"].to_numpy()
    proj_t = df["projected_at_target"].to_numpy(dtype=float)
    has_proj = np.isfinite(proj_t)
    proj_meets = has_proj & meets_target(proj_t, df["target_value"].to_numpy(float), higher)
    # without a projection, a significant improvement must also be fast enough: Sen's slope
    # at least the average annual change still needed to reach the target in its year
    tv, ty = df["target_value"].to_numpy(float), df["target_year"].to_numpy(float)
    steps = ty - df["latest_year"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        required = np.where(steps > 0, (tv - df["latest_value"].to_numpy(float)) / steps, np.nan)
    slope = df["sen_slope"].to_numpy(dtype=float)
    fast = np.where(higher, slope >= required, slope <= required) & np.isfinite(required)
    df["required_annual_change"] = required
    # off track: the target-year projection misses the target, or (no projection) the trend
    # is not significantly improving, or improves more slowly than needed
    off_track = np.where(has_proj, ~proj_meets, ~(better & fast))
    conds = [
        legal & ~passes,
        target & ~passes & off_track & has_proj,
        target & ~passes & off_track & better,
        target & ~passes & off_track,
        legal & passes & ~better & breach,
        target & passes & ~better & breach,
        legal & passes & worse,
        target & passes & worse,
        neither & worse,
        legal & passes & better,
        target & passes & better,
        neither & better,
        asset,
        legal,
        target & passes,
        target & has_proj,
        target,
    ]
    keys = [
        "solve_legal",
        "solve_target_projection",
        "solve_target_slow",
        "solve_target_trend",
        "prevent_projection",
        "prevent_projection_target",
        "prevent_trend",
        "prevent_trend_target",
        "prevent_trend_no_yardstick",
        "opportunity_improving",
        "opportunity_improving_target",
        "opportunity_improving_no_yardstick",
        "opportunity_asset",
        "maintain",
        "maintain_target_met",
        "maintain_target_on_track_projection",
        "maintain_target_on_track_trend",
    ]
    reason_key = np.select(conds, keys, "maintain_no_yardstick").astype(object)
    plan_class = np.array([k.split("_")[0] for k in reason_key], dtype=object)
    df["plan_class"] = plan_class
    df["reason_key"] = reason_key
    df["breach_year"] = df["breach_year"].astype("Int64")
    df["target_year"] = df["target_year"].astype("Int64")

    _reason_texts(df, catalogue, {u: entries[u].unit for u in uniq})
    return df.loc[:, list(PLAN_COLUMNS)].reset_index(drop=True)


def _reason_texts(df: pd.DataFrame, catalogue: Catalogue, units: dict[str, str]) -> None:
    """Add ``reason_en`` and ``reason_th`` to ``df`` in place.

    Every template names the kind of yardstick (legal standard or plan target); fields a
    template does not use are ignored, so no sentence carries an empty blank.
    """
    value = _format_many(df["latest_value"].to_numpy(dtype=float))
    limit = _format_many(df["headline_value"].to_numpy(dtype=float))
    shortfall = _format_many(np.abs(df["headline_margin"].to_numpy(dtype=float)))
    slope = _format_many(df["sen_slope"].to_numpy(dtype=float))
    projected = _format_many(df["projected_at_target"].to_numpy(dtype=float))
    required = _format_many(df["required_annual_change"].to_numpy(dtype=float))
    year = df["latest_year"].to_numpy(dtype=np.int64).tolist()
    breach = df["breach_year"].to_numpy(dtype=float, na_value=np.nan)
    tyear = df["target_year"].to_numpy(dtype=float, na_value=np.nan)
    keys = df["reason_key"].tolist()
    inds = df["indicator_id"].astype(str).tolist()
    kinds = df["headline_kind"].tolist()
    for lang in ("en", "th"):
        t = get_translator(lang)
        off = BE_OFFSET if lang == "th" else 0
        kind_words = {"max": t("plan.kind.max"), "min": t("plan.kind.min")}
        unit_sym = {u: catalogue.unit_symbol(unit, lang) for u, unit in units.items()}
        templates = {k: t.strings[f"plan.reason.{k}"] for k in set(keys)}
        names = df[f"headline_name_{lang}"].tolist()
        breach_txt = [str(int(b) + off) if np.isfinite(b) else "-" for b in breach.tolist()]
        tyear_txt = [str(int(b) + off) if np.isfinite(b) else "-" for b in tyear.tolist()]
        texts = [
            templates[k].format(
                value=v,
                unit=unit_sym[i],
                year=y + off,
                standard=nm if isinstance(nm, str) else "-",
                kind=kind_words.get(kd, ""),
                limit=lm,
                shortfall=sf,
                breach_year=by,
                target_year=ty,
                projected=pj,
                required=rq,
                slope=sl,
            )
            for k, v, i, y, nm, kd, lm, sf, by, ty, pj, rq, sl in zip(
                keys,
                value,
                inds,
                year,
                names,
                kinds,
                limit,
                shortfall,
                breach_txt,
                tyear_txt,
                projected,
                required,
                slope,
                strict=True,
            )
        ]
        if lang == "th":
            texts = [thai_unit_order(x) for x in texts]
        df[f"reason_{lang}"] = pd.Series(texts, index=df.index, dtype=object)
