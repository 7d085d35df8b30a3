"""Benchmark the memory and time of reading raw indicator files (issue 16, item 3).

Run from the project root::

    .venv/bin/python benchmarks/bench_ingest_memory.py [--csv-mb 50] [--naive-rows 100000]

Each measurement runs in a fresh Python process, which prints its peak resident set size
(``ru_maxrss``) and wall time; the process's RSS after its imports is the baseline, so
"work" is what reading the file added. Cases:

* ``tests/data/bad/stray_cell_row.xlsx`` and ``stray_cell_column.xlsx`` (5 kB workbooks
  with one stray cell at ``G1048576`` / ``ALL1048576``): the streaming reader
  (``read_raw_file``) and the whole ingest of the file (``ingest_files``).
* A SYNTHETIC long-layout CSV of about ``--csv-mb`` MB (just under the 50 MiB default
  limit), written to a temporary folder and deleted afterwards: reader and ingest. The
  registry has few towns, so its rows repeat 296 keys as identical duplicates (collapsed).
* The naive dense approach the reader used before (openpyxl loads the workbook, then a
  grid of the whole used range is built): only on a smaller stray-cell workbook (stray
  cell at ``G<naive-rows>``) and under an address-space limit, because on the real fixture
  it needs 2.1 GB (``G1048576``) or fails with MemoryError (``ALL1048576``). The streaming
  reader is measured on the same small workbook and the ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
#: Address-space limit of the naive child process (it must not take the machine down).
NAIVE_LIMIT_BYTES = 3 * 1024**3
HEADER = "town,indicator,year,value,unit,source\n"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _naive_dense(path: Path) -> int:
    """Read a workbook the old way: full openpyxl load, then a dense grid of the used range."""
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.load_workbook(path, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        grid = [
            [c.value for c in row]
            for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
        ]
        cells += sum(len(r) for r in grid)
    return cells


def child(mode: str, path: str) -> None:
    """Run one measurement in this process and print it as JSON."""
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.ingest import ingest_files  # noqa: PLC0415
    from analysis.ingest.readers import read_raw_file  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.towns import load_towns  # noqa: PLC0415

    catalogue = load_catalogue()
    towns = load_towns(get_paths().towns_csv)
    import openpyxl  # noqa: F401, PLC0415 - imported before the baseline in every mode

    base = _rss_mb()
    target = Path(path)
    t0 = time.perf_counter()
    if mode == "reader":
        tables = read_raw_file(target, label=target.name)
        detail = f"{sum(len(t.rows) for t in tables)} rows kept"
    elif mode == "ingest":
        res = ingest_files([target], catalogue, towns, raw_root=target.parent)
        detail = f"{len(res.rows)} loaded, {len(res.rejected)} rejected, {len(res.ignored)} ignored"
    elif mode == "naive":
        resource.setrlimit(resource.RLIMIT_AS, (NAIVE_LIMIT_BYTES, NAIVE_LIMIT_BYTES))
        try:
            detail = f"{_naive_dense(target):,} grid cells"
        except MemoryError:
            detail = "MemoryError"
    else:
        msg = f"unknown mode {mode}"
        raise SystemExit(msg)
    seconds = time.perf_counter() - t0
    print(json.dumps({"s": seconds, "peak": _rss_mb(), "base": base, "detail": detail}))


def measure(mode: str, path: Path) -> dict:
    """Run :func:`child` in a fresh interpreter and return its numbers."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_csv(folder: Path, megabytes: float) -> Path:
    """Write a SYNTHETIC long-layout CSV of about ``megabytes`` MB (under the 50 MiB limit)."""
    path = folder / "synthetic_large.csv"
    target = min(int(megabytes * 1_000_000), 50 * 1024 * 1024 - 4096)
    towns = ["nakhon-sawan", "takhli", "mueang-nan", "nam-chiao"]
    indicators = ["pm25_annual", "pm10_annual"]
    size = len(HEADER)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        i = 0
        while size < target:
            town, ind, year = i % 4, (i // 4) % 2, i % 37
            # the value depends on the key only: the 296 keys repeat as identical duplicates
            # (the registry has few towns), which ingest collapses, as a real resend would.
            value = 10 + ((town * 37 + year) * 7 + ind) % 500 / 10
            line = (
                f"{towns[town]},{indicators[ind]},{1990 + year},{value:.1f},ug/m3,"
                f"SYNTHETIC benchmark\n"
            )
            fh.write(line)
            size += len(line.encode())
            i += 1
    return path


def naive_fixture(folder: Path, rows: int) -> Path:
    """Write the stray-cell workbook with the stray cell at ``G<rows>`` (small enough)."""
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["town", "indicator", "year", "value", "unit", "source"])
    ws.append(["takhli", "pm25_annual", 2566, 20, "ug/m3", "SYNTHETIC benchmark"])
    ws[f"G{rows}"] = "x"
    path = folder / f"stray_cell_G{rows}.xlsx"
    wb.save(path)
    return path


def line(label: str, m: dict) -> str:
    """Format one result line."""
    work = m["peak"] - m["base"]
    return (
        f"{label:<44} {m['s']:7.2f} s  peak RSS {m['peak']:7.1f} MB "
        f"(+{work:6.1f} MB over {m['base']:.0f} MB baseline)  {m['detail']}"
    )


def main() -> None:
    """Run the cases and print one line each, then the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv-mb", type=float, default=50.0)
    parser.add_argument("--naive-rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="ecoplan-bench-") as tmp:
        folder = Path(tmp)
        for name in ("stray_cell_row.xlsx", "stray_cell_column.xlsx"):
            size = (BAD / name).stat().st_size
            print(line(f"reader  {name} ({size / 1024:.0f} kB)", measure("reader", BAD / name)))
            print(line(f"ingest  {name}", measure("ingest", BAD / name)))
        csv = write_csv(folder, args.csv_mb)
        size_mb = csv.stat().st_size / 1e6
        print(line(f"reader  SYNTHETIC CSV ({size_mb:.1f} MB)", measure("reader", csv)))
        print(line(f"ingest  SYNTHETIC CSV ({size_mb:.1f} MB)", measure("ingest", csv)))
        small = naive_fixture(folder, args.naive_rows)
        stream = measure("reader", small)
        naive = measure("naive", small)
        print(line(f"reader  {small.name} (streaming)", stream))
        print(line(f"naive   {small.name} (dense grid)", naive))
        if naive["detail"] != "MemoryError":
            work_s = max(stream["peak"] - stream["base"], 0.1)
            work_n = naive["peak"] - naive["base"]
            print(
                f"ratio naive / streaming on {small.name}: time {naive['s'] / stream['s']:.0f}x, "
                f"added RSS {work_n / work_s:.0f}x (the naive grid grows with the stray cell's "
                "row; at G1048576 it needed 2.1 GB, issue 16)"
            )


if __name__ == "__main__":
    main()
