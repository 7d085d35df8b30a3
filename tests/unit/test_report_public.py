"""Public-grade wording: no reliability tags, repository notes or agency claims on pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.catalogue import load_catalogue
from analysis.paths import get_paths
from analysis.report import public
from analysis.report.public import ReaderSource, reader_source, reader_sources, source_html
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import load_towns

_NOTE = re.compile(r"\b(SOLID|PARTIAL|MEMORY|ASSUMPTION|SYNTHETIC)\b|\.md\b|data/raw|conflict")


def _raw_sources() -> list[str]:
    towns = load_towns(get_paths().towns_csv)
    cols = ("population_source", "area_source", "point_source")
    out = [str(v) for c in cols for v in towns[c].dropna() if str(v)]
    series = generate_series([TownTraits("takhli")], load_catalogue())
    return out + [str(s) for s in series["source"].unique()]


def test_no_demo_source_keeps_a_tag_or_a_repository_note() -> None:
    sources = _raw_sources()
    assert any("domain.md" in s for s in sources)  # the notes the test is about exist
    for raw in sources:
        shown = reader_source(raw)
        assert not _NOTE.search(shown.text), (raw, shown)
        assert shown.synthetic or shown.text, raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A (domain.md s5, SOLID)", ReaderSource("A")),
        ("A (domain.md s5, PARTIAL)", ReaderSource("A", unverified=True)),
        ("WHO AQG 2005 (MEMORY)", ReaderSource("WHO AQG 2005", unverified=True)),
        ("ข้อมูลสังเคราะห์ (SYNTHETIC) SYNTHETIC demo series", ReaderSource("", synthetic=True)),
        (
            "namchieo.go.th/history.php, after the merger",
            ReaderSource("namchieo.go.th/history.php, after the merger"),
        ),
        ("B (domain.md 2.3); plausible range", ReaderSource("B; plausible range")),
    ],
)
def test_reader_source(raw: str, expected: ReaderSource) -> None:
    assert reader_source(raw) == expected


def test_each_source_once_and_all_synthetic_series_as_one() -> None:
    shown = reader_sources(_raw_sources())
    keys = [(s.text, s.synthetic) for s in shown]
    assert len(keys) == len(set(keys))
    assert sum(s.synthetic for s in shown) == 1
    thai = "ข้อมูลสังเคราะห์ (SYNTHETIC) SYNTHETIC demo series (ecoplan generator, seed 1); x"
    assert len(reader_sources([thai, thai.split(") ", 1)[1], "A (SOLID)", "A (PARTIAL)"])) == 2


@pytest.mark.parametrize(
    ("lang", "label"),
    [("th", "ยังไม่ได้ตรวจสอบกับเอกสารต้นฉบับ"), ("en", "not yet verified against the original")],
)
def test_unverified_sources_carry_the_readers_label(lang: str, label: str) -> None:
    html = source_html("Thai Wikipedia (domain.md s5, PARTIAL)", lang)
    assert label in html and "PARTIAL" not in html and "domain.md" not in html
    assert "unverified" not in source_html("Thai Wikipedia (domain.md s5, SOLID)", lang)
    assert "<script>" not in source_html("<script>x</script> (SOLID)", lang)


def test_publisher_defaults_to_the_projects_credit_and_follows_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public._configured_publisher.cache_clear()
    for lang in ("th", "en"):
        line = public.publisher(lang)
        assert "ecoplan" in line
        assert "ONEP" not in line and "สำนักงานนโยบาย" not in line
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ecoplan.publisher]\nth = "เทศบาลตัวอย่าง"\nen = "Example Municipality"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ECOPLAN_ROOT", str(tmp_path))
    public._configured_publisher.cache_clear()
    try:
        assert public.publisher("th") == "เทศบาลตัวอย่าง"
        assert public.publisher("en") == "Example Municipality"
    finally:
        public._configured_publisher.cache_clear()
