"""The ``python -m`` entry points of library modules: here, not there, text goes to the terminal.

* ``python -m analysis.manifest [--write]`` -> :func:`manifest_main`
* ``python -m analysis.site.browser SITE OUT`` -> :func:`screenshots_main`
* ``python -m analysis.synthetic.landuse [--force]`` -> :func:`demo_landuse_main`

Each library module keeps its ``python -m`` name (the Makefile and ``data/raw/MANIFEST``
use them) and hands over to the function here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def manifest_main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or rewrite the manifest of the project's raw folder.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 when the manifest matches, or was written and only sources are
        left to record (they are listed); 1 otherwise.
    """
    from analysis import manifest  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="python -m analysis.manifest",
        description=manifest.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--write", action="store_true", help="rewrite data/raw/MANIFEST")
    parser.add_argument("--raw-dir", type=Path, help="raw folder (default: data/raw)")
    args = parser.parse_args(argv)
    raw_dir = args.raw_dir or get_paths().raw
    if args.write:
        path = manifest.write_manifest(raw_dir)
        print(f"wrote {path}")  # noqa: T201
    problems = manifest.verify_manifest(raw_dir, strict=False)
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    if not problems:
        print(f"{raw_dir}: every raw file matches the manifest")  # noqa: T201
    if args.write and all(p.endswith(": no source recorded") for p in problems):
        if problems:  # written; what is left is the researcher's to fill in
            print(  # noqa: T201
                f"record the source of each UNKNOWN file in {raw_dir / manifest.MANIFEST_NAME}; "
                "`make check-data` fails until then",
                file=sys.stderr,
            )
        return 0
    return 1 if problems else 0


def screenshots_main(argv: Sequence[str] | None = None) -> int:
    """Write screenshots of the built site (``python -m analysis.site.browser SITE OUT``).

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the screenshots were written (their paths are printed, one a line).
    """
    from analysis.site import browser  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="python -m analysis.site.browser", description=browser.__doc__.splitlines()[0]
    )
    parser.add_argument("site", type=Path, help="built site folder (reports/site)")
    parser.add_argument("out", type=Path, help="folder for the PNG screenshots")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        parser.error(f"no site at {args.site}: run `make reports` first")
    for path in browser.write_screenshots(args.site, args.out):
        print(path)  # noqa: T201 - the command's output is the list of files
    return 0


def demo_landuse_main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate ``data/raw/landuse`` (deterministic).

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success (each written file is printed with its size).

    Raises
    ------
    ConfigError
        If the output folder already holds land-use files and ``--force`` is not given.
    """
    import geopandas as gpd  # noqa: PLC0415

    from analysis.errors import ConfigError  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.synthetic import landuse  # noqa: PLC0415
    from analysis.towns import load_towns  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="python -m analysis.synthetic.landuse", description=landuse.__doc__.splitlines()[0]
    )
    parser.add_argument("--seed", type=int, default=landuse.DEFAULT_SEED)
    parser.add_argument("--out", help="output folder (default: data/raw/landuse)")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args(argv)
    paths = get_paths()
    out = Path(args.out) if args.out else paths.raw / "landuse"
    if out.exists() and any(out.glob("*.gpkg")) and not args.force:
        msg = f"{out} already holds land-use files; raw data is immutable. Pass --force."
        raise ConfigError(msg)
    tambons = gpd.read_file(paths.raw_geo / "tha_adm3_tambons_5prov.geojson", engine="pyogrio")
    for path in landuse.write_demo_landuse(
        out, load_towns(paths.towns_csv), tambons, seed=args.seed
    ):
        print(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")  # noqa: T201
    return 0
