"""Statistics: trends, status against standards, projections, progress, plan, ranking.

Every function takes the long indicator frame of the processed store (``town_id,
indicator_id, year, value``) and the catalogue, and returns DataFrames (or frozen
results). Notebooks normally call :func:`analyse_town`; the site calls
:func:`analyse_all`, :func:`town_scores` and :func:`plan_counts`.
"""

from analysis.stats.milestones import milestone_table
from analysis.stats.panel import MIN_POINTS, Panel, build_panel, catalogue_row_for
from analysis.stats.plan import PHASES, PLAN_CLASSES, plan_table
from analysis.stats.progress import assess_progress, progress_table
from analysis.stats.projection import DEFAULT_HORIZON, projection_table
from analysis.stats.ranking import indicator_scores, score_table
from analysis.stats.status import latest_status, status_table
from analysis.stats.summary import (
    Analysis,
    TownAnalysis,
    analyse_all,
    analyse_town,
    plan_counts,
    town_scores,
)
from analysis.stats.trend import trend_table

__all__ = [
    "DEFAULT_HORIZON",
    "MIN_POINTS",
    "PHASES",
    "PLAN_CLASSES",
    "Analysis",
    "Panel",
    "TownAnalysis",
    "analyse_all",
    "analyse_town",
    "assess_progress",
    "build_panel",
    "catalogue_row_for",
    "indicator_scores",
    "latest_status",
    "milestone_table",
    "plan_counts",
    "plan_table",
    "progress_table",
    "projection_table",
    "score_table",
    "status_table",
    "town_scores",
    "trend_table",
]
