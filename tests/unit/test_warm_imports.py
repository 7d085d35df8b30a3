"""The build kernels' warm imports: what the appendix cells need, not the statistics stack."""

from __future__ import annotations

from collections.abc import Callable

from analysis.batch.engine import WARM_IMPORTS

#: Imported by the analysis stage only; a page reads its stored results.
STATISTICS_ONLY = ("statsmodels.api", "statsmodels.regression", "pymannkendall")


def test_warm_imports_leave_out_the_statistics_stack() -> None:
    assert not set(WARM_IMPORTS) & set(STATISTICS_ONLY)


def test_the_page_code_never_imports_the_statistics_stack(
    fresh_python: Callable[[str], str],
) -> None:
    """Every report and map module, imported with the warm set: no statsmodels models."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        f"for m in {WARM_IMPORTS!r}: importlib.import_module(m)\n"
        "import analysis.report, analysis.spatial\n"
        "for pkg in (analysis.report, analysis.spatial):\n"
        "    for info in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{info.name}')\n"
        f"print(sorted(m for m in {STATISTICS_ONLY!r} if m in sys.modules))\n"
    )
    assert fresh_python(code) == "[]"
