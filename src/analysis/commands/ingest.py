"""``ecoplan ingest``: validate the raw files and write the processed store."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import EcoplanError, ParameterError
from analysis.paths import ProjectPaths

if TYPE_CHECKING:
    import pandas

# Same value as analysis.ingest.readers.DEFAULT_MAX_BYTES (a test checks); kept here so
# `ecoplan --help` does not import pandas and pandera.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

HELP = (
    "Validate raw files and write the processed store "
    "(indicators, towns, boundaries, spatial layers)."
)
EXAMPLES = """Examples:
  ecoplan ingest
  ecoplan ingest --strict                  # exit 1 if any row was rejected (for CI)
  ecoplan ingest --max-bytes 200MB --show 50
  ecoplan ingest --raw-dir /data/raw --processed-dir /tmp/processed

Every rejected row is listed in data/processed/rejected.csv (file, row as Excel shows it,
column, value, reason); raw files are never modified."""

#: How many rejections to print per file and reason (the full list is in rejected.csv).
DEFAULT_SHOW = 3


def parse_size(text: str) -> int:
    """Parse a byte size such as ``50MB``, ``200 MiB``, ``1GB`` or ``1048576``.

    Raises
    ------
    ParameterError
        If ``text`` is not a positive size.
    """
    s = text.strip().upper().replace(" ", "").removesuffix("IB").removesuffix("B")
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(s[-1:], 1)
    number = s[:-1] if s[-1:] in "KMG" and s[-1:] else s
    try:
        value = float(number) * factor
    except ValueError:
        value = -1.0
    if not value > 0:
        msg = f"invalid size {text!r}: expected e.g. 50MB, 200MiB, 1GB or a number of bytes"
        raise ParameterError(msg)
    return int(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options."""
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if anything was rejected"
    )
    parser.add_argument(
        "--raw-dir", type=Path, help="raw data folder (default: data/raw or $ECOPLAN_RAW_DIR)"
    )
    parser.add_argument(
        "--processed-dir",
        type=Path,
        help="output folder (default: data/processed or $ECOPLAN_PROCESSED_DIR)",
    )
    parser.add_argument(
        "--max-bytes",
        type=parse_size,
        default=DEFAULT_MAX_BYTES,
        help="refuse raw files (or unzipped workbooks) larger than this (default: 50MB)",
    )
    parser.add_argument(
        "--show",
        type=int,
        default=DEFAULT_SHOW,
        metavar="N",
        help="rejections shown per file and reason (default: %(default)s; all are in rejected.csv)",
    )
    parser.add_argument(
        "--skip-spatial",
        action="store_true",
        help="do not rebuild the spatial layers (land use, green space...)",
    )


def _print_rejections(rejected: pandas.DataFrame, show: int) -> None:
    """Print rejections grouped by file and reason code, the first ``show`` of each."""
    if rejected.empty:
        return
    import pandas as pd  # noqa: PLC0415 - keep `ecoplan --help` free of pandas
    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=f"Rejected ({len(rejected)} problems; all in rejected.csv)")
    for col, width in (("file", 40), ("row", 6), ("column", 14), ("value", 16), ("reason", None)):
        table.add_column(col, overflow="fold", max_width=width)
    for (_file, code), group in rejected.groupby(["file", "code"], sort=True, dropna=False):
        for rec in group.head(show).to_dict("records"):
            row = "" if pd.isna(rec["row"]) else str(rec["row"])
            cells = (rec["file"], row, rec["column"], str(rec["value"])[:60], rec["reason"])
            table.add_row(*(escape(str(c)) for c in cells))
        if len(group) > show:
            table.add_row(
                "", "", "", "", escape(f"... and {len(group) - show} more like this ({code})")
            )
    console = Console(stderr=True)
    if not console.is_terminal:
        console.width = 140
    console.print(table)


def run(args: argparse.Namespace) -> int:
    """Ingest, print a summary, then rebuild the spatial layers."""
    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415

    start = time.perf_counter()
    from analysis.paths import get_paths  # noqa: PLC0415

    paths = get_paths()
    if args.raw_dir is not None:
        paths = dataclasses.replace(paths, raw=args.raw_dir.resolve())
    if args.processed_dir is not None:
        paths = dataclasses.replace(paths, processed=args.processed_dir.resolve())
    report = run_ingest(paths, strict=args.strict, max_bytes=args.max_bytes)
    result = report.result
    for summary in result.files:
        if summary.error:
            print(f"ecoplan ingest: cannot read {summary.file}: {summary.error}", file=sys.stderr)  # noqa: T201
    _print_rejections(result.rejected[result.rejected["row"].notna()], max(args.show, 0))
    for f in result.files:
        if f.error is None:
            layout = "/".join(sorted(set(f.layouts.values())))
            enc = f" {f.encoding}" if f.encoding else ""
            print(  # noqa: T201
                f"  {f.file}: {layout}{enc}, {f.rows_read} rows read, {f.rows_loaded} values "
                f"loaded, {f.rows_rejected} rows rejected"
            )
    skipped = [s for f in result.files for s in f.skipped_sheets]
    if skipped:
        print(f"skipped sheets without a data header: {', '.join(skipped)}")  # noqa: T201
    print(  # noqa: T201
        f"ingest: {len(result.files)} files, {report.rows_loaded} rows loaded, "
        f"{report.manifest['rows_rejected']} rows rejected ({report.rows_rejected} problems), "
        f"{report.manifest['files_unreadable']} unreadable files, "
        f"{result.collapsed_duplicates} identical duplicates collapsed -> {paths.processed}"
    )
    status = 0
    if not args.skip_spatial:
        status = _spatial(paths)
    print(f"ingest finished in {time.perf_counter() - start:.1f} s")  # noqa: T201
    if args.strict and report.rows_rejected:
        print(  # noqa: T201
            f"ecoplan ingest: --strict: {report.rows_rejected} problems rejected (see "
            f"{report.outputs['rejected']})",
            file=sys.stderr,
        )
        return 1
    return status


def _spatial(paths: ProjectPaths) -> int:
    """Run the spatial stage; report its errors as one line and return the exit status."""
    try:
        from analysis.spatial.pipeline import build_spatial  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("analysis.spatial"):
            print(  # noqa: T201
                "ecoplan ingest: spatial stage not installed (analysis.spatial.pipeline); skipped"
            )
            return 0
        raise
    try:
        summary = build_spatial(paths)
    except EcoplanError as exc:
        print(f"ecoplan ingest: spatial stage failed: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    if summary is not None:
        print(summary)  # noqa: T201
    return 0
