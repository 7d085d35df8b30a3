"""Batch builds: run the appendix notebooks per town and language, render, publish.

* :mod:`analysis.batch.engine` - the ``ecoplan-warm`` Papermill engine (one pre-imported
  kernel per worker, verified reset between notebooks).
* :mod:`analysis.batch.worker` - what runs on a worker (local process or Dask).
* :mod:`analysis.batch.hashing` - content hashes for incremental builds.
* :mod:`analysis.batch.storecache` - the store's towns and hashes, kept between builds.
* :mod:`analysis.batch.executor` - :func:`build`: plan, execute, publish, report.
* :mod:`analysis.batch.runinfo` - the ``reports/run.json`` schema and the build state.
* :mod:`analysis.batch.lock`, :mod:`analysis.batch.outputs` - one build at a time; atomic outputs.

:class:`BuildOptions` and :func:`build` are imported lazily from :mod:`analysis.batch.executor`
(stub ``__init__.pyi``, :func:`lazy_loader.attach_stub`).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
