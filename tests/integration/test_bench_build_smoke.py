"""Smoke test of ``benchmarks/bench_build.py``: it runs and prints its tables (no timings checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "benchmarks" / "bench_build.py"


def test_bench_build_prints_phase_table_and_noop_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOPLAN_")}
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--towns",
            "1",
            "--tiny",
            "--skip",
            "naive",
            "competent",
            "full",
            "dask",
            "noop100",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "(c) ecoplan" in out
    assert "(c) phases, 1 towns" in out
    for phase in ("kernel_start", "papermill", "cells", "render", "combine"):
        assert f"\n  {phase} " in out, phase
    assert "peak RSS per ecoplan worker" in out
    assert "no-op rebuild of 1 towns" in out


def test_phase_table_shares_add_up():
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_build import phase_table  # noqa: PLC0415

    table = phase_table("t", {"plan": 1.0, "cells": 3.0, "render": 1.0}, wall=5.0, workers=1)
    lines = table.splitlines()
    assert lines[0] == "t: 5.0 s wall, 1 workers"
    cells = next(line for line in lines if line.strip().startswith("cells"))
    assert "75.0%" in cells  # 3 of the 4 worker seconds
    assert "60.0%" in cells  # 3 of 5 s of wall x 1 worker
    plan = next(line for line in lines if line.strip().startswith("plan"))
    assert "20.0%" in plan
