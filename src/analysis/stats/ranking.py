"""Cross-town comparison: normalised theme scores, ranks and an ASEAN ESC Award shortlist.

Score (documented in ``docs/methods.md``): for each indicator, each town's latest value
is min-max scaled across the towns to 0-100, oriented so that 100 is the best town
(the catalogue direction). A theme score is the unweighted mean of its indicators'
scores; the overall score is the unweighted mean of the theme scores (so every theme
counts equally whatever its number of indicators). When all towns have the same value
of an indicator, every town scores 50 on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.stats.panel import Panel, build_panel, catalogue_row_for, latest_frame
from analysis.stats.status import latest_status

__all__ = ["SCORE_COLUMNS", "SHORTLIST_COLUMNS", "esc_shortlist", "indicator_scores", "score_table"]

SCORE_COLUMNS: tuple[str, ...] = ("town_id", "theme", "score", "rank", "n_indicators")
SHORTLIST_COLUMNS: tuple[str, ...] = (
    "theme",
    "theme_rank",
    "town_id",
    "theme_score",
    "indicator_id",
    "latest_year",
    "latest_value",
    "indicator_score",
    "headline_issuer",
    "headline_value",
    "headline_pass",
)


def indicator_scores(
    indicators: pd.DataFrame, catalogue: Catalogue, *, panel: Panel | None = None
) -> pd.DataFrame:
    """Min-max score 0-100 (100 = best town) of each town's latest value per indicator.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Direction and theme (ids ``<base>__<k>`` map to ``<base>``).
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        ``town_id, indicator_id, theme, latest_year, latest_value, indicator_score``.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": ["a", "b", "c"], "indicator_id": "pm25_annual",
    ...                    "year": 2024, "value": [10.0, 20.0, 30.0]})
    >>> indicator_scores(df, load_catalogue())["indicator_score"].tolist()
    [100.0, 50.0, 0.0]
    """
    panel = panel if panel is not None else build_panel(indicators)
    df = latest_frame(panel)
    ids = df["indicator_id"].astype(str)
    uniq = ids.unique()
    entries = {u: catalogue_row_for(catalogue, u) for u in uniq}
    df["theme"] = ids.map({u: e.theme for u, e in entries.items()}).astype(object)
    higher = ids.map({u: e.higher_is_better for u, e in entries.items()}).to_numpy(dtype=bool)
    grp = df.groupby("indicator_id")["latest_value"]
    vmin = grp.transform("min").to_numpy()
    vmax = grp.transform("max").to_numpy()
    v = df["latest_value"].to_numpy()
    rng = vmax - vmin
    pos = np.divide(v - vmin, rng, out=np.full(len(v), 0.5), where=rng > 0)
    df["indicator_score"] = 100 * np.where(higher, pos, 1 - pos)
    return df.loc[
        :, ["town_id", "indicator_id", "theme", "latest_year", "latest_value", "indicator_score"]
    ]


def score_table(
    indicators: pd.DataFrame, catalogue: Catalogue, *, panel: Panel | None = None
) -> pd.DataFrame:
    """Score 0-100 and rank (1 = best) per town and theme, and ``"overall"``.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Direction and theme per indicator.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        :data:`SCORE_COLUMNS`, one row per town x theme plus one ``theme="overall"`` row
        per town. Ties share the best rank.
    """
    ind = indicator_scores(indicators, catalogue, panel=panel)
    theme = ind.groupby(["town_id", "theme"], as_index=False).agg(
        score=("indicator_score", "mean"), n_indicators=("indicator_score", "size")
    )
    overall = theme.groupby("town_id", as_index=False).agg(
        score=("score", "mean"), n_indicators=("n_indicators", "sum")
    )
    overall["theme"] = "overall"
    out = pd.concat([theme, overall], ignore_index=True)
    out["rank"] = out.groupby("theme")["score"].rank(ascending=False, method="min").astype("int64")
    out = out.sort_values(["theme", "rank", "town_id"], kind="stable")
    return out.loc[:, list(SCORE_COLUMNS)].reset_index(drop=True)


def esc_shortlist(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    top: int = 3,
    min_score: float = 60.0,
    latest: pd.DataFrame | None = None,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """ASEAN ESC Award readiness: the leading towns per theme, with the evidence.

    A town is shortlisted for a theme when its theme score is at least ``min_score``,
    none of its indicators in that theme fails its headline standard, and it is among
    the ``top`` best of such towns.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        The indicator catalogue.
    top : int, default 3
        Towns per theme.
    min_score : float, default 60
        Lowest theme score considered.
    latest : pandas.DataFrame, optional
        :func:`analysis.stats.status.latest_status` output, if already computed.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        :data:`SHORTLIST_COLUMNS`: one row per theme x shortlisted town x indicator (the
        evidence: latest value, its score and its headline standard).
    """
    panel = panel if panel is not None else build_panel(indicators)
    ind = indicator_scores(indicators, catalogue, panel=panel)
    latest = latest if latest is not None else latest_status(indicators, catalogue, panel=panel)
    ev = ind.merge(
        latest.loc[
            :,
            [
                "town_id",
                "indicator_id",
                "headline_issuer",
                "headline_category",
                "headline_value",
                "headline_pass",
            ],
        ],
        on=["town_id", "indicator_id"],
        how="left",
    )
    # only a failed legal standard disqualifies; a plan target not yet met is not a breach
    fails = ev["headline_pass"].eq(False).fillna(False).to_numpy(dtype=bool) & (
        ev["headline_category"] == "legal_standard"
    ).to_numpy(dtype=bool)
    ev["_fail"] = fails
    theme = ev.groupby(["town_id", "theme"], as_index=False).agg(
        theme_score=("indicator_score", "mean"), _fail=("_fail", "any")
    )
    ok = theme.loc[(theme["theme_score"] >= min_score) & ~theme["_fail"]].copy()
    ok["theme_rank"] = (
        ok.groupby("theme")["theme_score"].rank(ascending=False, method="first").astype("int64")
    )
    ok = ok.loc[ok["theme_rank"] <= top, ["town_id", "theme", "theme_score", "theme_rank"]]
    out = ok.merge(ev.drop(columns="_fail"), on=["town_id", "theme"], how="left")
    out = out.sort_values(["theme", "theme_rank", "indicator_id"], kind="stable")
    return out.loc[:, list(SHORTLIST_COLUMNS)].reset_index(drop=True)
