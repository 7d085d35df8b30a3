"""The warm-kernel engine: notebooks share a kernel but never its state."""

from __future__ import annotations

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from test_build_support import NOTEBOOKS

from analysis.batch import engine
from analysis.batch.worker import NotebookTask, run_notebook

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
