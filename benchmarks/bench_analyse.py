"""Benchmark of the analysis stage (a script, not a test).

Measures, in one run:

1. ``ecoplan analyse`` on the demo store (ingested from ``data/raw`` into a temporary
   folder): compute every results table, check schemas and bounds, publish a generation.
2. The same at national scale: 7,425 synthetic towns x every catalogue indicator x 15
   years, against the naive way (one town at a time, as a loop over towns would do it),
   timed on a sample of towns in the same run and scaled to 7,425.
3. What a notebook pays for its statistics before and after this stage: before, each
   fresh kernel computed every table for every town (``analyse_all``) and picked its town;
   now it reads its town's rows of the stored tables.

Run::

    .venv/bin/python benchmarks/bench_analyse.py                 # full national scale
    .venv/bin/python benchmarks/bench_analyse.py --towns 500 --sample 20
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.paths import get_paths
from analysis.results.compute import compute_results, run_analysis
from analysis.stats.summary import analyse_all
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import TOWN_COLUMNS

N_TAMBONS = 7425


def _store(processed: Path, indicators: pd.DataFrame) -> None:
    cat = load_catalogue()
    ind = indicators.drop(columns=["trend_kind"], errors="ignore").copy()
    ind["unit"] = ind["indicator_id"].map({i.id: i.unit for i in cat.indicators})
    ind["source"] = "SYNTHETIC benchmark series"
    ind["note"] = None
    ind["is_synthetic"] = True
    ind["src_file"] = "synthetic"
    ind["src_row"] = np.arange(2, len(ind) + 2)
    processed.mkdir(parents=True, exist_ok=True)
    ind.to_parquet(processed / "indicators.parquet", index=False)
    towns = pd.DataFrame({c: "" for c in TOWN_COLUMNS}, index=range(ind["town_id"].nunique()))
    towns["town_id"] = sorted(ind["town_id"].unique())
    towns["population"] = pd.NA
    towns["area_km2"] = pd.NA
    towns.to_parquet(processed / "towns.parquet", index=False)


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def demo() -> None:
    """Analyse the demo store and time one notebook's statistics before and after."""
    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415
    from analysis.report import data  # noqa: PLC0415
    from analysis.spatial.pipeline import build_spatial  # noqa: PLC0415

    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        paths = dataclasses.replace(get_paths(), processed=Path(tmp) / "processed")
        run_ingest(paths)
        build_spatial(paths)
        seconds, summary = _timed(lambda: run_analysis(paths, force=True), repeat=3)
        m = summary.manifest  # type: ignore[attr-defined]
        rows = sum(m.tables.values())
        print(f"demo: ecoplan analyse {seconds:.2f} s for {len(m.towns)} towns, {rows:,} rows")

        import os  # noqa: PLC0415

        os.environ["ECOPLAN_PROCESSED_DIR"] = str(paths.processed)
        ind = pd.read_parquet(paths.processed / "indicators.parquet")
        ind = ind[ind["indicator_id"].isin(cat.ids)]
        town = sorted(ind["town_id"].unique())[0]
        before, _ = _timed(lambda: analyse_all(ind, cat).town(town), repeat=3)

        def after() -> object:
            data._result.cache_clear()
            data._manifest.cache_clear()
            return data.town_analysis(town)

        after_s, _ = _timed(after, repeat=3)
        print(
            f"demo: statistics of one notebook (appendix C or E, town {town}): "
            f"before {1000 * before:.0f} ms (computed in the kernel), "
            f"after {1000 * after_s:.0f} ms (read from the results), "
            f"ratio {before / after_s:.1f}x"
        )


def national(n_towns: int, sample: int) -> None:
    """Analyse ``n_towns`` synthetic towns at once, and a sample one town at a time."""
    cat = load_catalogue()
    towns = [TownTraits(f"t{i:05d}", north=i % 3 == 0, rural=i % 2 == 0) for i in range(n_towns)]
    ind = generate_series(towns, cat)
    n_series = ind.groupby(["town_id", "indicator_id"]).ngroups
    with tempfile.TemporaryDirectory() as tmp:
        paths = dataclasses.replace(get_paths(), processed=Path(tmp) / "processed")
        _store(paths.processed, ind)
        store = pd.read_parquet(paths.processed / "indicators.parquet")
        seconds, summary = _timed(lambda: run_analysis(paths, force=True))
        m = summary.manifest  # type: ignore[attr-defined]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"national: ecoplan analyse {seconds:.1f} s for {n_towns:,} towns, "
            f"{n_series:,} series, {sum(m.tables.values()):,} result rows "
            f"(peak RSS {peak:,.0f} MB)"
        )
        import os  # noqa: PLC0415

        from analysis.report import data  # noqa: PLC0415

        os.environ["ECOPLAN_PROCESSED_DIR"] = str(paths.processed)
        before, _ = _timed(lambda: analyse_all(store, cat))

        def after() -> object:
            data._result.cache_clear()
            data._manifest.cache_clear()
            return data.town_analysis("t00042")

        after_s, _ = _timed(after, repeat=3)
        print(
            f"national: statistics of one notebook: before {before:.1f} s (every kernel "
            f"computed all {n_towns:,} towns), after {after_s:.2f} s (its town's rows of the "
            f"stored tables), ratio {before / after_s:.0f}x"
        )
        ids = sorted(store["town_id"].unique())[:sample]
        part = store[store["town_id"].isin(ids)]
        vec_s, _ = _timed(lambda: compute_results(part, cat), repeat=2)

        def one_by_one() -> None:
            for t in ids:
                compute_results(part[part["town_id"] == t], cat)

        loop_s, _ = _timed(one_by_one)
        scale = n_towns / sample
        print(
            f"national: naive (one town at a time) on {sample} towns {loop_s:.2f} s "
            f"-> {loop_s * scale:,.0f} s scaled to {n_towns:,}; all {sample} at once "
            f"{vec_s:.2f} s; ratio naive/ecoplan at {n_towns:,} towns "
            f"{loop_s * scale / seconds:.0f}x"
        )


def main() -> None:
    """Parse options and run both parts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=N_TAMBONS)
    parser.add_argument("--sample", type=int, default=40, help="towns timed one at a time")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    if not args.skip_demo:
        demo()
    national(args.towns, args.sample)


if __name__ == "__main__":
    main()
