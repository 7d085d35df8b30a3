"""``ecoplan demo-data``: regenerate the committed synthetic demo raw files."""

from __future__ import annotations

import argparse

from analysis.catalogue import load_catalogue
from analysis.errors import ConfigError
from analysis.paths import get_paths
from analysis.synthetic.demo_files import write_demo_files
from analysis.towns import load_towns

HELP = "Regenerate the synthetic demo raw files under data/raw/indicators (deterministic)."
EXAMPLES = "Examples:\n  ecoplan demo-data --force\n  ecoplan demo-data --seed 7 --out /tmp/demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options."""
    parser.add_argument("--seed", type=int, default=20261126, help="random seed (default: %(default)s)")
    parser.add_argument("--out", help="output folder (default: data/raw/indicators)")
    parser.add_argument("--force", action="store_true", help="overwrite existing raw files")


def run(args: argparse.Namespace) -> int:
    """Write the files and list them."""
    from pathlib import Path  # noqa: PLC0415

    paths = get_paths()
    out = Path(args.out) if args.out else paths.raw_indicators
    if out.exists() and any(out.iterdir()) and not args.force:
        msg = f"{out} already holds raw files; raw data is immutable. Pass --force to regenerate."
        raise ConfigError(msg)
    written = write_demo_files(out, load_catalogue(), load_towns(paths.towns_csv), seed=args.seed)
    for path in written:
        print(path)  # noqa: T201
    return 0
