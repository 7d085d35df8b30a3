"""The ``ecoplan`` command line: every sub-command is registered, documented and runnable."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from analysis import __version__
from analysis.cli import COMMANDS, main
from analysis.errors import ConfigError


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_module_documents_itself(name: str) -> None:
    module = importlib.import_module(f"analysis.commands.{COMMANDS[name]}")
    assert isinstance(module.HELP, str)
    assert module.HELP.strip()
    assert "\n" not in module.HELP.strip(), "HELP is one line; details go in EXAMPLES"
    assert isinstance(module.EXAMPLES, str)
    assert "ecoplan " + name in module.EXAMPLES, f"EXAMPLES of {name!r} shows no `ecoplan {name}`"
    assert callable(module.add_arguments)
    assert callable(module.run)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_subcommand_help_lists_options_and_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: ecoplan {name}" in out
    assert "-h, --help" in out
    assert "Examples:" in out


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "usage: ecoplan" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"ecoplan {__version__}"


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_user_errors_print_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doctor = importlib.import_module("analysis.commands.doctor")

    def broken(_args: object) -> int:
        msg = "towns.csv is missing"
        raise ConfigError(msg)

    monkeypatch.setattr(doctor, "run", broken)
    assert main(["doctor"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "ecoplan doctor: error: towns.csv is missing"
    assert "Traceback" not in err


def test_console_script_runs() -> None:
    """The installed entry point works outside this interpreter (as users run it)."""
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ecoplan" in proc.stdout
