"""The worker profile's categories add up to its total (benchmarks/profile_worker.py)."""

from __future__ import annotations

import pstats
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
profile_worker = pytest.importorskip("profile_worker")


def _stats(table: dict) -> pstats.Stats:
    stats = pstats.Stats.__new__(pstats.Stats)
    stats.stats = table  # type: ignore[attr-defined]
    return stats


def test_calls_back_from_c_are_not_counted_twice() -> None:
    """A template function called through ``str.join`` stays inside the export that ran it."""
    page = ("/src/analysis/report/render.py", 1, "render_page")
    export = ("/site-packages/nbconvert/exporters/html.py", 1, "from_notebook_node")
    join = ("~", 0, "<method 'join' of 'str' objects>")
    block = ("/share/jupyter/nbconvert/templates/base/null.j2", 92, "block_codecell")
    own = ("/src/analysis/report/templates/ecoplan/index.html.j2", 4, "root")
    table = {
        page: (1, 1, 0.2, 1.0, {}),
        export: (1, 1, 0.1, 0.8, {page: (1, 1, 0.1, 0.8)}),
        join: (2, 2, 0.0, 0.5, {export: (2, 2, 0.0, 0.5)}),
        own: (1, 1, 0.1, 0.3, {join: (1, 1, 0.1, 0.3)}),
        block: (1, 1, 0.2, 0.2, {join: (1, 1, 0.2, 0.2)}),
    }
    shares = profile_worker.categorise(_stats(table))
    assert shares["nbconvert export (templates)"] == pytest.approx(0.8)
    assert shares["other (pandas, report code, IPython)"] == pytest.approx(0.2)
    parts = sum(v for k, v in shares.items() if k != "total")
    assert parts == pytest.approx(shares["total"]) == pytest.approx(1.0)
