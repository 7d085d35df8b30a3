"""`ecoplan build --scheduler`: the same build on a real Dask cluster (scheduler + 2 workers).

Workers get their own copy of the project (read-only data) and a reports folder that
must stay empty: every output comes back to the client, which alone writes files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client
from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS, make_project

from analysis.batch.executor import BuildOptions, build

pytestmark = pytest.mark.slow

DASK = str(Path(sys.executable).with_name("dask"))


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _wait_for(predicate, timeout: float, what: str, procs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for p in procs:
            if p.poll() is not None:
                out = p.stdout.read() if p.stdout else ""
                raise AssertionError(f"{what}: a dask process exited early:\n{out}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_build_on_a_dask_cluster(tmp_path, monkeypatch):
    paths = make_project(tmp_path / "client", ["alpha", "beta", "gamma"], monkeypatch)
    # The workers' own copy of the project: same data, different folders, no shared outputs.
    worker_root = tmp_path / "worker"
    shutil.copytree(paths.root / "data", worker_root / "data")
    env = {
        **os.environ,
        "ECOPLAN_ROOT": str(worker_root),
        "ECOPLAN_REPORTS_DIR": str(worker_root / "reports-unused"),
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
    }
    sched_file = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    DASK,
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(sched_file),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
                cwd=worker_root,
            )
        )
        _wait_for(sched_file.exists, 60, "the scheduler file", procs)
        address = json.loads(sched_file.read_text())["address"]
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        DASK,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                        "--memory-limit",
                        "0",
                        "--name",
                        f"w{i}",
                        "--host",
                        "127.0.0.1",
                    ],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    start_new_session=True,
                    cwd=worker_root,
                )
            )

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)

        report = build(
            BuildOptions(
                specs=TOWN_SPECS,
                cross_spec=CROSS_SPEC,
                langs=("en",),
                scheduler=address,
                progress=False,
                code_hash="pinned",
                **BASIC,
            ),
            paths,
        )
        assert report.executor == address
        assert report.totals.failed == 0, [j.error for j in report.jobs]
        assert report.totals.built == 4  # 3 towns + the cross-town page
        assert all(j.worker and j.worker.startswith("tcp://127.0.0.1") for j in report.jobs)
        for town in ("alpha", "beta", "gamma"):
            page = paths.reports / "site" / "towns" / town / "en" / "index.html"
            assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
            nb = paths.reports / "notebooks" / town / "en" / "a.ipynb"
            assert town in nb.read_text(encoding="utf-8")
        assert not (worker_root / "reports-unused").exists()
        assert report.peak_worker_rss_mb > 0

        # Incremental through the cluster too: nothing to do, no task sent.
        again = build(
            BuildOptions(
                specs=TOWN_SPECS,
                cross_spec=CROSS_SPEC,
                langs=("en",),
                scheduler=address,
                progress=False,
                code_hash="pinned",
                **BASIC,
            ),
            paths,
        )
        assert again.totals.skipped == 4 and again.executor.startswith("none")
    finally:
        _stop(procs)
