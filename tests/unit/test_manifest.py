"""data/raw/MANIFEST pins every raw file; the checks catch edits, losses and new files."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from analysis import manifest
from analysis.commands.scripts import manifest_main
from analysis.errors import ConfigError
from analysis.manifest import ManifestError, verify_manifest, write_manifest
from analysis.paths import get_paths

REPO_RAW = get_paths().raw  # the fixture project (tests/conftest.py)


def test_repository_raw_files_match_the_manifest() -> None:
    """Fails when a raw file is edited, added or removed without `make manifest`."""
    assert verify_manifest(REPO_RAW, strict=False) == []


def test_every_committed_source_is_named() -> None:
    entries = manifest.read_manifest(REPO_RAW)
    assert entries
    assert all(e.source and not e.source.startswith("UNKNOWN") for e in entries)
    synthetic = [e.path for e in entries if e.path.startswith("indicators/")]
    assert synthetic
    assert all("SYNTHETIC" in e.source for e in entries if e.path in synthetic)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "indicators").mkdir(parents=True)
    shutil.copy(REPO_RAW / "towns.csv", raw / "towns.csv")
    (raw / "indicators" / "x_long_en.csv").write_bytes(b"town_id,year\r\nx,2020\r\n")
    write_manifest(raw)
    manifest.record_generated(raw, [raw / "indicators" / "x_long_en.csv"])  # as demo-data does
    return raw


def test_a_new_indicator_file_is_unknown_until_its_source_is_recorded(raw: Path) -> None:
    """`make manifest` never labels a new file synthetic because of its folder."""
    (raw / "indicators" / "municipal_long_en.csv").write_bytes(b"town_id,year\r\nx,2020\r\n")
    write_manifest(raw)
    text = (raw / "MANIFEST").read_text(encoding="utf-8")
    assert "indicators/municipal_long_en.csv\tUNKNOWN" in text
    assert verify_manifest(raw, strict=False) == [
        "indicators/municipal_long_en.csv: no source recorded"
    ]


def test_only_files_the_generator_wrote_are_synthetic(raw: Path) -> None:
    f = raw / "indicators" / "x_long_en.csv"
    manifest.record_generated(raw, [f])
    assert verify_manifest(raw) == []
    assert "x_long_en.csv\tSYNTHETIC" in (raw / "MANIFEST").read_text(encoding="utf-8")
    write_manifest(raw)  # unchanged bytes keep the label
    assert "x_long_en.csv\tSYNTHETIC" in (raw / "MANIFEST").read_text(encoding="utf-8")
    f.write_bytes(b"town_id,year\r\nx,2021\r\n")  # real data saved over the demo file
    write_manifest(raw)
    text = (raw / "MANIFEST").read_text(encoding="utf-8")
    assert "x_long_en.csv\tUNKNOWN" in text and "SYNTHETIC" not in text
    with pytest.raises(ConfigError, match="writes only into"):
        manifest.record_generated(raw, [raw / "towns.csv"])


def test_ingest_refuses_a_changed_file_unless_lenient(raw: Path) -> None:
    manifest.record_generated(raw, [raw / "indicators" / "x_long_en.csv"])
    assert manifest.check_for_ingest(raw) == []
    (raw / "indicators" / "x_long_en.csv").write_bytes(b"edited")
    (raw / "indicators" / "y.csv").write_bytes(b"new")
    with pytest.raises(ManifestError, match=r"x_long_en\.csv: sha256 differs"):
        manifest.check_for_ingest(raw)
    warnings = manifest.check_for_ingest(raw, "warn")
    assert "indicators/y.csv: not in the manifest" in warnings
    assert any("x_long_en.csv: sha256 differs" in w for w in warnings)
    with pytest.raises(ConfigError, match="manifest mode"):
        manifest.check_for_ingest(raw, "loose")


def test_ingest_command_refuses_a_changed_raw_file(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.cli import main  # noqa: PLC0415

    monkeypatch.delenv("ECOPLAN_MANIFEST", raising=False)
    manifest.record_generated(raw, [raw / "indicators" / "x_long_en.csv"])
    (raw / "geo").symlink_to(REPO_RAW / "geo", target_is_directory=True)
    write_manifest(raw)
    (raw / "towns.csv").write_bytes((raw / "towns.csv").read_bytes() + b"\n")
    out = tmp_path / "processed"
    args = ["ingest", "--raw-dir", str(raw), "--processed-dir", str(out), "--skip-spatial"]
    assert main(args) != 0
    assert "towns.csv: sha256 differs" in capsys.readouterr().err
    assert not (out / "indicators.parquet").exists()
    assert main([*args, "--manifest", "warn"]) == 0
    assert "warning: towns.csv: sha256 differs" in capsys.readouterr().err


def test_line_ending_change_is_caught(raw: Path) -> None:
    f = raw / "indicators" / "x_long_en.csv"
    f.write_bytes(f.read_bytes().replace(b"\r\n", b"\n"))
    with pytest.raises(ManifestError, match=r"x_long_en\.csv: sha256 differs"):
        verify_manifest(raw)


def test_missing_and_unlisted_files_are_caught(raw: Path) -> None:
    (raw / "towns.csv").unlink()
    (raw / "indicators" / "new_wide_th.xlsx").write_bytes(b"PK")
    problems = verify_manifest(raw, strict=False)
    assert problems == [
        "indicators/new_wide_th.xlsx: not in the manifest",
        "towns.csv: listed but missing",
    ]


def test_unknown_source_fails_until_recorded(raw: Path) -> None:
    (raw / "mystery.csv").write_text("a\n")
    write_manifest(raw)
    assert verify_manifest(raw, strict=False) == ["mystery.csv: no source recorded"]
    text = (raw / "MANIFEST").read_text(encoding="utf-8")
    text = text.replace(
        "UNKNOWN: say where this file came from (data/raw/SOURCES.md)",
        "municipal office, 2026 (hand-entered)",
    )
    (raw / "MANIFEST").write_text(text, encoding="utf-8")
    assert verify_manifest(raw) == []
    write_manifest(raw)  # a refresh keeps the hand-written source
    assert "municipal office, 2026" in (raw / "MANIFEST").read_text(encoding="utf-8")


def test_missing_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="missing or empty"):
        verify_manifest(tmp_path)


def test_malformed_line_is_an_error(raw: Path) -> None:
    (raw / "MANIFEST").write_text("not a manifest line\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="line 1"):
        manifest.read_manifest(raw)


def test_error_pickles_with_its_problems() -> None:
    err = pickle.loads(pickle.dumps(ManifestError(["a: changed"])))
    assert err.problems == ["a: changed"]
    assert "make manifest" in str(err)


def test_command_line_check_and_write(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert manifest_main(["--raw-dir", str(raw)]) == 0
    (raw / "towns.csv").write_text("changed\n")
    assert manifest_main(["--raw-dir", str(raw)]) == 1
    assert "towns.csv: sha256 differs" in capsys.readouterr().err
    assert manifest_main(["--raw-dir", str(raw), "--write"]) == 0


def test_make_manifest_succeeds_and_lists_the_sources_left_to_record(
    raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (raw / "indicators" / "municipal.csv").write_text("town\n", encoding="utf-8")
    assert manifest_main(["--raw-dir", str(raw), "--write"]) == 0
    err = capsys.readouterr().err
    assert "indicators/municipal.csv: no source recorded" in err and "check-data" in err
    assert manifest_main(["--raw-dir", str(raw)]) == 1  # the check still fails
