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


def test_time_is_split_by_caller_and_nested_parts_come_out_of_their_parent() -> None:
    """A matplotlib call made by the map code is map time; encoding and drawing leave building."""
    cell = ("/src/analysis/report/green.py", 1, "greenspace_map")
    block = ("/src/analysis/report/figure_block.py", 1, "figure")
    layer = ("/src/analysis/spatial/polygons.py", 1, "plot_polygons")
    add = ("/site-packages/matplotlib/axes/_base.py", 1, "add_collection")
    savefig = ("/site-packages/matplotlib/figure.py", 1, "savefig")
    printer = ("/src/analysis/report/agg_text.py", 1, "print_report_png")
    draw = ("/site-packages/matplotlib/backends/backend_agg.py", 1, "draw")
    encode = ("/src/analysis/report/pngenc.py", 1, "encode_png")
    table = {
        cell: (1, 1, 0.1, 2.0, {}),
        layer: (1, 1, 0.1, 0.5, {cell: (1, 1, 0.1, 0.5)}),
        # 0.3 s of collections added by the map code, 0.2 s by the report code
        add: (2, 2, 0.5, 0.5, {layer: (1, 1, 0.3, 0.3), cell: (1, 1, 0.2, 0.2)}),
        block: (1, 1, 0.0, 1.3, {cell: (1, 1, 0.0, 1.3)}),
        savefig: (1, 1, 0.1, 1.2, {block: (1, 1, 0.1, 1.2)}),
        printer: (1, 1, 0.1, 1.1, {savefig: (1, 1, 0.1, 1.1)}),
        draw: (1, 1, 0.8, 0.8, {printer: (1, 1, 0.8, 0.8)}),
        encode: (1, 1, 0.2, 0.2, {printer: (1, 1, 0.2, 0.2)}),
    }
    shares = profile_worker.categorise(_stats(table))
    assert shares["maps (spatial, geopandas, shapely)"] == pytest.approx(0.5)
    assert shares["figure drawing (Agg, text layout)"] == pytest.approx(0.8)
    assert shares["PNG encoding"] == pytest.approx(0.2)
    # add_collection from the report code (0.2) and savefig's own work around the print (0.2)
    assert shares["figure building (matplotlib/seaborn calls)"] == pytest.approx(0.4)
    assert shares["other (pandas, report code, IPython)"] == pytest.approx(0.1)
    parts = sum(v for k, v in shares.items() if k != "total")
    assert parts == pytest.approx(shares["total"]) == pytest.approx(2.0)
