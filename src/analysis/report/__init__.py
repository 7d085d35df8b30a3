"""Report layer: notebook parameters, chapter sections, figures, and HTML/PDF rendering.

Notebooks import this package as ``from analysis import report`` and call, one per
cell, :func:`validate_params` and then the section functions re-exported here.
"""

from __future__ import annotations

from analysis.report.appendices import APPENDICES, CROSS_TOWN, AppendixSpec, get_appendix
from analysis.report.blocks import HtmlBlock
from analysis.report.params import RunParams, validate_params
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

__all__ = [
    "APPENDICES",
    "CROSS_TOWN",
    "THEMES",
    "AppendixSpec",
    "HtmlBlock",
    "RunParams",
    "get_appendix",
    "intro",
    "location_map",
    "method_note",
    "page_header",
    "provenance",
    "section_heading",
    "status_overview",
    "status_table",
    "theme_heading",
    "trend_chart",
    "validate_params",
]
