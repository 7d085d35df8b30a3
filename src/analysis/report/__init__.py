"""Report layer: notebook parameters, chapter sections, figures, and HTML/PDF rendering.

Notebooks import this package as ``from analysis import report`` and call, one per
cell, :func:`validate_params` and then the section functions re-exported here; every
section returns an :class:`HtmlBlock` in the language of the run.
"""

from __future__ import annotations

from analysis.report.appendices import APPENDICES, CROSS_TOWN, AppendixSpec, get_appendix
from analysis.report.blocks import HtmlBlock
from analysis.report.cross import shortlist_table, status_matrix, town_score_heatmap
from analysis.report.green import (
    cbi_table,
    greenspace_map,
    greenspace_table,
    zone_area_table,
    zone_descriptions,
    zoning_map,
)
from analysis.report.params import RunParams, validate_params
from analysis.report.profile import (
    coverage_heatmap,
    profile_table,
    quality_table,
    rejected_table,
    sources_table,
)
from analysis.report.sections import (
    THEMES,
    intro,
    location_map,
    method_note,
    page_header,
    provenance,
    section_heading,
    status_overview,
    status_table,
    theme_heading,
    trend_chart,
)
from analysis.report.strategy import (
    esc_readiness_table,
    phase_note,
    plan_class_table,
    plan_overview,
    priority_list,
)
from analysis.report.trends import (
    milestone_table,
    progress_table,
    projection_chart,
    projection_table,
    theme_title,
)

__all__ = [
    "APPENDICES",
    "CROSS_TOWN",
    "THEMES",
    "AppendixSpec",
    "HtmlBlock",
    "RunParams",
    "cbi_table",
    "coverage_heatmap",
    "esc_readiness_table",
    "get_appendix",
    "greenspace_map",
    "greenspace_table",
    "intro",
    "location_map",
    "method_note",
    "milestone_table",
    "page_header",
    "phase_note",
    "plan_class_table",
    "plan_overview",
    "priority_list",
    "profile_table",
    "progress_table",
    "projection_chart",
    "projection_table",
    "provenance",
    "quality_table",
    "rejected_table",
    "section_heading",
    "shortlist_table",
    "sources_table",
    "status_matrix",
    "status_overview",
    "status_table",
    "theme_heading",
    "theme_title",
    "town_score_heatmap",
    "trend_chart",
    "validate_params",
    "zone_area_table",
    "zone_descriptions",
    "zoning_map",
]
