"""The report package loads its names lazily and keeps them unambiguous."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import analysis.report as report


def test_every_export_resolves_to_a_callable_or_value_not_a_module() -> None:
    for name in report.__all__:
        value = getattr(report, name)
        assert not isinstance(value, type(report)), f"report.{name} is a module"


def test_no_export_shares_its_name_with_a_submodule() -> None:
    # ``import analysis.report.<sub>`` sets the package attribute ``<sub>``; a lazily
    # exported function of the same name would then be shadowed by the module.
    submodules = {m.name for m in pkgutil.iter_modules(report.__path__)}
    assert not submodules & set(report.__all__)


def test_all_matches_the_lazy_table() -> None:
    assert sorted(report.__all__) == sorted(report._EXPORTS)


def test_importing_the_appendix_list_does_not_import_plotting_libraries() -> None:
    code = (
        "import sys, analysis.report.appendices\n"
        "heavy = [m for m in ('seaborn', 'matplotlib.pyplot', 'geopandas') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
