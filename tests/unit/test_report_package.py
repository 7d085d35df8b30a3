"""The lazily loaded packages list each public name once, in a stub, and keep them unambiguous."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest

import analysis
import analysis.report as report

SRC = Path(analysis.__file__).parent
LAZY_PACKAGES = [
    "analysis.report",
    "analysis.spatial",
    "analysis.site",
    "analysis.batch",
    "analysis.stats",
]


def _stub_names(package: str) -> list[str]:
    """Names the package's ``__init__.pyi`` imports, in file order (duplicates kept)."""
    module = importlib.import_module(package)
    stub = Path(module.__file__).with_suffix(".pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    return [
        alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names
    ]


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_all_is_exactly_the_stub_each_name_once(package: str) -> None:
    names = _stub_names(package)
    assert len(names) == len(set(names)), f"{package}: a name is listed twice in the stub"
    assert importlib.import_module(package).__all__ == sorted(names)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_stub_imports_are_explicit_reexports(package: str) -> None:
    # ``from .m import x as x`` is what makes type checkers treat ``x`` as public.
    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__).with_suffix(".pyi").read_text(encoding="utf-8"))
    for node in tree.body:
        assert isinstance(node, ast.ImportFrom), f"{package}: the stub holds only imports"
        assert node.level == 1, f"{package}: stub imports are relative (lazy_loader needs it)"
        for alias in node.names:
            assert alias.asname == alias.name, f"{package}: write `{alias.name} as {alias.name}`"


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_export_resolves_to_a_callable_or_value_not_a_module(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert not isinstance(value, type(report)), f"{package}.{name} is a module"


def test_a_function_named_like_its_module_is_not_shadowed_by_the_submodule(
    fresh_python: Callable[[str], str],
) -> None:
    # analysis.spatial exports the function ``zoning`` from the module ``zoning``.
    code = (
        "import analysis.spatial.zoning, analysis.spatial as s, types\n"
        "print(isinstance(s.zoning, types.FunctionType))"
    )
    assert fresh_python(code) == "True"


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = report.no_such_section


def test_no_export_of_the_report_shares_its_name_with_a_submodule() -> None:
    # ``import analysis.report.<sub>`` sets the package attribute ``<sub>``; an exported
    # function of the same name would then be shadowed by the module.
    submodules = {m.name for m in pkgutil.iter_modules(report.__path__)}
    assert not submodules & set(report.__all__)


def test_no_package_defines_its_own_lazy_getattr() -> None:
    # One lazy-export mechanism: lazy_loader with a stub, not hand-written tables.
    offenders = []
    for init in SRC.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in tree.body):
            offenders.append(str(init.relative_to(SRC)))
    assert offenders == []


def test_importing_the_appendix_list_does_not_import_plotting_libraries(
    fresh_python: Callable[[str], str],
) -> None:
    code = (
        "import sys, analysis.report.appendices\n"
        "from analysis.report import APPENDICES, validate_params\n"
        "heavy = [m for m in ('seaborn', 'matplotlib.pyplot', 'geopandas') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    assert fresh_python(code) == ""
