"""Hardening: a town id never becomes a path outside ``reports/``.

``town_id`` is a strict ASCII slug. Path traversal, absolute paths, the empty string,
whitespace and Unicode look-alikes are refused by the command line with a one-line error
(exit status 2, no traceback) before anything is written outside ``reports/``; a bad id
in ``towns.csv`` is reported with file, row and column.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hardening_project import Project, changed_outside, make_project, snapshot

from analysis.errors import ParameterError
from analysis.towns import validate_town_id

slow = pytest.mark.slow  # tests that run `ecoplan` in a subprocess

CYRILLIC_NAN = "n\u0430n"  # 'а' is CYRILLIC SMALL LETTER A
FULLWIDTH_NAN = "\uff4e\uff41\uff4e"  # ｎａｎ

BAD_IDS = {
    "parent": "../x",
    "nested-parent": "x/../../y",
    "absolute": "/tmp/ecoplan-hardening-x",
    "empty": "",
    "dot-dot": "..",
    "cyrillic": CYRILLIC_NAN,
    "fullwidth": FULLWIDTH_NAN,
    "uppercase": "Nan",
    "trailing-newline": "nan\n",
    "space": "nan x",
    "leading-dash": "-nan",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A project with an ingested store (spatial layers skipped: not needed here)."""
    proj = make_project(tmp_path_factory.mktemp("paths"))
    proc = proj.ecoplan("ingest", "--skip-spatial")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proj


def _run_checked(project: Project, *args: str) -> str:
    """Run a command that must fail cleanly; return its stderr."""
    absolute = BAD_IDS["absolute"]
    before = snapshot(project.root)
    proc = project.ecoplan(*args, timeout=300)
    after = snapshot(project.root)
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-1500:])
    assert "Traceback" not in proc.stderr, proc.stderr[-1500:]
    assert changed_outside(before, after) == []
    # Inside reports/ at most the build lock may appear; no page, notebook or template.
    assert {k for k in set(after) - set(before)} <= {"reports/.build.lock"}
    assert not os.path.lexists(absolute)
    assert not (project.root.parent / "x").exists() and not (project.root / "x").exists()
    return proc.stderr


@slow
@pytest.mark.parametrize("bad", list(BAD_IDS.values()), ids=list(BAD_IDS))
def test_template_refuses_bad_town_id_before_writing(project, bad):
    err = _run_checked(project, "template", f"--town={bad}")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ecoplan template: error: invalid town_id ")
    assert repr(bad) in lines[0]  # shown with repr: invisible characters become visible


# Each build start costs seconds of imports: a representative subset.
BUILD_BAD = ("parent", "absolute", "empty", "fullwidth", "trailing-newline")


@slow
@pytest.mark.parametrize("bad", [BAD_IDS[k] for k in BUILD_BAD], ids=list(BUILD_BAD))
def test_build_refuses_bad_town_id_before_writing(project, bad):
    err = _run_checked(project, "build", f"--town={bad}", "--lang", "th", "--appendix", "a")
    assert err.startswith("ecoplan build: error: ")
    assert "town" in err


@slow
@pytest.mark.parametrize("bad", ["", "nan\n", CYRILLIC_NAN], ids=["empty", "newline", "cyrillic"])
def test_build_names_bad_town_id_unambiguously(project, bad):
    err = _run_checked(project, "build", f"--town={bad}", "--lang", "th", "--appendix", "a")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and repr(bad) in lines[0], err


def test_lookalike_message_names_the_character():
    with pytest.raises(ParameterError, match=r"U\+0430 CYRILLIC SMALL LETTER A"):
        validate_town_id(CYRILLIC_NAN)
    with pytest.raises(ParameterError, match=r"look-alike.*U\+FF4E FULLWIDTH LATIN SMALL LETTER N"):
        validate_town_id(FULLWIDTH_NAN)
    with pytest.raises(ParameterError, match=r"non-ASCII characters: '\\u200b' U\+200B"):
        validate_town_id("na\u200bn")
    with pytest.raises(ParameterError) as info:
        validate_town_id("../x")
    assert "U+" not in str(info.value)


@slow
@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("town_id", "../x", r"towns\.csv, row 3, column town_id: invalid town_id '\.\./x'"),
        ("town_id", CYRILLIC_NAN, r"towns\.csv, row 3, column town_id: .*U\+0430"),
        ("town_id", "", r"towns\.csv, row 3, column town_id: invalid town_id ''"),
        ("population", "lots", r"towns\.csv, row 3, column population: expected a whole number"),
        ("lat", "north", r"towns\.csv, row 3, column lat: expected a number"),
    ],
    ids=["traversal", "cyrillic", "empty", "population", "lat"],
)
def test_ingest_reports_bad_registry_cell_with_file_row_column(tmp_path, column, value, expected):
    import re  # noqa: PLC0415

    proj = make_project(tmp_path / "p", notebooks=False)
    towns = pd.read_csv(proj.raw / "towns.csv", dtype=str, keep_default_na=False)
    towns.loc[1, column] = value  # row 3 as Excel shows it (header = row 1)
    towns.to_csv(proj.raw / "towns.csv", index=False)
    before = snapshot(proj.root)
    proc = proj.ecoplan("ingest", "--skip-spatial", timeout=300)
    assert proc.returncode == 2, proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr, proc.stderr[-1500:]
    # the edited towns.csv no longer matches the MANIFEST: a warning in the lenient mode of
    # the test project, then the one-line error this test is about
    lines = [
        line
        for line in proc.stderr.strip().splitlines()
        if not line.startswith("ecoplan ingest: warning: ")
    ]
    assert len(lines) == 1 and lines[0].startswith("ecoplan ingest: error: "), proc.stderr
    assert re.search(expected, lines[0]), lines[0]
    # nothing written but the one lock every command shares (reports/.build.lock)
    changed = changed_outside(before, snapshot(proj.root), allowed_prefix="\0")
    assert set(changed) <= {"reports/.build.lock"}, changed
