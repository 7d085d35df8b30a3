"""The import graph keeps its layers (issue 17 item 5), checked on the source text (ast).

* ``site`` and ``report`` never import the batch runner (:mod:`analysis.batch`): page and
  download paths come from :mod:`analysis.paths`, atomic publishing from
  :mod:`analysis.store.publish`, the package's code hash from :mod:`analysis.report.versions`.
* No module outside ``batch/`` imports ``analysis.batch.outputs``.
* ``spatial`` never reads the raw town registry or the raw boundary files: it reads them
  from the store that ingest wrote (see also ``test_spatial_reads_the_store.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "analysis"

#: Modules of ``analysis.batch`` that ``site`` may still import, with the reason (none).
SITE_MAY_IMPORT: dict[str, str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Return every module ``path`` imports (relative imports resolved), at any depth.

    Parameters
    ----------
    path : pathlib.Path
        A source file of the package.
    package : str, optional
        The package the file belongs to (default: from its place under ``src/``).

    Returns
    -------
    set of str
        Dotted module names (for ``from m import n``: both ``m`` and ``m.n``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if package is None:
        package = _module_name(path)
        if path.name != "__init__.py":
            package = package.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def _sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (SRC / pkg).rglob("*.py"))


def test_the_scan_sees_relative_and_lazy_imports(tmp_path: Path) -> None:
    pkg = SRC / "site" / "index.py"  # imports inside functions count too
    assert "analysis.store.publish.OutputWriter" in imported_modules(pkg)
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from ..batch import outputs\n    import analysis.batch.engine\n",
        encoding="utf-8",
    )
    found = imported_modules(probe, package="analysis.site")
    assert {"analysis.batch", "analysis.batch.outputs", "analysis.batch.engine"} <= found


@pytest.mark.parametrize("package", ["site", "report"])
def test_site_and_report_never_import_the_batch_runner(package: str) -> None:
    bad = {
        f"{path.relative_to(SRC)}: {name}"
        for path in _sources(package)
        for name in imported_modules(path)
        if (name == "analysis.batch" or name.startswith("analysis.batch."))
        and not any(name == m or name.startswith(m + ".") for m in SITE_MAY_IMPORT)
    }
    assert not bad, f"{package} imports the batch runner: {sorted(bad)}"


def test_only_the_batch_runner_imports_its_outputs_module() -> None:
    outside = [p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] != "batch"]
    bad = sorted(
        str(p.relative_to(SRC))
        for p in outside
        if any(n.startswith("analysis.batch.outputs") for n in imported_modules(p))
    )
    assert not bad, f"import page paths from analysis.paths instead: {bad}"


def test_spatial_never_names_the_raw_registry_or_raw_boundaries() -> None:
    raw_readers = {
        "analysis.towns.load_towns",
        "analysis.store.boundaries.load_raw_boundaries",
    }
    bad = sorted(
        f"{p.relative_to(SRC)}: {n}"
        for p in _sources("spatial")
        for n in imported_modules(p) & raw_readers
    )
    assert not bad, bad
    attrs = {"towns_csv", "raw_geo"}
    named = sorted(
        f"{p.relative_to(SRC)}:{node.lineno}: .{node.attr}"
        for p in _sources("spatial")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in attrs
    )
    assert not named, named
