import datetime as dt

import pytest
import yaml

from analysis.catalogue import load_catalogue
from analysis.catalogue.load import DEFAULT_CATALOGUE
from analysis.catalogue.models import CATEGORIES, THAI_ISSUERS
from analysis.errors import CatalogueError


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_at_least_twelve_indicators_cover_all_five_themes(cat):
    assert len(cat.indicators) >= 12
    assert {i.theme for i in cat.indicators} == {"air", "water", "waste", "green", "biodiversity"}


def test_pm25_annual_standard_changes_in_2022(cat):
    ind = cat.get("pm25_annual")
    thai = {
        y: [s.value for s in ind.standards_in_force(y) if s.issuer == "TH_NEB"]
        for y in (2021, 2022, 2023)
    }
    # judged by the standard in force on 1 January: 15 (from 9 Jul 2022) applies from 2023
    assert thai == {2021: [25.0], 2022: [25.0], 2023: [15.0]}
    changed = next(s for s in ind.standards if s.value == 15 and s.issuer == "TH_NEB")
    assert changed.effective_from.year == 2022


def test_pm25_24h_standard_changes_on_1_june_2023(cat):
    ind = cat.get("pm25_24h_max")
    new = next(s for s in ind.standards if s.issuer == "TH_NEB" and s.value == 37.5)
    old = next(s for s in ind.standards if s.issuer == "TH_NEB" and s.value == 50)
    assert new.effective_from == dt.date(2023, 6, 1)
    assert old.in_force_on(dt.date(2023, 5, 31))
    assert not old.in_force_on(dt.date(2023, 6, 1))
    assert new.in_force_on(dt.date(2023, 6, 1))


def test_every_standard_and_target_has_a_source(cat):
    for ind in cat.indicators:
        for s in ind.standards:
            assert s.source.strip(), ind.id
        assert ind.target is not None and ind.target.source.strip(), ind.id


def test_bounds_and_aliases_are_consistent(cat):
    for ind in cat.indicators:
        lo, hi = ind.bounds
        assert lo is None or hi is None or lo < hi
        assert all(f > 0 for f in ind.unit_aliases.values()), ind.id


def test_pass_semantics(cat):
    s = cat.get("pm25_annual").standards_in_force(2024)[0]
    assert s.kind == "max"
    assert s.passes(s.value)
    assert not s.passes(s.value + 0.1)


def test_unknown_indicator_error_lists_known_ids(cat):
    with pytest.raises(CatalogueError, match=r"No indicator named 'pm99'.*pm25_annual"):
        cat.get("pm99")


def test_invalid_catalogue_is_reported_with_its_path(tmp_path):
    data = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    data["indicators"][0]["direction"] = "sideways"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bad\.yaml.*invalid"):
        load_catalogue(bad)


def test_duplicate_ids_rejected(tmp_path):
    data = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    data["indicators"].append(data["indicators"][0])
    bad = tmp_path / "dupe.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate indicator ids"):
        load_catalogue(bad)


def test_frames(cat):
    assert len(cat.to_frame()) == len(cat.indicators)
    assert {"target_value", "target_year", "target_source"} <= set(cat.to_frame().columns)
    st = cat.standards_frame()
    assert {"indicator_id", "issuer", "category", "value", "effective_from"} <= set(st.columns)
    assert set(st["category"]) <= set(CATEGORIES)


def test_every_legal_standard_has_a_thai_issuer(cat):
    legal = [s for i in cat.indicators for s in i.standards if s.category == "legal_standard"]
    assert legal and all(s.issuer in THAI_ISSUERS for s in legal)
    # WHO issues guidelines, ASEAN award criteria, CBI index bands: never law
    for ind in cat.indicators:
        for s in ind.standards:
            want = {"WHO": "guideline", "ASEAN": "award_criterion", "CBI": "index_band"}
            assert s.category == want.get(s.issuer, s.category), (ind.id, s.name_en)


def test_legal_standard_from_a_non_thai_issuer_is_rejected(tmp_path):
    data = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    pm = next(e for e in data["indicators"] if e["id"] == "pm25_annual")
    who = next(s for s in pm["standards"] if s["issuer"] == "WHO")
    who["category"] = "legal_standard"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="legal_standard"):
        load_catalogue(bad)


def test_green_space_per_capita_yardsticks(cat):
    ind = cat.get("green_space_per_capita")
    # the "16 m² Thai standard" (origin unclear) is gone from the whole catalogue entry
    assert all(s.value != 16 for s in ind.standards)
    assert "16" not in str(ind.model_dump())
    (nine,) = ind.standards
    assert nine.value == 9 and nine.category == "reference" and nine.issuer != "WHO"
    assert "no such guideline" in nine.name_en
    assert ind.target is not None
    assert (ind.target.value, ind.target.year, ind.target.reliability) == (15, 2037, "PARTIAL")
    assert "ONEP" in ind.target.source and "2018" in ind.target.source
    assert ind.target.category == "target"


def test_roadmap_target_is_a_dated_reference_not_a_standard(cat):
    (road,) = cat.get("waste_proper_disposal_pct").standards
    assert road.category == "reference" and road.value == 75
    assert road.effective_to == dt.date(2021, 12, 31)
    assert not cat.get("waste_proper_disposal_pct").standards_in_force(2022)


def test_wqi_band_is_an_index_band(cat):
    (band,) = cat.get("river_wqi").standards
    assert band.category == "index_band" and band.value == 61
