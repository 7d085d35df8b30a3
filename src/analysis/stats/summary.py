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

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import ParameterError, SeriesError
from analysis.stats.milestones import milestone_table
from analysis.stats.panel import build_panel
from analysis.stats.plan import PLAN_CLASSES, PathKind, plan_table
from analysis.stats.progress import ProgressMethod, progress_table
from analysis.stats.projection import DEFAULT_HORIZON, projection_table
from analysis.stats.ranking import score_table
from analysis.stats.status import latest_status, status_table
from analysis.stats.trend import trend_table

__all__ = ["Analysis", "TownAnalysis", "analyse_all", "analyse_town", "plan_counts", "town_scores"]


@dataclass(frozen=True)
class Analysis:
    """Every statistics table for a set of towns (one row per town x indicator unless noted).

    In these all-town tables ``town_id``, ``indicator_id`` and the projection labels
    (``kind``, ``method``, ``flag``) are pandas ``Categorical`` columns, which keeps
    national-scale tables fast; :meth:`town` returns plain string columns.

    Attributes
    ----------
    trends : pandas.DataFrame
        :func:`analysis.stats.trend.trend_table`.
    status : pandas.DataFrame
        One row per observation x standard in force
        (:func:`analysis.stats.status.status_table`).
    latest_status : pandas.DataFrame
        Latest value against Thai/WHO/ASEAN/CBI standards with a traffic light.
    projections : pandas.DataFrame
        Observed, fitted and projected rows to the horizon
        (:func:`analysis.stats.projection.projection_table`).
    progress : pandas.DataFrame
        Progress to the catalogue target (:func:`analysis.stats.progress.progress_table`).
    plan : pandas.DataFrame
        Plan class (solve / prevent / opportunity / maintain) with reasons in Thai and
        English (:func:`analysis.stats.plan.plan_table`).
    milestones : pandas.DataFrame
        One row per town x indicator x National Strategy phase
        (:func:`analysis.stats.milestones.milestone_table`).
    horizon : int
        Projection horizon (CE).
    progress_method : str
        ``"unsd"`` or ``"statcan"``.
    """

    trends: pd.DataFrame
    status: pd.DataFrame
    latest_status: pd.DataFrame
    projections: pd.DataFrame
    progress: pd.DataFrame
    plan: pd.DataFrame
    milestones: pd.DataFrame
    horizon: int
    progress_method: str

    @property
    def town_ids(self) -> tuple[str, ...]:
        """Towns covered, sorted."""
        return tuple(sorted(self.trends["town_id"].astype(str).unique()))

    def town(self, town_id: str) -> TownAnalysis:
        """Return the tables of one town.

        Parameters
        ----------
        town_id : str
            The town.

        Returns
        -------
        TownAnalysis
            Every table restricted to the town, with plain string key columns.

        Raises
        ------
        ParameterError
            If the town has no data here.
        """
        if town_id not in self.town_ids:
            msg = f"town {town_id!r} has no indicator data (towns: {', '.join(self.town_ids)})"
            raise ParameterError(msg)
        tables = {
            f.name: _rows_of(getattr(self, f.name), town_id)
            for f in fields(self)
            if f.name not in ("horizon", "progress_method")
        }
        return TownAnalysis(
            town_id=town_id, horizon=self.horizon, progress_method=self.progress_method, **tables
        )


@dataclass(frozen=True)
class TownAnalysis(Analysis):
    """The tables of :class:`Analysis` for one town (``town_id``)."""

    town_id: str = ""


def _rows_of(frame: pd.DataFrame, town_id: str) -> pd.DataFrame:
    """Rows of one town, with categorical key/label columns turned back into strings."""
    part = frame.loc[np.asarray(frame["town_id"] == town_id)].reset_index(drop=True)
    cats = [c for c in part.columns if isinstance(part[c].dtype, pd.CategoricalDtype)]
    return part.astype(dict.fromkeys(cats, "str")) if cats else part


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
