"""National-scale benchmark of the statistics layer (a script, not a test).

7,425 tambons x 25 indicators x 15 years of synthetic data: every table of
``analysis.stats.analyse_all`` plus ``town_scores``, timed, then the naive way
(per-series pymannkendall + statsmodels loop) on a sample, extrapolated for comparison.

Run::

    .venv/bin/python benchmarks/bench_stats.py            # full national scale
    .venv/bin/python benchmarks/bench_stats.py --towns 500 --sample 300
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd
import pymannkendall as mk
import statsmodels.api as sm
from scipy import stats

from analysis.catalogue import load_catalogue
from analysis.stats import (
    analyse_all,
    build_panel,
    projection_table,
    town_scores,
    trend_table,
)
from analysis.stats.esc import esc_eligibility, esc_evidence
from analysis.synthetic.series import TownTraits, generate_series, load_profiles

N_TAMBONS = 7425
N_INDICATORS = 25


def make_data(n_towns: int, n_indicators: int) -> pd.DataFrame:
    cat = load_catalogue()
    profiles = load_profiles()
    base = [i for i in cat.ids if i in profiles]
    ids = [
        base[k % len(base)] if k < len(base) else f"{base[k % len(base)]}__{k // len(base)}"
        for k in range(n_indicators)
    ]
    towns = [TownTraits(f"t{i}", north=i % 3 == 0, rural=i % 2 == 0) for i in range(n_towns)]
    return generate_series(towns, cat, indicators=ids)


def naive(df: pd.DataFrame, n_series: int, horizon: int = 2037) -> tuple[float, int]:
    """Per-series pymannkendall + scipy + statsmodels, the way a notebook loop would do it."""
    keys = df[["town_id", "indicator_id"]].drop_duplicates().head(n_series)
    sample = df.merge(keys, on=["town_id", "indicator_id"])
    start = time.perf_counter()
    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, g in sample.groupby(["town_id", "indicator_id"], sort=False):
            y = g["value"].to_numpy()
            x = g["year"].to_numpy(dtype=float)
            mk.original_test(y)
            mk.hamed_rao_modification_test(y)
            stats.theilslopes(y, x)
            fit = sm.OLS(y, sm.add_constant(x)).fit()
            fut = np.arange(x[-1] + 1, horizon + 1)
            fit.get_prediction(sm.add_constant(fut, has_constant="add")).summary_frame()
            count += 1
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=N_TAMBONS)
    parser.add_argument("--indicators", type=int, default=N_INDICATORS)
    parser.add_argument("--sample", type=int, default=500, help="series for the naive loop")
    args = parser.parse_args()

    cat = load_catalogue()
    t0 = time.perf_counter()
    df = make_data(args.towns, args.indicators)
    t_gen = time.perf_counter() - t0
    n_series = df.groupby(["town_id", "indicator_id"]).ngroups
    print(
        f"data: {len(df):,} rows, {n_series:,} series ({args.towns:,} towns x "
        f"{args.indicators} indicators x 15 years), generated in {t_gen:.1f} s"
    )

    t0 = time.perf_counter()
    res = analyse_all(df, cat)
    t_all = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = town_scores(df, cat)
    town_ids = sorted(df["town_id"].astype(str).unique())
    evidence = esc_evidence(res.latest_status, town_ids)
    towns = pd.DataFrame({"town_id": town_ids, "population": 50_000, "population_year": 2023})
    short = esc_eligibility(evidence, towns, scores=scores)
    t_rank = time.perf_counter() - t0
    total = t_all + t_rank
    print(
        f"analyse_all: {t_all:.1f} s; town_scores + ESC screening: {t_rank:.1f} s; total {total:.1f} s"
    )
    print(
        f"  rows out: trends {len(res.trends):,}, status {len(res.status):,}, "
        f"projections {len(res.projections):,}, progress {len(res.progress):,}, "
        f"plan {len(res.plan):,}, milestones {len(res.milestones):,}, "
        f"scores {len(scores):,}, ESC eligibility {len(short):,}"
    )
    shares = res.plan["plan_class"].value_counts(normalize=True).round(3).to_dict()
    print(f"  plan classes (share of series): {shares}")
    print(f"  throughput: {len(df) / total:,.0f} records/s, {n_series / total:,.0f} series/s")
    print(f"  target <= 60 s: {'MET' if total <= 60 else 'MISSED'}")

    # Like for like: the same work (trend tests + projections) vectorised vs looped.
    t0 = time.perf_counter()
    panel = build_panel(df)
    trend_table(df, cat, panel=panel)
    projection_table(df, cat, panel=panel)
    t_vec = time.perf_counter() - t0
    print(
        f"vectorised trends + projections alone: {t_vec:.1f} s ({n_series / t_vec:,.0f} series/s)"
    )

    t_naive, count = naive(df, args.sample)
    per = t_naive / count
    print(
        f"naive loop (pymannkendall original + Hamed-Rao, scipy theilslopes, statsmodels "
        f"OLS + prediction) on {count} series: {t_naive:.1f} s = {per * 1e3:.2f} ms/series"
    )
    est = per * n_series
    print(f"  extrapolated to {n_series:,} series: {est:,.0f} s")
    print(
        f"  speed-up, same work (trends + projections): {est / t_vec:,.0f}x; "
        f"whole analyse_all vs naive trends + projections: {est / t_all:,.0f}x"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
