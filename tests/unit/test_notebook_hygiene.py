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
from jupytext.cli import jupytext as jupytext_cli
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

from analysis.report.narrative import language_pair_problems
from analysis.report.render import chapter_fragment

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


# ------------------------------------------------------------ narrative in the notebook


@pytest.mark.parametrize("path", PAIRED, ids=[str(p.relative_to(REPO)) for p in PAIRED])
def test_language_tagged_narrative_comes_in_pairs(path: Path) -> None:
    """A markdown cell tagged `th` or `en` needs its other-language partner next to it."""
    problems = language_pair_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_a_missing_translation_is_reported() -> None:
    nb = nbformat.v4.new_notebook()
    tagged = nbformat.v4.new_markdown_cell
    nb.cells = [
        tagged("ย่อหน้าภาษาไทย", metadata={"tags": ["th"]}),
        tagged("The English paragraph", metadata={"tags": ["en"]}),
        nbformat.v4.new_code_cell("report.x()"),
        tagged("Only in English", metadata={"tags": ["en"]}),
        tagged("both", metadata={"tags": ["th", "en"]}),
    ]
    assert language_pair_problems(nb) == [
        "cell 5: tagged with both languages; tag it with one or none",
        "cell 4 ('Only in English'): tagged 'en' but has no 'th' partner next to it",
    ]
    del nb.cells[3:]
    assert language_pair_problems(nb) == []


def test_pages_show_only_their_language_of_the_narrative() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("ข้อความนำ", metadata={"tags": ["th"]}),
        nbformat.v4.new_markdown_cell("Lead paragraph", metadata={"tags": ["en"]}),
        nbformat.v4.new_markdown_cell("Shown on both (untagged)"),
        nbformat.v4.new_markdown_cell("note to researchers", metadata={"tags": ["remove_cell"]}),
    ]
    nb.metadata["papermill"] = {"parameters": {"lang": "en"}}
    en = chapter_fragment(nb)
    th = chapter_fragment(nb, "th")
    assert "Lead paragraph" in en and "ข้อความนำ" not in en
    assert "ข้อความนำ" in th and "Lead paragraph" not in th
    assert all("Shown on both" in page for page in (en, th))
    assert all("note to researchers" not in page for page in (en, th))


@pytest.mark.parametrize("path", PAIRED, ids=[str(p.relative_to(REPO)) for p in PAIRED])
def test_saving_a_notebook_does_not_rewrite_its_pair(path: Path, tmp_path: Path) -> None:
    """`jupytext --sync` (what JupyterLab does on save) leaves both files byte-identical."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    for suffix in (".ipynb", ".py"):
        shutil.copy(
            path.with_suffix(suffix), tmp_path / "notebooks" / path.with_suffix(suffix).name
        )
    copy = tmp_path / "notebooks" / path.name
    for source in (copy, copy.with_suffix(".py")):
        source.touch()  # the newest file of the pair is the one JupyterLab just saved
        jupytext_cli(["--sync", "--quiet", str(source)])  # in-process: fast
        for suffix in (".ipynb", ".py"):
            saved = (tmp_path / "notebooks" / path.with_suffix(suffix).name).read_bytes()
            assert saved == path.with_suffix(suffix).read_bytes(), f"sync rewrote {suffix}"


@pytest.mark.parametrize("path", PAIRED, ids=[str(p.relative_to(REPO)) for p in PAIRED])
def test_the_py_header_names_no_jupytext_version(path: Path) -> None:
    """A save with another jupytext version would rewrite a version line: there is none."""
    header = path.with_suffix(".py").read_text(encoding="utf-8").split("# ---", 2)[1]
    assert "jupytext_version:" not in header  # the filter itself names the key: "-...version"
    assert "'jupytext_version'" not in str(nbformat.read(path, as_version=4).metadata)


@pytest.mark.parametrize("path", PAIRED, ids=[str(p.relative_to(REPO)) for p in PAIRED])
def test_notebooks_name_the_project_kernel(path: Path) -> None:
    """One kernel name everywhere: notebooks, `make setup`, doctor and the build say `ecoplan`."""
    from analysis.batch.executor import BuildOptions  # noqa: PLC0415
    from analysis.commands.doctor import KERNEL_NAME  # noqa: PLC0415

    kernel = nbformat.read(path, as_version=4).metadata["kernelspec"]["name"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert kernel == KERNEL_NAME == BuildOptions().kernel_name == "ecoplan"
    assert f"ipykernel install --sys-prefix --name {kernel} " in makefile


def test_every_run_parameter_is_read_by_the_code() -> None:
    """A notebook parameter that is validated but never read is dead (issue 17: base_year)."""
    import re  # noqa: PLC0415

    from analysis.report.params import RunParams  # noqa: PLC0415

    params_py = REPO / "src" / "analysis" / "report" / "params.py"
    sources = [
        p.read_text(encoding="utf-8")
        for p in [*(REPO / "src" / "analysis").rglob("*.py"), *NOTEBOOK_DIR.glob("*.py")]
        if p != params_py
    ]
    unread = [
        name
        for name in RunParams.model_fields
        if not any(re.search(rf"\.{name}\b", text) for text in sources)
    ]
    assert unread == []
