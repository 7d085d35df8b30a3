"""``ecoplan template``: write an XLSX data-entry form for one town."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.errors import ConfigError, ParameterError

HELP = "Write an XLSX data-entry form (Thai headers, drop-downs, validation) for a town."
EXAMPLES = """Examples:
  ecoplan template --town takhli
  ecoplan template --town mueang-nan --out /tmp/nan_form.xlsx --force

Fill in the sheet 'ข้อมูล', save the file into data/raw/indicators and run `ecoplan ingest`."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument(
        "--town", required=True, metavar="ID", help="town_id from data/raw/towns.csv"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="output .xlsx (default: reports/templates/<town>_indicators_form.xlsx)",
    )
    parser.add_argument(
        "--rows", type=int, default=400, help="data rows to prepare (default: %(default)s)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def run(args: argparse.Namespace) -> int:
    """Validate the town id, then write the form and print its path.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status, 0 (errors are raised).
    """
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.ingest.template import write_template  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.towns import load_towns, validate_town_id  # noqa: PLC0415

    town_id = validate_town_id(args.town)
    if not 1 <= args.rows <= 100_000:
        msg = f"--rows must be between 1 and 100000, got {args.rows}"
        raise ParameterError(msg)
    paths = get_paths()
    out = args.out or paths.reports / "templates" / f"{town_id}_indicators_form.xlsx"
    if out.suffix.lower() != ".xlsx":
        msg = f"{out}: the form must be an .xlsx file"
        raise ConfigError(msg)
    if out.exists() and not args.force:
        msg = f"{out} already exists; pass --force to overwrite it"
        raise ConfigError(msg)
    written = write_template(
        town_id, load_catalogue(), load_towns(paths.towns_csv), out, rows=args.rows
    )
    print(written)  # noqa: T201
    return 0
