"""Hardening: parameters Papermill injects are data, never code.

A ``town_id`` holding Python code and an unknown ``lang`` reach a real appendix notebook
(directly through Papermill, and through the build worker's warm kernel). The injected
cell must be plain literal assignments, the notebook must stop in its parameter
validation cell with :class:`analysis.errors.ParameterError`, and the code must never run
(no ``PWNED`` file anywhere).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from hardening_project import REPO, make_project
from papermill.exceptions import PapermillExecutionError

pytestmark = pytest.mark.slow

NOTEBOOK = REPO / "notebooks" / "a_profile.ipynb"

PAYLOADS = {
    "quote-break": ("x'); import os; os.system('touch PWNED'); ('", "xx"),
    "triple-quote-newline": (
        'x"""\nimport os\nos.system("touch PWNED")\n"""',
        "th'; __import__('os').system('touch PWNED_LANG'); '",
    ),
}


def _no_pwned(*roots: Path) -> None:
    for root in roots:
        hits = [p for p in root.rglob("PWNED*")] if root.is_dir() else []
        assert hits == [], hits
    for place in (REPO, Path.cwd()):
        assert not list(place.glob("PWNED*"))


def _only_literal_assignments(source: str, expected: dict[str, str]) -> None:
    """The injected cell assigns string constants to names, nothing else."""
    tree = ast.parse(source)
    seen = {}
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign), ast.dump(stmt)
        assert len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        assert isinstance(stmt.value, ast.Constant), ast.dump(stmt.value)
        seen[stmt.targets[0].id] = stmt.value.value
    assert seen == expected


def _check_failed_notebook(nb: nbformat.NotebookNode, params: dict[str, str]) -> None:
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    _only_literal_assignments(injected[0].source, params)
    errors = [
        (i, out)
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert len(errors) == 1, errors
    index, error = errors[0]
    assert "validate_params(" in nb.cells[index].source
    after = nb.cells.index(injected[0]) + 1
    first_code = next(i for i in range(after, len(nb.cells)) if nb.cells[i].cell_type == "code")
    assert index == first_code  # the first code cell after the parameters
    assert error["ename"] == "ParameterError"
    assert error["evalue"].startswith("invalid notebook parameters: ")
    assert "town_id: Value error, invalid town_id" in error["evalue"]
    assert "lang must be one of 'th', 'en'" in error["evalue"]
    # Later cells never ran.
    later = nb.cells[index + 1 :]
    assert all(c.get("execution_count") is None for c in later if c.cell_type == "code")


@pytest.mark.parametrize(("town_id", "lang"), list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_papermill_parameters_are_data(tmp_path, monkeypatch, town_id, lang):
    project = make_project(tmp_path / "project", notebooks=False)
    for key, value in project.env.items():
        if key.startswith("ECOPLAN_"):
            monkeypatch.setenv(key, value)
    work = tmp_path / "work"
    work.mkdir()
    out = tmp_path / "out.ipynb"
    params = {"town_id": town_id, "lang": lang}
    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(
            str(NOTEBOOK),
            str(out),
            parameters=params,
            cwd=str(work),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )
    assert info.value.ename == "ParameterError"
    assert "invalid notebook parameters" in info.value.evalue
    _check_failed_notebook(nbformat.read(out, as_version=4), params)
    _no_pwned(tmp_path)


def test_build_worker_parameters_are_data(tmp_path, monkeypatch):
    from analysis.batch import engine  # noqa: PLC0415
    from analysis.batch.worker import NotebookTask, run_notebook  # noqa: PLC0415

    project = make_project(tmp_path / "project", notebooks=False)
    for key, value in project.env.items():
        if key.startswith("ECOPLAN_"):
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # the warm kernel starts in the working directory
    town_id, lang = PAYLOADS["quote-break"]
    params = {"town_id": town_id, "lang": lang}
    engine.shutdown_warm_kernels()  # a fresh kernel, started in tmp_path
    try:
        result = run_notebook(
            NotebookTask(
                key="x/xx/a",
                notebook_json=NOTEBOOK.read_text(encoding="utf-8"),
                parameters=params,
                appendix_id="a",
                timeout=120,
                warm_imports=("analysis.report.params",),
            )
        )
    finally:
        engine.shutdown_warm_kernels()
    assert not result.ok and result.html is None
    assert result.error is not None
    assert result.error.startswith("ParameterError: invalid notebook parameters: ")
    assert "\n" not in result.error
    assert result.notebook_json is not None
    _check_failed_notebook(nbformat.reads(result.notebook_json, as_version=4), params)
    assert json.loads(result.notebook_json)["metadata"]["papermill"]["parameters"] == params
    _no_pwned(tmp_path)
