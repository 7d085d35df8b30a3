"""The static site: index pages (Thai/English), links to the built pages, downloads.

:func:`build_site` is imported lazily (stub ``__init__.pyi``, :func:`lazy_loader.attach_stub`).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
