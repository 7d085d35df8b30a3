"""ASEAN ESC Award rules as data (one file per round) and the absolute screening."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.catalogue.esc import DEFAULT_ROUNDS_DIR, load_rounds, resolved_key_indicators
from analysis.errors import CatalogueError, DataError
from analysis.paths import get_paths
from analysis.stats.esc import esc_eligibility, esc_evidence, esc_nominees
from analysis.towns import load_towns

ROUNDS = load_rounds()
CURRENT = list(ROUNDS.values())[-1]


def _key(round_id: str, category: str, code: str):
    rnd = ROUNDS[round_id]
    cat = next(c for c in rnd.categories if c.id == category)
    return next(k for k in resolved_key_indicators(ROUNDS, cat) if k.code == code)


def test_every_round_has_sourced_categories_classes_and_quota() -> None:
    assert list(ROUNDS) == ["2017_cor3", "2021_5th", "2025_6th"]
    for rnd in ROUNDS.values():
        assert {c.id for c in rnd.size_classes} == {"small", "big"}
        small = next(c for c in rnd.size_classes if c.id == "small")
        big = next(c for c in rnd.size_classes if c.id == "big")
        assert (small.lower, small.upper, big.lower, big.upper) == (20000, 750000, 750000, 1500000)
        assert (rnd.quota.esc_award, rnd.quota.cor_total) == (1, 6)
        assert rnd.quota.cor_per_category_and_class == 1
        for cat in rnd.categories:
            assert cat.source and cat.reliability
    assert [c.id for c in CURRENT.categories] == [
        "esc_award",
        "clean_air",
        "clean_water",
        "clean_land",
        "green_biodiversity",
        "circular_economy",
    ]


def test_clean_water_and_land_criteria_are_not_published_in_any_round() -> None:
    for rnd in ROUNDS.values():
        for cat in rnd.categories:
            if cat.id in {"clean_water", "clean_land", "esc_award", "circular_economy"}:
                assert cat.criteria == "not_published"
                assert resolved_key_indicators(ROUNDS, cat) == ()


def test_clean_air_key_indicators_and_bands_from_the_2017_annex() -> None:
    a1 = _key("2017_cor3", "clean_air", "A1")
    assert a1.indicator_id == "aqi_unhealthy_days" and a1.match == "proxy"
    assert len(a1.bands) == 8
    assert [a1.band_of(v) for v in (0, 14.9, 15, 29.9, 90, 120, 150, 150.5)] == [
        1,
        1,
        2,
        2,
        6,
        7,
        7,
        8,
    ]
    a3 = _key("2017_cor3", "clean_air", "A3")
    assert a3.indicator_id is None  # no defensible catalogue match
    assert [a3.band_of(v) for v in (100, 75, 74.9, 1, 0.5)] == [1, 1, 2, 5, None]
    # later rounds borrow the 2017 key indicators (labelled as an assumption)
    later = next(c for c in CURRENT.categories if c.id == "clean_air")
    assert later.criteria == "earlier_round" and later.reliability == "ASSUMPTION"
    assert _key(CURRENT.id, "clean_air", "A1") == a1


def _write_round(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2017_cor3.yaml").write_text(text, encoding="utf-8")


def test_overlapping_bands_are_rejected_with_the_file_and_field(tmp_path: Path) -> None:
    base = (DEFAULT_ROUNDS_DIR / "2017_cor3.yaml").read_text(encoding="utf-8")
    bad = base.replace(
        '{label: "15 – < 30", lower: 15, upper: 30}', '{label: "15 – < 30", lower: 10, upper: 30}'
    )
    assert bad != base
    _write_round(tmp_path / "r", bad)
    with pytest.raises(CatalogueError, match=r"2017_cor3\.yaml: categories\.1.*overlap"):
        load_rounds(tmp_path / "r")


def test_a_key_indicator_in_another_unit_than_its_catalogue_match_is_rejected(
    tmp_path: Path,
) -> None:
    base = (DEFAULT_ROUNDS_DIR / "2017_cor3.yaml").read_text(encoding="utf-8")
    bad = base.replace(
        "        unit: days\n        indicator_id: aqi_unhealthy_days",
        "        unit: percent\n        indicator_id: aqi_unhealthy_days",
    )
    assert bad != base
    _write_round(tmp_path / "u", bad)
    with pytest.raises(CatalogueError, match=r"A1 is in percent .* aqi_unhealthy_days is in days"):
        load_rounds(tmp_path / "u")


def test_a_borrowed_round_must_exist(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    text = (DEFAULT_ROUNDS_DIR / "2021_5th.yaml").read_text(encoding="utf-8")
    (folder / "2021_5th.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="criteria_round '2017_cor3'"):
        load_rounds(folder)


def test_size_classes_of_the_demo_towns() -> None:
    towns = load_towns(get_paths().raw / "towns.csv").set_index("town_id")
    classes = {
        t: CURRENT.size_class_of(None if pd.isna(p) else float(p))
        for t, p in towns["population"].items()
    }
    # the registry's populations (domain.md section 5): no demo town is a big city;
    # Nan's 18,494 (2023) is under the 20,000 floor; two towns have no population yet
    assert classes == {
        "nakhon-sawan": "small",
        "nam-chiao": "unknown",
        "mueang-mai": "unknown",
        "takhli": "small",
        "mueang-nan": "below_smallest",
        "phitsanulok": "small",
    }
    assert CURRENT.size_class_of(750_000) == "big"
    assert CURRENT.size_class_of(1_500_000) == "above_biggest"


def _latest(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "town_id": list(values),
            "indicator_id": "aqi_unhealthy_days",
            "latest_year": 2024,
            "latest_value": list(values.values()),
        }
    )


def _towns(pops: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"town_id": list(pops), "population": list(pops.values()), "population_year": 2023}
    )


def _screen(values: dict[str, float], pops: dict[str, float | None]):
    ev = esc_evidence(_latest(values), sorted(pops))
    el = esc_eligibility(ev, _towns(pops))
    return ev, el, esc_nominees(el, ev)


def test_screening_statuses_follow_the_bands_not_the_other_towns() -> None:
    ev, el, _ = _screen(
        {"good": 12.0, "fair": 20.0, "nopop": 5.0},
        {"good": 50_000, "fair": 60_000, "nopop": None, "nodata": 40_000},
    )
    cur = el[el["round_id"] == CURRENT.id].set_index(["town_id", "category"])
    assert cur.loc[("good", "clean_air"), "status"] == "proposable"
    assert cur.loc[("fair", "clean_air"), "status"] == "not_in_best_band"
    assert cur.loc[("nopop", "clean_air"), "status"] == "population_unknown"
    assert pd.isna(cur.loc[("nopop", "clean_air"), "can_enter"])
    assert cur.loc[("nodata", "clean_air"), "status"] == "no_evidence"
    assert (cur.xs("clean_water", level="category")["status"] == "criteria_not_published").all()
    assert bool(cur.loc[("good", "clean_water"), "can_enter"])  # could enter; unknown criteria
    # never scored: no key-indicator evidence for a category without published criteria
    assert ev[(ev["category"] == "clean_water") & (ev["role"] == "key")].empty
    a1 = ev[(ev["round_id"] == CURRENT.id) & (ev["item"] == "A1")].set_index("town_id")
    assert a1.loc["good", "band"] == 1 and a1.loc["fair", "band"] == 2
    assert a1.loc["good", "band_label"] == "< 15"
    a3 = ev[(ev["round_id"] == CURRENT.id) & (ev["item"] == "A3")]
    assert set(a3["evidence"]) == {"not_in_catalogue"}
    # the same town alone is proposable too: the rule is absolute
    _, alone, _ = _screen({"good": 12.0}, {"good": 50_000})
    assert (
        alone.set_index(["round_id", "category"]).loc[(CURRENT.id, "clean_air"), "status"]
        == "proposable"
    )


def test_context_indicators_carry_no_band() -> None:
    lat = pd.DataFrame(
        {
            "town_id": ["t"],
            "indicator_id": ["waste_recycled_pct"],
            "latest_year": [2024],
            "latest_value": [40.0],
        }
    )
    ev = esc_evidence(lat, ["t"])
    ctx = ev[(ev["round_id"] == CURRENT.id) & (ev["category"] == "circular_economy")]
    assert ctx["role"].tolist() == ["context"] and ctx["evidence"].tolist() == ["context"]
    assert ctx["band"].isna().all() and ctx["latest_value"].tolist() == [40.0]


def test_nominees_respect_the_quota_one_per_category_and_class() -> None:
    _, _, nom = _screen(
        {"s1": 10.0, "s2": 3.0, "b1": 14.0, "tiny": 1.0},
        {"s1": 50_000, "s2": 30_000, "b1": 900_000, "tiny": 15_000},
    )
    cur = nom[nom["round_id"] == CURRENT.id]
    proposed = cur[cur["nominee"]]
    assert set(zip(proposed["size_class"], proposed["town_id"], strict=True)) == {
        ("small", "s2"),  # fewer unhealthy days than s1 (absolute value, not a rank score)
        ("big", "b1"),
    }
    assert cur.set_index("town_id").loc["s1", "reason"] == "alternate"
    assert "tiny" not in set(cur["town_id"])  # under 20,000: outside the COR classes
    assert len(proposed) <= CURRENT.quota.cor_total + CURRENT.quota.esc_award
    assert not (cur["award"] == "esc").any()  # ESC Award criteria not published


def test_the_round_total_caps_the_cor_nominees() -> None:
    tight = CURRENT.model_copy(update={"quota": CURRENT.quota.model_copy(update={"cor_total": 1})})
    rounds = {**ROUNDS, CURRENT.id: tight}
    pops = {"s1": 50_000, "b1": 900_000}
    ev = esc_evidence(_latest({"s1": 10.0, "b1": 14.0}), sorted(pops), rounds)
    el = esc_eligibility(ev, _towns(pops), rounds=rounds)
    nom = esc_nominees(el, ev, rounds)
    cur = nom[nom["round_id"] == CURRENT.id].set_index("town_id")
    assert cur["nominee"].sum() == 1
    assert cur.loc["b1", "reason"] == "over_quota"  # the small slot comes first


def test_relative_scores_are_context_only() -> None:
    pops = {"a": 50_000, "b": 50_000}
    ev = esc_evidence(_latest({"a": 12.0, "b": 40.0}), sorted(pops))
    scores = pd.DataFrame(
        {"town_id": ["a", "b"], "theme": "air", "score": [0.0, 100.0], "rank": [2, 1]}
    )
    el = esc_eligibility(ev, _towns(pops), scores=scores)
    cur = el[(el["round_id"] == CURRENT.id) & (el["category"] == "clean_air")].set_index("town_id")
    # b ranks first among the towns but its value is outside the best band
    assert cur.loc["b", "context_rank"] == 1 and cur.loc["b", "status"] == "not_in_best_band"
    assert cur.loc["a", "status"] == "proposable"


def test_a_blank_population_is_unknown_and_a_bad_one_is_an_error() -> None:
    ev = esc_evidence(_latest({"t": 12.0}), ["t"])
    blank = pd.DataFrame({"town_id": ["t"], "population": [""], "population_year": [""]})
    el = esc_eligibility(ev, blank)
    assert set(el["size_class"]) == {"unknown"}
    bad = blank.assign(population=["about 20k"])
    with pytest.raises(DataError, match="town 't', column 'population': expected a number"):
        esc_eligibility(ev, bad)


def test_the_analysis_stage_stores_the_screening_tables() -> None:
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.results.compute import compute_results  # noqa: PLC0415
    from analysis.results.tables import validate_table  # noqa: PLC0415

    ind = pd.DataFrame(
        {
            "town_id": ["a", "a", "b", "b"],
            "indicator_id": "aqi_unhealthy_days",
            "year": [2023, 2024, 2023, 2024],
            "value": [14.0, 12.0, 40.0, 41.0],
            "unit": "days",
            "source": "SYNTHETIC test",
            "note": None,
            "is_synthetic": True,
            "src_file": "indicators/t.csv",
            "src_row": [2, 3, 4, 5],
        }
    )
    towns = _towns({"a": 30_000, "b": 800_000, "c": None})
    tables, _ = compute_results(ind, load_catalogue(), towns=towns)
    assert "shortlist" not in tables
    for name in ("esc_eligibility", "esc_evidence", "esc_nominees"):
        validate_table(name, tables[name].assign(inputs_hash="h", method_version="m"))
    nom = tables["esc_nominees"]
    cur = nom[(nom["round_id"] == CURRENT.id) & nom["nominee"]]
    assert list(zip(cur["town_id"], cur["size_class"], strict=True)) == [("a", "small")]
    el = tables["esc_eligibility"].set_index(["round_id", "town_id", "category"])
    assert el.loc[(CURRENT.id, "c", "clean_air"), "status"] == "population_unknown"
    assert el.loc[(CURRENT.id, "b", "clean_air"), "status"] == "not_in_best_band"
    assert el.loc[(CURRENT.id, "a", "clean_air"), "context_rank"] == 1
