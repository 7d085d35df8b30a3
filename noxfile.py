#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""nox sessions mirroring the Makefile targets (``make lint`` == ``nox -s lint``, ...).

Each session installs ``requirements/lock.txt`` and the project (editable) into its own
virtualenv under ``.nox/``, so a nox run checks that the lock is complete on its own.
``make`` is the documented path; nox is for people who prefer it.

    nox -s lint            ruff check + ruff format --check + codespell + validate-pyproject
    nox -s typecheck       mypy on src/analysis
    nox -s tests           pytest with coverage (pass -- -m "not slow" for the fast subset)
    nox -s reports         ingest, build every demo town, write the site
    nox -s lab             JupyterLab with the project kernel
    nox -s docs            check that every relative link in README.md and docs/ resolves
"""

from __future__ import annotations

import re
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
LOCK = "requirements/lock.txt"
COVERAGE_FLOOR = "80"  # same as COV_FAIL_UNDER in the Makefile


def _install(session: nox.Session) -> None:
    session.install("--no-deps", "-r", LOCK)  # the lock is complete (see Makefile)
    session.install("--no-deps", "-e", ".")


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Lint and check formatting (same as ``make lint``)."""
    _install(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("codespell")
    session.run("validate-pyproject", "pyproject.toml")


@nox.session(default=True)
def typecheck(session: nox.Session) -> None:
    """Run mypy on the package (same as ``make typecheck``)."""
    _install(session)
    session.run("mypy")


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the test suite with coverage (same as ``make test`` after lint)."""
    _install(session)
    session.run(
        "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "ecoplan",
        "--display-name",
        "ecoplan (Python 3)",
    )
    session.run(
        "python",
        "-m",
        "pytest",
        "--cov",
        "--cov-report=term",
        f"--cov-fail-under={COVERAGE_FLOOR}",
        *session.posargs,
    )


@nox.session(default=False)
def reports(session: nox.Session) -> None:
    """Ingest, build every demo town's appendices and write the site (``make reports``)."""
    _install(session)
    session.run(
        "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "ecoplan",
        "--display-name",
        "ecoplan (Python 3)",
    )
    session.run("ecoplan", "ingest")
    session.run("ecoplan", "build", "--all")
    session.run("ecoplan", "site")
    session.log("Open reports/site/index.html in a browser.")


@nox.session(default=False)
def lab(session: nox.Session) -> None:
    """Start JupyterLab on the notebooks with the project kernel (``make lab``)."""
    _install(session)
    session.run(
        "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "ecoplan",
        "--display-name",
        "ecoplan (Python 3)",
    )
    session.run("jupyter", "lab", "--notebook-dir=.", *session.posargs)


@nox.session(venv_backend="none", default=False)
def docs(session: nox.Session) -> None:
    """Check that relative links in README.md and docs/*.md point at existing files."""
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in link.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    if broken:
        session.error("broken links:\n  " + "\n  ".join(broken))
    session.log("all relative links resolve")


if __name__ == "__main__":
    nox.main()
