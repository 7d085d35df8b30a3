"""Kill -9 at deterministic points of ingest, analyse, build and site, then rerun (issue 16).

Each command runs as a subprocess with ``ECOPLAN_TEST_CRASH_AT=<point>``
(:func:`analysis.store.atomic.crash_point` SIGKILLs the process there). After every kill
the published state is whole: the store is the previous generation (every table of it,
readable), the results are the previous generation, and every town/language folder of
the site holds pages of one build only (each page carries the town's name, which the
test changes between runs: ``KILLTEST-1`` or ``KILLTEST-2``, never both in one folder).
The rerun then publishes everything and leaves no temporary file in ``reports/site``.

One small town is built (appendix A, Thai; the site adds its indicator pages) to keep
the run to a few minutes; a second town is registered, then removed from towns.csv to
check that its pages and downloads leave the site.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pandas as pd
import pytest
from hardening_project import Project, make_project

from analysis.store.io import read_table, read_towns, store_generation

pytestmark = pytest.mark.slow

TOWN = "takhli"
OTHER = "nam-chiao"
BUILD = ("build", "--town", TOWN, "--appendix", "a", "--lang", "th", "--no-cross-town")
MARKS = ("KILLTEST-1", "KILLTEST-2")


def _trim(project: Project) -> None:
    """Keep only TOWN and OTHER: their registry rows and raw files."""
    keep = {TOWN, OTHER}
    towns = pd.read_csv(project.raw / "towns.csv", dtype=str, keep_default_na=False)
    towns[towns["town_id"].isin(keep)].to_csv(project.raw / "towns.csv", index=False)
    for sub in ("indicators", "measures", "landuse"):
        for path in (project.raw / sub).glob("*"):
            if not any(path.name.startswith(f"{t}_") or path.stem == t for t in keep):
                path.unlink()


def _rename(project: Project, mark: str, *, drop: str | None = None) -> None:
    """Give TOWN a name carrying ``mark`` (shown on every one of its pages)."""
    path = project.raw / "towns.csv"
    towns = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = towns["town_id"] == TOWN
    for col in ("name_th", "name_en"):
        base = towns.loc[mask, col].iloc[0].split(" KILLTEST")[0]
        towns.loc[mask, col] = f"{base} {mark}"
    if drop is not None:
        towns = towns[towns["town_id"] != drop]
        for path_ in project.raw.rglob(f"{drop}*"):
            path_.unlink()
    towns.to_csv(path, index=False)


def _run(project: Project, *args: str, crash: str | None = None) -> subprocess.CompletedProcess:
    env = dict(project.env)
    if crash is not None:
        env["ECOPLAN_TEST_CRASH_AT"] = crash
    return subprocess.run(
        [*_cli(), *args],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _cli() -> list[str]:
    return [sys.executable, "-m", "analysis.cli"]


def _ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-1500:], proc.stderr[-3000:])
    return proc.stdout + proc.stderr


def _killed(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr[-3000:])


def _store_mark(project: Project) -> str:
    """The store is whole and readable; return the mark of TOWN's name in it."""
    processed = project.processed
    generation = store_generation(processed)
    assert generation, "no store generation published"
    for link in processed.iterdir():
        if link.is_symlink() and link.name not in {"store", "results"}:
            assert link.exists(), f"{link.name} points at nothing"
            assert link.resolve().parent.name == generation  # one generation for every table
            if link.suffix in {".parquet", ".csv"}:
                read_table(link.name, processed)
    json.loads((processed / "ingest_manifest.json").read_text(encoding="utf-8"))
    towns = read_towns(processed).set_index("town_id")
    marks = {m for m in MARKS if m in towns.loc[TOWN, "name_en"]}
    assert len(marks) == 1, marks
    return marks.pop()


def _results_generation(project: Project) -> str:
    manifest = json.loads(
        (project.processed / "results" / "manifest.json").read_text(encoding="utf-8")
    )
    for name in manifest["tables"]:
        pd.read_parquet(project.processed / "results" / f"{name}.parquet")
    return manifest["store_generation"]


def _folder_marks(project: Project) -> dict[str, set[str]]:
    """Marks found in each published unit of the site (one mark per unit when whole).

    A town/language folder holds the pages ``ecoplan build`` publishes (appendices and
    the combined page) and the indicator pages ``ecoplan site`` publishes (until the
    next site run they may be one build older than the appendices): each set is checked
    on its own.
    """
    out = {}
    for folder in sorted((project.site / "towns").glob("*/*")):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        rel = folder.relative_to(project.site).as_posix()
        for part, pages in (
            ("pages", folder.glob("*.html")),
            ("indicators", folder.glob("indicators/*.html")),
        ):
            text = [p.read_text(encoding="utf-8") for p in pages]
            if text:
                out[f"{rel}:{part}"] = {m for m in MARKS if any(m in t for t in text)}
    return out


def _assert_whole_site(project: Project, *, allow_aside: bool = False) -> None:
    for folder, marks in _folder_marks(project).items():
        assert len(marks) == 1, f"{folder} is half-published: {marks}"
    folder = project.site / "towns" / TOWN / "th"
    if not folder.exists():  # killed between the two renames of the switch
        assert allow_aside and list(folder.parent.glob(".th.*.old.tmp")), "pages lost"


def _no_temporaries(project: Project) -> None:
    left = [p for p in project.site.rglob("*") if p.name.endswith(".tmp")]
    assert left == [], left


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    proj = make_project(tmp_path_factory.mktemp("kill9"))
    _trim(proj)
    _rename(proj, MARKS[0])
    _ok(_run(proj, "ingest"))
    _ok(_run(proj, *BUILD))
    _ok(_run(proj, "site"))
    return proj


def test_kill9_anywhere_then_rerun_publishes_whole(project):
    first_store = store_generation(project.processed)
    assert _results_generation(project) == first_store  # results name their store
    assert _folder_marks(project)[f"towns/{TOWN}/th:pages"] == {MARKS[0]}
    _rename(project, MARKS[1])

    # ingest: killed mid-write, mid-spatial, before the rename, before the switch
    for point in ("store:write#2", "store:write#8", "store:renamed"):
        _killed(_run(project, "ingest", crash=point))
        assert store_generation(project.processed) == first_store, point
        assert _store_mark(project) == MARKS[0], point  # the old store, every table of it
    _ok(_run(project, "ingest"))
    second_store = store_generation(project.processed)
    assert second_store != first_store and _store_mark(project) == MARKS[1]
    assert not list((project.processed / "store.generations").glob(".*"))

    # analyse: the results stay the previous generation until the new one is whole
    for point in ("results:staged", "results:renamed"):
        _killed(_run(project, "analyse", crash=point))
        assert _results_generation(project) == first_store, point
    _ok(_run(project, "analyse"))
    assert _results_generation(project) == second_store

    # build: killed with the new pages staged, and between the two renames of the switch
    for point in ("publish:staged", "publish:swapped-out"):
        _killed(_run(project, *BUILD, crash=point))
        _assert_whole_site(project, allow_aside=point == "publish:swapped-out")
    _ok(_run(project, *BUILD))
    _assert_whole_site(project)
    assert _folder_marks(project)[f"towns/{TOWN}/th:pages"] == {MARKS[1]}
    assert not [p for p in project.reports.rglob("*") if p.name.endswith(".tmp")]

    # site: killed with the downloads staged, then inside a town/language switch
    for point in ("publish:staged#1", "publish:swapped-out#2"):
        _killed(_run(project, "site", crash=point))
        _assert_whole_site(project, allow_aside=True)
    out = _ok(_run(project, "site"))
    assert "temporary files left by an interrupted run" in out
    _assert_whole_site(project)
    _no_temporaries(project)
    assert set().union(*_folder_marks(project).values()) == {MARKS[1]}

    # a town removed from towns.csv leaves the site (pages and downloads), with a line
    assert (project.site / "downloads" / f"{OTHER}.csv").exists()
    _rename(project, MARKS[1], drop=OTHER)
    _ok(_run(project, "ingest"))
    out = _ok(_run(project, "site"))
    assert "no longer in towns.csv" in out and OTHER in out
    site_files = [p.name for p in project.site.rglob("*")]
    assert not [n for n in site_files if n.startswith(OTHER)], site_files
    assert not (project.site / "towns" / OTHER).exists()
    assert list((project.reports / "archive").rglob(f"{OTHER}.csv"))
    _no_temporaries(project)


def test_a_second_command_waits_for_or_refuses_the_running_one(project):
    from analysis.batch.lock import build_lock  # noqa: PLC0415

    with build_lock(project.reports, command="build"):
        for args in (("ingest",), ("analyse",), ("site",)):
            proc = _run(project, *args)
            assert proc.returncode == 2, (args, proc.stderr[-1500:])
            assert "`ecoplan build`" in proc.stderr and "--wait" in proc.stderr, proc.stderr
            assert "Traceback" not in proc.stderr
