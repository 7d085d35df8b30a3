"""Statistics: trends, status against standards, projections, progress, plan, ranking.

Every function takes the long indicator frame of the processed store (``town_id,
indicator_id, year, value``) and the catalogue, and returns DataFrames (or frozen
results). Notebooks normally call :func:`analyse_town`; the site calls
:func:`analyse_all`, :func:`town_scores` and :func:`plan_counts`.

Names are loaded lazily (stub ``__init__.pyi``, :func:`lazy_loader.attach_stub`), so
importing :mod:`analysis.stats.frames` to hold stored results does not import SciPy or
statsmodels.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
