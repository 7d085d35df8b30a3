"""Report layer: notebook parameters, chapter sections, figures, and HTML/PDF rendering.

Notebooks import this package as ``from analysis import report`` and call, one per
cell, :func:`validate_params` and then the section functions re-exported here; every
section returns an :class:`HtmlBlock` in the language of the run.

Names are loaded lazily (PEP 562): ``import analysis.report.appendices`` or
``from analysis.report import APPENDICES`` does not import matplotlib, seaborn or
geopandas, so the build planner and the CLI stay quick; the first use of a section
function imports its module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    # analysis.report.appendices
    # analysis.report.air
    "measured_note": "analysis.report.air",
    "seasonal_profile": "analysis.report.air",
    # analysis.report.appendices
    "APPENDICES": "analysis.report.appendices",
    "AppendixSpec": "analysis.report.appendices",
    "CROSS_TOWN": "analysis.report.appendices",
    "get_appendix": "analysis.report.appendices",
    # analysis.report.blocks
    "HtmlBlock": "analysis.report.blocks",
    # analysis.report.cross
    "esc_evidence_table": "analysis.report.cross",
    "esc_nominee_table": "analysis.report.cross",
    "esc_rules_appendix": "analysis.report.cross",
    "esc_rules_note": "analysis.report.cross",
    "esc_screening_table": "analysis.report.cross",
    "status_matrix": "analysis.report.cross",
    "town_score_heatmap": "analysis.report.cross",
    # analysis.report.extend
    "page_figure": "analysis.report.extend",
    "page_table": "analysis.report.extend",
    # analysis.report.data
    "town_values": "analysis.report.data",
    # analysis.report.green
    "cbi_table": "analysis.report.green",
    # analysis.report.green_area (analysis area of appendix D)
    "analysis_area_note": "analysis.report.green_area",
    "greenspace_map": "analysis.report.green",
    "greenspace_table": "analysis.report.green",
    "zone_area_table": "analysis.report.green",
    "zone_descriptions": "analysis.report.green",
    "zoning_map": "analysis.report.green",
    # analysis.report.params
    "RunParams": "analysis.report.params",
    "validate_params": "analysis.report.params",
    # analysis.report.profile
    "coverage_heatmap": "analysis.report.profile",
    "profile_table": "analysis.report.profile",
    "quality_table": "analysis.report.profile",
    "rejected_table": "analysis.report.profile",
    "sources_table": "analysis.report.profile",
    # analysis.report.sections
    "THEMES": "analysis.report.sections",
    "intro": "analysis.report.sections",
    "location_map": "analysis.report.sections",
    "method_note": "analysis.report.sections",
    "page_header": "analysis.report.sections",
    "provenance": "analysis.report.sections",
    "section_heading": "analysis.report.sections",
    "status_overview": "analysis.report.sections",
    "status_table": "analysis.report.sections",
    "theme_heading": "analysis.report.sections",
    "trend_chart": "analysis.report.sections",
    # analysis.report.strategy
    "esc_readiness_table": "analysis.report.strategy",
    "measures_overview": "analysis.report.strategy",
    "measures_table": "analysis.report.strategy",
    "unaddressed_problems": "analysis.report.strategy",
    # analysis.report.summary
    "executive_summary": "analysis.report.summary",
    "phase_note": "analysis.report.strategy",
    "plan_class_table": "analysis.report.strategy",
    "plan_overview": "analysis.report.strategy",
    "priority_list": "analysis.report.strategy",
    # analysis.report.trends
    "milestone_table": "analysis.report.trends",
    "progress_table": "analysis.report.trends",
    "projection_chart": "analysis.report.trends",
    "projection_table": "analysis.report.trends",
    "theme_title": "analysis.report.trends",
}

__all__ = [
    "APPENDICES",
    "CROSS_TOWN",
    "THEMES",
    "AppendixSpec",
    "HtmlBlock",
    "RunParams",
    "analysis_area_note",
    "cbi_table",
    "coverage_heatmap",
    "esc_evidence_table",
    "esc_nominee_table",
    "esc_readiness_table",
    "esc_rules_appendix",
    "esc_rules_note",
    "esc_screening_table",
    "executive_summary",
    "get_appendix",
    "greenspace_map",
    "greenspace_table",
    "intro",
    "location_map",
    "measured_note",
    "measures_overview",
    "measures_table",
    "method_note",
    "milestone_table",
    "page_figure",
    "page_header",
    "page_table",
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
    "seasonal_profile",
    "section_heading",
    "sources_table",
    "status_matrix",
    "status_overview",
    "status_table",
    "theme_heading",
    "theme_title",
    "town_score_heatmap",
    "town_values",
    "trend_chart",
    "unaddressed_problems",
    "validate_params",
    "zone_area_table",
    "zone_descriptions",
    "zoning_map",
]


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        msg = f"module 'analysis.report' has no attribute {name!r}"
        raise AttributeError(msg) from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:  # static analysers and IDEs see the eager imports
    from analysis.report.appendices import APPENDICES, CROSS_TOWN, AppendixSpec, get_appendix
    from analysis.report.blocks import HtmlBlock
    from analysis.report.cross import (
        esc_evidence_table,
        esc_nominee_table,
        esc_rules_appendix,
        esc_rules_note,
        esc_screening_table,
        status_matrix,
        town_score_heatmap,
    )
    from analysis.report.data import town_values
    from analysis.report.extend import page_figure, page_table
    from analysis.report.green import (
        cbi_table,
        greenspace_map,
        greenspace_table,
        zone_area_table,
        zone_descriptions,
        zoning_map,
    )
    from analysis.report.green_area import analysis_area_note
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
