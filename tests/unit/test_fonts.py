"""Embedded Sarabun subsets: made once, cached on disk, identical to a fresh subset."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from analysis.report import fonts
from analysis.style import sarabun_files


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    fonts.font_face_css.cache_clear()
    yield tmp_path / "cache" / "fonts"
    fonts.font_face_css.cache_clear()


def _regular() -> Path:
    return next(p for p in sarabun_files() if p.stem == "Sarabun-Regular")


def test_the_cached_subset_is_the_fresh_subset(cache: Path) -> None:
    face = _regular()
    made = fonts._cached_subset(face)
    assert [p.name for p in cache.iterdir()] == [f"Sarabun-Regular-{fonts._subset_key(face)}.woff"]
    assert fonts._cached_subset(face) == made == fonts._subset_woff(str(face))
    cmap = TTFont(io.BytesIO(made)).getBestCmap()
    assert {ord("ก"), ord("ู"), ord("A"), ord("µ"), ord("³")} <= set(cmap)
    assert ord("中") not in cmap  # subset: no CJK


def test_every_page_gets_the_same_css_from_the_cache(cache: Path) -> None:
    first = fonts.font_face_css()
    assert len(list(cache.glob("*.woff"))) == 2  # regular and bold
    fonts.font_face_css.cache_clear()
    assert fonts.font_face_css() == first
    assert first.count("@font-face") == 2


def test_a_damaged_cache_file_is_replaced(cache: Path) -> None:
    face = _regular()
    good = fonts._cached_subset(face)
    target = next(cache.glob("*.woff"))
    target.write_bytes(good[: len(good) // 2])  # a write cut short
    assert fonts._cached_subset(face) == good
    assert target.read_bytes() == good
    target.write_bytes(b"not a font at all, but long enough to pass a size check....")
    assert fonts._cached_subset(face) == good


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(blocker))  # cache folder inside a file
    face = _regular()
    assert fonts._cached_subset(face) == fonts._subset_woff(str(face))


def test_the_key_follows_the_code_points(cache: Path, monkeypatch) -> None:
    face = _regular()
    key = fonts._subset_key(face)
    monkeypatch.setattr(fonts, "UNICODE_RANGES", fonts.UNICODE_RANGES[:3])
    assert fonts._subset_key(face) != key


def test_cache_folder_defaults(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ECOPLAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.cache_dir() == tmp_path / "ecoplan" / "fonts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert fonts.cache_dir() == Path.home() / ".cache" / "ecoplan" / "fonts"
