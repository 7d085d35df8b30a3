"""data/raw/MANIFEST pins every raw file; the checks catch edits, losses and new files."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from analysis import manifest
from analysis.manifest import ManifestError, verify_manifest, write_manifest

REPO_RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


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
    return raw


def test_fresh_manifest_verifies(raw: Path) -> None:
    assert verify_manifest(raw) == []
    text = (raw / "MANIFEST").read_text(encoding="utf-8")
    assert "indicators/x_long_en.csv\tSYNTHETIC" in text


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
    assert manifest.main(["--raw-dir", str(raw)]) == 0
    (raw / "towns.csv").write_text("changed\n")
    assert manifest.main(["--raw-dir", str(raw)]) == 1
    assert "towns.csv: sha256 differs" in capsys.readouterr().err
    assert manifest.main(["--raw-dir", str(raw), "--write"]) == 0
