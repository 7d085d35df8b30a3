"""Batch builds: run the appendix notebooks per town and language, render, publish.

* :mod:`analysis.batch.engine` - the ``ecoplan-warm`` Papermill engine (one pre-imported
  kernel per worker, verified reset between notebooks).
* :mod:`analysis.batch.worker` - what runs on a worker (local process or Dask).
* :mod:`analysis.batch.hashing` - content hashes for incremental builds.
* :mod:`analysis.batch.executor` - :func:`build`: plan, execute, publish, report.
* :mod:`analysis.batch.runinfo` - the ``reports/run.json`` schema and the build state.
* :mod:`analysis.batch.lock`, :mod:`analysis.batch.outputs` - one build at a time; atomic outputs.
"""

from __future__ import annotations

__all__ = ["BuildOptions", "build"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from analysis.batch import executor  # noqa: PLC0415

        return getattr(executor, name)
    raise AttributeError(name)
