"""Packaging: pyproject, the lock, environment.yml, the Makefile and git agree.

``make`` installs ``requirements/lock.txt`` then the project with ``--no-deps``; conda users
install environment.yml, which points pip at the same lock. These tests keep the three
consistent, and check that nothing the build needs is hidden from git by .gitignore.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for raw in (REPO / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1, f"lock line {raw!r} is not one exact pin"
        assert specs[0].operator == "==", f"lock line {raw!r} is not pinned with =="
        name = canonicalize_name(req.name)
        assert name not in pins, f"{name} is pinned twice in the lock"
        pins[name] = Version(specs[0].version)
    return pins


LOCK = _lock()
DECLARED = [
    Requirement(r)
    for r in [
        *PYPROJECT["project"]["dependencies"],
        *PYPROJECT["project"]["optional-dependencies"]["dev"],
    ]
]


def test_lock_does_not_pin_the_project_itself() -> None:
    assert "ecoplan" not in LOCK


@pytest.mark.parametrize("req", DECLARED, ids=[r.name for r in DECLARED])
def test_every_declared_dependency_is_locked_within_its_range(req: Requirement) -> None:
    name = canonicalize_name(req.name)
    assert name in LOCK, f"{req.name} is in pyproject.toml but not in requirements/lock.txt"
    assert req.specifier.contains(LOCK[name], prereleases=True), (
        f"lock pins {req.name}=={LOCK[name]}, outside pyproject's {req.specifier}"
    )
    for extra in req.extras:  # e.g. dask[distributed] -> distributed must be locked too
        for dep in metadata.requires(req.name) or []:
            sub = Requirement(dep)
            if (
                sub.marker
                and sub.marker.evaluate({"extra": extra})
                and not sub.marker.evaluate({"extra": ""})
            ):
                assert canonicalize_name(sub.name) in LOCK, f"{sub.name} ({req}) is not locked"


def test_lock_is_closed_under_requirements() -> None:
    """Every locked package's own requirements are locked too (pip's --no-deps would work)."""
    missing = []
    for name in LOCK:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            missing.append(f"{name} is locked but not installed in this environment")
            continue
        for dep in requires:
            sub = Requirement(dep)
            if sub.marker is not None and not sub.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(sub.name) not in LOCK:
                missing.append(f"{name} needs {sub.name}")
    assert not missing, "the lock is incomplete:\n  " + "\n  ".join(missing)


def test_installed_versions_match_the_lock() -> None:
    wrong = {
        name: (str(pin), metadata.version(name))
        for name, pin in LOCK.items()
        if Version(metadata.version(name)) != pin
    }
    assert not wrong, f"installed != lock (run `make setup`): {wrong}"


def test_environment_yml_installs_the_lock_and_the_project() -> None:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    version = Version(python.split("=", 1)[1].lstrip("="))
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert version >= Version("3.11")
    assert "pip" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "-r requirements/lock.txt" in pip
    assert "-e .[dev]" in pip
    # Nothing else: a conda package here would differ from what `make` installs.
    assert all(isinstance(d, dict) or d in {"pip", python} for d in deps)


def test_requires_python_matches_classifiers_and_tools() -> None:
    floor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {floor}" in PYPROJECT["project"]["classifiers"]
    assert "target-version" not in PYPROJECT["tool"]["ruff"], "ruff reads requires-python"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == floor
    assert Marker(f'python_version >= "{floor}"').evaluate()


def test_makefile_keeps_the_two_commands_and_uses_the_lock() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("reports", "test", "setup", "lab", "manifest", "lock"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), f"make {target} is missing"
    assert "pip install --quiet --no-deps -r requirements/lock.txt" in makefile
    assert "--no-deps -e ." in makefile
    assert "ipykernel install --sys-prefix --name ecoplan" in makefile
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make reports" in readme
    assert "make test" in readme


def _markdown_pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "data/raw/SOURCES.md"]


@pytest.mark.parametrize("page", _markdown_pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page: Path) -> None:
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    broken = [
        target
        for target in link.findall(page.read_text(encoding="utf-8"))
        if "://" not in target
        and not target.startswith("mailto:")
        and not (page.parent / target).exists()
    ]
    assert not broken, f"{page.name}: broken relative links {broken}"


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)
def test_nothing_the_build_needs_is_gitignored() -> None:
    needed = [
        "pyproject.toml",
        "Makefile",
        "requirements/lock.txt",
        "environment.yml",
        "noxfile.py",
        ".pre-commit-config.yaml",
        "tools/venv-tool",
        ".ci/run",
        "README.md",
        "data/raw/MANIFEST",
        "data/raw/SOURCES.md",
        *(
            p.relative_to(REPO).as_posix()
            for p in (REPO / "data" / "raw").rglob("*")
            if p.is_file()
        ),
        *(
            p.relative_to(REPO).as_posix()
            for p in (REPO / "src").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ),
        *(p.relative_to(REPO).as_posix() for p in (REPO / "notebooks").glob("*.ipynb")),
        *(p.relative_to(REPO).as_posix() for p in (REPO / "notebooks").glob("*.py")),
    ]
    proc = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(needed),
        capture_output=True,
        text=True,
        check=False,
    )
    ignored = proc.stdout.split()
    assert not ignored, f"gitignored but needed by `make`: {ignored}"


def test_nox_and_make_share_the_coverage_floor() -> None:
    make = re.search(r"^COV_FAIL_UNDER \?= (\d+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    nox = re.search(r'^COVERAGE_FLOOR = "(\d+)"', (REPO / "noxfile.py").read_text(), re.MULTILINE)
    assert make is not None
    assert nox is not None
    assert make.group(1) == nox.group(1)


def test_the_slow_optional_iri_checker_is_left_out_of_the_lock(
    fresh_python: Callable[[str], str],
) -> None:
    """rfc3987-syntax (2.4 s per nbformat import) is neither locked nor pulled back in."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    excluded = re.search(r"^LOCK_EXCLUDE := (.+)$", makefile, re.MULTILINE)
    assert excluded is not None
    names = {canonicalize_name(n) for n in excluded.group(1).split()}
    assert names == {"rfc3987-syntax", "lark"}
    assert not names & set(LOCK), "make lock must leave LOCK_EXCLUDE out"
    assert "pip install --quiet --no-deps -r requirements/lock.txt" in makefile
    probe = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    assert fresh_python(probe) == "False", (
        "importing nbformat loads rfc3987_syntax: run `make setup`, which removes it"
    )
