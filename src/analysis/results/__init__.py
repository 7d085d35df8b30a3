"""The analysis stage: every number the pages show, computed once and stored.

``ecoplan analyse`` reads the processed store (indicator values, the town registry and the
spatial tables), computes the statistics of :mod:`analysis.stats` for every town x
indicator once, and writes them as schema-checked Parquet tables to
``data/processed/results/``, one complete generation at a time. Every row carries the
hash of the inputs it was computed from and the method version. Notebooks, the site
index, the cross-town page and the downloads read these tables and never recompute.

Tables (see :data:`analysis.results.tables.RESULT_TABLES` and ``docs/architecture.md``):

``values``       every indicator value a page may show: reported by the town, or
                 measured from the land-use map (own indicator ids, ``origin`` column)
``trend``        Mann-Kendall / Sen trend per town x indicator
``status``       each observation against each yardstick in force
``latest``       latest value against the yardsticks, decisive status and light
``projection``   observed, fitted and projected values (one future per indicator)
``progress``     progress towards the plan target
``plan``         plan class (solve / prevent / opportunity / maintain) with reasons
``milestones``   phase milestones: required path and projection
``scores``       relative scores and ranks among the towns in the store
``esc_eligibility``  ASEAN ESC size class and screening status per round and category
``esc_evidence``     ASEAN ESC key-indicator evidence: latest value and answer band
``esc_nominees``     ASEAN ESC nominees proposed under the round's quota
"""

from __future__ import annotations

from analysis.results.store import (
    RESULTS_DIR,
    ResultsManifest,
    inputs_hash,
    is_current,
    read_manifest,
    read_result,
    results_dir,
)
from analysis.results.tables import METHOD_VERSION, RESULT_TABLES

__all__ = [
    "METHOD_VERSION",
    "RESULTS_DIR",
    "RESULT_TABLES",
    "ResultsManifest",
    "inputs_hash",
    "is_current",
    "read_manifest",
    "read_result",
    "results_dir",
]
