"""The page renderer and the executive summary load no plotting or GIS library.

A build worker renders every page its kernel ran and combines a town's pages; neither
draws. matplotlib, seaborn and geopandas (about 0.6 s of imports) belong to the kernels.
"""

from __future__ import annotations

from collections.abc import Callable

#: What a build worker imports to run, render and combine pages.
WORKER_MODULES = (
    "analysis.batch.executor",
    "analysis.batch.worker",
    "analysis.report.render",
    "analysis.report.summary",
    "analysis.report.strategy",
    "analysis.report.fonts",
)
#: Libraries only the kernels (drawing) or the spatial stage need.
DRAWING = ("matplotlib", "seaborn", "geopandas", "shapely", "scipy")


def test_the_worker_render_path_imports_no_drawing_library(
    fresh_python: Callable[[str], str],
) -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {WORKER_MODULES!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in {DRAWING!r} if m in sys.modules))\n"
    )
    assert fresh_python(code) == "[]"


def test_style_helpers_the_renderer_reads_need_no_matplotlib(
    fresh_python: Callable[[str], str],
) -> None:
    code = (
        "import sys\n"
        "from analysis.style import be_year, sarabun_files\n"
        "assert be_year(2024) == 2567 and be_year(2024, 'en') == 2024\n"
        "assert sarabun_files()\n"
        "print('matplotlib' in sys.modules)\n"
    )
    assert fresh_python(code) == "False"
