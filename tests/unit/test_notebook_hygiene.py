"""Notebooks in git: outputs stripped, and each ``.ipynb`` in sync with its ``.py`` pair.

Researchers edit either file in JupyterLab; jupytext (``[tool.jupytext]`` in pyproject.toml)
keeps them paired, and the nbstripout pre-commit hook strips outputs. These tests catch a
commit that skipped the hook or edited one file of a pair without the other.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"


def _tracked_notebooks() -> set[Path]:
    """Every .ipynb git tracks (empty outside a git checkout)."""
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        return set()
    out = subprocess.run(
        [git, "-C", str(REPO), "ls-files", "-z", "--", "*.ipynb"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return {REPO / p for p in out.split("\0") if p and (REPO / p).is_file()}


def _notebooks() -> list[Path]:
    """Tracked notebooks plus every notebook in notebooks/ (new ones not yet added)."""
    found = _tracked_notebooks() | set(NOTEBOOK_DIR.rglob("*.ipynb"))
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


NOTEBOOKS = _notebooks()
IDS = [str(p.relative_to(REPO)) for p in NOTEBOOKS]
#: Researchers' notebooks are paired; test fixtures elsewhere (tests/data/) need not be.
PAIRED = [p for p in NOTEBOOKS if p.is_relative_to(NOTEBOOK_DIR)]


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """Compare cells by type, source and tags; other metadata is not part of the pair."""
    return [
        (c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ())))
        for c in nb.cells
        if not (c.cell_type == "markdown" and not c.source.strip())
    ]


def test_jupytext_pairs_ipynb_with_percent_py() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["jupytext"]["formats"] == "ipynb,py:percent"


def test_jupyterlab_finds_the_pairing_for_notebooks() -> None:
    """Jupytext in JupyterLab looks up its config from the notebook's folder upwards."""
    found = find_jupytext_configuration_file(str(NOTEBOOK_DIR))
    assert found is not None
    assert Path(found) == REPO / "pyproject.toml"
    config = load_jupytext_configuration_file(found)
    assert config.formats in ("ipynb,py:percent", ["ipynb,py:percent"])


def test_nbstripout_hook_is_configured() -> None:
    config = (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "id: nbstripout" in config


def test_there_are_appendix_notebooks() -> None:
    assert [p for p in NOTEBOOKS if p.parent == NOTEBOOK_DIR], "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_has_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts; "
        "strip them with `.venv/bin/nbstripout` (or install the hook: `make hooks`)"
    )


@pytest.mark.parametrize("path", PAIRED, ids=[str(p.relative_to(REPO)) for p in PAIRED])
def test_notebook_is_in_sync_with_its_py_pair(path: Path) -> None:
    pair = path.with_suffix(".py")
    assert pair.is_file(), f"{path.name} has no paired {pair.name} (run `jupytext --sync`)"
    from_ipynb = _cells(jupytext.read(path))
    from_py = _cells(jupytext.read(pair))
    assert from_ipynb == from_py, (
        f"{path.name} and {pair.name} differ: edit one in JupyterLab (it saves both) or run "
        f"`.venv/bin/jupytext --sync {path.relative_to(REPO)}`"
    )


def test_every_py_notebook_has_an_ipynb() -> None:
    orphans = [
        p.name
        for p in NOTEBOOK_DIR.glob("*.py")
        if p.read_text(encoding="utf-8").lstrip().startswith("# ---")
        and not p.with_suffix(".ipynb").is_file()
    ]
    assert not orphans, f"percent notebooks without their .ipynb: {orphans}"


def test_sync_check_detects_a_difference(tmp_path: Path) -> None:
    """The comparison used above is not vacuous: an edited pair is reported."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Appendix"),
        nbformat.v4.new_code_cell('town_id = "takhli"', metadata={"tags": ["parameters"]}),
    ]
    ipynb = tmp_path / "a.ipynb"
    nbformat.write(nb, ipynb)
    jupytext.write(nb, tmp_path / "a.py", fmt="py:percent")
    assert _cells(jupytext.read(ipynb)) == _cells(jupytext.read(tmp_path / "a.py"))
    nb.cells[1].source = 'town_id = "nan"'
    nbformat.write(nb, ipynb)
    assert _cells(jupytext.read(ipynb)) != _cells(jupytext.read(tmp_path / "a.py"))
    nb.cells[1].metadata["tags"] = []
    jupytext.write(nb, tmp_path / "a.py", fmt="py:percent")
    assert _cells(jupytext.read(ipynb)) != _cells(jupytext.read(tmp_path / "a.py"))
