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
  ecoplan ingest --manifest warn           # try out a file not yet in data/raw/MANIFEST

Every rejected row is listed in data/processed/rejected.csv (file, row as Excel shows it,
column, value, reason); raw files are never modified. The raw files must match
data/raw/MANIFEST (sha256): a changed or unlisted file stops the ingest unless
--manifest warn (or ECOPLAN_MANIFEST=warn) is given; refresh it with `make manifest`."""

#: How many rejections to print per file and reason (the full list is in rejected.csv).
DEFAULT_SHOW = 3


def parse_size(text: str) -> int:
    """Parse a byte size such as ``50MB``, ``200 MiB``, ``1GB`` or ``1048576``.

    Parameters
    ----------
    text : str
        A positive number of bytes, optionally followed by K, M or G with or without B / iB (all
        powers of 1024); spaces and case do not matter.

    Returns
    -------
    int
        The size in bytes.

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
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if anything was rejected"
    )
    parser.add_argument(
        "--raw-dir", type=Path, help="raw data folder (default: data/raw or $ECOPLAN_RAW_DIR)"
    )
    parser.add_argument(
        "--processed-dir",
        "--processed",
        dest="processed_dir",
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
        "--manifest",
        choices=("strict", "warn"),
        default=None,
        help="raw files that do not match data/raw/MANIFEST: refuse (strict, default) or "
        "only warn ($ECOPLAN_MANIFEST sets the default)",
    )
    parser.add_argument(
        "--skip-spatial",
        action="store_true",
        help="do not rebuild the spatial layers (land use, green space...)",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another ecoplan analyse, build or site is running, wait for it instead of failing",
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
            table.add_row(*(escape(escape_name(c)) for c in cells))
        if len(group) > show:
            table.add_row(
                "", "", "", "", escape(f"... and {len(group) - show} more like this ({code})")
            )
    console = Console(stderr=True)
    if not console.is_terminal:
        console.width = 140
    console.print(table)


def escape_name(text: object) -> str:
    r"""Return ``text`` safe to print on a terminal: control characters escaped.

    File names may contain line breaks, ANSI escape sequences or bidirectional overrides
    that would rewrite what the terminal shows; they are printed as ``\x1b``, ``\u202e``.

    Parameters
    ----------
    text : object
        Text to print (converted with ``str``).

    Returns
    -------
    str
        The text with every control, format and line/paragraph separator character escaped.

    Examples
    --------
    >>> escape_name("a\x1b[31m.csv")
    'a\\x1b[31m.csv'
    """
    import unicodedata  # noqa: PLC0415

    out = []
    for ch in str(text):
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _say(text: str, *, err: bool = False) -> None:
    """Print one line with control characters escaped (stderr when ``err``)."""
    print(escape_name(text), file=sys.stderr if err else sys.stdout)


def run(args: argparse.Namespace) -> int:
    """Ingest, print a summary, then rebuild the spatial layers.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status: 0 on success; 2 when the spatial stage failed (the previous store is
        kept); 1 with ``--strict`` when rows were rejected or ignored, a warning was given or a
        spatial layer failed.

    Raises
    ------
    analysis.errors.FileSystemError
        Instead of an ``OSError`` (a full disk, a read-only or unwritable store): one line
        naming the path and what to do.
    """
    from analysis.paths import get_paths  # noqa: PLC0415

    paths = get_paths()
    if args.raw_dir is not None:
        paths = dataclasses.replace(paths, raw=args.raw_dir.resolve())
    if args.processed_dir is not None:
        paths = dataclasses.replace(paths, processed=args.processed_dir.resolve())
    try:
        return _in_new_generation(args, paths)
    except OSError as exc:
        from analysis.errors import FileSystemError  # noqa: PLC0415

        where = Path(exc.filename) if exc.filename else paths.processed
        doing = "read" if where.is_relative_to(paths.raw) else "write"
        raise FileSystemError.from_os_error(exc, where, doing) from None


def _in_new_generation(args: argparse.Namespace, paths: ProjectPaths) -> int:
    """Run the ingest under the project lock into a new store generation, published whole.

    The store readers see changes only when every table (spatial layers included) is
    written; a failed spatial stage leaves the previous store as it was.
    """
    from analysis.batch.lock import project_lock  # noqa: PLC0415
    from analysis.store.io import new_store_generation  # noqa: PLC0415

    def waiting(message: str) -> None:
        _say(message, err=True)

    with (
        project_lock(paths, command="ingest", wait=args.wait, on_wait=waiting),
        new_store_generation(paths.processed) as gen,
    ):
        status = _run(args, paths, store=gen.path)
        if status == 2:
            gen.abandon("spatial stage failed")
            _say(f"ecoplan ingest: {paths.processed} not changed (previous store kept)", err=True)
    return status


def _run(args: argparse.Namespace, paths: ProjectPaths, store: Path | None = None) -> int:
    """Ingest into ``store`` (a new store generation; default ``paths.processed``)."""
    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415

    start = time.perf_counter()
    _check_manifest(paths.raw, args.manifest)
    staged = paths if store is None else dataclasses.replace(paths, processed=store)
    report = run_ingest(staged, strict=args.strict, max_bytes=args.max_bytes)
    result = report.result
    for summary in result.files:
        if summary.error:
            _say(f"ecoplan ingest: cannot read {summary.file}: {summary.error}", err=True)
    _print_rejections(result.rejected[result.rejected["row"].notna()], max(args.show, 0))
    for f in result.files:
        if f.error is None:
            layout = "/".join(sorted(set(f.layouts.values())))
            enc = f" {f.encoding}" if f.encoding else ""
            _say(
                f"  {f.file}: {layout}{enc}, {f.rows_read} rows read, {f.rows_loaded} values "
                f"loaded, {f.rows_rejected} rows rejected"
                + (f", {f.ignored} cells or columns ignored" if f.ignored else "")
            )
    skipped = [s for f in result.files for s in f.skipped_sheets]
    if skipped:
        _say(f"skipped sheets without a data header: {', '.join(skipped)}")
    for ignored in report.ignored_files:
        _say(f"ignored file: {ignored.file}: {ignored.reason}")
    _say(
        f"ingest: {len(result.files)} files, {report.rows_loaded} rows loaded, "
        f"{report.manifest['rows_rejected']} rows rejected ({report.rows_rejected} problems), "
        f"{report.manifest['files_unreadable']} unreadable files, "
        f"{len(report.ignored_files)} ignored files, {report.rows_ignored} ignored cells or "
        "columns (ignored.csv), "
        f"{result.collapsed_duplicates} identical duplicates collapsed -> {paths.processed}"
    )
    for warning in report.warnings:
        _say(f"ecoplan ingest: warning: {warning}", err=True)
    if report.air is not None:
        _print_air(report.air)
    status = 0
    if not args.skip_spatial:
        status = _spatial(staged, strict=args.strict)
    _say(f"ingest finished in {time.perf_counter() - start:.1f} s")
    if args.strict and (report.rows_rejected or report.rows_ignored or report.warnings):
        _say(
            f"ecoplan ingest: --strict: {report.rows_rejected} problems rejected (see "
            f"{paths.processed / report.outputs['rejected'].name}), "
            f"{report.rows_ignored} ignored, {len(report.warnings)} warnings",
            err=True,
        )
        return 1
    return status


def _check_manifest(raw_dir: Path, mode: str | None) -> None:
    """Refuse (or warn about) raw files that do not match ``MANIFEST`` before ingesting.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder.
    mode : str or None
        ``strict`` or ``warn``; None means ``$ECOPLAN_MANIFEST`` or ``strict``.

    Raises
    ------
    analysis.manifest.ManifestError
        If a file's hash does not match in strict mode.
    """
    import os  # noqa: PLC0415

    from analysis.manifest import ManifestError, check_for_ingest  # noqa: PLC0415

    chosen = mode or os.environ.get("ECOPLAN_MANIFEST", "strict")
    try:
        warnings = check_for_ingest(raw_dir, chosen)
    except ManifestError as exc:  # file names are printed escaped, like everywhere here
        raise ManifestError([escape_name(p) for p in exc.problems]) from None
    for warning in warnings:
        _say(f"ecoplan ingest: warning: {warning}", err=True)


def _print_air(air: object) -> None:
    """Print what the PCD station workbooks gave: stations, towns, replaced values."""
    info = air.manifest()  # type: ignore[attr-defined]
    _say(
        f"air: {len(info['workbooks'])} PCD workbooks, {info['daily_values']} daily values; "
        f"stations {info['stations_matched']} matched to a tambon, "
        f"{info['stations_unmatched']} unmatched (reasons in air_stations.parquet); "
        f"towns with a station: {', '.join(info['towns_with_station']) or 'none'}"
    )
    for note_file, notes in info["notes"].items():
        for note in notes:
            _say(f"  {note_file}: {note}")
    incomplete = info["incomplete_years"]
    for item in (i for i in incomplete if " -> " in i):
        _say(f"  incomplete (< {info['min_coverage']:.0%} valid days, no annual value): {item}")
    others = sum(1 for i in incomplete if " -> " not in i)
    if others:
        _say(
            f"  {others} station-years of stations serving no town are incomplete "
            "(air_coverage.parquet)"
        )
    sup = air.superseded  # type: ignore[attr-defined]
    for rec in sup.to_dict("records"):
        kind = "synthetic" if rec["old_is_synthetic"] else "reported"
        _say(
            f"  measured replaces {kind}: {rec['town_id']} {rec['indicator_id']} {rec['year']}: "
            f"{rec['old_value']:g} -> {rec['new_value']:.4g} ({rec['old_src_file']} -> "
            f"{rec['new_src_file']})"
        )


def _spatial(paths: ProjectPaths, *, strict: bool = False) -> int:
    """Run the spatial stage; report its errors as one line and return the exit status.

    A town whose land use cannot be used is one located line on stderr (the other towns
    proceed; exit status 1 only with ``--strict``).
    """
    try:
        from analysis.spatial.pipeline import build_spatial  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("analysis.spatial"):
            _say("ecoplan ingest: spatial stage not installed (analysis.spatial.pipeline); skipped")
            return 0
        raise
    try:
        summary = build_spatial(paths)
    except EcoplanError as exc:
        _say(f"ecoplan ingest: spatial stage failed: {exc}", err=True)
        return 2
    failed = getattr(summary, "failed", ())
    if summary is not None:
        shown_on_stderr = {str(f) for f in failed}
        for line in str(summary).splitlines():
            if line not in shown_on_stderr:
                _say(line)
    for failure in failed:
        _say(f"ecoplan ingest: spatial: {failure}", err=True)
    return 1 if strict and failed else 0
