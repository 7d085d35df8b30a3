"""Crash safety and concurrency of `ecoplan build`.

A build is SIGKILLed at several points (test hook ``ECOPLAN_TEST_KILL_AFTER``); no
partially written file may ever be visible under a final name, and the rerun completes.
Two builds on one reports tree serialise through the lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from test_build_support import make_project

from analysis.batch.lock import build_lock

pytestmark = pytest.mark.slow

RUNNER = """
import logging
import sys
sys.path.insert(0, {support!r})
# The library logs its messages (it never prints); a script shows them on stderr.
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS
from analysis.batch.executor import BuildOptions, build

if __name__ == "__main__":
    report = build(BuildOptions(specs=TOWN_SPECS, cross_spec=CROSS_SPEC, jobs=1, progress=False,
                                code_hash="pinned", wait="--wait" in sys.argv, **BASIC))
    sys.exit(1 if report.totals.failed else 0)
"""


def _runner(tmp_path: Path) -> Path:
    script = tmp_path / "run_build.py"
    script.write_text(RUNNER.format(support=str(Path(__file__).parent)), encoding="utf-8")
    return script


def _assert_consistent(reports: Path) -> None:
    """Every file under a final name is complete."""
    for path in reports.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            if path.is_file() and path.name.endswith(".tmp"):
                assert path.name.startswith("."), path  # temporaries are hidden dot files
            continue
        assert not path.name.endswith(".tmp"), path
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), path
        elif path.suffix == ".ipynb":
            nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def _leftover_processes(root: Path) -> list[str]:
    """Processes (pool workers, kernels) still running with this project's environment."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.pid == os.getpid():
            continue
        try:
            if proc.environ().get("ECOPLAN_ROOT") == str(root):
                found.append(" ".join(proc.info["cmdline"] or []))
        except (psutil.Error, OSError):
            continue
    return found


def _wait_no_leftovers(root: Path) -> None:
    deadline = time.monotonic() + 30
    while _leftover_processes(root) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _leftover_processes(root), _leftover_processes(root)


def test_killed_builds_never_leave_partial_files_and_rerun_completes(tmp_path, monkeypatch):
    paths = make_project(tmp_path / "p", ["alpha", "beta", "gamma"], monkeypatch)
    script = _runner(tmp_path)
    env = {**os.environ}
    for kill_after, mode in ((2, "after"), (5, "before-rename"), (8, "after")):
        run_env = {
            **env,
            "ECOPLAN_TEST_KILL_AFTER": str(kill_after),
            "ECOPLAN_TEST_KILL_MODE": mode,
        }
        # Output to a file, not a pipe: a leftover child holding a pipe must not hang the test
        # (leftovers are checked explicitly below).
        log = tmp_path / f"kill-{kill_after}.log"
        with log.open("w") as fh:
            proc = subprocess.run(
                [sys.executable, str(script)],
                env=run_env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=300,
                check=False,
            )
        assert proc.returncode == -signal.SIGKILL, log.read_text()[-2000:]
        _assert_consistent(paths.reports)
        _wait_no_leftovers(paths.root)  # pool worker and kernel exit with the build
    # The lock died with the process: the rerun starts at once and completes.
    final = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    run_json = paths.reports / "run.json"
    assert final.returncode == 0, (final.stderr[-3000:], run_json.exists() and run_json.read_text())
    _assert_consistent(paths.reports)
    assert not list(paths.reports.rglob("*.tmp"))  # stale temporaries were cleaned up
    for town in ("alpha", "beta", "gamma"):
        for lang in ("th", "en"):
            assert (paths.reports / "site" / "towns" / town / lang / "index.html").exists()
    report = json.loads((paths.reports / "run.json").read_text(encoding="utf-8"))
    assert report["totals"]["failed"] == 0


def test_concurrent_builds_serialise(tmp_path, monkeypatch):
    paths = make_project(tmp_path / "p", ["alpha"], monkeypatch)
    script = _runner(tmp_path)
    with build_lock(paths.reports, command="test"):
        # Without --wait: fail fast with a clear message, no traceback.
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.cli", "build", "--all", "--appendix", "a"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2
        assert "another ecoplan build" in proc.stderr and "--wait" in proc.stderr
        assert "Traceback" not in proc.stderr
        # With --wait: queued behind the lock holder, does nothing until it is released.
        waiting = subprocess.Popen(
            [sys.executable, str(script), "--wait"],
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Read its stderr in a thread, so a missing message fails the test, never hangs it.
        seen = threading.Event()
        lines: list[str] = []

        def read_stderr() -> None:
            for line in waiting.stderr:
                lines.append(line)
                if "waiting for another" in line:
                    seen.set()
                    return

        threading.Thread(target=read_stderr, daemon=True).start()
        seen.wait(timeout=60)
        lock_msg = "".join(lines)
        assert "waiting for another ecoplan run" in lock_msg, lock_msg[-2000:]
        assert waiting.poll() is None
        assert not (paths.reports / "run.json").exists()
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err[-2000:]
    assert (
        json.loads((paths.reports / "run.json").read_text(encoding="utf-8"))["totals"]["built"] == 4
    )
