"""Build provenance for report footers: code version, lock hash, build info."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import __version__, provenance

REPO = Path(__file__).resolve().parents[2]


def test_lock_hash_is_sha256_prefix_of_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text("pandas==3.0.0\n", encoding="utf-8")
    expected = hashlib.sha256(b"pandas==3.0.0\n").hexdigest()[:12]
    assert provenance.lock_hash(lock) == expected
    lock.write_text("pandas==3.0.1\n", encoding="utf-8")
    assert provenance.lock_hash(lock) != expected


def test_lock_hash_of_the_repository_lock() -> None:
    data = (REPO / "requirements" / "lock.txt").read_bytes()
    assert provenance.lock_hash() == hashlib.sha256(data).hexdigest()[:12]


def test_lock_hash_unknown_without_a_lock(tmp_path: Path) -> None:
    assert provenance.lock_hash(tmp_path / "absent.txt") == "unknown"


def test_git_hash_unknown_outside_a_checkout(tmp_path: Path) -> None:
    assert provenance.git_short_hash(tmp_path) == "unknown"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_hash_of_a_fresh_repository(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1")
    git("add", "a.txt")
    git("commit", "-q", "-m", "one")
    head = git("rev-parse", "--short", "HEAD")
    assert provenance.git_short_hash(tmp_path) == head
    (tmp_path / "a.txt").write_text("2")
    assert provenance.git_short_hash(tmp_path) == f"{head}+dirty"
    version = provenance.code_version(tmp_path)
    assert version.startswith(__version__)
    assert version.endswith(f"+g{head}+dirty")


def test_code_version_without_git_is_the_package_version(tmp_path: Path) -> None:
    assert provenance.code_version(tmp_path) == __version__


def test_build_info_thai_uses_buddhist_era() -> None:
    info = provenance.build_info("th", now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert info["built_date"] == "02/01/2569"
    assert info["built_at"] == "2026-01-02T03:04:05+00:00"
    assert info["lock_hash"] in info["text"]
    assert "สร้างเมื่อ 02/01/2569" in info["text"]


def test_build_info_english_uses_iso_dates() -> None:
    info = provenance.build_info("en", now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert info["built_date"] == "2026-01-02"
    assert re.fullmatch(r"[0-9a-f]{12}|unknown", info["lock_hash"])
    assert info["text"].startswith("ecoplan code ")


def test_build_info_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown lang 'fr'"):
        provenance.build_info("fr")


def test_build_info_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    info = provenance.build_info("th")
    assert info["built_at"] == "2023-11-14T22:13:20+00:00"
    assert info["built_date"] == "14/11/2566"
