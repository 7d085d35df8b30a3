"""The statistics tables of a set of towns or of one town, as frozen containers.

The analysis stage (:mod:`analysis.results.compute`) fills them from
:func:`analysis.stats.summary.analyse_all`; pages rebuild them from the stored results
(:func:`analysis.report.data.town_analysis`). This module needs pandas only, so a page
or a build worker that reads stored results never imports the statistics libraries
(SciPy and statsmodels: about 1.7 s per process).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from analysis.errors import ParameterError

__all__ = ["Analysis", "TownAnalysis"]


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
