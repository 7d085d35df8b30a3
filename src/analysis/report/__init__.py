"""Report layer: notebook parameters, chapter sections, figures, and HTML/PDF rendering.

Notebooks import this package as ``from analysis import report`` and call, one per
cell, :func:`validate_params` and then the section functions re-exported here; every
section returns an :class:`HtmlBlock` in the language of the run.

Names are loaded lazily: the stub ``__init__.pyi`` lists each public name once, and
:func:`lazy_loader.attach_stub` reads it so that a name's module is imported on its first
use. ``import analysis.report.appendices`` or ``from analysis.report import APPENDICES``
therefore does not import matplotlib, seaborn or geopandas, so the build planner and the
CLI stay quick. Type checkers and IDEs read the same stub. To export a new name, add one
``from .module import name as name`` line to the stub.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
