"""The test suite runs against its own fixture project, never against the user's ``data/raw``.

At start-up a copy of the demo project's raw folder is made in a temporary folder and
selected with ``ECOPLAN_RAW_DIR`` (kernels, Papermill and subprocesses inherit it), so a
researcher who adds a town, an indicator file or a boundary to ``data/raw`` does not break
``make test``. The copy holds:

- ``towns.csv``: only the rows of the six demo towns (in their original order);
- ``indicators/`` and ``landuse/``: the files the demo generator wrote, recognised by their
  hash in ``data/raw/MANIFEST`` (a SYNTHETIC source); if any is missing or changed, the
  whole set is regenerated with ``ecoplan demo-data`` (seeded, so identical content);
- ``geo/``: the boundary files (real, attributed) and their licences;
- a ``MANIFEST`` written for exactly these files.

The user's own data is checked separately: ``make check-data`` (``ecoplan doctor --data``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from analysis.paths import ProjectPaths

REPO = Path(__file__).resolve().parents[1]
USER_RAW = REPO / "data" / "raw"

#: The demo towns, in the order of the committed ``towns.csv``.
DEMO_TOWN_IDS = ("nakhon-sawan", "nam-chiao", "mueang-mai", "takhli", "mueang-nan", "phitsanulok")

_ENV = "ECOPLAN_RAW_DIR"
_state: dict[str, str | None] = {}


def _demo_towns_csv(src: Path, dest: Path) -> None:
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [ln for ln in lines[1:] if ln.split(",", 1)[0] in DEMO_TOWN_IDS]
    dest.write_text("".join(kept), encoding="utf-8")


def make_demo_project(raw: Path, source: Path = USER_RAW) -> Path:
    """Write a demo raw folder at ``raw`` from ``source`` (the user's raw folder).

    Parameters
    ----------
    raw : pathlib.Path
        The folder to create (must not exist).
    source : pathlib.Path
        A raw folder that holds at least the boundary files (default: ``data/raw``).

    Returns
    -------
    pathlib.Path
        ``raw``.
    """
    from analysis.manifest import read_manifest, sha256_file, write_manifest  # noqa: PLC0415

    raw.mkdir(parents=True)
    shutil.copytree(source / "geo", raw / "geo")
    shutil.copy(source / "SOURCES.md", raw / "SOURCES.md")
    _demo_towns_csv(source / "towns.csv", raw / "towns.csv")
    demo = [
        e
        for e in read_manifest(source)
        if e.path.split("/")[0] in {"indicators", "landuse", "measures"} and "SYNTHETIC" in e.source
    ]
    expected_landuse = {f"landuse/{t}.gpkg" for t in DEMO_TOWN_IDS}
    intact = (
        len([e for e in demo if e.path.startswith("indicators/")]) == len(DEMO_TOWN_IDS)
        and expected_landuse <= {e.path for e in demo}
        and all(
            (source / e.path).is_file() and sha256_file(source / e.path) == e.sha256 for e in demo
        )
    )
    if intact:
        for e in demo:
            if e.path.startswith("landuse/") and e.path not in expected_landuse:
                continue
            (raw / e.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / e.path, raw / e.path)
        shutil.copy(source / "MANIFEST", raw / "MANIFEST")
    else:  # the user replaced a demo file: regenerate the demo set (seeded)
        from analysis.cli import main  # noqa: PLC0415

        saved = os.environ.get(_ENV)
        os.environ[_ENV] = str(raw)
        try:
            assert main(["demo-data", "--out", str(raw)]) == 0
        finally:
            if saved is None:
                os.environ.pop(_ENV, None)
            else:
                os.environ[_ENV] = saved
    write_manifest(raw)
    return raw


def pytest_configure(config: pytest.Config) -> None:
    """Make the fixture project and point ``ECOPLAN_RAW_DIR`` at it (before collection)."""
    if hasattr(config, "workerinput") or _state:
        return
    tmp = Path(tempfile.mkdtemp(prefix="ecoplan-test-project-"))
    _state["tmp"] = str(tmp)
    _state["saved"] = os.environ.get(_ENV)
    os.environ[_ENV] = str(make_demo_project(tmp / "data" / "raw"))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Restore the environment and delete the fixture project."""
    if "tmp" not in _state:
        return
    saved = _state.pop("saved", None)
    if saved is None:
        os.environ.pop(_ENV, None)
    else:
        os.environ[_ENV] = saved
    shutil.rmtree(_state.pop("tmp") or "", ignore_errors=True)


@pytest.fixture(scope="session")
def fresh_python() -> Callable[[str], str]:
    """Run code in a new interpreter and return its output (stripped).

    For tests of what an import loads: the test process has imported everything already.
    A failing interpreter fails the test with its error output.
    """

    def run(code: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
        )
        if proc.returncode != 0:
            pytest.fail(f"the interpreter exited with {proc.returncode}:\n{proc.stderr[-3000:]}")
        return proc.stdout.strip()

    return run


@pytest.fixture(scope="session")
def demo_raw() -> Path:
    """The fixture project's raw folder (a copy of the demo; safe to read, never the user's)."""
    return Path(os.environ[_ENV])


@pytest.fixture(scope="session")
def town_map_layers() -> dict:
    """One fixture town's map inputs: ``mueang-nan`` with generated land use.

    The registry, the raw boundaries, and land use generated inside the town's real
    tambon with the green space and zones the spatial stage derives from it. Shared,
    read-only: tests that change a frame copy it first.
    """
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.spatial.greenspace import greenspace_inventory  # noqa: PLC0415
    from analysis.spatial.landuse import normalise_landuse  # noqa: PLC0415
    from analysis.spatial.zoning import zoning  # noqa: PLC0415
    from analysis.store.boundaries import load_raw_boundaries  # noqa: PLC0415
    from analysis.synthetic.landuse import generate_landuse  # noqa: PLC0415
    from analysis.towns import load_towns  # noqa: PLC0415

    town_id = "mueang-nan"
    raw = get_paths().raw
    towns = load_towns(raw / "towns.csv")
    boundaries = load_raw_boundaries(raw / "geo")
    town = towns[towns["town_id"] == town_id].iloc[0]
    tambon = boundaries[boundaries["pcode"] == town["tambon_pcode"]].geometry.union_all()
    lu = normalise_landuse(
        generate_landuse(tambon, town_id=town_id, lon=town["lon"], lat=town["lat"], n_cells=250),
        town_id=town_id,
        src="generated",
    )
    return {
        "towns": towns,
        "boundaries": boundaries,
        "landuse": lu,
        "greenspace": greenspace_inventory(lu),
        "zones": zoning(lu),
    }


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The demo project built as ``make reports`` does: ingest, analyse, build, PDF, site.

    Built once per test session in a temporary folder (about four minutes on two cores)
    and shared by the tests that read the whole site (one truth, browser checks). The
    ``ECOPLAN_*`` folders point at it only while it is built; the tests read its files.
    """
    from analysis.batch.engine import shutdown_warm_kernels  # noqa: PLC0415
    from analysis.batch.executor import BuildOptions, build  # noqa: PLC0415
    from analysis.batch.pdf import publish_pdfs  # noqa: PLC0415
    from analysis.i18n import LANGS  # noqa: PLC0415
    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.results.compute import run_analysis  # noqa: PLC0415
    from analysis.site.index import build_site  # noqa: PLC0415
    from analysis.spatial.pipeline import build_spatial  # noqa: PLC0415
    from analysis.store.io import read_towns  # noqa: PLC0415

    tmp = tmp_path_factory.mktemp("demo-site")
    keys = ("ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["ECOPLAN_PROCESSED_DIR"] = str(tmp / "processed")
    os.environ["ECOPLAN_REPORTS_DIR"] = str(tmp / "reports")
    try:
        paths = dataclasses.replace(
            get_paths(), processed=tmp / "processed", reports=tmp / "reports"
        )
        run_ingest(paths)
        build_spatial(paths)
        run_analysis(paths)
        towns = read_towns(processed_dir=paths.processed)
        report = build(BuildOptions(towns=None, langs=LANGS, progress=False), paths)
        failed = [
            f"{r.town_id}/{r.lang}/{r.appendix}: {r.error}"
            for r in report.jobs
            if r.status == "failed"
        ]
        assert not failed, failed
        # as `make reports` does (build --all --pdf, then site): a PDF per town and language
        # when Debian's chromium is there (without it publish_pdfs says so and writes none)
        pdfs = publish_pdfs(paths.reports, sorted(towns["town_id"].astype(str)), LANGS)
        assert not pdfs.failed, pdfs.failed
        build_site(paths)
        return paths
    finally:
        shutdown_warm_kernels()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
