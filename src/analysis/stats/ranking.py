"""Cross-town comparison: relative (min-max) theme scores and ranks.

Score (documented in ``docs/methods.md``): for each indicator, each town's latest value
is min-max scaled across the towns to 0-100, oriented so that 100 is the best town
(the catalogue direction). A theme score is the unweighted mean of its indicators'
scores; the overall score is the unweighted mean of the theme scores (so every theme
counts equally whatever its number of indicators). When all towns have the same value
of an indicator, every town scores 50 on it.

The scores rank towns against each other; they are not award criteria. The ASEAN ESC
screening uses the absolute answer bands of each award round (:mod:`analysis.stats.esc`)
and shows these scores only as context.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.stats.panel import Panel, build_panel, catalogue_row_for, latest_frame

__all__ = ["SCORE_COLUMNS", "indicator_scores", "score_table"]

SCORE_COLUMNS: tuple[str, ...] = ("town_id", "theme", "score", "rank", "n_indicators")


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
