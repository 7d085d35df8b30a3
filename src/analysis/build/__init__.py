"""Batch builds: run the appendix notebooks per town and language, render, publish.

* :mod:`analysis.build.engine` - the ``ecoplan-warm`` Papermill engine (one pre-imported
  kernel per worker, verified reset between notebooks).
* :mod:`analysis.build.worker` - what runs on a worker (local process or Dask).
* :mod:`analysis.build.hashing` - content hashes for incremental builds.
* :mod:`analysis.build.executor` - :func:`build`: plan, execute, publish, report.
* :mod:`analysis.build.runinfo` - the ``reports/run.json`` schema and the build state.
* :mod:`analysis.build.lock`, :mod:`analysis.build.outputs` - one build at a time; atomic outputs.
"""

from __future__ import annotations

__all__ = ["BuildOptions", "build"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from analysis.build import executor  # noqa: PLC0415

        return getattr(executor, name)
    raise AttributeError(name)
