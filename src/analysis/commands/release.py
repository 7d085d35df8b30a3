"""``ecoplan release``: freeze a town's published appendix set as a dated, read-only edition."""

from __future__ import annotations

import argparse

HELP = "Freeze a town's published pages, PDF, downloads and results into a read-only edition."
EXAMPLES = """Examples:
  ecoplan release --town nakhon-sawan --edition 2569     freeze edition 2569 (BE year)
  ecoplan release --verify                               check every edition
  ecoplan release --verify --town nakhon-sawan --edition 2569

An edition goes to reports/releases/<town>/<edition>/ with MANIFEST.json (sha256 of every
file, the inputs hash, code version and METHOD_VERSION). It is never overwritten, and
`ecoplan build` / `ecoplan site` never write there. Build and publish the town first:
`ecoplan build --town ID --pdf && ecoplan site`. --verify exits 1 when a file is missing,
changed or added, or when the current build on the same inputs and code differs."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument("--town", metavar="ID", help="the town to freeze (or to verify)")
    parser.add_argument("--edition", metavar="NAME", help="edition name, e.g. 2569 (BE year)")
    parser.add_argument(
        "--verify", action="store_true", help="check editions against their manifests"
    )
    parser.add_argument(
        "--wait", action="store_true", help="if a build is running, wait for it instead of failing"
    )


def run(args: argparse.Namespace) -> int:
    """Freeze one edition, or verify editions; return 1 if a verification failed.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status: 1 if a verification failed, else 0.
    """
    import sys  # noqa: PLC0415

    from analysis.batch.lock import build_lock  # noqa: PLC0415
    from analysis.errors import ParameterError  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.site.editions import (  # noqa: PLC0415
        RELEASES_DIR,
        edition_dir,
        freeze_edition,
        verify_edition,
    )

    paths = get_paths()
    if not args.verify:
        if not args.town or not args.edition:
            msg = "--town and --edition are both needed to make an edition (or use --verify)"
            raise ParameterError(msg)
        with build_lock(paths.reports, wait=args.wait, command="release"):
            folder = freeze_edition(paths, args.town, args.edition)
        print(folder)  # noqa: T201
        return 0
    base = paths.reports / RELEASES_DIR
    if args.town and args.edition:
        folders = [edition_dir(paths.reports, args.town, args.edition)]
    else:
        towns = [base / args.town] if args.town else sorted(base.glob("*"))
        folders = sorted(f for t in towns for f in t.glob("*") if f.is_dir() and f.name[0] != ".")
    if not folders or not all(f.is_dir() for f in folders):
        msg = f"no edition to verify under {base}"
        raise ParameterError(msg)
    failed = 0
    with build_lock(paths.reports, wait=args.wait, command="release --verify"):
        for folder in folders:
            check = verify_edition(paths, folder)
            rel = folder.relative_to(paths.reports)
            for line in check.problems:
                print(f"ecoplan release: {line}", file=sys.stderr)  # noqa: T201
            for line in check.differs_from_site:
                print(  # noqa: T201
                    f"ecoplan release: {rel}/{line}: differs from the current build",
                    file=sys.stderr,
                )
            if check.inputs_changed:
                print(  # noqa: T201
                    f"{rel}: files intact; inputs or code changed since the edition, not compared "
                    f"with the current build ({'; '.join(check.inputs_changed)})"
                )
            status = "ok" if check.ok else "FAILED"
            print(f"{rel}: {status} ({check.compared} files compared with the current build)")  # noqa: T201
            failed += not check.ok
    return 1 if failed else 0
