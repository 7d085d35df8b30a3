"""The documentation stays true to the code: sources, commands and attribution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from analysis.catalogue import load_catalogue
from analysis.cli import COMMANDS
from analysis.paths import get_paths
from analysis.store.boundaries import BOUNDARY_ATTRIBUTION

REPO = Path(__file__).resolve().parents[2]
SOURCES = (REPO / "docs" / "sources.md").read_text(encoding="utf-8")
RAW_SOURCES = (REPO / "data" / "raw" / "SOURCES.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_catalogue_source_is_listed_in_sources_md() -> None:
    cat = load_catalogue()
    cited = {s.source for i in cat.indicators for s in i.standards}
    cited |= {i.target.source for i in cat.indicators if i.target is not None}
    missing = sorted(c for c in cited if c not in SOURCES)
    assert not missing, f"docs/sources.md does not list: {missing}"


def test_every_synthetic_anchor_is_listed_in_sources_md() -> None:
    profiles = yaml.safe_load(
        (REPO / "src" / "analysis" / "synthetic" / "profiles.yaml").read_text(encoding="utf-8")
    )
    anchors = {v["anchor"] for v in profiles.values() if isinstance(v, dict) and "anchor" in v}
    missing = sorted(a for a in anchors if a not in SOURCES)
    assert not missing, f"docs/sources.md does not list the synthetic anchors: {missing}"


def test_every_town_is_in_sources_md() -> None:
    towns = get_paths().towns_csv.read_text(encoding="utf-8").splitlines()[1:]
    ids = [line.split(",", 1)[0] for line in towns if line.strip()]
    assert ids
    missing = [t for t in ids if f"`{t}`" not in SOURCES]
    assert not missing, f"docs/sources.md has no row for towns {missing}"


def test_boundary_attribution_matches_the_code() -> None:
    credit = BOUNDARY_ATTRIBUTION.removesuffix(".")
    assert credit in _flat(RAW_SOURCES)
    assert credit in _flat(SOURCES)
    assert "CC BY 4.0" in RAW_SOURCES
    assert "SYNTHETIC" in RAW_SOURCES


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_readme_mentions_every_command(command: str) -> None:
    assert f"ecoplan {command}" in README
