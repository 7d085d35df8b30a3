"""``ecoplan doctor``: each check passes on a good setup and says how to fix a bad one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jupyter_client import kernelspec

from analysis.cli import main
from analysis.commands import doctor
from analysis.manifest import record_generated, write_manifest
from analysis.paths import ProjectPaths, get_paths

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A minimal project tree: towns.csv, one indicator file, one boundary file."""
    raw = tmp_path / "data" / "raw"
    (raw / "indicators").mkdir(parents=True)
    (raw / "geo").mkdir()
    shutil.copy(get_paths().towns_csv, raw / "towns.csv")
    (raw / "indicators" / "x_long_en.csv").write_text("town_id\n", encoding="utf-8")
    (raw / "geo" / "a.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    (tmp_path / "requirements").mkdir()
    shutil.copy(REPO / "requirements" / "lock.txt", tmp_path / "requirements" / "lock.txt")
    return ProjectPaths(
        root=tmp_path,
        raw=raw,
        processed=tmp_path / "data" / "processed",
        reports=tmp_path / "reports",
    )


def test_fonts_check_finds_sarabun() -> None:
    check = doctor.check_fonts()
    assert check.ok, check.detail
    assert "Sarabun" in check.detail


def test_raw_check_passes_then_names_the_missing_file(project: ProjectPaths) -> None:
    assert doctor.check_raw(project).ok
    project.towns_csv.unlink()
    check = doctor.check_raw(project)
    assert not check.ok
    assert check.required
    assert "towns.csv" in check.detail
    assert check.fix


def test_raw_check_wants_indicator_and_boundary_files(project: ProjectPaths) -> None:
    for f in [*project.raw_indicators.iterdir(), *project.raw_geo.iterdir()]:
        f.unlink()
    check = doctor.check_raw(project)
    assert not check.ok
    assert "indicators" in check.detail
    assert "geo" in check.detail


def test_processed_check_tells_to_ingest(project: ProjectPaths) -> None:
    check = doctor.check_processed(project)
    assert not check.ok
    assert not check.required
    assert check.status == "warn"
    assert "ecoplan ingest" in check.fix
    project.processed.mkdir(parents=True)
    for table in doctor.PROCESSED_TABLES:
        (project.processed / table).write_bytes(b"")
    assert doctor.check_processed(project).ok


def test_writable_check_creates_folders(project: ProjectPaths) -> None:
    check = doctor.check_writable(project)
    assert check.ok, check.detail
    assert project.processed.is_dir()
    assert project.reports.is_dir()
    assert not list(project.processed.iterdir()), "the probe file must be removed"


def test_writable_check_fails_on_a_file_in_the_way(project: ProjectPaths) -> None:
    project.reports.write_text("not a folder")
    check = doctor.check_writable(project)
    assert not check.ok
    assert check.status == "FAIL"
    assert "ECOPLAN_REPORTS_DIR" in check.fix


def test_lock_check_reports_version_mismatch(project: ProjectPaths) -> None:
    lock = project.root / "requirements" / "lock.txt"
    assert doctor.check_lock(project).ok
    lock.write_text(lock.read_text() + "pytest==0.0.1\n")
    check = doctor.check_lock(project)
    assert not check.ok
    assert "pytest" in check.detail
    assert "0.0.1" in check.detail


def test_chromium_check_without_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "CHROMIUM_CANDIDATES", ())
    monkeypatch.delenv("ECOPLAN_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", "")
    check = doctor.check_chromium()
    assert not check.ok
    assert not check.required
    assert "apt-get install" in check.fix


def test_kernel_check_accepts_project_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        kernelspec.KernelSpecManager,
        "find_kernel_specs",
        lambda _self: {"ecoplan": "/k/ecoplan", "python3": "/k/python3"},
    )
    assert doctor.check_kernel().ok
    monkeypatch.setattr(
        kernelspec.KernelSpecManager, "find_kernel_specs", lambda _self: {"python3": "/k/python3"}
    )
    only_python3 = doctor.check_kernel()
    assert (only_python3.ok, only_python3.status) == (False, "warn")
    assert "ipykernel install" in only_python3.fix
    monkeypatch.setattr(kernelspec.KernelSpecManager, "find_kernel_specs", lambda _self: {})
    assert doctor.check_kernel().status == "FAIL"


def _point_env_at(monkeypatch: pytest.MonkeyPatch, project: ProjectPaths) -> None:
    monkeypatch.setenv("ECOPLAN_ROOT", str(project.root))
    monkeypatch.setenv("ECOPLAN_RAW_DIR", str(project.raw))
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(project.processed))
    monkeypatch.setenv("ECOPLAN_REPORTS_DIR", str(project.reports))


def test_exit_status_follows_required_checks(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _point_env_at(monkeypatch, project)
    monkeypatch.setattr(doctor, "check_kernel", lambda: doctor.Check("kernel", True, True, "fake"))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "environment ready" in out
    assert "[warn] processed store" in out

    project.towns_csv.unlink()
    assert main(["doctor", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    failed = [c["name"] for c in report["checks"] if c["status"] == "FAIL"]
    assert "raw manifest" in [c["name"] for c in report["checks"]]
    assert failed == ["raw data"]


def test_manifest_check_reports_a_changed_raw_file(project: ProjectPaths) -> None:
    write_manifest(project.raw)
    assert "no source recorded" in doctor.check_manifest(project).detail  # a new file: UNKNOWN
    record_generated(project.raw, [project.raw_indicators / "x_long_en.csv"])
    assert doctor.check_manifest(project).ok
    project.towns_csv.write_text("changed\n", encoding="utf-8")
    check = doctor.check_manifest(project)
    assert (check.ok, check.status) == (False, "warn")
    assert "towns.csv: sha256 differs" in check.detail
    assert "make manifest" in check.fix


def test_chromium_check_honours_ecoplan_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(doctor, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setenv("ECOPLAN_CHROMIUM", str(fake))
    monkeypatch.setenv("PATH", "")
    check = doctor.check_chromium()
    assert check.ok
    assert str(fake) in check.detail


def test_check_data_fails_on_unknown_sources_and_towns_without_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make check-data` (= `ecoplan doctor --data`) checks the user's data, not the code."""
    root = tmp_path / "proj"
    raw = root / "data" / "raw"
    shutil.copytree(get_paths().raw, raw)  # the demo fixture: passes
    (root / "docs").mkdir()
    shutil.copy(REPO / "docs" / "sources.md", root / "docs" / "sources.md")
    project = ProjectPaths(
        root=root, raw=raw, processed=root / "processed", reports=root / "reports"
    )
    _point_env_at(monkeypatch, project)
    assert main(["doctor", "--data"]) == 0
    assert "data ready" in capsys.readouterr().out
    # A researcher adds a town without boundaries and a real file, then `make manifest`.
    towns = (raw / "towns.csv").read_text(encoding="utf-8").splitlines()
    new = "no-boundary-town" + towns[1][towns[1].index(",") :]
    new = new.replace("TH6001,", "TH9901,").replace("TH600101,", "TH990101,")
    (raw / "towns.csv").write_text("\n".join([*towns, new]) + "\n", encoding="utf-8")
    (raw / "indicators" / "no-boundary-town_long_en.csv").write_text("town\n", encoding="utf-8")
    write_manifest(raw)
    assert main(["doctor", "--data"]) == 1
    out = capsys.readouterr().out
    assert "indicators/no-boundary-town_long_en.csv: no source recorded" in out
    assert "no-boundary-town: no district polygon TH9901" in out
    assert "no-boundary-town: no row in docs/sources.md" in out


def test_plain_doctor_warns_about_a_town_without_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ecoplan doctor` names the town the build would fail on; `--data` fails on it."""
    root = tmp_path / "proj"
    raw = root / "data" / "raw"
    shutil.copytree(get_paths().raw, raw)
    project = ProjectPaths(root=root, raw=raw, processed=root / "processed", reports=root / "r")
    towns = {c.name: c for c in doctor.run_checks(project)}["towns"]
    assert towns.status == "ok"
    lines = (raw / "towns.csv").read_text(encoding="utf-8").splitlines()
    new = "no-boundary-town" + lines[1][lines[1].index(",") :]
    new = new.replace("TH6001,", "TH9901,").replace("TH600101,", "TH990101,")
    (raw / "towns.csv").write_text("\n".join([*lines, new]) + "\n", encoding="utf-8")
    towns = {c.name: c for c in doctor.run_checks(project)}["towns"]
    assert towns.status == "warn"
    assert "no-boundary-town: no district polygon TH9901" in towns.detail
    assert "make check-data" in towns.fix
    strict = {c.name: c for c in doctor.run_data_checks(project)}["towns"]
    assert strict.status == "FAIL"
