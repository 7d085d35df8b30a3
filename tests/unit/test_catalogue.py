import datetime as dt

import pytest
import yaml

from analysis.catalogue import load_catalogue
from analysis.catalogue.load import DEFAULT_CATALOGUE
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
        for y in (2021, 2022)
    }
    assert thai == {2021: [25.0], 2022: [15.0]}
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
    st = cat.standards_frame()
    assert {"indicator_id", "issuer", "value", "effective_from"} <= set(st.columns)
