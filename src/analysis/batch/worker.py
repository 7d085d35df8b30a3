"""Work that runs on a build worker (a local pool process or a Dask worker).

Workers receive everything they need in the task (the notebook JSON and its
parameters); they read the processed store through their own ``ECOPLAN_*`` paths
(read-only) and write nothing: the executed notebook, its HTML and metrics travel
back to the client, which alone writes outputs. So a Dask cluster needs no shared
filesystem for outputs.
"""

from __future__ import annotations

import contextlib
import functools
import html as _html
import json
import os
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.batch.startup import skip_iri_format_checks

# Before any nbformat, Papermill or nbconvert import in this process (about 2 s saved).
skip_iri_format_checks()

__all__ = [
    "CombineResult",
    "CombineTask",
    "NotebookResult",
    "NotebookTask",
    "render_combined",
    "run_notebook",
]


DEFAULT_PAGE_RENDERER = "analysis.report.render:render_appendix_page"
DEFAULT_COMBINED_RENDERER = "analysis.report.render:render_combined_html"
BASIC_PAGE_RENDERER = "analysis.batch.worker:basic_page_html"
BASIC_COMBINED_RENDERER = "analysis.batch.worker:basic_combined_html"


def _resolve(dotted: str) -> Any:
    import importlib  # noqa: PLC0415

    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class NotebookTask:
    """One notebook execution.

    Attributes
    ----------
    key : str
        ``"<town>/<lang>/<appendix>"`` (``_cross-town/<lang>/<id>`` for the cross-town page).
    notebook_json : str
        The input notebook.
    parameters : dict
        Papermill parameters.
    appendix_id : str
        Appendix id (output file stem).
    title : str or None
        Page title passed to the renderer.
    timeout : float or None
        Per-cell timeout in seconds.
    kernel_name : str
        Jupyter kernel spec.
    renderer : str
        ``"module:function"`` with the signature of
        :func:`analysis.report.render.render_appendix_html`; it returns the page, or
        an object with ``html`` and ``fragment`` attributes
        (:class:`analysis.report.render.RenderedPage`) whose fragment the combined
        page then reuses instead of rendering the notebook again.
    warm_imports : tuple of str, optional
        Modules the worker's kernel imports when it starts (default
        :data:`analysis.batch.engine.WARM_IMPORTS`); only the first task of a worker counts.
    """

    key: str
    notebook_json: str
    parameters: dict[str, Any]
    appendix_id: str
    title: str | None = None
    timeout: float | None = 600
    kernel_name: str = "ecoplan"
    renderer: str = DEFAULT_PAGE_RENDERER
    warm_imports: tuple[str, ...] | None = None


@dataclass
class NotebookResult:
    """What a worker sends back for one :class:`NotebookTask`."""

    key: str
    ok: bool
    seconds: float
    cell_seconds: float = 0.0
    notebook_json: str | None = None
    html: str | None = None
    fragment: str | None = None
    #: The page metadata of the rendered notebook (``PageMeta.to_json()``), sent with the
    #: fragment to the combined page.
    page_meta: dict[str, Any] | None = None
    error: str | None = None
    worker: str = ""
    kernel_rss: int = 0
    worker_rss: int = 0
    #: Data gaps the page shows (:func:`notebook_warnings`); the job is then reported
    #: as "built with warnings".
    warnings: list[str] = field(default_factory=list)
    #: Seconds per phase on the worker (:data:`PHASES`), for run.json and benchmarks.
    phases: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CombineTask:
    """Render the combined page of one town and language from executed notebooks."""

    key: str
    town_id: str
    lang: str
    pages: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (appendix id, nb JSON)
    renderer: str = DEFAULT_COMBINED_RENDERER
    #: Already rendered chapter fragments by appendix id; used instead of the notebook.
    fragments: Mapping[str, str] = field(default_factory=dict)
    #: Page metadata (``PageMeta.to_json()``) of those fragments, by appendix id.
    page_metas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class CombineResult:
    """The combined page, or why it failed."""

    key: str
    ok: bool
    seconds: float
    html: str | None = None
    error: str | None = None


class _MemoryHandler:
    """Papermill I/O handler keeping written notebooks in memory (``ecoplan-mem://``)."""

    def __init__(self) -> None:
        self.store: dict[str, str] = {}
        self.lock = threading.Lock()

    def read(self, path: str) -> str:
        with self.lock:
            return self.store[path]

    def write(self, buf: str, path: str) -> None:
        with self.lock:
            self.store[path] = buf

    def pop(self, path: str) -> str | None:
        with self.lock:
            return self.store.pop(path, None)

    def listdir(self, path: str) -> list[str]:  # pragma: no cover - papermill API
        raise NotImplementedError

    def pretty_path(self, path: str) -> str:
        return path


_MEM = _MemoryHandler()
_MEM_SCHEME = "ecoplan-mem://"
_registered = False


def _setup() -> None:
    global _registered  # noqa: PLW0603
    if _registered:
        return
    from papermill.iorw import papermill_io  # noqa: PLC0415

    from analysis.batch import engine  # noqa: PLC0415

    engine.register()
    papermill_io.register(_MEM_SCHEME, _MEM)
    install_shutdown_hooks()
    _registered = True


def _worker_name() -> str:
    if "distributed" not in sys.modules:
        # not a Dask worker (which has imported distributed): spare a local pool worker
        # the 0.2 s import
        return f"pid:{os.getpid()}"
    with contextlib.suppress(ImportError, ValueError):
        from distributed import get_worker  # noqa: PLC0415

        return str(get_worker().address)
    return f"pid:{os.getpid()}"


def _rss(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        import psutil  # noqa: PLC0415

        return int(psutil.Process(pid).memory_info().rss)
    except Exception:
        return 0


def _cell_seconds(nb: Any) -> float:
    total = 0.0
    for cell in nb.cells:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if isinstance(duration, int | float):
            total += float(duration)
    return total


@functools.cache
def _basic_exporter() -> Any:
    from nbconvert import HTMLExporter  # noqa: PLC0415

    return HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def basic_page_html(nb: Any, *, lang: str, town_id: str | None, title: str | None = None) -> str:
    """Render a notebook with nbconvert's stock ``lab`` template, code cells hidden.

    For notebooks outside the appendix set (tests, ad-hoc builds); appendices use
    :func:`analysis.report.render.render_appendix_html`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (its ``title`` metadata is set).
    lang : {"th", "en"}
        Page language (``<html lang>``).
    town_id : str or None
        The town, ``None`` for a cross-town notebook (used in the default title).
    title : str, optional
        The page title; default "<town> (<lang>)".

    Returns
    -------
    str
        The HTML page.
    """
    exporter = _basic_exporter()
    nb.metadata["title"] = title or f"{town_id or 'cross-town'} ({lang})"
    html, _ = exporter.from_notebook_node(nb)
    return html.replace("<html>", f'<html lang="{lang}">', 1)


def basic_combined_html(pages: Sequence[tuple[Any, Any]], *, lang: str, town_id: str) -> str:
    """Concatenate notebooks into one page with :func:`basic_page_html`.

    Parameters
    ----------
    pages : sequence of (object, nbformat.NotebookNode)
        Each appendix (its spec or id) with its executed notebook, in order.
    lang : {"th", "en"}
        Page language.
    town_id : str
        The town (also the title).

    Returns
    -------
    str
        One HTML page; each notebook starts with a heading of its appendix id.
    """
    import nbformat  # noqa: PLC0415

    merged = nbformat.v4.new_notebook()
    for spec, nb in pages:
        merged.cells.append(nbformat.v4.new_markdown_cell(f"# {getattr(spec, 'id', spec)}"))
        merged.cells.extend(nb.cells)
    return basic_page_html(merged, lang=lang, town_id=town_id, title=town_id)


#: Worker-side phases of one notebook, in order: kernel start (first notebook of a
#: worker) or reset (the others); Papermill's own work around the cells (parameter
#: injection, bookkeeping, messaging); the cells' execution (statistics, data reads,
#: figure drawing and PNG encoding all happen here, in the kernel); reading the
#: executed notebook back; rendering the page (nbconvert export and sanitising).
PHASES: tuple[str, ...] = (
    "kernel_start",
    "kernel_reset",
    "papermill",
    "cells",
    "read_back",
    "render",
)

#: The comment :func:`analysis.report.gaps.warning_marker` puts into an HTML output.
_WARNING = re.compile(r"<!-- ecoplan-warning: (.*?) -->")


def notebook_warnings(nb: Any) -> list[str]:
    """Return the data-gap warnings marked in a notebook's HTML outputs (unique, in order).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of str
        The warnings' texts, unescaped, first occurrence order.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> out = nbformat.v4.new_output(
    ...     "display_data", data={"text/html": "<!-- ecoplan-warning: no data &amp; more -->"}
    ... )
    >>> nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[out]))
    >>> notebook_warnings(nb)
    ['no data & more']
    """
    found: dict[str, None] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html")
            if isinstance(markup, list):
                markup = "".join(markup)
            if isinstance(markup, str) and "ecoplan-warning" in markup:
                for text in _WARNING.findall(markup):
                    found.setdefault(_html.unescape(text), None)
    return list(found)


def run_notebook(task: NotebookTask) -> NotebookResult:
    """Execute one notebook with Papermill on the warm kernel and render its HTML.

    Never raises for notebook errors: a failure comes back as ``ok=False`` with the
    executed notebook (holding the traceback) and a one-line error.

    Parameters
    ----------
    task : NotebookTask
        What to run.

    Returns
    -------
    NotebookResult
        Executed notebook JSON, HTML, timings and memory figures.
    """
    import nbformat  # noqa: PLC0415
    import papermill as pm  # noqa: PLC0415
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415

    from analysis.batch import engine  # noqa: PLC0415

    _setup()
    start = time.perf_counter()
    kernel = engine.get_warm_kernel(task.kernel_name)
    if task.warm_imports is not None and kernel.km is None:
        kernel.warm_imports = tuple(task.warm_imports)
    out_path = f"{_MEM_SCHEME}{uuid.uuid4().hex}.ipynb"
    nb_in = nbformat.reads(task.notebook_json, as_version=4)
    kernel_name = task.kernel_name
    result = NotebookResult(key=task.key, ok=False, seconds=0.0, worker=_worker_name())
    nb = None
    kernel.last_setup = {}
    try:
        nb = pm.execute_notebook(
            nb_in,
            out_path,
            parameters=dict(task.parameters),
            engine_name=engine.ENGINE_NAME,
            kernel_name=kernel_name,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=task.timeout,
        )
        result.ok = True
    except PapermillExecutionError as exc:
        result.error = f"{exc.ename}: {exc.evalue}".strip()
        if exc.exec_count is not None:
            result.error += f" (cell [{exc.exec_count}])"
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    t_read = time.perf_counter()
    written = _MEM.pop(out_path)
    if written is not None:
        nb = nbformat.reads(written, as_version=4)
    if nb is not None:
        result.notebook_json = written or nbformat.writes(nb)
        result.cell_seconds = _cell_seconds(nb)
        result.warnings = notebook_warnings(nb)
    t_render = time.perf_counter()
    result.kernel_rss = _rss(kernel.pid)
    result.worker_rss = _rss(os.getpid())
    if result.ok and nb is not None:
        _render_page(task, nb, result)
    end = time.perf_counter()
    setup = dict(kernel.last_setup)
    result.phases = {
        **setup,
        # started ahead by warm_up (overlapping the client's planning): reported once
        **_take_prestart(setup),
        "papermill": max(0.0, t_read - start - sum(setup.values()) - result.cell_seconds),
        "cells": result.cell_seconds,
        "read_back": t_render - t_read,
        "render": end - t_render,
    }
    result.seconds = end - start
    return result


def _render_page(task: NotebookTask, nb: Any, result: NotebookResult) -> None:
    """Render an executed notebook into ``result`` (``html``, ``fragment``), or mark it failed."""
    params = task.parameters
    try:
        page = _resolve(task.renderer)(
            nb,
            lang=str(params.get("lang", "th")),
            town_id=params.get("town_id"),
            title=task.title,
        )
        if isinstance(page, str):
            result.html = page
        else:
            result.html, result.fragment = page.html, page.fragment
            meta = getattr(page, "meta", None)
            result.page_meta = meta.to_json() if meta is not None else None
    except Exception as exc:
        result.ok = False
        result.error = f"rendering failed: {type(exc).__name__}: {exc}"
        result.html = None
        result.notebook_json = _with_note(result.notebook_json, traceback.format_exc())


def _with_note(nb_json: str | None, text: str) -> str | None:
    """Append a markdown cell with ``text`` (e.g. a rendering traceback) to a notebook."""
    if nb_json is None:
        return None
    data = json.loads(nb_json)
    data.setdefault("cells", []).append(
        {
            "cell_type": "markdown",
            "metadata": {"tags": ["ecoplan-build-error"]},
            "source": "**ecoplan build: rendering failed**\n\n```\n" + text + "\n```",
        }
    )
    return json.dumps(data, ensure_ascii=False, indent=1)


def render_combined(task: CombineTask) -> CombineResult:
    """Render the combined page (table of contents + every appendix) of one town/lang.

    Parameters
    ----------
    task : CombineTask
        The town, language and executed notebooks.

    Returns
    -------
    CombineResult
        The page HTML and the time taken, or ``ok=False`` with the error.
    """
    import nbformat  # noqa: PLC0415

    start = time.perf_counter()
    try:
        from analysis.report.appendices import get_appendix  # noqa: PLC0415

        def spec(aid: str) -> Any:
            try:
                return get_appendix(aid)
            except KeyError:
                return aid

        def chapter(aid: str, js: str) -> Any:
            if aid not in task.fragments:
                return nbformat.reads(js, as_version=4)
            if aid not in task.page_metas:
                return task.fragments[aid]
            from analysis.report.pagemeta import PageMeta  # noqa: PLC0415
            from analysis.report.render import RenderedPage  # noqa: PLC0415

            meta = PageMeta.from_json(task.page_metas[aid], where=f"appendix {aid}")
            return RenderedPage("", task.fragments[aid], meta)

        pages = [(spec(aid), chapter(aid, js)) for aid, js in task.pages]
        html = _resolve(task.renderer)(pages, lang=task.lang, town_id=task.town_id)
    except Exception as exc:
        return CombineResult(
            task.key,
            False,
            time.perf_counter() - start,
            error=f"combined page failed: {type(exc).__name__}: {exc}",
        )
    return CombineResult(task.key, True, time.perf_counter() - start, html=html)


def warm_up(kernel_name: str = "ecoplan") -> dict[str, Mapping[str, Any] | int | None]:
    """Start this worker's warm kernel now (used to overlap start-up with planning).

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel spec name.

    Returns
    -------
    dict
        ``{"pid": ...}``: the kernel's process id (``None`` if it has none).
    """
    from analysis.batch import engine  # noqa: PLC0415

    _setup()
    kernel = engine.get_warm_kernel(kernel_name)
    if kernel.km is None:
        t0 = time.perf_counter()
        kernel.start()
        _prestart["kernel_start"] = _prestart.get("kernel_start", 0.0) + time.perf_counter() - t0
    return {"pid": kernel.pid}


#: Seconds :func:`warm_up` spent starting this process's kernel, not reported yet.
_prestart: dict[str, float] = {}


def _take_prestart(setup: Mapping[str, float]) -> dict[str, float]:
    """Return the pending pre-start time as ``{"kernel_start": s}`` (once), plus ``setup``'s."""
    seconds = _prestart.pop("kernel_start", None)
    if seconds is None:
        return {}
    return {"kernel_start": seconds + setup.get("kernel_start", 0.0)}


_hooks_installed = False


def install_shutdown_hooks() -> None:
    """Stop this process's warm kernels when it exits (pool workers and Dask workers).

    ``multiprocessing`` children skip :mod:`atexit`, so a ``Finalize`` is registered
    too. If the process is killed outright, each kernel notices its parent is gone
    (``JPY_PARENT_PID``) and exits by itself.
    """
    global _hooks_installed  # noqa: PLW0603
    if _hooks_installed:
        return
    import atexit  # noqa: PLC0415
    from multiprocessing import util  # noqa: PLC0415

    from analysis.batch import engine  # noqa: PLC0415

    atexit.register(engine.shutdown_warm_kernels)
    util.Finalize(None, engine.shutdown_warm_kernels, exitpriority=10)
    _hooks_installed = True
