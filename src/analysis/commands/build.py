"""``ecoplan build``: execute the appendix notebooks per town and language, render HTML."""

from __future__ import annotations

import argparse
import os
import sys

HELP = "Execute the appendix notebooks per town with Papermill (warm kernels) and render HTML."
EXAMPLES = """Examples:
  ecoplan build --all                       every town, Thai and English, incremental
  ecoplan build --town nakhon-sawan --lang en --appendix b c
  ecoplan build --all --force --jobs 4      rebuild everything on 4 worker processes
  ecoplan build --town nakhon-sawan --pdf   also print the A4 PDF per language (Chromium)
  ecoplan build --all --scheduler tcp://10.0.0.5:8786   run on an existing Dask cluster

Outputs: reports/site/towns/<town>/<lang>/*.html, reports/notebooks/<town>/<lang>/*.ipynb,
reports/run.json (status per town x language x appendix). Exit status 1 if a notebook failed;
the failing town keeps its previously published pages. A town with partial or no indicator
data is published and reported as "built_with_warnings" (exit status 0)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every town in the processed store")
    which.add_argument("--town", nargs="+", metavar="ID", help="only these towns")
    parser.add_argument(
        "--lang",
        nargs="+",
        choices=["th", "en"],
        default=["th", "en"],
        help="languages (default: th en)",
    )
    parser.add_argument(
        "--appendix",
        nargs="+",
        metavar="ID",
        help="only these appendices (a b c d e; x = cross-town page)",
    )
    parser.add_argument(
        "--no-cross-town",
        action="store_true",
        help="skip the cross-town page (by default it is rebuilt whenever its inputs changed, "
        "also when building one town)",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="local worker processes (default: every core)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://host:8786",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each town's combined page to an A4 PDF with Chromium "
        "(towns/<town>/<lang>/<town>-<lang>.pdf; skipped with one message if Chromium is missing)",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another build is running, wait for it instead of failing",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="per-cell timeout (default: %(default)s)",
    )
    parser.add_argument(
        "--progress",
        choices=["auto", "bar", "lines"],
        default="auto",
        help="progress display (default: bar on a terminal)",
    )


def run(args: argparse.Namespace) -> int:
    """Build, print the summary; exit 1 if any notebook failed.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status: 1 if any notebook failed, else 0.
    """
    from analysis.batch.executor import BuildOptions, build  # noqa: PLC0415
    from analysis.batch.progress import make_progress, print_summary  # noqa: PLC0415
    from analysis.errors import ParameterError  # noqa: PLC0415

    if args.jobs is not None and args.jobs < 1:
        msg = f"--jobs must be at least 1, got {args.jobs}"
        raise ParameterError(msg)
    options = BuildOptions(
        towns=None if args.all else args.town,
        langs=tuple(dict.fromkeys(args.lang)),
        appendices=args.appendix,
        cross_town=False if args.no_cross_town else None,
        jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        wait=args.wait,
        timeout=args.timeout,
        progress={"auto": None, "bar": True, "lines": False}[args.progress],
    )
    report = build(options, progress=make_progress(options.progress, sys.stderr))
    from analysis.paths import get_paths  # noqa: PLC0415

    print_summary(report, stream=sys.stdout, run_json=get_paths().reports / "run.json")
    if args.pdf:
        _pdfs(args, report)
    return 1 if report.totals.failed else 0


def _pdfs(args: argparse.Namespace, report: object) -> None:
    """Print the PDFs of the selected towns (analysis.batch.pdf), under the build lock."""
    from analysis.batch.lock import build_lock  # noqa: PLC0415
    from analysis.batch.pdf import publish_pdfs  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415

    def say(message: str) -> None:
        print(f"ecoplan build: {message}", file=sys.stderr)  # noqa: T201

    paths = get_paths()
    towns = args.town or sorted({j.town_id for j in report.jobs if j.town_id})  # type: ignore[attr-defined]
    with build_lock(paths.reports, wait=True, command="build --pdf"):
        summary = publish_pdfs(
            paths.reports,
            towns,
            dict.fromkeys(args.lang),
            force=args.force,
            say=say,
            jobs=args.jobs or os.cpu_count() or 1,  # like the pages: every core by default
        )
    if summary.written or summary.up_to_date:
        say(f"PDF: {len(summary.written)} written, {len(summary.up_to_date)} up to date")
