"""Library code never writes to the terminal: only the CLI and its commands do (issue 17).

Library modules report through :mod:`logging`, return values or raise; ``analysis.cli``
and ``analysis.commands.*`` decide what reaches standard output and standard error (a
progress display writes to the stream the command passes in). Checked on the source (ast).
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "analysis"
ALLOWED = {SRC / "cli.py", *(SRC / "commands").rglob("*.py")}
STD_STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def terminal_writes(source: str, filename: str = "<source>") -> list[str]:
    """Return ``line: what`` for each ``print()`` call and use of ``sys.stdout``/``sys.stderr``.

    Parameters
    ----------
    source : str
        Python source text.
    filename : str
        Name used in syntax errors.

    Returns
    -------
    list of str
        One entry per offending node, in source order.
    """
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ):
            found.append(f"{node.lineno}: print()")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in STD_STREAMS
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            found.append(f"{node.lineno}: sys.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "sys":
            found.extend(
                f"{node.lineno}: from sys import {a.name}"
                for a in node.names
                if a.name in STD_STREAMS
            )
    return sorted(found, key=lambda s: int(s.split(":")[0]))


def test_the_scan_finds_prints_and_standard_streams() -> None:
    code = (
        "import sys\n"
        "from sys import stderr\n"
        "def f(s):\n"
        "    print('x')\n"
        "    sys.stdout.write('y')\n"
        "    console.print('fine: a method of an object passed in')\n"
        "    s.write('fine: the stream of the caller')\n"
    )
    assert terminal_writes(code) == ["2: from sys import stderr", "4: print()", "5: sys.stdout"]


def test_no_library_module_prints_or_touches_the_standard_streams() -> None:
    offenders = {
        str(path.relative_to(SRC)): hits
        for path in sorted(SRC.rglob("*.py"))
        if path not in ALLOWED
        and (hits := terminal_writes(path.read_text(encoding="utf-8"), str(path)))
    }
    assert offenders == {}, "library code writes to the terminal (move it to a command): " + repr(
        offenders
    )


def test_build_progress_without_a_stream_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    from analysis.batch.progress import PlainProgress, make_progress  # noqa: PLC0415

    progress = make_progress(True)  # a library caller: no stream, so no bar either
    assert type(progress) is PlainProgress and progress.stream is None
    with caplog.at_level(logging.INFO, logger="analysis.batch"):
        progress.message("ecoplan build: 3 notebook(s) to run")
    assert caplog.messages == ["ecoplan build: 3 notebook(s) to run"]
