"""The ``ecoplan`` command line.

Each sub-command lives in its own module under :mod:`analysis.commands` exposing
``HELP`` (one line), ``EXAMPLES`` (text), ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported only when their command runs, so ``ecoplan --help`` is fast.
Errors derived from :class:`analysis.errors.EcoplanError` are printed as one clear
message (no traceback) and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.errors import EcoplanError

__all__ = ["COMMANDS", "main"]

#: sub-command name -> module in analysis.commands
COMMANDS: dict[str, str] = {
    "ingest": "ingest",
    "analyse": "analyse",
    "build": "build",
    "site": "site",
    "query": "query",
    "template": "template",
    "doctor": "doctor",
    "demo-data": "demo_data",
}

_HELP = {
    "ingest": "Validate raw files and write the processed store (indicators, towns, boundaries).",
    "analyse": "Compute every statistic once and store the results the pages read.",
    "build": "Execute the appendix notebooks per town with Papermill and render HTML.",
    "site": "Write the static site index (reports/site/index.html).",
    "query": "Run SQL (DuckDB) over the processed store's Parquet tables.",
    "template": "Write an XLSX data-entry form for a town.",
    "doctor": "Check the environment (fonts, kernel, chromium, folders) and say how to fix problems.",
    "demo-data": "Regenerate the synthetic demo raw files (deterministic).",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecoplan",
        description=(
            "ecoplan turns municipal environmental indicator data into the appendices of "
            "each town's 20-year community environmental master plan."
        ),
        epilog="Quick start: `ecoplan ingest && ecoplan build --all && ecoplan site`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ecoplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"analysis.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analysis.commands.{module_name}":
                continue  # command not installed in this build
            raise
        p = sub.add_parser(
            name,
            help=getattr(module, "HELP", _HELP.get(name, "")),
            description=getattr(module, "HELP", _HELP.get(name, "")),
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except EcoplanError as exc:
        print(f"ecoplan {args.command}: error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    except KeyboardInterrupt:
        print("ecoplan: interrupted", file=sys.stderr)  # noqa: T201
        return 130
    except BrokenPipeError:
        # the reader went away (`ecoplan query ... | head`): stop quietly, like other tools
        import os  # noqa: PLC0415

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
