"""Every public function and method of ``analysis`` documents its parameters and its return.

The check is numpydoc's own validator (``numpydoc.validate``), limited to four of its codes:

- ``GL08``: the object has no docstring;
- ``PR01``: a parameter of the signature is not in the Parameters section;
- ``PR02``: the Parameters section names a parameter the signature does not have;
- ``RT01``: a function that returns a value has no Returns section.

Public means: a module whose dotted path has no part starting with ``_``, and a function,
class or method whose name does not start with ``_``, defined in that module (re-exports are
checked where they are defined).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from numpydoc.validate import validate

import analysis

CHECKED_CODES = frozenset({"GL08", "PR01", "PR02", "RT01"})


def _public_modules() -> Iterator[ModuleType]:
    """Yield every importable module of ``analysis`` with no private part in its path.

    Yields
    ------
    types.ModuleType
        The imported module.
    """

    def fail(name: str) -> None:
        raise ImportError(f"cannot import {name} to check its docstrings")

    yield analysis
    for info in pkgutil.walk_packages(analysis.__path__, "analysis.", onerror=fail):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        yield importlib.import_module(info.name)


def _plain_function(member: Any) -> Any:
    """Return the function behind a static or class method, else ``member`` itself.

    Parameters
    ----------
    member : Any
        A value from a class's ``__dict__``.

    Returns
    -------
    Any
        The underlying function, or ``member`` unchanged.
    """
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    return member


def public_functions(module: ModuleType) -> Iterator[str]:
    """Yield the dotted names of the public functions and methods defined in ``module``.

    Parameters
    ----------
    module : types.ModuleType
        The module to walk.

    Yields
    ------
    str
        A name ``numpydoc.validate`` can import, e.g. ``analysis.store.io.read_table``.
    """
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}"
        elif inspect.isclass(obj):
            for method_name, member in vars(obj).items():
                if not method_name.startswith("_") and inspect.isfunction(_plain_function(member)):
                    yield f"{module.__name__}.{name}.{method_name}"


def missing_sections(dotted_name: str) -> list[str]:
    """Return the checked numpydoc errors of one function, as ``CODE message`` lines.

    Parameters
    ----------
    dotted_name : str
        The importable dotted name of the function or method.

    Returns
    -------
    list of str
        One line per error among ``CHECKED_CODES``; empty when the docstring is complete.
    """
    return [
        f"{code} {message}"
        for code, message in validate(dotted_name)["errors"]
        if code in CHECKED_CODES
    ]


@pytest.fixture(scope="module")
def offenders() -> dict[str, list[str]]:
    """Map every public function with incomplete sections to its errors.

    Returns
    -------
    dict of str to list of str
        Dotted name to its error lines.
    """
    found: dict[str, list[str]] = {}
    for module in _public_modules():
        for dotted_name in public_functions(module):
            errors = missing_sections(dotted_name)
            if errors:
                found[dotted_name] = errors
    return found


def test_public_functions_document_parameters_and_returns(offenders: dict[str, list[str]]) -> None:
    listing = "\n".join(f"  {name}: {'; '.join(e)}" for name, e in sorted(offenders.items()))
    assert not offenders, (
        f"{len(offenders)} public functions lack numpydoc Parameters/Returns sections:\n{listing}"
    )


def _undocumented_example(town_id: str, year: int) -> int:
    """Return something, documented nowhere."""
    return year


def _documented_example(town_id: str, year: int) -> int:
    """Return the year.

    Parameters
    ----------
    town_id : str
        A town.
    year : int
        A CE year.

    Returns
    -------
    int
        ``year`` unchanged.
    """
    return year


def test_the_check_catches_missing_sections_and_passes_complete_ones() -> None:
    here = __name__
    errors = missing_sections(f"{here}._undocumented_example")
    assert [line.split()[0] for line in errors] == ["PR01", "RT01"]
    assert "town_id" in errors[0] and "year" in errors[0]
    assert missing_sections(f"{here}._documented_example") == []
