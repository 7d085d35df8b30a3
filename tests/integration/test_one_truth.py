"""One town, one truth: every page of every demo town shows the stored number, only it.

Runs the whole pipeline as `make reports` does (ingest -> analyse -> build -> site) on the
demo data in a temporary folder, then reads every marked value back from every page
(each appendix, the combined town pages, the cross-town page and the site index, in Thai
and English) and checks that

* a town x indicator x year x kind has one value on all pages;
* observed values are the analysis stage's ``values`` table, projected values its
  ``projection`` table, and none lies outside the indicator's natural range;
* every appendix that shows indicator values carries marks (the test cannot pass on pages
  that show nothing), and a map-measured value never appears under a reported id.
"""

from __future__ import annotations

import collections
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.i18n import LANGS
from analysis.paths import ProjectPaths
from analysis.report.valuemark import Mark, extract_marks
from analysis.results import read_result

pytestmark = pytest.mark.slow

CAT = load_catalogue()


@pytest.fixture(scope="module")
def built(demo_site: ProjectPaths) -> ProjectPaths:
    """The demo site built once per session (``tests/integration/conftest.py``)."""
    return demo_site


@pytest.fixture(scope="module")
def marks(built: ProjectPaths) -> dict[Path, list[Mark]]:
    site = built.reports / "site"
    return {page: extract_marks(page.read_text(encoding="utf-8")) for page in site.rglob("*.html")}


def _key(m: Mark) -> tuple[str, str, str, str]:
    return (m.town_id, m.indicator_id, m.year, m.kind)


def test_every_quantity_has_one_value_on_every_page(marks: dict[Path, list[Mark]]) -> None:
    seen: dict[tuple[str, str, str, str], dict[float, list[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(list)
    )
    for page, found in marks.items():
        for m in found:
            seen[_key(m)][round(m.value, 9)].append(page.name)
    clashes = {k: dict(v) for k, v in seen.items() if len(v) > 1}
    assert not clashes, (
        f"{len(clashes)} quantities with two values, e.g. {next(iter(clashes.items()))}"
    )
    assert len(seen) > 500  # the demo shows hundreds of marked values


def test_observed_values_are_the_stored_values(
    built: ProjectPaths, marks: dict[Path, list[Mark]]
) -> None:
    values = read_result("values", processed_dir=built.processed)
    stored = {
        (str(r.town_id), str(r.indicator_id), "" if pd.isna(r.year) else str(int(r.year))): float(
            r.value
        )
        for r in values.itertuples()
    }
    wrong = [
        (page.name, m)
        for page, found in marks.items()
        for m in found
        if m.kind == "observed"
        and not math.isclose(stored.get((m.town_id, m.indicator_id, m.year), math.nan), m.value)
    ]
    assert not wrong, wrong[:5]


def test_projected_values_are_the_one_stored_projection(
    built: ProjectPaths, marks: dict[Path, list[Mark]]
) -> None:
    proj = read_result("projection", processed_dir=built.processed)
    proj = proj[proj["kind"].astype(str) == "projected"]
    stored = {
        (str(r.town_id), str(r.indicator_id), str(int(r.year))): float(r.mean)
        for r in proj.itertuples()
        if not pd.isna(r.mean)
    }
    found = [m for ms in marks.values() for m in ms if m.kind == "projected"]
    assert found, "no projected value is marked on any page"
    wrong = [
        m
        for m in found
        if not math.isclose(stored.get((m.town_id, m.indicator_id, m.year), math.nan), m.value)
    ]
    assert not wrong, wrong[:5]
    for m in found:
        lo, hi = CAT.get(m.indicator_id).bounds
        assert (lo is None or m.value >= lo) and (hi is None or m.value <= hi), m


def test_every_appendix_with_values_marks_them(
    built: ProjectPaths, marks: dict[Path, list[Mark]]
) -> None:
    towns = read_result("values", processed_dir=built.processed)["town_id"].astype(str).unique()
    site = built.reports / "site"
    for town in towns:
        for lang in LANGS:
            for appendix in ("b", "c", "d", "e"):
                page = site / "towns" / town / lang / f"{appendix}.html"
                assert marks.get(page), f"no marked value on {page.relative_to(site)}"
    for lang in LANGS:
        assert marks.get(site / "cross-town" / f"{lang}.html")


def test_map_values_never_appear_under_a_reported_id(marks: dict[Path, list[Mark]]) -> None:
    for page, found in marks.items():
        if page.name != "d.html":
            continue
        ids = {m.indicator_id for m in found}
        assert ids & set(CAT.map_ids), f"{page}: no map-measured value marked"
        for m in found:
            if m.year == "":
                assert m.indicator_id in CAT.map_ids, m
