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

import lazy_loader

# The public names are imported on first use (stub __init__.pyi), so a caller of
# analysis.results.store (the build planner) does not import pandas through tables.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
