"""cProfile one build worker's work for one town and language, split into phases.

Runs, in this process, what a worker and its kernel do for one town and language:
the appendix notebooks' cells (in an in-process IPython shell with the worker's warm
imports, after one unprofiled warm-up notebook, as on a warm kernel), the page
rendering (nbconvert export, sanitising) and the combined page, all under
:mod:`cProfile`. It prints one JSON object: seconds per category (figure drawing, PNG
encoding, data reads, statistics, nbconvert, HTML re-parse, sanitising, ...) and the
total, so :mod:`bench_build` can print proportions.

Usage (inside a project, ``ECOPLAN_ROOT`` set)::

    .venv/bin/python benchmarks/profile_worker.py TOWN LANG [--warm-town OTHER]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import io
import json
import pstats
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

FunctionKey = tuple[str, int, str]
Predicate = Callable[[FunctionKey], bool]


#: ecoplan's own canvas (text shaping and PNG writing) runs inside matplotlib's calls
#: and calls back into them: it belongs to the figure's side.
_CANVAS_FILES = ("analysis/report/agg_text", "analysis/report/pngenc")


def _in_mpl(f: FunctionKey) -> bool:
    return "matplotlib" in f[0] or "seaborn" in f[0] or any(c in f[0] for c in _CANVAS_FILES)


def _in_maps(f: FunctionKey) -> bool:
    return "analysis/spatial" in f[0] or "geopandas" in f[0] or "shapely" in f[0]


#: (category, predicate on a cProfile function key ``(file, line, name)``, categories
#: whose calls into it are theirs). A function's time counts once, for the calls made
#: from outside its own category and outside the listed ones: the maps' calls into
#: matplotlib are map time, a drawing's text layout is drawing time.
CATEGORIES: tuple[tuple[str, Predicate, tuple[str, ...]], ...] = (
    ("PNG encoding", lambda f: f[2] == "encode_png" and "pngenc" in f[0], ()),
    ("figure drawing (Agg, text layout)", lambda f: f[2] == "draw" and "backend_agg" in f[0], ()),
    ("tight bounding box", lambda f: f[2] == "get_tightbbox" and "figure.py" in f[0], ()),
    ("maps (spatial, geopandas, shapely)", _in_maps, ()),
    (
        "figure building (matplotlib/seaborn calls)",
        _in_mpl,
        ("maps (spatial, geopandas, shapely)",),
    ),
    ("data reads (parquet)", lambda f: f[2] in {"read_parquet", "read_table"}, ()),
    (
        "statistics (scipy/statsmodels/analysis.stats)",
        lambda f: "scipy" in f[0] or "statsmodels" in f[0] or "analysis/stats" in f[0],
        (),
    ),
    ("nbconvert HTML re-parse (bs4)", lambda f: "bs4" in f[0] or "soupsieve" in f[0], ()),
    (
        "sanitising (nh3, markdown)",
        lambda f: f[2] == "sanitise_html" or "nh3" in f[2] or "mistune" in f[0],
        (),
    ),
    (
        "nbconvert export (templates)",
        # compiled templates are named by their .j2 file: ecoplan's own templates call
        # nbconvert's, which would otherwise count again as outermost calls
        lambda f: "nbconvert" in f[0] or "jinja2" in f[0] or f[0].endswith(".j2"),
        (),
    ),
    ("i18n / formatting", lambda f: "analysis/i18n" in f[0] or "analysis/report/fmt" in f[0], ()),
)

#: (parent, children): time the children's calls spend inside the parent's functions
#: is reported under the children only.
NESTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "figure building (matplotlib/seaborn calls)",
        ("figure drawing (Agg, text layout)", "PNG encoding", "tight bounding box"),
    ),
    (
        "nbconvert export (templates)",
        ("nbconvert HTML re-parse (bs4)", "sanitising (nh3, markdown)"),
    ),
)


def _claimed(caller: FunctionKey, preds: list[Predicate], table: dict) -> bool:
    """Whether a call from ``caller`` is already inside a claimed category.

    Python code called back from C (``str.join`` over a generator, ``next``, ``exec``)
    has the builtin as its caller in cProfile; the builtin's own callers decide.
    """
    if any(p(caller) for p in preds):
        return True
    if caller[0] == "~":
        callers = table.get(caller, (0, 0, 0, 0, {}))[4]
        return any(p(c) for c in callers for p in preds)
    return False


def categorise(stats: pstats.Stats) -> dict[str, float]:
    """Return seconds per :data:`CATEGORIES` entry, each call counted once.

    For each function a category claims, cProfile records the cumulative time of its
    calls per caller; the calls from a caller outside the category (and outside the
    categories it defers to) are the category's entry points, and their cumulative
    times add up to the category's time. Nested categories (:data:`NESTED`) are then
    taken out of their parents: drawing, the PNG encoder and the tight bounding box out
    of figure building, the re-parse and the sanitiser out of the nbconvert export.
    "other" is what no category claims.

    Parameters
    ----------
    stats : pstats.Stats
        The profile.

    Returns
    -------
    dict
        Seconds per category, plus ``"total"``.
    """
    table = stats.stats  # type: ignore[attr-defined]
    total = max((v[3] for v in table.values()), default=0.0)
    preds = {name: pred for name, pred, _ in CATEGORIES}
    out: dict[str, float] = {}
    for name, pred, defers_to in CATEGORIES:
        owners = [pred, *(preds[d] for d in defers_to)]
        seconds = 0.0
        for key, (_cc, _nc, _tt, cum, callers) in table.items():
            if not pred(key):
                continue
            if not callers:  # a root of the profile
                seconds += cum
                continue
            for caller, (*_, caller_cum) in callers.items():
                if not _claimed(caller, owners, table):
                    seconds += caller_cum
        out[name] = seconds
    for parent, children in NESTED:
        out[parent] = max(0.0, out[parent] - sum(out[c] for c in children))
    out["other (pandas, report code, IPython)"] = max(0.0, total - sum(out.values()))
    out["total"] = total
    return out


def _run_cells(shell, nb, town: str, lang: str, prof: cProfile.Profile | None) -> float:
    shell.reset(new_session=False)
    t0 = time.perf_counter()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            # the defaults, then the values Papermill would inject after them
            shell.run_cell(f"{cell.source}\ntown_id = {town!r}\nlang = {lang!r}")
            continue
        if prof:
            prof.enable()
        with contextlib.redirect_stdout(io.StringIO()):
            res = shell.run_cell(cell.source)
        if prof:
            prof.disable()
        if res.error_in_exec is not None:
            msg = f"cell failed: {res.error_in_exec!r}"
            raise RuntimeError(msg)
    return time.perf_counter() - t0


def profile_town(town: str, lang: str, warm_town: str | None) -> dict[str, object]:
    """Profile cells, rendering and the combined page of one town and language.

    Parameters
    ----------
    town, lang : str
        The town and language profiled.
    warm_town : str, optional
        A town whose notebooks run first, unprofiled (module caches warm, as on a
        worker that already built a page).

    Returns
    -------
    dict
        ``cells``, ``render``, ``combine`` (seconds per category each) and ``seconds``.
    """
    import nbformat  # noqa: PLC0415
    from IPython.core.interactiveshell import InteractiveShell  # noqa: PLC0415

    from analysis.batch.engine import WARM_IMPORTS  # noqa: PLC0415
    from analysis.paths import get_paths  # noqa: PLC0415
    from analysis.report.appendices import APPENDICES  # noqa: PLC0415
    from analysis.report.render import render_appendix_page, render_combined_html  # noqa: PLC0415

    for mod in WARM_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(mod)
    notebooks = Path(get_paths().notebooks)
    shell = InteractiveShell.instance()
    nbs = {s.id: nbformat.read(notebooks / s.notebook, as_version=4) for s in APPENDICES}
    if warm_town:
        for spec in APPENDICES:
            _run_cells(shell, nbs[spec.id], warm_town, lang, None)
    cells_prof = cProfile.Profile()
    seconds: dict[str, float] = {}
    executed = {}
    for spec in APPENDICES:
        nb = nbformat.read(notebooks / spec.notebook, as_version=4)
        # The shell keeps no outputs: the rendering below uses the notebooks the build
        # wrote (reports/notebooks/<town>/<lang>/), so run the full set first.
        seconds[f"cells_{spec.id}"] = _run_cells(shell, nb, town, lang, cells_prof)
        executed[spec.id] = get_paths().reports / "notebooks" / town / lang / f"{spec.id}.ipynb"
    render_prof = cProfile.Profile()
    fragments = {}
    for spec in APPENDICES:
        nb = nbformat.read(executed[spec.id], as_version=4)
        render_prof.enable()
        page = render_appendix_page(nb, lang=lang, town_id=town)
        render_prof.disable()
        fragments[spec.id] = page.fragment
    combine_prof = cProfile.Profile()
    combine_prof.enable()
    render_combined_html([(s, fragments[s.id]) for s in APPENDICES], lang=lang, town_id=town)
    combine_prof.disable()
    return {
        "cells": categorise(pstats.Stats(cells_prof)),
        "render": categorise(pstats.Stats(render_prof)),
        "combine": categorise(pstats.Stats(combine_prof)),
        "seconds": seconds,
    }


def main() -> None:
    """Command line: print the profile of one town/lang as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("town")
    ap.add_argument("lang")
    ap.add_argument("--warm-town", default=None)
    args = ap.parse_args()
    print(json.dumps(profile_town(args.town, args.lang, args.warm_town)))


if __name__ == "__main__":
    main()
