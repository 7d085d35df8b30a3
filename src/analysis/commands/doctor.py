"""``ecoplan doctor``: check the environment and say how to fix each problem.

Each check returns a :class:`Check`. Required checks make the command exit 1 when they
fail; optional ones (chromium for PDF, a built processed store, the lock matching the
installed packages) only warn, because ``make reports`` or ``ecoplan ingest`` fix them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path

from analysis.paths import ProjectPaths, get_paths

__all__ = [
    "CHROMIUM_CANDIDATES",
    "PROCESSED_TABLES",
    "Check",
    "add_arguments",
    "check_chromium",
    "check_fonts",
    "check_kernel",
    "check_lock",
    "check_manifest",
    "check_processed",
    "check_python",
    "check_raw",
    "check_town_data",
    "check_towns_warning",
    "check_writable",
    "run",
    "run_checks",
    "run_data_checks",
]

HELP = "Check the environment (fonts, kernel, chromium, folders, data) and say how to fix problems."
EXAMPLES = """\
Examples:
  ecoplan doctor            # one line per check; exit status 1 if a required check fails
  ecoplan doctor --json     # the same as JSON, for scripts
  ECOPLAN_PROCESSED_DIR=/tmp/store ecoplan doctor   # check another processed store
"""

#: Where Debian's chromium lives (``apt-get install chromium``); ``$ECOPLAN_CHROMIUM`` (as
#: used by :mod:`analysis.report.render`) is tried first and PATH last.
CHROMIUM_CANDIDATES: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

#: Tables ``ecoplan ingest`` writes and the notebooks read.
PROCESSED_TABLES: tuple[str, ...] = ("indicators.parquet", "towns.parquet", "boundaries.parquet")

KERNEL_NAME = "ecoplan"


@dataclass(frozen=True)
class Check:
    """The outcome of one environment check.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"fonts"``.
    ok : bool
        Whether the check passed.
    required : bool
        A failed required check makes ``ecoplan doctor`` exit 1.
    detail : str
        What was found.
    fix : str
        How to fix a failure (empty when ``ok``).
    """

    name: str
    ok: bool
    required: bool
    detail: str
    fix: str = ""

    @property
    def status(self) -> str:
        """``"ok"``, ``"FAIL"`` (required) or ``"warn"`` (optional)."""
        if self.ok:
            return "ok"
        return "FAIL" if self.required else "warn"


def check_python() -> Check:
    """Check that Python is at least 3.11 (``requires-python`` in ``pyproject.toml``).

    Returns
    -------
    Check
        Required: passes on Python 3.11 or newer.
    """
    found = ".".join(str(p) for p in sys.version_info[:3])
    ok = sys.version_info >= (3, 11)
    return Check(
        "python",
        ok,
        True,
        f"Python {found} at {sys.executable}",
        "" if ok else "install python3 >= 3.11 and run `make setup` again",
    )


def check_fonts() -> Check:
    """Check that Sarabun is registered with matplotlib, so Thai labels render (no tofu boxes).

    Returns
    -------
    Check
        Required: passes when matplotlib finds the Sarabun font.
    """
    fix = "reinstall the locked packages: `make setup` (fontpkg-sarabun ships the Sarabun files)"
    try:
        from matplotlib import font_manager  # noqa: PLC0415 - heavy, only when checking

        from analysis.style import FONT_FAMILY, register_sarabun  # noqa: PLC0415

        register_sarabun()
        found = font_manager.findfont(
            font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
        )
    except (ImportError, ValueError, OSError) as exc:
        return Check("fonts", False, True, f"Sarabun not available: {exc}", fix)
    return Check(
        "fonts", True, True, f"{FONT_FAMILY} registered with matplotlib ({Path(found).name})"
    )


def check_kernel() -> Check:
    """Check that the ``ecoplan`` Jupyter kernel (or at least ``python3``) is registered.

    Returns
    -------
    Check
        Required: passes when the ``ecoplan`` kernel (or ``python3``) is registered with
        Jupyter.
    """
    fix = (
        "register the project kernel: `make setup`, or `.venv/bin/python -m ipykernel "
        'install --sys-prefix --name ecoplan --display-name "ecoplan (Python 3)"`'
    )
    try:
        from jupyter_client.kernelspec import KernelSpecManager  # noqa: PLC0415

        specs = KernelSpecManager().find_kernel_specs()
    except (ImportError, OSError) as exc:
        return Check("kernel", False, True, f"cannot list Jupyter kernels: {exc}", fix)
    if KERNEL_NAME in specs:
        return Check("kernel", True, True, f"kernel '{KERNEL_NAME}' at {specs[KERNEL_NAME]}")
    if "python3" in specs:
        return Check(
            "kernel",
            False,
            False,
            f"kernel '{KERNEL_NAME}' missing; only 'python3' at {specs['python3']}",
            fix,
        )
    return Check(
        "kernel", False, True, f"no Jupyter kernel found (have: {sorted(specs) or 'none'})", fix
    )


def check_chromium() -> Check:
    """Check that Debian's chromium is installed (needed for PDF output and browser tests only).

    Returns
    -------
    Check
        Not required: passes when the chromium browser and its driver are found.
    """
    candidates = [os.environ.get("ECOPLAN_CHROMIUM", ""), *CHROMIUM_CANDIDATES]
    found = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    found = found or shutil.which("chromium")
    if found:
        return Check("chromium", True, False, f"chromium at {found} (PDF output and page tests)")
    return Check(
        "chromium",
        False,
        False,
        "chromium not found: PDF output and browser tests are off",
        "apt-get install -y --no-install-recommends chromium (or set ECOPLAN_CHROMIUM)",
    )


def _writable(folder: Path) -> str | None:
    """Return why ``folder`` cannot be written, or None if it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True):
            pass
    except OSError as exc:
        return str(exc)
    return None


def check_writable(paths: ProjectPaths) -> Check:
    """Check that ``data/processed`` and ``reports`` exist (or can be created) and are writable.

    Parameters
    ----------
    paths : ProjectPaths
        The project (its processed and reports folders).

    Returns
    -------
    Check
        Passes when both folders exist or can be created and can be written.
    """
    problems = {str(p): why for p in (paths.processed, paths.reports) if (why := _writable(p))}
    if problems:
        detail = "; ".join(f"{p}: {why}" for p, why in problems.items())
        return Check(
            "folders",
            False,
            True,
            f"not writable: {detail}",
            "fix the permissions, or point ECOPLAN_PROCESSED_DIR / ECOPLAN_REPORTS_DIR "
            "to writable folders",
        )
    return Check("folders", True, True, f"writable: {paths.processed}, {paths.reports}")


def check_raw(paths: ProjectPaths) -> Check:
    """Check the raw inputs: ``towns.csv``, indicator files and boundary files.

    Parameters
    ----------
    paths : ProjectPaths
        The project (its raw folder).

    Returns
    -------
    Check
        Passes when ``towns.csv``, indicator files and boundary files are present.
    """
    missing = []
    if not paths.towns_csv.is_file():
        missing.append(str(paths.towns_csv))
    n_ind = n_geo = 0
    if paths.raw_indicators.is_dir():
        n_ind = sum(
            1 for p in paths.raw_indicators.iterdir() if p.suffix.lower() in {".csv", ".xlsx"}
        )
    if not n_ind:
        missing.append(f"{paths.raw_indicators}/*.csv|xlsx")
    if paths.raw_geo.is_dir():
        n_geo = sum(1 for p in paths.raw_geo.iterdir() if p.suffix.lower() == ".geojson")
    if not n_geo:
        missing.append(f"{paths.raw_geo}/*.geojson")
    if missing:
        return Check(
            "raw data",
            False,
            True,
            "missing: " + ", ".join(missing),
            "restore data/raw from git or set ECOPLAN_RAW_DIR; "
            "`ecoplan demo-data` regenerates the synthetic indicator files",
        )
    return Check(
        "raw data",
        True,
        True,
        f"{paths.raw}: towns.csv, {n_ind} indicator files, {n_geo} boundary files",
    )


def check_processed(paths: ProjectPaths) -> Check:
    """Check that the processed store has been built (``ecoplan ingest``).

    Parameters
    ----------
    paths : ProjectPaths
        The project (its processed store).

    Returns
    -------
    Check
        Passes when the processed store holds the ingested tables.
    """
    missing = [t for t in PROCESSED_TABLES if not (paths.processed / t).is_file()]
    if missing:
        return Check(
            "processed store",
            False,
            False,
            f"{paths.processed}: not built yet (missing {', '.join(missing)})",
            "run `ecoplan ingest` (or `make reports`)",
        )
    return Check(
        "processed store", True, False, f"{paths.processed}: {', '.join(PROCESSED_TABLES)}"
    )


def check_manifest(paths: ProjectPaths) -> Check:
    """Check that the raw files match ``data/raw/MANIFEST`` (sha256 and source of each).

    Parameters
    ----------
    paths : ProjectPaths
        The project (its raw folder and MANIFEST).

    Returns
    -------
    Check
        Passes when every raw file is listed with its current hash and a source; the detail
        names the files that are not.
    """
    from analysis.manifest import verify_manifest  # noqa: PLC0415

    problems = verify_manifest(paths.raw, strict=False)
    if problems:
        shown = "; ".join(problems[:3]) + (
            f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        return Check(
            "raw manifest",
            False,
            False,
            shown,
            "restore changed raw files from git; after a deliberate change run `make manifest` "
            "and record the source of new files",
        )
    return Check("raw manifest", True, False, "every raw file matches data/raw/MANIFEST")


def check_town_data(paths: ProjectPaths) -> Check:
    """Check every town in ``towns.csv``: boundaries, a source row and a lat/lon point.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.

    Returns
    -------
    Check
        Failed (required) if a town's district or tambon polygon is not in ``data/raw/geo``,
        its ``lat``/``lon`` is empty, or ``docs/sources.md`` has no row for it.
    """
    from analysis.errors import EcoplanError  # noqa: PLC0415
    from analysis.store.boundaries import load_raw_boundaries  # noqa: PLC0415
    from analysis.towns import load_towns  # noqa: PLC0415

    try:
        towns = load_towns(paths.towns_csv)
        bounds = load_raw_boundaries(paths.raw_geo)
    except (EcoplanError, OSError) as exc:
        return Check("towns", False, True, str(exc), "fix data/raw/towns.csv or data/raw/geo")
    pcodes = set(zip(bounds["level"], bounds["pcode"], strict=True))
    sources_md = paths.root / "docs" / "sources.md"
    sources = sources_md.read_text(encoding="utf-8") if sources_md.is_file() else None
    problems = []
    for town in towns.to_dict("records"):
        tid = town["town_id"]
        for level in ("district", "tambon"):
            if (level, str(town[f"{level}_pcode"])) not in pcodes:
                problems.append(f"{tid}: no {level} polygon {town[f'{level}_pcode']} in geo/")
        if any(str(town[c]) in {"", "nan", "<NA>"} for c in ("lat", "lon")):
            problems.append(f"{tid}: lat/lon empty in towns.csv")
        if sources is not None and f"`{tid}`" not in sources:
            problems.append(f"{tid}: no row in docs/sources.md")
    if problems:
        return Check(
            "towns",
            False,
            True,
            "; ".join(problems),
            "follow docs/add-a-town.md (boundary files, the lat/lon point, a docs/sources.md row)",
        )
    return Check("towns", True, True, f"{len(towns)} towns: boundaries, point and sources found")


def run_data_checks(paths: ProjectPaths | None = None) -> list[Check]:
    """Check the user's data only (``ecoplan doctor --data``, ``make check-data``).

    Every check is required: raw files present, every file matching the manifest with a
    recorded source (an ``UNKNOWN`` source fails), every town with boundaries, a point and
    a row in ``docs/sources.md``.

    Parameters
    ----------
    paths : ProjectPaths, optional
        Project directories; default :func:`analysis.paths.get_paths`.

    Returns
    -------
    list of Check
        The data checks.
    """
    paths = paths or get_paths()
    manifest = check_manifest(paths)
    return [check_raw(paths), replace(manifest, required=True), check_town_data(paths)]


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _same_version(a: str, b: str) -> bool:
    """Compare versions as PEP 440 does (``1.000 == 1.0``)."""
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


def check_lock(paths: ProjectPaths) -> Check:
    """Check that installed packages have the versions pinned in ``requirements/lock.txt``.

    Parameters
    ----------
    paths : ProjectPaths
        The project (its ``requirements/lock.txt``).

    Returns
    -------
    Check
        Passes when every pinned package is installed at its pinned version; the detail names
        the ones that differ.
    """
    lock = paths.root / "requirements" / "lock.txt"
    if not lock.is_file():
        return Check(
            "lock",
            False,
            False,
            f"{lock} not found (installed from a wheel?)",
            "run from a checkout of the repository",
        )
    wrong = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()  # noqa: PLW2901
        if "==" not in line:
            continue
        name, pinned = (part.strip() for part in line.split("==", 1))
        name = name.split("[", 1)[0]
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "missing"
        if have != pinned and not _same_version(have, pinned):
            wrong.append(f"{_normalise(name)} {have} (lock {pinned})")
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        return Check(
            "lock",
            False,
            False,
            f"installed packages differ from the lock: {shown}",
            "reinstall the lock: `rm .venv/.ecoplan-installed && make setup`",
        )
    return Check("lock", True, False, f"installed packages match {lock.name}")


def run_checks(paths: ProjectPaths | None = None) -> list[Check]:
    """Run every check, in a fixed order.

    Parameters
    ----------
    paths : ProjectPaths, optional
        Project directories; default :func:`analysis.paths.get_paths`.

    Returns
    -------
    list of Check
        One entry per check; see :attr:`Check.status`.
    """
    paths = paths or get_paths()
    plain: list[Callable[[], Check]] = [check_python, check_fonts, check_kernel, check_chromium]
    with_paths: list[Callable[[ProjectPaths], Check]] = [
        check_writable,
        check_raw,
        check_manifest,
        check_towns_warning,
        check_processed,
        check_lock,
    ]
    return [c() for c in plain] + [c(paths) for c in with_paths]


def check_towns_warning(paths: ProjectPaths) -> Check:
    """Run :func:`check_town_data` as a warning, as the environment check shows it.

    A town without boundaries passes the ingest (with a warning) and fails only at build,
    so ``ecoplan doctor`` names it too; ``ecoplan doctor --data`` fails on it.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.

    Returns
    -------
    Check
        :func:`check_town_data`'s result, not required; a failure's fix points to
        ``make check-data``.
    """
    check = check_town_data(paths)
    if check.ok:
        return replace(check, required=False)
    fix = f"{check.fix}; then `make check-data` (= `ecoplan doctor --data`) must pass"
    return replace(check, required=False, fix=fix)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument(
        "--data",
        action="store_true",
        help="check only the data (manifest and sources, boundaries and point of every town); "
        "= `make check-data`",
    )


def run(args: argparse.Namespace) -> int:
    """Print the checks; return 1 if a required check failed, else 0.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status: 1 if a required check failed, else 0.
    """
    checks = run_data_checks() if getattr(args, "data", False) else run_checks()
    failed = any(not c.ok and c.required for c in checks)
    if args.json:
        payload = {"ok": not failed, "checks": [asdict(c) | {"status": c.status} for c in checks]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))  # noqa: T201
        return 1 if failed else 0
    width = max(len(c.name) for c in checks)
    for c in checks:
        print(f"[{c.status:>4}] {c.name:<{width}}  {c.detail}")  # noqa: T201
        if c.fix:
            print(f"{'':>6} {'':<{width}}  fix: {c.fix}")  # noqa: T201
    ready = "data ready" if getattr(args, "data", False) else "environment ready"
    summary = "required checks failed" if failed else ready
    print(f"\necoplan doctor: {summary}")  # noqa: T201
    return 1 if failed else 0
