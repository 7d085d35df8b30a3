"""``ecoplan site``: write the static site index (reports/site/index.html) and downloads."""

from __future__ import annotations

import argparse

HELP = "Write the static site index (reports/site/index.html, index.en.html) and downloads."
EXAMPLES = """Examples:
  ecoplan site
  ecoplan site --no-downloads

The site in reports/site/ is static and offline: copy the folder to any web host."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument(
        "--no-downloads", action="store_true", help="do not write the per-town CSV/XLSX downloads"
    )
    parser.add_argument(
        "--wait", action="store_true", help="if a build is running, wait for it instead of failing"
    )


def run(args: argparse.Namespace) -> int:
    """Write the site and list the index pages.

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

    from analysis.batch.lock import build_lock  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.site.index import build_site  # noqa: PLC0415
    from analysis.store.publish import prepare_publish  # noqa: PLC0415

    def say(message: str) -> None:
        print(message, file=sys.stderr)  # noqa: T201

    paths = get_paths()
    with build_lock(paths.reports, wait=args.wait, command="site", on_wait=say):
        removed = prepare_publish(paths.reports)  # what a killed build or site left
        if removed:
            say(f"site: removed {len(removed)} temporary files left by an interrupted run")
        result = build_site(paths, downloads=not args.no_downloads)
    for warning in result.warnings:
        print(f"ecoplan site: warning: {warning}", file=sys.stderr)  # noqa: T201
    for page in result.pages:
        print(page)  # noqa: T201
    print(f"{result.towns} towns, {len(result.downloads)} download files")  # noqa: T201
    return 0
