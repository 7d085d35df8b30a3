"""Unit tests of the build stage: hashing, run.json schema, lock, outputs, i18n keys."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

from analysis.batch import storecache
from analysis.batch.hashing import data_hashes, job_hash, library_hash
from analysis.batch.lock import build_lock
from analysis.batch.outputs import OutputWriter, clean_stale_temporaries
from analysis.batch.progress import PlainProgress, RichProgress, make_progress
from analysis.batch.runinfo import (
    BuildState,
    JobRecord,
    RunReport,
    RunTotals,
    load_state,
    save_state,
    write_run_report,
)
from analysis.errors import BuildError, ParameterError
from analysis.i18n import get_translator


def _store(tmp_path, values=(1.0, 2.0, 3.0, 4.0)):
    tmp_path.mkdir(parents=True, exist_ok=True)
    ind = pd.DataFrame(
        {
            "town_id": ["a", "a", "b", "b"],
            "indicator_id": ["pm25"] * 4,
            "year": [2020, 2021, 2020, 2021],
            "value": list(values),
        }
    )
    ind.to_parquet(tmp_path / "indicators.parquet", index=False)
    pd.DataFrame(
        {
            "town_id": ["a", "b"],
            "name_en": ["A", "B"],
            "tambon_pcode": ["T1", "T2"],
            "district_pcode": ["D1", "D1"],
        }
    ).to_parquet(tmp_path / "towns.parquet", index=False)
    pd.DataFrame(
        {
            "pcode": ["T1", "T2", "D1"],
            "level": ["tambon", "tambon", "district"],
            "geometry": [b"\x01a", b"\x01b", b"\x01d"],
        }
    ).to_parquet(tmp_path / "boundaries.parquet", index=False)
    (tmp_path / "rejected.csv").write_text("file,row,column,value,reason\n", encoding="utf-8")
    return ind


def test_data_hashes_are_per_town_and_ignore_row_order(tmp_path):
    ind = _store(tmp_path)
    h1 = data_hashes(tmp_path)
    assert set(h1.towns) == {"a", "b"}
    assert h1.tables == {
        "boundaries.parquet": "boundaries",
        "indicators.parquet": "per-town",
        "rejected.csv": "global",
        "towns.parquet": "per-town",
    }
    ind.iloc[::-1].to_parquet(tmp_path / "indicators.parquet", index=False)  # reordered
    assert data_hashes(tmp_path).town("a") == h1.town("a")
    ind.loc[2, "value"] = 30.0  # a value of town b changes
    ind.to_parquet(tmp_path / "indicators.parquet", index=False)
    h2 = data_hashes(tmp_path)
    assert h2.town("a") == h1.town("a") and h2.town("b") != h1.town("b")
    assert h2.all_towns() != h1.all_towns()


def test_boundary_and_global_changes(tmp_path):
    _store(tmp_path)
    h1 = data_hashes(tmp_path)
    b = pd.read_parquet(tmp_path / "boundaries.parquet")
    b.loc[b["pcode"] == "T2", "geometry"] = b"\x01changed"
    b.to_parquet(tmp_path / "boundaries.parquet", index=False)
    h2 = data_hashes(tmp_path)
    assert h2.town("a") == h1.town("a") and h2.town("b") != h1.town("b")
    (tmp_path / "rejected.csv").write_text(
        "file,row,column,value,reason\nx,2,v,1,bad\n", encoding="utf-8"
    )
    h3 = data_hashes(tmp_path)
    assert h3.town("a") != h2.town("a")  # a global table feeds every town


def _summary(store, reports, library="lib-1", **kw):
    return storecache.store_summary(store, reports, library=library, **kw)


def test_store_summary_is_reused_only_while_every_file_is_unchanged(tmp_path, monkeypatch):
    store, reports = tmp_path / "processed", tmp_path / "reports"
    ind = _store(store)
    first = _summary(store, reports)
    assert not first.reused and first.towns == ["a", "b"]
    assert first.hashes == data_hashes(store)
    # just written: the file-system clock may not tell a second write apart, so no reuse
    assert not _summary(store, reports).reused
    monkeypatch.setattr(storecache, "RACY_SECONDS", 0.0)
    _summary(store, reports)
    again = _summary(store, reports)
    assert again.reused and again.hashes == first.hashes and again.towns == ["a", "b"]
    assert storecache.store_towns(store, reports) == ["a", "b"]
    # another library version, or --force, reads the store again
    assert not _summary(store, reports, library="lib-2").reused
    assert not _summary(store, reports, library="lib-2", refresh=True).reused
    # a value changes: read again, new hash for that town only
    ind.loc[2, "value"] = 30.0
    ind.to_parquet(store / "indicators.parquet", index=False)
    changed = _summary(store, reports, library="lib-2")
    assert not changed.reused
    assert changed.hashes == data_hashes(store)
    assert changed.hashes.town("a") == first.hashes.town("a")
    assert changed.hashes.town("b") != first.hashes.town("b")
    # a new table is a change too
    (store / "extra.csv").write_text("k\n1\n", encoding="utf-8")
    assert not _summary(store, reports, library="lib-2").reused


def test_store_summary_sees_content_restored_with_old_timestamps(tmp_path, monkeypatch):
    """``cp -p`` and ``rsync -t`` put back the old modification time: the status-change
    time still moves, so new content of the same size is read."""
    monkeypatch.setattr(storecache, "RACY_SECONDS", 0.0)
    store, reports = tmp_path / "processed", tmp_path / "reports"
    _store(store)
    path = store / "rejected.csv"
    path.write_text("file,row,column,value,reason\nx,2,v,1,bad\n", encoding="utf-8")
    before = _summary(store, reports)
    st = path.stat()
    path.write_text("file,row,column,value,reason\nx,3,v,1,bad\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    after = _summary(store, reports)
    assert not after.reused and after.hashes == data_hashes(store)
    assert after.hashes.global_hash != before.hashes.global_hash


def test_store_summary_survives_a_damaged_or_unwritable_file(tmp_path, monkeypatch):
    monkeypatch.setattr(storecache, "RACY_SECONDS", 0.0)
    store, reports = tmp_path / "processed", tmp_path / "reports"
    _store(store)
    expected = data_hashes(store)
    reports.mkdir()
    saved = reports / storecache.SUMMARY_NAME
    for junk in ("{not json", "[]", '{"schema_version": 1, "files": 3}'):
        saved.write_text(junk, encoding="utf-8")
        summary = _summary(store, reports)
        assert not summary.reused and summary.hashes == expected
    record = json.loads(saved.read_text(encoding="utf-8"))
    record["towns"] = ["../escape"]  # a saved town list is checked again as slugs
    saved.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ParameterError, match="town"):
        storecache.store_towns(store, reports)

    # a summary that cannot be written costs only the time
    def read_only(*_args: object, **_kwargs: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(storecache, "atomic_write_text", read_only)
    saved.unlink()
    assert _summary(store, reports).hashes == expected and not saved.exists()


def test_a_no_op_plan_reads_the_saved_summary_without_pandas(tmp_path, fresh_python):
    """The planner of a no-op rebuild imports neither pandas nor pyarrow (about 0.5 s)."""
    store, reports = tmp_path / "processed", tmp_path / "reports"
    _store(store)
    _summary(store, reports)
    saved = reports / storecache.SUMMARY_NAME
    record = json.loads(saved.read_text(encoding="utf-8"))
    record["computed_ns"] += int(3 * storecache.RACY_SECONDS * 1e9)  # as if read later
    saved.write_text(json.dumps(record), encoding="utf-8")
    script = (
        "import sys; from pathlib import Path\n"
        "import analysis.cli, analysis.batch.executor\n"
        "from analysis.batch.storecache import store_summary, store_towns\n"
        "from analysis.results.store import is_current\n"
        f"store, reports = Path({str(store)!r}), Path({str(reports)!r})\n"
        "towns = store_towns(store, reports)\n"
        "s = store_summary(store, reports, library='lib-1')\n"
        "is_current(store)\n"
        "heavy = ('pandas', 'pyarrow', 'numpy', 'matplotlib', 'geopandas')\n"
        "print(s.reused, towns, [m for m in heavy if m in sys.modules])\n"
    )
    assert fresh_python(script).split("\n")[0] == "True ['a', 'b'] []"


def test_hashes_of_missing_store_and_library(tmp_path):
    assert data_hashes(tmp_path / "none").towns == {}
    lib = library_hash()
    assert len(lib) == 64
    assert job_hash({"a": 1, "b": [1, 2]}) == job_hash({"b": [1, 2], "a": 1})


def _report() -> RunReport:
    job = JobRecord(
        town_id="x",
        lang="th",
        appendix="b",
        status="built",
        seconds=1.0,
        cell_seconds=0.5,
        input_hash="0" * 64,
        notebook="notebooks/x/th/b.ipynb",
        html="site/towns/x/th/b.html",
        worker="pid:1",
    )
    return RunReport(
        ecoplan_version="0",
        code_hash="c",
        started="s",
        finished="f",
        seconds=1.0,
        executor="local:2",
        forced=False,
        totals=RunTotals(jobs=1, built=1, skipped=0, failed=0, towns=1, towns_failed=0),
        failed_towns=[],
        peak_worker_rss_mb=100.0,
        jobs=[job],
    )


def test_run_json_round_trips_and_rejects_bad_status(tmp_path):
    path = write_run_report(_report(), tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert RunReport.model_validate(data) == _report()
    schema = RunReport.model_json_schema()
    assert schema["properties"]["schema_version"]["const"] == 1
    data["jobs"][0]["status"] = "done"
    with pytest.raises(ValueError, match="status"):
        RunReport.model_validate(data)


def test_build_state_round_trip_and_corrupt_file(tmp_path):
    save_state(BuildState(published={"x/th/b": "h"}), tmp_path)
    assert load_state(tmp_path).published == {"x/th/b": "h"}
    (tmp_path / ".build-state.json").write_text("{not json", encoding="utf-8")
    assert load_state(tmp_path).published == {}


def test_lock_fails_fast_then_frees(tmp_path):
    with build_lock(tmp_path):
        holder = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from analysis.batch.lock import build_lock\n"
                "try:\n    with build_lock(Path(sys.argv[1])): pass\n"
                "except Exception as e:\n    print(type(e).__name__, e); sys.exit(3)",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert holder.returncode == 3
        assert "BuildError" in holder.stdout and f"pid {os.getpid()}" in holder.stdout
        with pytest.raises(BuildError, match="--wait"), build_lock(tmp_path):
            pass  # flock is per open file: a second open in this process also conflicts
    with build_lock(tmp_path):
        pass


def test_lock_is_released_when_holder_is_killed(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from analysis.batch.lock import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(600)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    with pytest.raises(BuildError), build_lock(tmp_path):
        pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with build_lock(tmp_path):
        pass


def test_output_writer_and_stale_temporaries(tmp_path):
    w = OutputWriter()
    target = w.write_text(tmp_path / "a" / "x.html", "<html></html>")
    assert target.read_text(encoding="utf-8") == "<html></html>" and w.count == 1
    stale = tmp_path / "a" / ".x.html.abc.html.tmp"
    stale.write_text("partial", encoding="utf-8")
    assert clean_stale_temporaries(tmp_path) == 1 and not stale.exists()


def test_site_translations_have_identical_keys():
    th, en = get_translator("th"), get_translator("en")
    th_keys = {k for k in th.strings if k.startswith("site.")}
    en_keys = {k for k in en.strings if k.startswith("site.")}
    assert th_keys == en_keys and len(th_keys) > 20
    assert "2026" in en("site.footer.built", date="2026-01-01", version="1", code="abc")


def test_plain_progress_lines():
    class J:
        def __init__(self, key, town, lang):
            self.key, self.town_id, self.lang = key, town, lang

    buf = io.StringIO()
    p = PlainProgress(buf)
    jobs = [J("t/th/b", "t", "th"), J("t/en/b", "t", "en")]
    p.start(jobs, jobs)
    p.job_done(jobs[0], "built", None)
    p.job_done(jobs[1], "failed", "ValueError: boom")
    p.group_done(("t", "th"), True)
    p.group_done(("t", "en"), False)
    out = buf.getvalue()
    assert "2 notebook(s) to run" in out and "[   2/2] failed  t/en/b: ValueError: boom" in out
    assert p.towns_done == {"t"} and p.failed == 1


def test_rich_progress_bar_counts_towns_and_failures():

    class J:
        def __init__(self, key, town, lang):
            self.key, self.town_id, self.lang = key, town, lang

    buf = io.StringIO()
    assert type(make_progress(None, buf)) is PlainProgress  # not a terminal
    p = RichProgress(buf)
    jobs = [J("t/th/b", "t", "th"), J("u/th/b", "u", "th")]
    p.start(jobs, jobs)
    p.job_done(jobs[0], "built", None)
    p.group_done(("t", "th"), True)
    p.job_done(jobs[1], "failed", "boom")
    p.group_done(("u", "th"), False)
    p.close()
    out = buf.getvalue()
    assert "towns 2/2  failed 1" in out and "failed  u/th/b: boom" in out
