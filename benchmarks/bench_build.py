"""Benchmark `ecoplan build` against the naive and the competent ways of running notebooks.

Generates N synthetic towns on real tambon boundaries (``tha_adm3_tambons_national_l1``)
with synthetic indicator series into a temporary project (``ECOPLAN_ROOT``), then times,
in the same run, the same notebooks (default: appendix b, English) three ways:

(a) naive: ``papermill`` CLI then ``jupyter nbconvert`` CLI per notebook, sequential;
(b) competent: ``papermill.execute_notebook`` + nbconvert in-process, 2 processes;
(c) ``ecoplan build`` (CLI, warm kernels, ``--jobs 2``, ``--force``).

It prints the ratios, seconds per town, overhead share (wall minus the cells' own execution
time) and a per-phase table from ``run.json`` (kernel start/reset, Papermill, cells, read
back, render, combined page, client writes). Then, on the first N towns:

* the full appendix set (every appendix, both languages, combined pages, then the PDFs
  when Chromium is there), seconds per town on the local workers, with its phase table
  and a cProfile of one worker's town (figure drawing, PNG encoding, data reads,
  nbconvert, HTML re-parse, sanitising; :mod:`profile_worker`);
* the distributed path: a real ``dask scheduler`` and 1 then 2 ``dask worker``
  processes on 127.0.0.1 building the same towns, and the speed-up;
* peak RSS per worker (process + kernel, from ``run.json``) and the no-op rebuild of
  100 towns through the CLI (built once with a tiny notebook).

The machine is shared in development: compare the ratios and phase shares of one run,
not absolute seconds across runs.

Usage::

    .venv/bin/python benchmarks/bench_build.py --towns 24
    .venv/bin/python benchmarks/bench_build.py --towns 24 50          # everything
    .venv/bin/python benchmarks/bench_build.py --quick                 # smoke test (3 towns)
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import io
import json
import os
import re
import shutil
import signal
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


#: How often the competent way starts a notebook again whose kernel died before it
#: answered. jupyter_client picks a kernel's TCP ports by binding to port 0 and letting
#: go, so two processes starting kernels at the same moment can pick the same port (the
#: second kernel then exits with "Address already in use"). A competent batch script
#: retries; the retry's time counts in (b)'s wall.
KERNEL_START_RETRIES = 2


def _competent_one(args: tuple[str, str, str, str]) -> float:

    src, dst, town, lang = args
    for attempt in range(KERNEL_START_RETRIES + 1):
        try:
            nb = pm.execute_notebook(
                src, dst, parameters={"town_id": town, "lang": lang}, progress_bar=False
            )
            break
        except RuntimeError as exc:
            if "Kernel died before replying" not in str(exc) or attempt == KERNEL_START_RETRIES:
                raise
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
    root: Path,
    towns: list[str],
    appendix: str | None,
    langs: list[str],
    workers: int,
    force: bool = True,
    extra: tuple[str, ...] = (),
) -> dict:
    """Run ``ecoplan build`` (CLI); return wall, cells, phases and RSS from run.json.

    ``appendix=None`` builds every appendix; ``extra`` adds options (``--pdf``,
    ``--scheduler ADDRESS`` in place of ``--jobs``).
    """
    cmd = [str(BIN / "ecoplan"), "build", "--town", *towns, "--lang", *langs]
    if appendix is not None:
        cmd += ["--appendix", appendix]
    if "--scheduler" not in extra:
        cmd += ["--jobs", str(workers)]
    cmd += ["--no-cross-town", "--progress", "lines", *extra]
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
        "failed": report["totals"]["failed"],
        "phases": report.get("phases", {}),
        "stderr": proc.stderr,
    }


def write_tiny_notebook(path: Path, appendix: str) -> None:
    """Write a notebook that only validates its parameters and shows the page header.

    The smallest notebook the appendix renderer accepts (it needs the page metadata that
    :func:`analysis.report.page_header` emits): it measures per-notebook overhead.
    """
    import nbformat  # noqa: PLC0415

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('town_id = "demo"\nlang = "th"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "from analysis import report\n\n"
            "run = report.validate_params(town_id=town_id, lang=lang)"
        ),
        nbformat.v4.new_code_cell(f"report.page_header(run, {appendix!r})"),
    ]
    nb.metadata["kernelspec"] = {"name": "ecoplan", "display_name": "ecoplan", "language": "python"}
    nbformat.write(nb, path)


def noop_100(tmp: Path, workers: int, n: int = 100) -> dict:
    """Build ``n`` (100) towns once with a tiny notebook, then time the no-op rebuild.

    The tiny notebook (:func:`write_tiny_notebook`) stands in for appendix b
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
    write_tiny_notebook(root / "notebooks" / get_appendix("b").notebook, "b")
    for spec in (*TOWN_SPECS, CROSS_SPEC):
        shutil.copy(REPO / "tests" / "data" / "notebooks" / spec.notebook, root / "notebooks")
    make_store(root / "data" / "processed", n)
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


#: Phases in the order of a page's life (worker: kernel .. render; client: the rest).
PHASE_ORDER = (
    "analyse",
    "plan",
    "kernel_start",
    "kernel_reset",
    "papermill",
    "cells",
    "read_back",
    "render",
    "combine",
    "write",
    "publish",
)
WORKER_PHASES = {"kernel_start", "kernel_reset", "papermill", "cells", "read_back", "render"}


def phase_table(title: str, phases: dict[str, float], wall: float, workers: int) -> str:
    """Format run.json ``phases`` as a table: seconds, share of worker time, of wall.

    Worker phases are summed over workers (CPU-side seconds); client phases run in the
    build process. The share columns are what to compare between runs on a busy machine.
    """
    work = sum(v for k, v in phases.items() if k in WORKER_PHASES | {"combine"}) or 1.0
    lines = [
        f"{title}: {wall:.1f} s wall, {workers} workers",
        f"  {'phase':<14} {'seconds':>9} {'% worker':>9} {'% of wall x workers':>20}",
    ]
    for name in (*PHASE_ORDER, *sorted(set(phases) - set(PHASE_ORDER))):
        if name not in phases:
            continue
        sec = phases[name]
        share = f"{100 * sec / work:8.1f}%" if name in WORKER_PHASES | {"combine"} else " " * 9
        lines.append(f"  {name:<14} {sec:9.2f} {share} {100 * sec / (wall * workers):19.1f}%")
    return "\n".join(lines)


def profile_table(root: Path, town: str, lang: str, warm_town: str | None) -> str:
    """cProfile one worker's cells, rendering and combined page (:mod:`profile_worker`)."""
    cmd = [sys.executable, str(Path(__file__).with_name("profile_worker.py")), town, lang]
    if warm_town:
        cmd += ["--warm-town", warm_town]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root, check=False)
    if proc.returncode != 0:
        return f"profile failed: {proc.stderr[-2000:]}"
    prof = json.loads(proc.stdout.strip().splitlines()[-1])
    lines = [f"cProfile of one worker, town {town} ({lang}), all appendices (seconds, % of part):"]
    for part in ("cells", "render", "combine"):
        cats = prof[part]
        total = cats.pop("total") or 1.0
        lines.append(f"  {part} total {total:.2f} s (profiled, so slower than in a build)")
        for name, sec in sorted(cats.items(), key=lambda kv: -kv[1]):
            if sec >= 0.005 * total:
                lines.append(f"    {name:<46} {sec:7.2f} s {100 * sec / total:5.1f}%")
    return "\n".join(lines)


def _wait_for(predicate, timeout: float, what: str, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if any(p.poll() is not None for p in procs):
            msg = f"{what}: a dask process exited early"
            raise SystemExit(msg)
        time.sleep(0.2)
    msg = f"timed out waiting for {what}"
    raise SystemExit(msg)


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _dask_worker(address: str, name: str, env: dict, cwd: Path) -> subprocess.Popen:
    cmd = [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1"]
    cmd += ["--no-dashboard", "--memory-limit", "0", "--name", name, "--host", "127.0.0.1"]
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=cwd,
    )


def _sync_worker_data(root: Path, worker_root: Path) -> None:
    """Bring the client's results up to date, then give the workers a copy of its data.

    The results folder is a symlink to its current generation: copied as a symlink.
    """
    subprocess.run([str(BIN / "ecoplan"), "analyse"], cwd=root, capture_output=True, check=True)
    shutil.rmtree(worker_root / "data", ignore_errors=True)
    shutil.copytree(root / "data", worker_root / "data", symlinks=True)


def dask_scaling(
    root: Path, towns: list[str], appendix: str | None, langs: list[str], tmp: Path
) -> dict:
    """Build the same towns on a real Dask scheduler with 1, then 2 fresh, warmed workers.

    Each worker's kernel is started before the build is timed (a long-lived cluster
    pays that once), so the speed-up is the steady state of a national build.

    The scheduler and workers are ``dask`` command-line processes on 127.0.0.1 (as in
    ``tests/integration/test_dask_build.py``); workers read a copy of the project's data
    and their reports folder stays unused (results travel back to the client).
    """
    from distributed import Client  # noqa: PLC0415

    from analysis.batch.worker import warm_up  # noqa: PLC0415

    worker_root = tmp / "dask-worker"
    shutil.copytree(root / "notebooks", worker_root / "notebooks", dirs_exist_ok=True)
    env = {
        **os.environ,
        "ECOPLAN_ROOT": str(worker_root),
        "ECOPLAN_REPORTS_DIR": str(worker_root / "reports-unused"),
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
    }
    sched_file = tmp / "scheduler.json"
    sched = subprocess.Popen(
        [
            *(str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0"),
            *("--no-dashboard", "--scheduler-file", str(sched_file)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=worker_root,
    )
    out: dict = {}
    try:
        _wait_for(sched_file.exists, 60, "the scheduler file", [sched])
        address = json.loads(sched_file.read_text())["address"]
        for n in (1, 2):
            _sync_worker_data(root, worker_root)
            workers = [_dask_worker(address, f"w{i}", env, worker_root) for i in range(n)]
            try:
                with Client(address, timeout=30) as client:
                    _wait_for(
                        lambda c=client, k=n: len(c.scheduler_info()["workers"]) >= k,
                        90,
                        f"{n} dask workers",
                        [sched, *workers],
                    )
                    # Long-lived cluster: each worker's kernel started before timing (on
                    # its task thread, where the build's tasks find it).
                    client.gather(
                        [
                            client.submit(warm_up, "ecoplan", workers=[w], pure=False)
                            for w in client.scheduler_info()["workers"]
                        ]
                    )
                out[n] = ecoplan(root, towns, appendix, langs, n, extra=("--scheduler", address))
            finally:
                _stop(workers)
                with Client(address, timeout=30) as client:
                    _wait_for(
                        lambda c=client: not c.scheduler_info()["workers"],
                        60,
                        "the workers to leave",
                        [sched],
                    )
    finally:
        _stop([sched])
    return out


def three_way(
    root: Path, towns: list[str], args: argparse.Namespace, tmp: Path, notebook: str
) -> dict:
    """(a) naive CLIs, (b) competent in-process, (c) ``ecoplan build`` on the same towns."""
    n = len(towns)
    jobs = [(t, lang) for t in towns for lang in args.lang]
    print(f"\n== three-way comparison: {n} towns x {len(args.lang)} lang = {len(jobs)} notebooks")
    res: dict[str, dict] = {}
    res["c"] = ecoplan(root, towns, args.appendix, args.lang, args.workers)
    print("(c) ecoplan  ", _fmt(res["c"], n))
    if "competent" not in args.skip:
        res["b"] = competent(root, jobs, notebook, tmp / f"competent-{n}", args.workers)
        print("(b) competent", _fmt(res["b"], n))
    if "naive" not in args.skip:
        res["a"] = naive(root, jobs, notebook, tmp / f"naive-{n}")
        print("(a) naive    ", _fmt(res["a"], n))
    if "a" in res:
        print(f"ratio (a)/(c) = {res['a']['wall'] / res['c']['wall']:.2f}x (goal >= 10x)")
    if "b" in res:
        print(f"ratio (b)/(c) = {res['b']['wall'] / res['c']['wall']:.2f}x (goal >= 3x)")
    print(phase_table(f"(c) phases, {n} towns", res["c"]["phases"], res["c"]["wall"], args.workers))
    print(f"peak RSS per ecoplan worker (process + kernel): {res['c']['rss_mb']:.0f} MB")
    return res


def full_set(root: Path, towns: list[str], args: argparse.Namespace) -> dict:
    """Every appendix, both languages, combined pages, then the PDFs (when Chromium is there)."""
    from analysis.batch.pdf import find_chromium  # noqa: PLC0415

    n = len(towns)
    langs = ["th", "en"]
    print(f"\n== full appendix set: {n} towns x 2 lang x every appendix + combined pages")
    res = ecoplan(root, towns, None, langs, args.workers)
    print(
        f"pages: wall {res['wall']:.1f} s | {res['wall'] / n:.2f} s/town (goal <= 2.0) | "
        f"{res['built']} built, {res['failed']} failed | peak RSS per worker "
        f"{res['rss_mb']:.0f} MB (goal <= 1000)"
    )
    print(phase_table(f"full set phases, {n} towns", res["phases"], res["wall"], args.workers))
    res["pdf_wall"] = None
    if "pdf" not in args.skip and find_chromium():
        pdf = ecoplan(root, towns, None, langs, args.workers, force=False, extra=("--pdf",))
        res["pdf_wall"] = pdf["wall"]
        print(
            f"PDF (no-op page build + 2 PDFs per town, Chromium): {pdf['wall']:.1f} s | "
            f"{pdf['wall'] / n:.2f} s/town; pages + PDF {(res['wall'] + pdf['wall']) / n:.2f} s/town"
        )
    elif "pdf" not in args.skip:
        print("PDF: skipped (Chromium not found)")
    warned = res["stderr"].count("without encryption")
    print(f"kernel TCP warnings in the build's stderr: {warned}")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--towns", type=int, nargs="+", default=[24], help="N synthetic towns (default 24)"
    )
    ap.add_argument("--appendix", default="b", help="appendix id (default b)")
    ap.add_argument("--lang", nargs="+", default=["en"], help="languages (default en)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["naive", "competent", "three-way", "full", "pdf", "dask", "profile", "noop100"],
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 3 towns, no naive way, no PDF, no-op rebuild of 20 towns",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary project")
    ap.add_argument(
        "--tiny",
        action="store_true",
        help="replace the appendix notebook by a tiny one (its page header only) "
        "to measure per-notebook overhead rather than the appendix's own work",
    )
    args = ap.parse_args()
    if args.quick:
        args.towns = [3]
        args.skip = sorted({*args.skip, "naive", "pdf"})

    notebook = get_appendix(args.appendix).notebook
    tmp = Path(tempfile.mkdtemp(prefix="ecoplan-bench-"))
    root = tmp / "project"
    for var in ("ECOPLAN_RAW_DIR", "ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR"):
        os.environ.pop(var, None)
    os.environ["ECOPLAN_ROOT"] = str(root)
    try:
        all_towns = make_project(root, max(args.towns))
        # The analysis stage is its own command: run it once, before any of the ways, so
        # all of them read the same stored results and none is timed computing them.
        t_an = time.perf_counter()
        subprocess.run([str(BIN / "ecoplan"), "analyse"], cwd=root, check=True, capture_output=True)
        print(
            f"analysis stage (`ecoplan analyse`, not in the timings below): "
            f"{time.perf_counter() - t_an:.1f} s"
        )
        if args.tiny:
            write_tiny_notebook(root / "notebooks" / notebook, args.appendix)
        print(
            f"benchmark: towns {args.towns}, appendix {args.appendix} ({notebook}"
            f"{', replaced by the tiny test notebook' if args.tiny else ''}), "
            f"{args.workers} workers, {os.cpu_count()} cores; project {root}"
        )
        towns = all_towns[: args.towns[0]]
        if "three-way" not in args.skip:
            for n in args.towns:
                three_way(root, all_towns[:n], args, tmp, notebook)
            noop = ecoplan(root, towns, args.appendix, args.lang, args.workers, force=False)
            print(
                f"no-op rebuild of {len(towns)} towns (CLI, real appendix): {noop['wall']:.2f} s "
                f"({noop['skipped']} skipped, {noop['built']} built)"
            )
        if "full" not in args.skip and not args.tiny:
            full_set(root, towns, args)
            if "profile" not in args.skip:
                warm = towns[1] if len(towns) > 1 else None
                print(profile_table(root, towns[0], "th", warm))
        if "dask" not in args.skip:
            print(
                f"\n== Dask: scheduler + 1 then 2 warmed workers, {len(towns)} towns, appendix "
                f"{args.appendix} ({' '.join(args.lang)})"
            )
            dask = dask_scaling(root, towns, args.appendix, args.lang, tmp)
            for k, r in dask.items():
                print(f"dask {k} worker(s):", _fmt(r, len(towns)), f"| RSS {r['rss_mb']:.0f} MB")
            print(
                f"dask speed-up 1 -> 2 workers: {dask[1]['wall'] / dask[2]['wall']:.2f}x "
                "(goal >= 1.8x)"
            )
        if "noop100" not in args.skip:
            n_noop = 20 if args.quick else 100
            n100 = noop_100(tmp, args.workers, n_noop)
            print(
                f"\n{n_noop} towns, tiny notebook: first build (CLI) {n100['cli_first_s']:.1f} s "
                f"({n100['cli_first_built']} built, {n100['cli_first_failed']} failed)"
            )
            print(
                f"no-op rebuild of {n_noop} towns: CLI {n100['cli_noop_s']:.2f} s "
                f"({n100['cli_noop_skipped']} skipped, {n100['cli_noop_built']} built; goal <= 2 s); "
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
