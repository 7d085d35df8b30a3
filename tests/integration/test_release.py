"""`ecoplan release`: a frozen edition survives rebuilds unchanged and verifies against its manifest."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS, make_project

from analysis.batch.engine import shutdown_warm_kernels
from analysis.batch.executor import BuildOptions, build
from analysis.cli import main
from analysis.site.editions import MANIFEST_NAME, edition_dir, verify_edition
from analysis.site.index import build_site

pytestmark = pytest.mark.slow


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(paths, *, force: bool = False) -> None:
    options = BuildOptions(
        specs=TOWN_SPECS,
        cross_spec=CROSS_SPEC,
        jobs=0,
        progress=False,
        code_hash="pinned",
        force=force,
        **BASIC,
    )
    assert build(options, paths).totals.failed == 0


@pytest.fixture(scope="module", autouse=True)
def _stop_inline_kernels():
    yield
    shutdown_warm_kernels()


def test_release_survives_rebuilds_verifies_and_is_never_overwritten(
    tmp_path, monkeypatch, capsys
) -> None:
    paths = make_project(tmp_path, ["alpha", "beta"], monkeypatch)
    # the code hash is pinned as for the builds (other edits to the package are not the test)
    monkeypatch.setattr("analysis.report.versions.library_hash", lambda *_a, **_k: "pinned")
    monkeypatch.setattr("analysis.results.store._code_digest", lambda: "pinned")
    _build(paths)
    build_site(paths)
    assert main(["release", "--town", "alpha", "--edition", "2569"]) == 0
    folder = edition_dir(paths.reports, "alpha", "2569")
    assert capsys.readouterr().out.strip() == str(folder)
    before = _hashes(folder)
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(before) - {MANIFEST_NAME}
    assert {"inputs_hash", "code_version", "method_version", "inputs"} <= set(manifest)
    assert "towns/alpha/th/index.html" in before and "downloads/alpha.csv" in before
    assert "results/plan.parquet" in before and not any("beta" in f for f in before)
    # frozen: read-only files and folders
    for path in [folder, *folder.rglob("*")]:
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path

    # later builds and site runs never touch it
    _build(paths, force=True)
    build_site(paths)
    assert _hashes(folder) == before

    # the manifest verifies; on the same inputs and code every file the current build
    # made differently is listed (the test renderer's pages carry Papermill's random cell
    # ids; the CSV downloads reproduce byte for byte)
    check = verify_edition(paths, folder)
    assert not check.problems and not check.inputs_changed, (check.problems, check.inputs_changed)
    live = _hashes(paths.site)
    frozen = {f: h for f, h in before.items() if f in live and not f.startswith("index")}
    assert check.compared == len(frozen) > 0
    assert check.differs_from_site == sorted(f for f, h in frozen.items() if live[f] != h)
    assert "downloads/alpha.csv" not in check.differs_from_site
    assert main(["release", "--verify"]) == (1 if check.differs_from_site else 0)
    captured = capsys.readouterr()
    assert "releases/alpha/2569" in captured.out
    for rel in check.differs_from_site:
        assert f"{rel}: differs from the current build" in captured.err

    # other code: the files are still checked, but not compared with the current build
    monkeypatch.setattr("analysis.report.versions.library_hash", lambda *_a, **_k: "changed")
    later = verify_edition(paths, folder)
    assert later.inputs_changed == ["code_hash: edition pinned, now changed"]
    assert not later.problems and later.compared == 0

    # an existing edition is never overwritten
    assert main(["release", "--town", "alpha", "--edition", "2569"]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert _hashes(folder) == before

    # the site index lists the edition
    build_site(paths)
    index = (paths.site / "index.html").read_text(encoding="utf-8")
    # the index links the copy inside the site (site/releases/), never outside the site folder
    assert 'href="releases/alpha/2569/index.html"' in index
    assert (paths.site / "releases" / "alpha" / "2569" / "index.html").is_file()


def test_verification_lists_a_changed_an_added_and_a_missing_file(tmp_path, monkeypatch) -> None:
    paths = make_project(tmp_path, ["alpha"], monkeypatch)
    _build(paths)
    build_site(paths)
    assert main(["release", "--town", "alpha", "--edition", "2569-r1"]) == 0
    folder = edition_dir(paths.reports, "alpha", "2569-r1")
    page = folder / "towns" / "alpha" / "en" / "index.html"
    gone = folder / "downloads" / "alpha.csv"
    for path in (page.parent, gone.parent):
        path.chmod(0o755)
    page.chmod(0o644)
    page.write_text("tampered", encoding="utf-8")
    gone.chmod(0o644)
    gone.unlink()
    (folder / "downloads" / "extra.txt").write_text("x", encoding="utf-8")
    check = verify_edition(paths, folder)
    text = "\n".join(check.problems)
    assert "towns/alpha/en/index.html: sha256 differs" in text
    assert "downloads/alpha.csv: listed in the manifest but missing" in text
    assert "downloads/extra.txt: not in the manifest" in text
    assert "index.html: writable" in text
    assert not check.ok
    assert main(["release", "--verify", "--town", "alpha", "--edition", "2569-r1"]) == 1


def test_bad_edition_names_and_unbuilt_towns_are_refused(tmp_path, monkeypatch, capsys) -> None:
    make_project(tmp_path, ["alpha"], monkeypatch)
    assert main(["release", "--town", "alpha", "--edition", "../x"]) == 2
    assert "Buddhist Era year" in capsys.readouterr().err
    assert main(["release", "--town", "alpha", "--edition", "2569"]) == 2
    assert "no published pages" in capsys.readouterr().err
