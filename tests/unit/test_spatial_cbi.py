"""CBI indicators: connectivity geometry computed by hand, band edges of both editions."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely import box
from unit_builders import landuse_layer

from analysis.errors import ParameterError
from analysis.spatial.cbi import (
    CBI_INDICATORS,
    band_edges,
    cbi_table,
    cbi_values,
    connectivity,
    population_share_near_parks,
    score,
)

HA = 10_000.0


def square_ha(x0: float, y0: float = 0.0, ha: float = 1.0):
    """A square of ``ha`` hectares with its lower-left corner at (x0, y0)."""
    side = (ha * HA) ** 0.5
    return box(x0, y0, x0 + side, y0 + side)


def test_two_hectares_50m_apart_form_one_group() -> None:
    c = connectivity([square_ha(0), square_ha(150)])  # 100 m squares, 50 m gap
    assert len(c.group_areas_m2) == 1
    assert c.group_areas_m2[0] == pytest.approx(2 * HA)
    assert c.ems_m2 == pytest.approx(2 * HA)  # (2 ha)^2 / 2 ha
    assert c.coherence_pct == pytest.approx(100.0)


def test_two_hectares_150m_apart_form_two_groups() -> None:
    c = connectivity([square_ha(0), square_ha(250)])  # 150 m gap
    assert len(c.group_areas_m2) == 2
    assert c.ems_m2 == pytest.approx((HA**2 + HA**2) / (2 * HA))  # 1 ha
    assert c.coherence_pct == pytest.approx(50.0)


def test_road_barrier_between_50m_apart_patches_splits_them() -> None:
    road = box(115, -500, 135, 600)  # 20 m wide road in the 50 m gap
    joined = connectivity([square_ha(0), square_ha(150)])
    split = connectivity([square_ha(0), square_ha(150)], [road])
    assert len(joined.group_areas_m2) == 1
    assert len(split.group_areas_m2) == 2
    assert split.ems_ha == pytest.approx(1.0)


def test_barrier_elsewhere_does_not_split() -> None:
    far_road = box(-500, 800, 900, 820)
    c = connectivity([square_ha(0), square_ha(150)], [far_road])
    assert len(c.group_areas_m2) == 1


def test_toy_example_from_domain_notes() -> None:
    # 10 ha + 5 ha patches 50 m apart (one 15 ha group) and an isolated 5 ha patch
    patches = [square_ha(0, ha=10), square_ha(366.2278, ha=5), square_ha(3000, ha=5)]
    c = connectivity(patches)
    assert sorted(np.round(c.group_areas_m2 / HA, 6)) == [5.0, 15.0]
    assert c.total_m2 == pytest.approx(20 * HA)
    assert c.ems_ha == pytest.approx(12.5)
    assert c.coherence_pct == pytest.approx(62.5)
    assert score("I-2", c.coherence_pct, "2021") == 3
    assert score("I-2", c.ems_ha, "2014") == 0  # 12.5 ha < 200 ha


def test_patch_cut_by_barrier_is_shared_between_groups() -> None:
    patch = box(0, 0, 300, 100)
    road = box(140, -50, 160, 150)  # crosses the patch: the patch's two halves separate
    c = connectivity([patch.difference(road)], [road])
    assert len(c.group_areas_m2) == 2
    assert c.total_m2 == pytest.approx(28_000.0)


def test_no_natural_area() -> None:
    c = connectivity([])
    assert c.ems_m2 == 0.0
    assert np.isnan(c.coherence_pct)


def layer(rows: list[tuple], crs: int = 32647) -> gpd.GeoDataFrame:
    """rows: (geometry, class, protected, tree_canopy, barrier)."""
    return landuse_layer(rows, crs, synthetic=False)


@pytest.fixture
def known_town() -> gpd.GeoDataFrame:
    # a 1 km x 1 km town (100 ha)
    return layer(
        [
            (box(0, 0, 200, 500), "forest", True, True, False),  # 10 ha, protected
            (box(200, 0, 400, 500), "forest", False, True, False),  # 10 ha
            (box(400, 0, 600, 500), "water", False, False, False),  # 10 ha
            (box(600, 0, 1000, 500), "park", False, False, False),  # 20 ha
            (box(0, 500, 1000, 950), "built_up", False, False, False),  # 45 ha
            (box(0, 950, 1000, 1000), "built_up", False, True, False),  # 5 ha, leafy
        ]
    )


def test_shares_on_known_rectangles(known_town: gpd.GeoDataFrame) -> None:
    v = cbi_values(known_town, town_area_m2=100 * HA, population=10_000)
    assert v["I-1"] == pytest.approx(30.0)  # forest 20 + water 10; parks do not count
    assert v["I-8"] == pytest.approx(10.0)
    assert v["I-10"] == pytest.approx(100 * 40 / 90)  # forest + park over land (100 - 10 water)
    assert v["I-11"] == pytest.approx(100 * 25 / 90)  # canopy 20 + 5 over land
    assert v["I-12"] == pytest.approx((20 + 10) / 10.0)  # (park + protected) ha per 1000
    assert v["natural_m2"] == pytest.approx(30 * HA)


def test_cbi_table_both_versions(known_town: gpd.GeoDataFrame) -> None:
    t21 = cbi_table(known_town, town_area_m2=100 * HA, population=10_000, version="2021")
    t14 = cbi_table(known_town, town_area_m2=100 * HA, population=None, version="2014")
    assert list(t21["indicator"]) == list(CBI_INDICATORS)
    assert t21.set_index("indicator").loc["I-1", "score"] == 4
    assert t14.set_index("indicator").loc["I-1", "number_2014"] == 1
    assert t14.set_index("indicator").loc["I-8", "number_2014"] == 9
    assert t14.set_index("indicator")["score"].isna()["I-13"]
    assert "not in the 2014 edition" in t14.set_index("indicator").loc["I-13", "note"]
    assert np.isnan(t14.set_index("indicator").loc["I-12", "value"])
    assert "population not known" in t14.set_index("indicator").loc["I-12", "note"]
    with pytest.raises(ParameterError, match="2019"):
        cbi_table(known_town, town_area_m2=1.0, population=None, version="2019")


def test_population_within_400m_of_park() -> None:
    lu = layer(
        [
            (box(0, 0, 1000, 100), "built_up", False, False, False),  # ten 100 m cells
            (box(0, 200, 100, 300), "park", False, False, False),
        ]
    )
    # cell centres (x, 50): distance to the park = hypot(max(0, x - 100), 150) <= 400
    # holds for x = 50, 150, 250, 350, 450: 5 of 10 equally weighted cells
    assert population_share_near_parks(lu) == pytest.approx(50.0)


# Band edges, typed from domain.md s3.3 (not read from the YAML), both editions:
# (indicator, version, [(value, expected score), ...])
EDGES = [
    (
        "I-1",
        "2021",
        [(0.99, 0), (1.0, 1), (6.9, 1), (6.95, 2), (13.9, 2), (14.0, 3), (20.0, 3), (20.01, 4)],
    ),
    (
        "I-1",
        "2014",
        [(0.99, 0), (1.0, 1), (6.9, 1), (7.0, 2), (13.9, 2), (14.0, 3), (20.0, 3), (20.1, 4)],
    ),
    (
        "I-2",
        "2021",
        [(19.99, 0), (20.0, 1), (39.9, 1), (40.0, 2), (59.9, 2), (60.0, 3), (79.0, 3), (79.1, 4)],
    ),
    (
        "I-2",
        "2014",
        [
            (199.9, 0),
            (200.0, 1),
            (500.0, 1),
            (501.0, 2),
            (1000.0, 2),
            (1001.0, 3),
            (1500.0, 3),
            (1501.0, 4),
        ],
    ),
    (
        "I-8",
        "2021",
        [(0.99, 0), (1.0, 1), (6.0, 1), (6.1, 2), (11.0, 2), (11.1, 3), (17.0, 3), (17.1, 4)],
    ),
    (
        "I-8",
        "2014",
        [(1.39, 0), (1.4, 1), (5.5, 1), (5.6, 2), (11.1, 2), (11.2, 3), (19.4, 3), (19.5, 4)],
    ),
    (
        "I-10",
        "2021",
        [(29.9, 0), (30.0, 1), (39.9, 1), (40.0, 2), (49.9, 2), (50.0, 3), (59.9, 3), (60.0, 4)],
    ),
    (
        "I-10",
        "2014",
        [(33.0, 0), (33.1, 1), (39.7, 1), (39.8, 2), (64.2, 2), (64.3, 3), (75.0, 3), (75.1, 4)],
    ),
    (
        "I-11",
        "2021",
        [
            (9.99, 0),
            (10.0, 1),
            (10.1, 1),
            (24.9, 1),
            (25.0, 2),
            (39.9, 2),
            (40.0, 3),
            (54.9, 3),
            (55.0, 4),
        ],
    ),
    (
        "I-11",
        "2014",
        [(10.4, 0), (10.5, 1), (19.1, 1), (19.2, 2), (29.0, 2), (29.1, 3), (59.7, 3), (59.8, 4)],
    ),
    (
        "I-12",
        "2021",
        [(0.09, 0), (0.1, 1), (0.3, 1), (0.4, 2), (0.6, 2), (0.7, 3), (0.9, 3), (0.91, 4)],
    ),
    (
        "I-12",
        "2014",
        [(0.09, 0), (0.1, 1), (0.3, 1), (0.4, 2), (0.6, 2), (0.7, 3), (0.9, 3), (0.91, 4)],
    ),
    (
        "I-13",
        "2021",
        [(29.9, 0), (30.0, 1), (49.9, 1), (50.0, 2), (69.9, 2), (70.0, 3), (89.9, 3), (90.0, 4)],
    ),
]


@pytest.mark.parametrize(
    ("indicator", "version", "cases"), EDGES, ids=[f"{i}-{v}" for i, v, _ in EDGES]
)
def test_band_edges(indicator: str, version: str, cases: list[tuple[float, int]]) -> None:
    got = [(value, score(indicator, value, version)) for value, _ in cases]
    assert got == cases


def test_every_scored_indicator_has_edge_tests() -> None:
    tested = {(i, v) for i, v, _ in EDGES}
    for version in ("2014", "2021"):
        for ind in CBI_INDICATORS:
            try:
                band_edges(ind, version)  # type: ignore[arg-type]
            except ParameterError:
                continue
            assert (ind, version) in tested


def test_score_nan_and_unknown() -> None:
    assert score("I-1", float("nan"), "2021") is None
    with pytest.raises(ParameterError, match="not scored in the 2014"):
        score("I-13", 50.0, "2014")
    with pytest.raises(ParameterError, match="unknown CBI version"):
        score("I-1", 5.0, "2030")  # type: ignore[arg-type]
