"""Hardening: a damaged or foreign processed store gives one clear line, never a traceback,
and never steers a write outside ``reports/``.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hardening_project import Project, changed_outside, make_project, snapshot

from analysis.errors import DataError
from analysis.store.io import read_indicators, read_table, read_towns

pytestmark = pytest.mark.slow

EVIL_ID = "../../evil"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Project:
    """A project with an ingested store (spatial layers skipped), used as a template."""
    proj = make_project(tmp_path_factory.mktemp("store"))
    proc = proj.ecoplan("ingest", "--skip-spatial")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proj


def _copy(src: Project, dest) -> Project:
    """A private copy of the ingested project (tests below damage its store)."""
    proj = make_project(dest, notebooks=False)
    shutil.copytree(src.root / "notebooks", proj.root / "notebooks")
    shutil.copytree(src.processed, proj.processed)
    return proj


def _truncate(path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _one_line_error(proc, command: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr[-2000:]
    assert lines[0].startswith(f"ecoplan {command}: error: ")
    return lines[0]


BUILD = ("build", "--town", "nakhon-sawan", "--lang", "th", "--appendix", "b", "--jobs", "1")
QUERY = ("query", "SELECT count(*) FROM indicators")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(BUILD, id="build"),
        pytest.param(("site",), id="site"),
        pytest.param(QUERY, id="query"),
    ],
)
def test_truncated_indicators_give_one_clear_line(ingested, tmp_path, args):
    proj = _copy(ingested, tmp_path / "p")
    _truncate(proj.processed / "indicators.parquet")
    before = snapshot(proj.root)
    line = _one_line_error(proj.ecoplan(*args, timeout=600), args[0])
    assert "indicators.parquet" in line
    assert "ecoplan ingest" in line  # says how to fix it
    assert changed_outside(before, snapshot(proj.root)) == []
    assert not (proj.site / "towns").exists()


def test_store_readers_turn_damage_into_data_errors(ingested, tmp_path):
    proj = _copy(ingested, tmp_path / "p")
    _truncate(proj.processed / "indicators.parquet")
    proj.processed.joinpath("towns.parquet").write_bytes(b"")
    proj.processed.joinpath("rejected.csv").write_bytes(b"\xff\xfe\x00garbage\x00")
    with pytest.raises(DataError, match=r"indicators\.parquet is damaged .*`ecoplan ingest`"):
        read_indicators(processed_dir=proj.processed)
    with pytest.raises(DataError, match=r"towns\.parquet is damaged"):
        read_towns(proj.processed)
    with pytest.raises(DataError, match=r"rejected\.csv is damaged"):
        read_table("rejected.csv", proj.processed)


def _evil_store(proj: Project) -> None:
    """Rename one town to a path-traversal id directly in the store (bypassing ingest)."""
    towns = pd.read_parquet(proj.processed / "towns.parquet")
    towns = towns[towns["town_id"] == "takhli"].assign(town_id=EVIL_ID)
    towns.to_parquet(proj.processed / "towns.parquet", index=False)
    rows = pd.read_parquet(proj.processed / "indicators.parquet")
    rows = rows[rows["town_id"] == "takhli"].assign(town_id=EVIL_ID)
    rows.to_parquet(proj.processed / "indicators.parquet", index=False)


def test_site_refuses_a_store_with_a_traversal_town_id(ingested, tmp_path):
    proj = _copy(ingested, tmp_path / "p")
    _evil_store(proj)
    before = snapshot(proj.root)
    line = _one_line_error(proj.ecoplan("site", timeout=600), "site")
    assert "invalid town_id '../../evil'" in line and "towns.parquet, row 1" in line
    new = set(snapshot(proj.root)) - set(before)
    assert all(k.startswith("reports/site/") or k == "reports/.build.lock" for k in new), new
    with pytest.raises(DataError, match="invalid town_id"):
        read_towns(proj.processed)


def test_build_never_writes_outside_reports_for_a_traversal_town_id(ingested, tmp_path):
    proj = _copy(ingested, tmp_path / "p")
    _evil_store(proj)
    before = snapshot(proj.root)
    proc = proj.ecoplan(
        "build",
        "--all",
        "--no-cross-town",
        "--lang",
        "th",
        "--appendix",
        "a",
        "--jobs",
        "1",
        timeout=600,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode != 0
    assert changed_outside(before, snapshot(proj.root)) == []
    assert not (proj.root / "evil").exists() and not (proj.reports / "evil").exists()
