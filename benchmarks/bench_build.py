"""Benchmark `ecoplan build` against the naive and the competent ways of running notebooks.

Generates N synthetic towns on real tambon boundaries (``tha_adm3_tambons_national_l1``)
with synthetic indicator series into a temporary project (``ECOPLAN_ROOT``), then times,
in the same run, the same notebooks (default: appendix b, English) three ways:

(a) naive: ``papermill`` CLI then ``jupyter nbconvert`` CLI per notebook, sequential;
(b) competent: ``papermill.execute_notebook`` + nbconvert in-process, 2 processes;
(c) ``ecoplan build`` (CLI, warm kernels, ``--jobs 2``, ``--force``).

It prints the ratios, seconds per town, overhead share (wall minus the cells' own execution
time), peak RSS per worker (process + kernel) and the no-op rebuild time, both for the N
towns with the real appendix and for 100 towns (built once with a tiny notebook).

Usage::

    .venv/bin/python benchmarks/bench_build.py --towns 24
    .venv/bin/python benchmarks/bench_build.py --towns 4 --appendix b --lang en   # quick
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import papermill as pm
from nbconvert import HTMLExporter

from analysis.batch.executor import BuildOptions, build
from analysis.batch.progress import PlainProgress
from analysis.catalogue import load_catalogue
from analysis.paths import ProjectPaths
from analysis.report.appendices import get_appendix
from analysis.store.io import INDICATOR_COLUMNS
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import TOWN_COLUMNS

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NATIONAL = REPO / "data" / "raw" / "geo" / "tha_adm3_tambons_national_l1.geojson"
PROVINCES = REPO / "data" / "raw" / "geo" / "tha_adm1_provinces_all_simplified.geojson"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "town"


def make_store(processed: Path, n: int, seed: int = 11) -> list[str]:
    """Write towns, indicators and boundaries for ``n`` random real tambons."""

    processed.mkdir(parents=True, exist_ok=True)
    tambons = gpd.read_file(NATIONAL, engine="pyogrio").to_crs(4326)
    rng = np.random.default_rng(seed)
    pick = tambons.iloc[np.sort(rng.choice(len(tambons), size=n, replace=False))].copy()
    pick["geometry"] = pick.geometry.make_valid()
    metric = pick.to_crs(32647)
    points = metric.geometry.representative_point().to_crs(4326)
    rows = []
    for i, (rec, pt, area) in enumerate(
        zip(pick.itertuples(), points, metric.geometry.area / 1e6, strict=True)
    ):
        town_id = f"{_slug(rec.ADM3_EN)}-{i:03d}"
        row = dict.fromkeys(TOWN_COLUMNS, "")
        row.update(
            town_id=town_id,
            name_th=f"เทศบาลตำบล{rec.ADM3_TH}",
            name_en=f"{rec.ADM3_EN} Subdistrict Municipality",
            local_gov_type="subdistrict_municipality",
            local_gov_type_th="เทศบาลตำบล",
            province_th=rec.ADM1_TH,
            province_en=rec.ADM1_EN,
            district_pcode=rec.ADM2_PCODE,
            district_th=rec.ADM2_TH,
            district_en=rec.ADM2_EN,
            tambon_pcode=rec.ADM3_PCODE,
            tambon_th=rec.ADM3_TH,
            tambon_en=rec.ADM3_EN,
            population=int(rng.integers(3000, 60000)),
            population_year=2023,
            population_source="SYNTHETIC benchmark",
            area_km2=round(float(area), 2),
            area_source="SYNTHETIC: tambon polygon area",
            lat=round(pt.y, 5),
            lon=round(pt.x, 5),
            point_source="tambon representative point",
        )
        rows.append(row)
    towns = pd.DataFrame(rows)
    for col in ("population", "population_year"):
        towns[col] = towns[col].astype("Int64")
    towns.to_parquet(processed / "towns.parquet", index=False)
    cat = load_catalogue()
    series = generate_series(
        [
            TownTraits(t, north=lat > 17.5, rural=i % 3 == 0)
            for i, (t, lat) in enumerate(zip(towns["town_id"], towns["lat"], strict=True))
        ],
        cat,
        seed=seed,
    ).drop(columns=["trend_kind"])
    series["note"] = None
    series["is_synthetic"] = True
    series["src_file"] = "SYNTHETIC benchmark"
    series["src_row"] = np.arange(2, len(series) + 2)
    series[list(INDICATOR_COLUMNS)].to_parquet(processed / "indicators.parquet", index=False)
    # Boundaries: the towns' tambons, their districts (dissolved tambons) and all provinces.
    districts = tambons[tambons["ADM2_PCODE"].isin(pick["ADM2_PCODE"])].dissolve("ADM2_PCODE")
    provinces = gpd.read_file(PROVINCES, engine="pyogrio").to_crs(4326)
    parts = [
        gpd.GeoDataFrame(
            {
                "level": "province",
                "pcode": provinces["ADM1_PCODE"],
                "parent_pcode": None,
                "name_th": provinces["ADM1_TH"],
                "name_en": provinces["ADM1_EN"],
            },
            geometry=provinces.geometry.make_valid(),
            crs=4326,
        ),
        gpd.GeoDataFrame(
            {
                "level": "district",
                "pcode": districts.index,
                "parent_pcode": districts["ADM1_PCODE"].to_numpy(),
                "name_th": districts["ADM2_TH"].to_numpy(),
                "name_en": districts["ADM2_EN"].to_numpy(),
            },
            geometry=districts.geometry.make_valid().to_numpy(),
            crs=4326,
        ),
        gpd.GeoDataFrame(
            {
                "level": "tambon",
                "pcode": pick["ADM3_PCODE"],
                "parent_pcode": pick["ADM2_PCODE"],
                "name_th": pick["ADM3_TH"],
                "name_en": pick["ADM3_EN"],
            },
            geometry=pick.geometry,
            crs=4326,
        ),
    ]
    gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4326).to_parquet(
        processed / "boundaries.parquet", index=False
    )
    return towns["town_id"].tolist()


def make_project(root: Path, n: int) -> list[str]:
    (root / "data" / "raw").mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "notebooks", root / "notebooks", dirs_exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'bench'\n", encoding="utf-8")
    return make_store(root / "data" / "processed", n)


def cell_seconds(nb_path: Path) -> float:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return sum(
        float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb["cells"]
    )


def naive(root: Path, jobs: list[tuple[str, str]], notebook: str, out: Path) -> dict:
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    for town, lang in jobs:
        nb_out = out / f"{town}-{lang}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(root / "notebooks" / notebook),
                str(nb_out),
                "-p",
                "town_id",
                town,
                "-p",
                "lang",
                lang,
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
            cwd=root,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)],
            check=True,
            capture_output=True,
            cwd=root,
        )
    wall = time.perf_counter() - t0
    return {"wall": wall, "cells": sum(cell_seconds(p) for p in out.glob("*.ipynb")), "workers": 1}


def _competent_one(args: tuple[str, str, str, str]) -> float:

    src, dst, town, lang = args
    nb = pm.execute_notebook(
        src, dst, parameters={"town_id": town, "lang": lang}, progress_bar=False
    )
    html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
    Path(dst).with_suffix(".html").write_text(html, encoding="utf-8")
    return cell_seconds(Path(dst))


def competent(
    root: Path, jobs: list[tuple[str, str]], notebook: str, out: Path, workers: int
) -> dict:
    out.mkdir(parents=True)
    src = str(root / "notebooks" / notebook)
    tasks = [(src, str(out / f"{t}-{lang}.ipynb"), t, lang) for t, lang in jobs]
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(workers) as pool:
        cells = sum(pool.map(_competent_one, tasks))
    return {"wall": time.perf_counter() - t0, "cells": cells, "workers": workers}


def ecoplan(
    root: Path, towns: list[str], appendix: str, langs: list[str], workers: int, force: bool = True
) -> dict:
    cmd = [
        str(BIN / "ecoplan"),
        "build",
        "--town",
        *towns,
        "--appendix",
        appendix,
        "--lang",
        *langs,
        "--jobs",
        str(workers),
        "--no-cross-town",
        "--progress",
        "lines",
    ]
    if force:
        cmd.append("--force")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        msg = f"ecoplan build failed ({proc.returncode})"
        raise SystemExit(msg)
    report = json.loads((root / "reports" / "run.json").read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "cells": sum(j["cell_seconds"] for j in report["jobs"]),
        "workers": workers,
        "rss_mb": report["peak_worker_rss_mb"],
        "built": report["totals"]["built"],
        "skipped": report["totals"]["skipped"],
    }


def noop_100(tmp: Path, workers: int) -> dict:
    """Build 100 towns once with a tiny notebook, then time the no-op rebuild.

    The tiny notebook (``tests/data/notebooks/build_town.ipynb``) stands in for appendix b
    so the first build is quick; the no-op path (hash everything, skip everything) is the
    same whatever the notebook. Timed twice: the ``ecoplan`` CLI (a new process: imports
    included) and :func:`analysis.batch.executor.build` in-process with a pinned code hash
    (immune to concurrent edits of the library in a development tree).
    """
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS  # noqa: PLC0415

    root = tmp / "noop100"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks").mkdir()
    tiny = REPO / "tests" / "data" / "notebooks" / "build_town.ipynb"
    shutil.copy(tiny, root / "notebooks" / get_appendix("b").notebook)
    for spec in (*TOWN_SPECS, CROSS_SPEC):
        shutil.copy(REPO / "tests" / "data" / "notebooks" / spec.notebook, root / "notebooks")
    make_store(root / "data" / "processed", 100)
    os.environ["ECOPLAN_ROOT"] = str(root)
    cmd = [
        str(BIN / "ecoplan"),
        "build",
        "--all",
        "--appendix",
        "b",
        "--no-cross-town",
        "--jobs",
        str(workers),
        "--progress",
        "lines",
    ]
    out: dict = {}
    for label in ("cli_first", "cli_noop"):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, cwd=root, check=False)
        out[f"{label}_s"] = time.perf_counter() - t0
        report = json.loads((root / "reports" / "run.json").read_text(encoding="utf-8"))
        out[f"{label}_built"] = report["totals"]["built"]
        out[f"{label}_skipped"] = report["totals"]["skipped"]
        out[f"{label}_failed"] = report["totals"]["failed"]
    paths = ProjectPaths(root, root / "data" / "raw", root / "data" / "processed", root / "reports")
    opts = BuildOptions(
        specs=TOWN_SPECS,
        cross_spec=CROSS_SPEC,
        jobs=workers,
        progress=False,
        code_hash="pinned",
        **BASIC,
    )
    quiet = PlainProgress(io.StringIO())
    build(opts, paths, progress=quiet)
    t0 = time.perf_counter()
    second = build(opts, paths, progress=quiet)
    out["inproc_noop_s"] = time.perf_counter() - t0
    out["inproc_noop_skipped"] = second.totals.skipped
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--towns", type=int, default=4, help="N synthetic towns (default 4)")
    ap.add_argument("--appendix", default="b", help="appendix id (default b)")
    ap.add_argument("--lang", nargs="+", default=["en"], help="languages (default en)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", nargs="*", default=[], choices=["naive", "competent", "noop100"])
    ap.add_argument("--keep", action="store_true", help="keep the temporary project")
    ap.add_argument(
        "--tiny",
        action="store_true",
        help="replace the appendix notebook by a tiny one (tests/data/notebooks/build_town.ipynb) "
        "to measure per-notebook overhead rather than the appendix's own work",
    )
    args = ap.parse_args()

    notebook = get_appendix(args.appendix).notebook
    tmp = Path(tempfile.mkdtemp(prefix="ecoplan-bench-"))
    root = tmp / "project"
    for var in ("ECOPLAN_RAW_DIR", "ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR"):
        os.environ.pop(var, None)
    os.environ["ECOPLAN_ROOT"] = str(root)
    try:
        towns = make_project(root, args.towns)
        if args.tiny:
            tiny = REPO / "tests" / "data" / "notebooks" / "build_town.ipynb"
            shutil.copy(tiny, root / "notebooks" / notebook)
        jobs = [(t, lang) for t in towns for lang in args.lang]
        print(
            f"{len(towns)} towns x {len(args.lang)} lang = {len(jobs)} notebooks "
            f"({notebook}{' replaced by the tiny test notebook' if args.tiny else ''}); "
            f"project {root}; {os.cpu_count()} cores"
        )
        res: dict[str, dict] = {}
        res["c"] = ecoplan(root, towns, args.appendix, args.lang, args.workers)
        print("(c) ecoplan  ", _fmt(res["c"], len(towns)))
        if "competent" not in args.skip:
            res["b"] = competent(root, jobs, notebook, tmp / "competent", args.workers)
            print("(b) competent", _fmt(res["b"], len(towns)))
        if "naive" not in args.skip:
            res["a"] = naive(root, jobs, notebook, tmp / "naive")
            print("(a) naive    ", _fmt(res["a"], len(towns)))
        noop = ecoplan(root, towns, args.appendix, args.lang, args.workers, force=False)
        print(
            f"no-op rebuild of {len(towns)} towns (CLI, real appendix): {noop['wall']:.2f} s "
            f"({noop['skipped']} skipped, {noop['built']} built)"
        )
        if "a" in res:
            print(f"ratio (a)/(c) = {res['a']['wall'] / res['c']['wall']:.1f}x")
        if "b" in res:
            print(f"ratio (b)/(c) = {res['b']['wall'] / res['c']['wall']:.1f}x")
        print(f"peak RSS per ecoplan worker (process + kernel): {res['c']['rss_mb']:.0f} MB")
        if "noop100" not in args.skip:
            n100 = noop_100(tmp, args.workers)
            print(
                f"100 towns, tiny notebook: first build (CLI) {n100['cli_first_s']:.1f} s "
                f"({n100['cli_first_built']} built, {n100['cli_first_failed']} failed)"
            )
            print(
                f"no-op rebuild of 100 towns: CLI {n100['cli_noop_s']:.2f} s "
                f"({n100['cli_noop_skipped']} skipped, {n100['cli_noop_built']} built); "
                f"in-process {n100['inproc_noop_s']:.2f} s "
                f"({n100['inproc_noop_skipped']} skipped)"
            )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _fmt(r: dict, n_towns: int) -> str:
    over = r["wall"] - r["cells"] / r["workers"]
    return (
        f"wall {r['wall']:7.1f} s | {r['wall'] / n_towns:6.2f} s/town | cells "
        f"{r['cells']:7.1f} s | overhead {over:6.1f} s ({100 * over / r['wall']:4.1f} %)"
    )


if __name__ == "__main__":
    main()
