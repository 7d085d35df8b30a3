"""Benchmark the spatial indicators on one town with about 20,000 land-use polygons.

Run from the project root::

    .venv/bin/python benchmarks/bench_spatial.py [--cells 20000] [--sample 800]

It generates a SYNTHETIC layer (not timed) inside Nakhon Sawan's real tambon polygon,
then times, on one process (shapely/GEOS is single-threaded): normalising the layer, the
CBI indicator values (connectivity, shares, proximity to parks), the green-space inventory
and the zoning. It compares the connectivity grouping with a naive way, a Python loop over
all pairs of natural patches computing their distance (union-find on pairs < 100 m), on a
sample of patches; the naive time is extrapolated quadratically to all patches.
Budget: indicators for the whole town in <= 10 s.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.paths import get_paths
from analysis.spatial.cbi import cbi_values, connectivity, natural_connectivity
from analysis.spatial.greenspace import greenspace_inventory
from analysis.spatial.landuse import class_flags, normalise_landuse
from analysis.spatial.zoning import zoning
from analysis.synthetic.landuse import generate_landuse
from analysis.towns import load_towns

BUDGET_S = 10.0


def naive_groups(geoms: np.ndarray, distance: float = 100.0) -> np.ndarray:
    """Group patches by a pairwise distance loop and union-find (no barriers, no index)."""
    parent = list(range(len(geoms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].distance(geoms[j]) < distance:
                parent[find(i)] = find(j)
    return np.array([find(i) for i in range(len(geoms))])


def timed(label: str, fn, results: dict[str, float]):
    """Run ``fn`` once, record and print its wall time."""
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    print(f"{label:<34} {results[label]:8.2f} s")
    return out


def main() -> int:
    """Run the benchmark and print seconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cells", type=int, default=20_000, help="Voronoi parcels (default: %(default)s)"
    )
    parser.add_argument("--sample", type=int, default=800, help="patches in the naive comparison")
    parser.add_argument("--town", default="nakhon-sawan")
    args = parser.parse_args()

    paths = get_paths()
    towns = load_towns(paths.towns_csv)
    town = towns[towns["town_id"] == args.town].iloc[0]
    tambons = gpd.read_file(paths.raw_geo / "tha_adm3_tambons_5prov.geojson", engine="pyogrio")
    tambon = tambons[tambons["ADM3_PCODE"] == town["tambon_pcode"]].geometry.union_all()
    t0 = time.perf_counter()
    raw = generate_landuse(
        tambon,
        town_id=args.town,
        lon=town["lon"],
        lat=town["lat"],
        local_gov_type=town["local_gov_type"],
        n_cells=args.cells,
    )
    print(
        f"generated {len(raw):,} SYNTHETIC polygons in {time.perf_counter() - t0:.1f} s (not timed)"
    )

    r: dict[str, float] = {}
    lu = timed("normalise layer", lambda: normalise_landuse(raw, town_id=args.town, src="bench"), r)
    area = gpd.GeoSeries([tambon], crs=4326).to_crs(lu.crs).area.iloc[0]
    pop = None if pd.isna(town["population"]) else int(town["population"])
    conn = timed("connectivity groups (I-2)", lambda: natural_connectivity(lu), r)
    vals = timed(
        "other CBI values (I-1, I-8..I-13)",
        lambda: cbi_values(lu, town_area_m2=area, population=pop, conn=conn),
        r,
    )
    inv = timed("green-space inventory", lambda: greenspace_inventory(lu), r)
    zones = timed("eco-landscape zoning", lambda: zoning(lu, conn=conn), r)
    indicators = sum(r[k] for k in list(r)[:4])
    verdict = "OK" if indicators <= BUDGET_S else "OVER"
    print(
        f"{'indicators total (excl. zoning)':<34} {indicators:8.2f} s  budget {BUDGET_S:.0f} s: {verdict}"
    )
    print(f"{'all, with zoning':<34} {sum(r.values()):8.2f} s")
    print(
        f"  polygons {len(lu):,}; natural {vals['I-1']:.1f} %; coherence {vals['coherence_pct']:.1f} %; "
        f"green areas {len(inv):,}; zones {len(zones)}"
    )

    # naive comparison on a sample of natural patches
    natural = lu[lu["lu_class"].isin(class_flags("natural")) & ~lu["barrier"]].geometry.to_numpy()
    rng = np.random.default_rng(1)
    sample = natural[rng.choice(len(natural), size=min(args.sample, len(natural)), replace=False)]
    t0 = time.perf_counter()
    naive = naive_groups(sample)
    t_naive = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = connectivity(sample)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = connectivity(natural, lu.geometry.to_numpy()[lu["barrier"].to_numpy()])
    t_full = time.perf_counter() - t0
    n_naive = len(np.unique(naive))
    extrapolated = t_naive * (len(natural) / len(sample)) ** 2
    print(
        f"connectivity on a sample of {len(sample)} patches: naive pair loop {t_naive:.2f} s "
        f"({n_naive} groups), vectorised {t_fast:.3f} s ({len(fast.group_areas_m2)} groups): "
        f"{t_naive / t_fast:.0f}x"
    )
    print(
        f"connectivity on all {len(natural):,} patches: vectorised {t_full:.2f} s "
        f"({len(full.group_areas_m2)} groups); naive extrapolated "
        f"~{extrapolated:.0f} s: ~{extrapolated / t_full:.0f}x"
    )
    return 0 if indicators <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
