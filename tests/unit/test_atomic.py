"""Crash-safe writes: files, staged folders, generations, the one lock (issue 16)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.batch.lock import build_lock, project_lock
from analysis.batch.outputs import (
    OutputWriter,
    archive_unregistered,
    download_files,
    prepare_publish,
    publish_unit,
)
from analysis.errors import BuildError
from analysis.paths import ProjectPaths
from analysis.results.store import ResultsManifest, read_manifest, write_generation
from analysis.store.atomic import (
    Generations,
    atomic_path,
    atomic_write_text,
    recover_directories,
    remove_temporaries,
    stage_directory,
    swap_directory,
)
from analysis.store.io import (
    new_store_generation,
    read_table,
    store_generation,
    write_table,
)
from analysis.towns import TOWN_ID_PATTERN


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "a.txt"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_failure_leaves_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_written_file_is_world_readable(tmp_path):
    target = atomic_write_text(tmp_path / "a.txt", "x")
    assert os.stat(target).st_mode & 0o044


# --------------------------------------------------------------------------- issue 16: items 4, 8, 13


def _generation(tmp_path, name: str, text: str) -> str:
    gens = Generations(tmp_path, "g")
    staging = gens.stage(name)
    (staging / "t.txt").write_text(text)
    gens.finish(staging, name)
    gens.publish(name)
    return name


def test_generations_publish_whole_and_keep_one_previous(tmp_path):
    for i in range(4):
        _generation(tmp_path, f"2026-0{i}", f"v{i}")
    gens = Generations(tmp_path, "g")
    assert gens.current() == "2026-03"
    assert (tmp_path / "g" / "t.txt").read_text() == "v3"
    assert sorted(p.name for p in gens.folder.iterdir()) == ["2026-02", "2026-03"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_unfinished_generation_is_invisible(tmp_path):
    _generation(tmp_path, "2026-01", "old")
    gens = Generations(tmp_path, "g")
    staging = gens.stage("2026-02")
    (staging / "t.txt").write_text("half")
    assert (tmp_path / "g" / "t.txt").read_text() == "old"  # nothing switched
    gens.discard(staging)
    assert not staging.exists() and gens.current() == "2026-01"


def test_swap_directory_replaces_the_folder_as_one_unit(tmp_path):
    final = tmp_path / "towns" / "t" / "th"
    final.mkdir(parents=True)
    (final / "a.html").write_text("old a")
    (final / "b.html").write_text("old b")
    staging = stage_directory(final)  # hard-linked copy of the published folder
    with atomic_path(staging / "a.html") as tmp:
        tmp.write_text("new a")
    assert (final / "a.html").read_text() == "old a"  # staging never changes the original
    swap_directory(staging, final)
    assert (final / "a.html").read_text() == "new a"
    assert (final / "b.html").read_text() == "old b"  # carried over
    assert sorted(p.name for p in final.parent.iterdir()) == ["th"]


def test_recover_puts_back_a_folder_a_killed_swap_left_aside(tmp_path):
    final = tmp_path / "th"
    final.mkdir()
    (final / "a.html").write_text("old")
    staging = stage_directory(final)
    # the state right after the first rename of swap_directory (process killed there)
    aside = tmp_path / ".th.0123abcd.old.tmp"
    final.rename(aside)
    assert recover_directories(tmp_path) == [final]
    assert (final / "a.html").read_text() == "old"
    removed = remove_temporaries(tmp_path)
    assert removed == [staging] and sorted(p.name for p in tmp_path.iterdir()) == ["th"]


def test_remove_temporaries_deletes_orphan_files_and_folders(tmp_path):
    site = tmp_path / "site"
    (site / "towns" / "t" / "th").mkdir(parents=True)
    (site / "towns" / "t" / "th" / ".a.html.x1.html.tmp").write_text("partial")
    (site / "downloads").mkdir()
    (site / ".downloads.abcd1234.stage.tmp").mkdir()
    (site / "index.html").write_text("<html></html>")
    assert len(prepare_publish(tmp_path)) == 2
    assert [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.tmp"))] == []
    assert (site / "index.html").exists()


def test_output_writer_stages_a_town_language_until_commit(tmp_path):
    site = tmp_path / "site"
    page_a, page_b = site / "towns" / "t" / "th" / "a.html", site / "towns" / "t" / "th" / "b.html"
    OutputWriter().write_text(page_a, "old a")
    OutputWriter().write_text(page_b, "old b")
    writer = OutputWriter(site=site)
    assert writer.write_text(page_a, "new a") == page_a
    writer.write_text(page_b, "new b")
    writer.write_text(site / "index.html", "index")  # not a unit: published at once
    assert (site / "index.html").read_text() == "index"
    # before the commit the published town/lang is still entirely the old one
    assert page_a.read_text() == "old a" and page_b.read_text() == "old b"
    assert writer.commit() == [page_a.parent]
    assert page_a.read_text() == "new a" and page_b.read_text() == "new b"
    writer.write_text(page_a, "newer a")
    writer.discard()  # e.g. the build failed: the published folder stays as it was
    assert page_a.read_text() == "new a"
    assert not [p for p in site.rglob("*") if p.name.startswith(".")]


def test_publish_units():
    site = Path("/r/site")
    assert publish_unit(site, site / "towns/t/en/indicators/x.html") == site / "towns/t/en"
    assert publish_unit(site, site / "downloads/t.csv") == site / "downloads"
    assert publish_unit(site, site / "index.html") is None
    assert publish_unit(site, site / "towns/t/form.xlsx") is None
    assert publish_unit(site, Path("/elsewhere/x")) is None


def test_download_names_cannot_collide_between_towns():
    a, b = download_files("nam-chiao"), download_files("nam-chiao-results")
    assert not set(a.values()) & set(b.values())
    # the separators after the town id cannot occur in a town id
    assert not TOWN_ID_PATTERN.fullmatch("nam-chiao_results") and "." not in "nam-chiao"


def test_pages_of_unregistered_towns_leave_the_site(tmp_path):
    site = tmp_path / "site"
    for town in ("keep", "gone"):
        OutputWriter().write_text(site / "towns" / town / "th" / "index.html", town)
        for name in download_files(town).values():
            OutputWriter().write_text(site / "downloads" / name, town)
    assert archive_unregistered(tmp_path, ["keep"]) == ["gone"]
    assert sorted(p.name for p in (site / "towns").iterdir()) == ["keep"]
    assert sorted(p.name for p in (site / "downloads").iterdir()) == sorted(
        download_files("keep").values()
    )
    archived = list((tmp_path / "archive").rglob("index.html"))
    assert len(archived) == 1 and archived[0].read_text() == "gone"
    assert archive_unregistered(tmp_path, ["keep"]) == []


def _store(tmp_path) -> Path:
    return tmp_path / "processed"


def test_store_generation_is_published_only_when_complete(tmp_path):
    processed = _store(tmp_path)
    with new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [1]}), "a.parquet", gen.path)
        write_table(pd.DataFrame({"x": [1]}), "b.parquet", gen.path)
    first = store_generation(processed)
    assert first and (processed / "a.parquet").is_symlink()
    with pytest.raises(RuntimeError), new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [2]}), "a.parquet", gen.path)
        raise RuntimeError("spatial stage crashed")
    # nothing changed: both tables from the first generation, no staging folder left
    assert store_generation(processed) == first
    assert read_table("a.parquet", processed)["x"].tolist() == [1]
    assert not list((processed / "store.generations").glob(".*"))
    with new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [3]}), "a.parquet", gen.path)
        gen.abandon("spatial stage failed")
    assert store_generation(processed) == first
    with new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [4]}), "a.parquet", gen.path)
        (gen.path / "b.parquet").unlink()  # a table the new run no longer has
        write_table(pd.DataFrame({"x": [4]}), "c.csv", gen.path)
    assert store_generation(processed) != first
    assert read_table("a.parquet", processed)["x"].tolist() == [4]
    assert not os.path.lexists(processed / "b.parquet")
    assert read_table("c.csv", processed)["x"].tolist() == [4]
    # the previous generation is kept whole for readers in flight
    kept = processed / "store.generations" / first
    assert pd.read_parquet(kept / "a.parquet")["x"].tolist() == [1]


def test_store_generation_carries_tables_over_and_migrates_an_old_layout(tmp_path):
    processed = _store(tmp_path)
    processed.mkdir()
    (processed / ".gitkeep").write_text("")
    write_table(pd.DataFrame({"x": [1]}), "layer.parquet", processed)  # old layout: a file
    write_table(pd.DataFrame({"x": [1]}), "values.parquet", processed)
    with new_store_generation(processed) as gen:  # e.g. --skip-spatial: landuse not written
        write_table(pd.DataFrame({"x": [2]}), "values.parquet", gen.path)
    assert (processed / "layer.parquet").is_symlink()
    assert read_table("layer.parquet", processed)["x"].tolist() == [1]
    assert read_table("values.parquet", processed)["x"].tolist() == [2]
    assert (processed / ".gitkeep").is_file() and not (processed / ".gitkeep").is_symlink()


def test_results_record_their_store_generation(tmp_path):
    processed = _store(tmp_path)
    with new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [1]}), "values.parquet", gen.path)
    manifest = ResultsManifest(
        generation="20260101T000000000000Z-abc",
        method_version="m",
        inputs_hash="h",
        created="2026-01-01T00:00:00Z",
        horizon=2037,
        progress_method="unsd",
        catalogue_version="c",
    )
    write_generation(processed, {"scores": pd.DataFrame({"town_id": ["t"]})}, manifest)
    stored = read_manifest(processed)
    assert stored is not None and stored.store_generation == store_generation(processed) != ""


_CRASH = """
import os, sys
from pathlib import Path
import pandas as pd
from analysis.store.io import new_store_generation, write_table
with new_store_generation(Path(sys.argv[1])) as gen:
    write_table(pd.DataFrame({"x": [2]}), "a.parquet", gen.path)
    write_table(pd.DataFrame({"x": [2]}), "b.parquet", gen.path)
"""


@pytest.mark.parametrize("point", ["store:write#2", "store:renamed"])
def test_store_killed_at_any_point_stays_whole(tmp_path, point):
    processed = _store(tmp_path)
    with new_store_generation(processed) as gen:
        write_table(pd.DataFrame({"x": [1]}), "a.parquet", gen.path)
        write_table(pd.DataFrame({"x": [1]}), "b.parquet", gen.path)
    env = {**os.environ, "ECOPLAN_TEST_CRASH_AT": point}
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH, str(processed)], env=env, check=False, timeout=120
    )
    assert proc.returncode == -9
    assert [read_table(n, processed)["x"].tolist() for n in ("a.parquet", "b.parquet")] == [
        [1],
        [1],
    ]
    # the next run cleans the orphans and publishes
    proc = subprocess.run([sys.executable, "-c", _CRASH, str(processed)], check=True, timeout=120)
    assert read_table("b.parquet", processed)["x"].tolist() == [2]
    assert not list((processed / "store.generations").glob(".*"))


def test_one_lock_for_every_command_names_the_holder(tmp_path):
    paths = ProjectPaths(
        root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "p", reports=tmp_path / "r"
    )
    with project_lock(paths, command="ingest"):
        with (
            pytest.raises(BuildError, match=r"pid \d+, `ecoplan ingest`.*--wait"),
            build_lock(paths.reports, command="build"),
        ):
            pass
        code = (
            "import sys; from pathlib import Path; from analysis.batch.lock import build_lock\n"
            "try:\n    with build_lock(Path(sys.argv[1]), command='site'): pass\n"
            "except Exception as e:\n    print(e); sys.exit(3)"
        )
        other = subprocess.run(
            [sys.executable, "-c", code, str(paths.reports)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode == 3 and "`ecoplan ingest`" in other.stdout
    with project_lock(paths, command="site"):
        pass
