"""The build's processes skip ``rfc3987_syntax``, which nothing they do needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files

import pytest

from analysis.batch.startup import SKIPPED_MODULES


def _formats(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(v) for v in node))
    return set()


def test_no_nbformat_schema_uses_an_iri_format() -> None:
    schemas = [p for p in (files("nbformat") / "v4").iterdir() if p.name.endswith(".json")]
    assert schemas
    used = set().union(*(_formats(json.loads(p.read_text(encoding="utf-8"))) for p in schemas))
    assert not {f for f in used if f.startswith("iri")}


def test_a_notebook_still_validates_without_the_iri_checks(
    fresh_python: Callable[[str], str],
) -> None:
    out = fresh_python(
        "from analysis.batch.startup import skip_iri_format_checks\n"
        "assert skip_iri_format_checks()\n"
        "import sys, jsonschema, nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "nbformat.reads(nbformat.writes(nb), as_version=4)\n"
        "checks = jsonschema.FormatChecker().checkers\n"
        "print(sorted(m for m in sys.modules if m.startswith('rfc3987_syntax')"
        " and sys.modules[m] is not None), 'iri' in checks, 'date-time' in checks)"
    )
    assert out == "[] False True"


@pytest.mark.parametrize("entry", ["analysis.batch.worker", "analysis.cli"])
def test_the_build_entry_points_skip_it(entry: str, fresh_python: Callable[[str], str]) -> None:
    code = f"import sys, {entry}\n"
    code += f"print([sys.modules.get(m, 'absent') is None for m in {list(SKIPPED_MODULES)!r}])"
    if entry == "analysis.cli":
        # the CLI skips it when it runs a command, before any notebook library is imported
        code = (
            "import sys, contextlib, io, analysis.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    analysis.cli.main([])\n"
            f"print([sys.modules.get(m, 'absent') is None for m in {list(SKIPPED_MODULES)!r}])"
        )
    assert fresh_python(code) == str([True] * len(SKIPPED_MODULES))


def test_an_already_imported_module_is_left_alone(fresh_python: Callable[[str], str]) -> None:
    out = fresh_python(
        "import sys, types\n"
        "sys.modules['rfc3987_syntax'] = types.ModuleType('rfc3987_syntax')\n"
        "from analysis.batch.startup import skip_iri_format_checks\n"
        "print(skip_iri_format_checks(), sys.modules['rfc3987_syntax'] is not None)"
    )
    assert out == "False True"
