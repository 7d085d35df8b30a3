"""Page provenance (analysis.report.versions): the footer names the code and the lock hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis import __version__
from analysis.report import versions

REPO = Path(__file__).resolve().parents[2]


def test_lock_hash_is_sha256_prefix_of_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text("pandas==3.0.0\n", encoding="utf-8")
    expected = hashlib.sha256(b"pandas==3.0.0\n").hexdigest()[:12]
    assert versions.lock_hash(lock) == expected
    lock.write_text("pandas==3.0.1 \n", encoding="utf-8")
    assert versions.lock_hash(lock) != expected


def test_lock_hash_unknown_without_a_lock(tmp_path: Path) -> None:
    assert versions.lock_hash(tmp_path / "absent.txt") == "unknown"


def test_the_footer_version_names_the_repository_lock() -> None:
    """README: reports name the code version and the hash of requirements/lock.txt."""
    data = (REPO / "requirements" / "lock.txt").read_bytes()
    shown = versions.code_version()
    assert shown.startswith(__version__.split("+")[0] + "+")
    assert shown.endswith(f"(lock {hashlib.sha256(data).hexdigest()[:12]})")


def test_one_provenance_module() -> None:
    assert not (REPO / "src" / "analysis" / "provenance.py").exists()


def test_the_page_footer_shows_the_lock_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provenance footer of every appendix page carries :func:`versions.code_version`."""
    from analysis.report import sections  # noqa: PLC0415
    from analysis.report.params import RunParams  # noqa: PLC0415

    monkeypatch.setattr(sections, "rows_for", lambda _run: pd.DataFrame())
    monkeypatch.setattr(sections, "public_rows", lambda rows, _lang: rows)
    lock = hashlib.sha256((REPO / "requirements" / "lock.txt").read_bytes()).hexdigest()[:12]
    for lang in ("th", "en"):
        html = sections.provenance(RunParams(lang=lang)).html
        footer = html[html.index('<footer class="provenance">') : html.index("</footer>")]
        assert f"(lock {lock})" in footer, lang
