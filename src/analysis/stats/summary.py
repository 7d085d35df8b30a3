"""Entry points for notebooks and the site: every statistics table for one or all towns.

>>> from analysis.catalogue import load_catalogue
>>> from analysis.synthetic.series import TownTraits, generate_series
>>> cat = load_catalogue()
>>> df = generate_series([TownTraits("demo")], cat)
>>> res = analyse_town(df, cat, "demo")
>>> res.town_id, len(res.trends) == df["indicator_id"].nunique()
('demo', True)
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import SeriesError
from analysis.stats.frames import Analysis, TownAnalysis
from analysis.stats.milestones import milestone_table
from analysis.stats.panel import build_panel
from analysis.stats.plan import PLAN_CLASSES, PathKind, plan_table
from analysis.stats.progress import ProgressMethod, progress_table
from analysis.stats.projection import DEFAULT_HORIZON, projection_table
from analysis.stats.ranking import score_table
from analysis.stats.status import latest_status, status_table
from analysis.stats.trend import trend_table

__all__ = ["Analysis", "TownAnalysis", "analyse_all", "analyse_town", "plan_counts", "town_scores"]


def analyse_all(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    horizon: int = DEFAULT_HORIZON,
    progress_method: ProgressMethod = "unsd",
    path: PathKind = "linear",
    alpha: float = 0.05,
) -> Analysis:
    """Compute every statistics table for every town at once (vectorised).

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame of the processed store (``town_id, indicator_id, year, value`` ...).
    catalogue : Catalogue
        The indicator catalogue (ids ``<base>__<k>`` map to ``<base>``).
    horizon : int, default 2037
        Projection horizon (CE).
    progress_method : {"unsd", "statcan"}, default "unsd"
        Progress method.
    path : {"linear", "geometric"}, default "linear"
        Milestone path from the latest value to the target.
    alpha : float, default 0.05
        Significance level of the trend tests.

    Returns
    -------
    Analysis
        All tables; ``.town(town_id)`` gives one town's.

    Raises
    ------
    SeriesError
        For bad input, naming the town and indicator.
    """
    panel = build_panel(indicators)
    trends = trend_table(indicators, catalogue, alpha=alpha, panel=panel)
    status = status_table(indicators, catalogue, panel=panel)
    latest = latest_status(indicators, catalogue, trends=trends, panel=panel)
    proj = projection_table(indicators, catalogue, horizon=horizon, panel=panel)
    prog = progress_table(indicators, catalogue, method=progress_method, panel=panel)
    plan = plan_table(trends, latest, proj, catalogue, horizon=horizon)
    miles = milestone_table(latest, catalogue, proj, path=path)
    return Analysis(trends, status, latest, proj, prog, plan, miles, horizon, progress_method)


def analyse_town(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    town_id: str,
    *,
    horizon: int = DEFAULT_HORIZON,
    progress_method: ProgressMethod = "unsd",
    path: PathKind = "linear",
    alpha: float = 0.05,
) -> TownAnalysis:
    """Compute every statistics table for one town.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator frame (may hold other towns; only ``town_id``'s rows are used).
    catalogue : Catalogue
        The indicator catalogue.
    town_id : str
        The town.
    horizon, progress_method, path, alpha
        As in :func:`analyse_all`.

    Returns
    -------
    TownAnalysis
        Frozen tables of the town.

    Raises
    ------
    SeriesError
        If the town has no rows, or a series is bad (names the town and indicator).
    """
    rows = indicators.loc[indicators["town_id"] == town_id]
    if rows.empty:
        raise SeriesError(town_id, "*", "no indicator rows for this town")
    return analyse_all(
        rows, catalogue, horizon=horizon, progress_method=progress_method, path=path, alpha=alpha
    ).town(town_id)


def town_scores(indicators: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Normalised 0-100 score per town and theme (plus ``"overall"``), with rank.

    See :func:`analysis.stats.ranking.score_table` for the method.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value`` of several towns.
    catalogue : Catalogue
        Direction and theme per indicator.

    Returns
    -------
    pandas.DataFrame
        ``town_id, theme, score, rank, n_indicators``.
    """
    return score_table(indicators, catalogue)


def plan_counts(analysis: Analysis) -> pd.DataFrame:
    """Count plan classes per town for the site index.

    Parameters
    ----------
    analysis : Analysis
        From :func:`analyse_all`.

    Returns
    -------
    pandas.DataFrame
        ``town_id`` and one integer column per plan class (``solve, prevent,
        opportunity, maintain``).
    """
    counts = pd.crosstab(analysis.plan["town_id"], analysis.plan["plan_class"])
    counts = counts.reindex(columns=list(PLAN_CLASSES), fill_value=0)
    counts.columns.name = None
    return counts.reset_index().astype({c: "int64" for c in PLAN_CLASSES})
