"""``ecoplan analyse``: compute every result once and store it for the pages to read."""

from __future__ import annotations

import argparse

HELP = "Compute trends, status, projections, progress, plan classes and scores once; store them."
EXAMPLES = """Examples:
  ecoplan analyse                 compute if the store or the methods changed, else do nothing
  ecoplan analyse --force         recompute anyway

Reads data/processed/ (written by `ecoplan ingest`) and publishes one complete generation of
results tables in data/processed/results/ (manifest.json says what they were computed from).
`ecoplan build` runs it first when its inputs are newer; pages only read its tables."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument("--force", action="store_true", help="recompute even if up to date")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another ecoplan ingest, build or site is running, wait for it instead of failing",
    )


def run(args: argparse.Namespace) -> int:
    """Analyse and print a one-screen summary.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status, 0 (errors are raised).
    """
    import sys  # noqa: PLC0415

    from analysis.batch.lock import project_lock  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.results.compute import run_analysis  # noqa: PLC0415

    def say(message: str) -> None:
        print(message, file=sys.stderr)  # noqa: T201

    # One lock with ingest, build and site: the store cannot switch while it is read.
    with project_lock(get_paths(), command="analyse", wait=args.wait, on_wait=say):
        summary = run_analysis(force=args.force)
    m = summary.manifest
    if summary.skipped:
        print(f"analyse: results are current (generation {m.generation}); nothing to do")  # noqa: T201
        return 0
    for warning in m.warnings:
        print(f"ecoplan analyse: warning: {warning}", file=sys.stderr)  # noqa: T201
    rows = ", ".join(f"{name} {n}" for name, n in m.tables.items())
    print(f"analyse: {len(m.towns)} towns ({len(m.towns_without_data)} without indicator data)")  # noqa: T201
    print(f"  tables: {rows}")  # noqa: T201
    print(f"  inputs {m.inputs_hash[:12]}, methods {m.method_version}, {summary.seconds:.2f} s")  # noqa: T201
    return 0
