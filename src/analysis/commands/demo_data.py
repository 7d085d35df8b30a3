"""``ecoplan demo-data``: regenerate the committed synthetic demo raw files."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.errors import ConfigError
from analysis.paths import get_paths

HELP = (
    "Regenerate the synthetic demo raw files (indicator series under data/raw/indicators, "
    "measures registers under data/raw/measures, land use under data/raw/landuse) and "
    "record them, by hash, as SYNTHETIC in the "
    "MANIFEST; deterministic for a given seed."
)
EXAMPLES = """Examples:
  ecoplan demo-data --force                 # rewrite the committed demo files
  ecoplan demo-data --out /tmp/demo         # write a copy elsewhere
  ecoplan demo-data --seed 7 --out /tmp/demo --skip-landuse"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument(
        "--seed", type=int, default=20261126, help="random seed (default: %(default)s)"
    )
    parser.add_argument(
        "--out",
        help="output folder; indicators go to OUT/indicators and land use to OUT/landuse "
        "(default: data/raw)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing raw files")
    parser.add_argument(
        "--skip-landuse", action="store_true", help="only regenerate the indicator series"
    )


def _refuse_overwrite(folder: Path, force: bool) -> None:
    if folder.exists() and any(folder.iterdir()) and not force:
        msg = (
            f"{folder} already holds raw files; raw data is immutable. Pass --force to regenerate."
        )
        raise ConfigError(msg)


def run(args: argparse.Namespace) -> int:
    """Write the files and list them.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status, 0 (errors are raised).
    """
    import geopandas as gpd  # noqa: PLC0415 - heavy, only needed here

    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.synthetic.demo_files import write_demo_files  # noqa: PLC0415
    from analysis.synthetic.landuse import write_demo_landuse  # noqa: PLC0415
    from analysis.towns import load_towns  # noqa: PLC0415

    paths = get_paths()
    root = Path(args.out) if args.out else paths.raw
    indicators_dir, landuse_dir = root / "indicators", root / "landuse"
    _refuse_overwrite(indicators_dir, args.force)
    if not args.skip_landuse:
        _refuse_overwrite(landuse_dir, args.force)
    towns = load_towns(paths.towns_csv)
    written = write_demo_files(indicators_dir, load_catalogue(), towns, seed=args.seed)
    from analysis.synthetic.demo_files import DEMO_TOWNS as _DEMO  # noqa: PLC0415
    from analysis.synthetic.measures import write_demo_measures  # noqa: PLC0415

    measures_dir = root / "measures"
    _refuse_overwrite(measures_dir, args.force)
    written += write_demo_measures(measures_dir, load_catalogue(), towns, _DEMO, seed=args.seed)
    if not args.skip_landuse:
        tambons = gpd.read_file(paths.raw_geo / "tha_adm3_tambons_5prov.geojson")
        from analysis.synthetic.demo_files import DEMO_TOWNS  # noqa: PLC0415

        # Land use only for the demo towns: a town a researcher added gets none invented.
        demo = towns[towns["town_id"].isin({t.town_id for t in DEMO_TOWNS})]
        written += write_demo_landuse(landuse_dir, demo, tambons, seed=args.seed)
    from analysis.manifest import record_generated  # noqa: PLC0415

    # Only these bytes are labelled synthetic in the manifest (by hash); `make manifest`
    # never labels a file synthetic by its folder or name.
    manifest = record_generated(root, written)
    for path in written:
        print(path)  # noqa: T201
    print(f"recorded {len(written)} files as SYNTHETIC in {manifest}")  # noqa: T201
    return 0
