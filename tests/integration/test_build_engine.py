"""The warm-kernel engine: notebooks share a kernel but never its state."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from test_build_support import BASIC, NOTEBOOKS, TOWN_SPECS, make_project

from analysis.batch import engine
from analysis.batch.executor import BuildOptions, build
from analysis.batch.progress import PlainProgress
from analysis.batch.worker import PHASES, NotebookTask, run_notebook

TCP_WARNING = "Kernel is running over TCP without encryption"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warm_kernel():
    yield engine.get_warm_kernel("ecoplan")  # the project kernel, as NotebookTask
    engine.shutdown_warm_kernels()


def _task(name: str, **params: object) -> NotebookTask:
    return NotebookTask(
        key=name,
        notebook_json=(NOTEBOOKS / name).read_text(encoding="utf-8"),
        parameters={"town_id": "demo", "lang": "th", **params},
        appendix_id="t",
        renderer="analysis.batch.worker:basic_page_html",
    )


def test_no_state_leaks_between_notebooks_on_one_warm_kernel(warm_kernel):
    first = run_notebook(_task("build_leak_set.ipynb"))
    assert first.ok, first.error
    pid = warm_kernel.pid
    second = run_notebook(_task("build_leak_check.ipynb"))
    assert second.ok, second.error  # the check notebook raises on any leaked state
    assert "clean" in second.notebook_json
    # Same kernel process, started once: the imports were paid once, the state was reset.
    assert warm_kernel.pid == pid
    assert warm_kernel.starts == 1
    # Execution counts restart at 1 as in a fresh kernel.
    nb = nbformat.reads(second.notebook_json, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts[0] == 1


def test_leak_check_notebook_detects_leaks_without_reset():
    """Negative control: on a plain shared kernel the check notebook must fail."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    try:
        for name, should_fail in (
            ("build_leak_set.ipynb", False),
            ("build_leak_check.ipynb", True),
        ):
            nb = nbformat.read(NOTEBOOKS / name, as_version=4)
            client = NotebookClient(nb, km=km, timeout=120)
            if should_fail:
                with pytest.raises(Exception, match="state leaked") as info:
                    client.execute()
                for leak in ("variable", "figures", "rcParams", "random", "environment", "cwd"):
                    assert leak in str(info.value)
            else:
                client.execute()
    finally:
        km.shutdown_kernel(now=True)


def test_failed_notebook_returns_error_and_kernel_is_reused(warm_kernel):
    bad = run_notebook(_task("build_town.ipynb", town_id="bad-town"))
    assert not bad.ok
    assert "deliberate failure" in bad.error
    assert bad.html is None
    assert "deliberate failure" in bad.notebook_json  # kept for debugging
    starts = warm_kernel.starts
    again = run_notebook(_task("build_leak_check.ipynb"))
    assert again.ok, again.error
    assert warm_kernel.starts == starts


def test_tcp_kernel_prints_the_warning_the_build_must_not(capfd):
    """Control: a kernel over TCP writes the warning to the stderr capfd captures."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.stop_channels()
        deadline = time.monotonic() + 10
        err = ""
        while TCP_WARNING not in err and time.monotonic() < deadline:
            time.sleep(0.2)
            err += capfd.readouterr().err
    finally:
        km.shutdown_kernel(now=True)
    assert TCP_WARNING in err


def test_build_kernels_use_ipc_and_record_phases(tmp_path, monkeypatch, capfd):
    """A build's kernels talk over IPC (no TCP warning); run.json has per-phase seconds."""
    paths = make_project(tmp_path, ["alpha", "beta"], monkeypatch)
    options = BuildOptions(
        specs=TOWN_SPECS, cross_town=False, jobs=1, progress=False, code_hash="pinned", **BASIC
    )
    report = build(options, paths, progress=PlainProgress(io.StringIO()))
    assert report.totals.failed == 0, [j.error for j in report.jobs]
    assert TCP_WARNING not in capfd.readouterr().err
    # The first build pre-starts the worker's kernel while planning; its start-up time is
    # reported once, with the first notebook that used it.
    starts = [j for j in report.jobs if "kernel_start" in j.phases]
    assert len(starts) == 1
    for job in report.jobs:
        assert set(job.phases) <= set(PHASES)
        assert {"papermill", "cells", "read_back", "render"} <= set(job.phases)
        assert job.phases["cells"] == pytest.approx(job.cell_seconds, abs=0.002)
    for phase in ("analyse", "plan", "kernel_start", "cells", "render", "combine", "write"):
        assert report.phases[phase] >= 0, phase
    assert report.phases["cells"] > 0
    assert report.phases["kernel_start"] > 0.1  # a real kernel with imports


def test_warm_kernel_sockets_and_connection_file_are_private(warm_kernel):
    """IPC sockets and the connection file (with its key) sit in one 0700 folder."""
    if warm_kernel.km is None:
        warm_kernel.start()
    conn = Path(warm_kernel.km.connection_file)
    assert warm_kernel.km.transport == "ipc"
    assert conn.parent == Path(warm_kernel.km.ip).parent
    assert stat.S_IMODE(os.stat(conn.parent).st_mode) & 0o777 == 0o700  # (+ sticky bit)
