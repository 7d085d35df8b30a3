"""ecoplan: indicator analytics and master-plan appendices for Thai eco-cities.

The package is organised along the data flow::

    ingest -> store -> stats / spatial -> report -> build -> site

Each sub-package has one concern; see ``docs/architecture.md``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecoplan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
