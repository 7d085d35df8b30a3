"""``ecoplan build``: plan, execute (warm kernels, local pool or Dask), publish, report.

Flow of one run::

    lock reports/  ->  hash inputs  ->  skip up-to-date jobs  ->  execute the rest on
    the pool  ->  write executed notebooks  ->  per town/lang: when every appendix
    succeeded, render the combined page and publish the pages  ->  save the build
    state  ->  write reports/run.json

Only this process writes files; workers return results. Every write is atomic.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.batch import outputs as out
from analysis.batch.hashing import file_hash, job_hash, library_hash
from analysis.batch.lock import build_lock
from analysis.batch.runinfo import (
    BuildState,
    JobRecord,
    RunReport,
    RunTotals,
    load_state,
    now_iso,
    save_state,
    write_run_report,
)
from analysis.batch.storecache import store_summary, store_towns
from analysis.batch.worker import (
    DEFAULT_COMBINED_RENDERER,
    DEFAULT_PAGE_RENDERER,
    CombineResult,
    CombineTask,
    NotebookResult,
    NotebookTask,
    render_combined,
    run_notebook,
)
from analysis.errors import ConfigError, EcoplanError, ParameterError
from analysis.i18n import LANGS
from analysis.paths import ProjectPaths, get_paths
from analysis.towns import validate_town_id

__all__ = ["BuildOptions", "Job", "build", "plan_jobs"]


@dataclass
class BuildOptions:
    """What to build and how.

    Attributes
    ----------
    towns : sequence of str, optional
        Town ids; ``None`` means every town in the processed store.
    langs : sequence of str
        Languages (default both).
    appendices : sequence of str, optional
        Appendix ids; ``None`` means all of :data:`analysis.report.appendices.APPENDICES`.
    cross_town : bool, optional
        Also build the cross-town page (default: yes, whenever its inputs changed, also
        when building only some towns); ``False`` skips it.
    jobs : int, optional
        Local worker processes (default: every core); ``0`` runs every notebook in this
        process (no pool; for debugging and tests).
    scheduler : str, optional
        Dask scheduler address; the cluster's workers then run the notebooks.
    force : bool
        Rebuild even when inputs are unchanged.
    wait : bool
        Wait for another running build instead of failing.
    timeout : float or None
        Per-cell timeout in seconds.
    specs, cross_spec : optional
        Appendix specs overriding :mod:`analysis.report.appendices` (tests, benchmarks).
    page_renderer, combined_renderer : str
        ``"module:function"`` renderers (default :mod:`analysis.report.render`).
    kernel_name : str
        Jupyter kernel used for every notebook.
    progress : bool, optional
        Force the progress display on/off (default: bar on a TTY, plain lines otherwise).
    code_hash : str, optional
        Use this instead of hashing the ``analysis`` package (tests pin it so that
        edits to the library elsewhere do not invalidate their builds).
    warm_imports : tuple of str, optional
        Modules each worker kernel imports once at start (default
        :data:`analysis.batch.engine.WARM_IMPORTS`).
    """

    towns: Sequence[str] | None = None
    langs: Sequence[str] = LANGS
    appendices: Sequence[str] | None = None
    cross_town: bool | None = None
    jobs: int | None = None
    scheduler: str | None = None
    force: bool = False
    wait: bool = False
    timeout: float | None = 600
    specs: Sequence[Any] | None = None
    cross_spec: Any = None
    page_renderer: str = DEFAULT_PAGE_RENDERER
    combined_renderer: str = DEFAULT_COMBINED_RENDERER
    kernel_name: str = "ecoplan"
    progress: bool | None = None
    code_hash: str | None = None
    warm_imports: tuple[str, ...] | None = None


@dataclass
class Job:
    """One planned notebook run."""

    key: str
    town_id: str | None
    lang: str
    spec: Any
    notebook_path: Path
    parameters: dict[str, Any]
    input_hash: str
    skip: bool = False

    @property
    def group(self) -> tuple[str | None, str]:
        """The publishing group: (town, lang); ``None`` town for the cross-town page."""
        return (self.town_id, self.lang)


@dataclass
class _Group:
    jobs: list[Job]
    results: dict[str, NotebookResult] = field(default_factory=dict)
    submitted_combine: bool = False
    done: bool = False


def _selected_towns(
    options: BuildOptions, paths: ProjectPaths, all_towns: list[str] | None = None
) -> list[str]:
    """Return the towns to build, validating ``--town`` before reading the store."""
    for town_id in options.towns or ():
        validate_town_id(town_id)
    if all_towns is None:
        all_towns = store_towns(paths.processed, paths.reports)
    if options.towns is None:
        return all_towns
    missing = [t for t in options.towns if t not in set(all_towns)]
    if missing:
        msg = (
            f"town(s) not in the processed store: {', '.join(missing)}. "
            "Check data/raw/towns.csv and run `ecoplan ingest`."
        )
        raise ParameterError(msg)
    return list(dict.fromkeys(options.towns))


def _specs(options: BuildOptions) -> tuple[list[Any], Any]:
    if options.specs is not None:
        specs, cross = list(options.specs), options.cross_spec
    else:
        from analysis.report.appendices import APPENDICES, CROSS_TOWN  # noqa: PLC0415

        specs, cross = list(APPENDICES), CROSS_TOWN
    if options.appendices is not None:
        known = {s.id for s in specs} | ({cross.id} if cross is not None else set())
        unknown = [a for a in options.appendices if a not in known]
        if unknown:
            msg = f"unknown appendix {unknown}: expected some of {', '.join(sorted(known))}"
            raise ParameterError(msg)
        wanted = set(options.appendices)
        specs = [s for s in specs if s.id in wanted]
        if cross is not None and cross.id not in wanted and options.cross_town is not True:
            cross = None
    return specs, cross


def plan_jobs(
    options: BuildOptions, paths: ProjectPaths, state: BuildState
) -> tuple[list[Job], dict[str, Any]]:
    """Hash every input and decide, per town x language x appendix, build or skip.

    Parameters
    ----------
    options : BuildOptions
        The selection.
    paths : ProjectPaths
        Project directories.
    state : BuildState
        What is published, with which input hash.

    Returns
    -------
    list of Job
        Every selected job, ``skip`` set for the up-to-date ones.
    dict
        Timings and hashes of the planning step (for reports and benchmarks).
    """
    t0 = time.perf_counter()
    for lang in options.langs:
        if lang not in LANGS:
            msg = f"unknown language {lang!r}: expected one of {', '.join(LANGS)}"
            raise ParameterError(msg)
    lib = options.code_hash or library_hash()
    t_lib = time.perf_counter()
    summary = store_summary(paths.processed, paths.reports, library=lib, refresh=options.force)
    data = summary.hashes
    t_data = time.perf_counter()
    towns = _selected_towns(options, paths, summary.towns)
    specs, cross = _specs(options)
    # The cross-town page compares every town in the store: building one town (whose data
    # may be new) refreshes it too when its inputs changed (a no-op when up to date).
    cross_wanted = options.cross_town if options.cross_town is not None else True
    cross_asked = options.cross_town is True or options.towns is None
    if not cross_wanted:
        cross = None
    nb_dir = paths.notebooks
    needed = [s for s in specs] + ([cross] if cross is not None else [])
    absent = [s.notebook for s in needed if not (nb_dir / s.notebook).is_file()]
    if absent:
        msg = (
            f"notebook(s) missing from {nb_dir}: {', '.join(absent)}. "
            "Restore them or pick appendices with --appendix."
        )
        raise ConfigError(msg)
    nb_hash = {s.id: file_hash(nb_dir / s.notebook) for s in needed}
    reports = paths.reports
    jobs: list[Job] = []
    common = {
        "lib": lib,
        "renderer": [options.page_renderer, options.combined_renderer],
        "kernel": options.kernel_name,
    }

    def add(town: str | None, lang: str, spec: Any, data_digest: str) -> None:
        params: dict[str, Any] = {"lang": lang} if town is None else {"town_id": town, "lang": lang}
        key = f"{town or out.CROSS_DIR}/{lang}/{spec.id}"
        digest = job_hash(
            {**common, "notebook": nb_hash[spec.id], "params": params, "data": data_digest}
        )
        if town is None:
            outputs = [out.cross_html(reports, lang), out.cross_notebook(reports, lang, spec.id)]
        else:
            outputs = [
                out.town_html(reports, town, lang, spec.id),
                out.town_index(reports, town, lang),
                out.town_notebook(reports, town, lang, spec.id),
            ]
        # --force on a few towns forces their pages; the cross-town page they pulled in
        # (not asked for) is still rebuilt only when stale.
        forced = options.force and (town is not None or cross_asked)
        skip = (
            not forced and state.published.get(key) == digest and all(p.exists() for p in outputs)
        )
        jobs.append(Job(key, town, lang, spec, nb_dir / spec.notebook, params, digest, skip))

    if cross is not None:
        for lang in options.langs:
            add(None, lang, cross, data.all_towns())
    for town in towns:
        digest = data.town(town)
        for lang in options.langs:
            for spec in specs:
                add(town, lang, spec, digest)
    timings = {
        "library_hash_s": t_lib - t0,
        "data_hash_s": t_data - t_lib,
        "plan_s": time.perf_counter() - t0,
        "code_hash": lib,
    }
    return jobs, timings


def _title(spec: Any, lang: str) -> str | None:
    key = getattr(spec, "title_key", None)
    if not key:
        return None
    from analysis.i18n import get_translator  # noqa: PLC0415

    tr = get_translator(lang)
    return tr(key) if tr.has(key) else None


class _Runner:
    """State of one build run (lives only in the client process)."""

    def __init__(
        self,
        options: BuildOptions,
        paths: ProjectPaths,
        jobs: list[Job],
        state: BuildState,
        progress: Any,
    ) -> None:
        self.options = options
        self.paths = paths
        self.reports = paths.reports
        self.jobs = jobs
        self.state = state
        self.progress = progress
        # Pages of a town/language are staged and published as one folder (commit).
        self.writer = out.OutputWriter(site=paths.site)
        self.records: dict[str, JobRecord] = {}
        self.groups: dict[tuple[str | None, str], _Group] = {}
        for job in jobs:
            self.groups.setdefault(job.group, _Group([])).jobs.append(job)
        self.peak_rss = 0
        self.last_state_save = time.monotonic()
        #: Seconds per phase of the run (:attr:`analysis.batch.runinfo.RunReport.phases`).
        self.phases: dict[str, float] = {}

    def add_phase(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to the run's total of phase ``name``."""
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    # -- records -------------------------------------------------------------------
    def _record(
        self, job: Job, status: str, result: NotebookResult | None = None, error: str | None = None
    ) -> None:
        if job.town_id is None:
            nb_path = out.cross_notebook(self.reports, job.lang, job.spec.id)
            html = out.cross_html(self.reports, job.lang)
        else:
            nb_path = out.town_notebook(self.reports, job.town_id, job.lang, job.spec.id)
            html = out.town_html(self.reports, job.town_id, job.lang, job.spec.id)
        warnings = list(result.warnings) if result is not None and status != "skipped" else []
        if status == "built" and warnings:
            status = "built_with_warnings"
        self.records[job.key] = JobRecord(
            town_id=job.town_id,
            lang=job.lang,
            appendix=job.spec.id,
            status=status,  # type: ignore[arg-type]
            warnings=warnings,
            seconds=round(result.seconds, 3) if result else 0.0,
            cell_seconds=round(result.cell_seconds, 3) if result else 0.0,
            error=error if error is not None else (result.error if result else None),
            input_hash=job.input_hash,
            notebook=nb_path.relative_to(self.reports).as_posix() if nb_path.exists() else None,
            html=html.relative_to(self.reports).as_posix()
            if status != "failed" or html.exists()
            else None,
            worker=result.worker if result else None,
            phases={k: round(v, 3) for k, v in result.phases.items()} if result else {},
        )
        self.progress.job_done(job, status, self.records[job.key].error)

    # -- tasks -----------------------------------------------------------------------
    def notebook_task(self, job: Job) -> NotebookTask:
        return NotebookTask(
            key=job.key,
            notebook_json=job.notebook_path.read_text(encoding="utf-8"),
            parameters=job.parameters,
            appendix_id=job.spec.id,
            title=_title(job.spec, job.lang),
            timeout=self.options.timeout,
            kernel_name=self.options.kernel_name,
            renderer=self.options.page_renderer,
            warm_imports=self.options.warm_imports,
        )

    def on_notebook(self, job: Job, result: NotebookResult) -> CombineTask | None:
        """Store a finished notebook; return the combine task once its group is complete."""
        self.peak_rss = max(self.peak_rss, result.kernel_rss + result.worker_rss)
        for name, seconds in result.phases.items():
            self.add_phase(name, seconds)
        t0 = time.perf_counter()
        try:
            return self._store_notebook(job, result)
        finally:
            self.add_phase("write", time.perf_counter() - t0)

    def _store_notebook(self, job: Job, result: NotebookResult) -> CombineTask | None:
        if result.notebook_json is not None:
            target = (
                out.cross_notebook(self.reports, job.lang, job.spec.id)
                if job.town_id is None
                else out.town_notebook(self.reports, job.town_id, job.lang, job.spec.id)
            )
            self.writer.write_text(target, result.notebook_json)
        group = self.groups[job.group]
        group.results[job.key] = result
        if job.town_id is None:
            if result.ok and result.html is not None:
                self.writer.write_text(out.cross_html(self.reports, job.lang), result.html)
                self.state.published[job.key] = job.input_hash
                self._record(job, "built", result)
            else:
                self.state.published.pop(job.key, None)
                self._record(job, "failed", result)
            group.done = True
            self.progress.group_done(job.group, result.ok)
            return None
        return self._maybe_combine(group)

    def _maybe_combine(self, group: _Group) -> CombineTask | None:
        pending = [j for j in group.jobs if not j.skip and j.key not in group.results]
        if pending or group.submitted_combine:
            return None
        failed = [j for j in group.jobs if not j.skip and not group.results[j.key].ok]
        if failed:
            for j in group.jobs:
                if j.skip:
                    self._record(j, "skipped")
                    continue
                res = group.results[j.key]
                # A sibling failed: nothing of this town/lang is published; rebuild next run.
                self.state.published.pop(j.key, None)
                names = ", ".join(f.spec.id for f in failed)
                err = res.error if not res.ok else f"not published: appendix {names} failed"
                self._record(j, "failed", res, error=err)
            group.done = True
            self.progress.group_done(group.jobs[0].group, False)
            return None
        group.submitted_combine = True
        town, lang = group.jobs[0].group
        assert town is not None
        pages = self._combined_pages(group, town, lang)
        fragments = {
            j.spec.id: frag
            for j in group.jobs
            if not j.skip and (frag := group.results[j.key].fragment) is not None
        }
        return CombineTask(
            key=f"{town}/{lang}",
            town_id=town,
            lang=lang,
            # a page with a ready fragment does not need its notebook shipped again
            pages=[(aid, "" if aid in fragments else js) for aid, js in pages],
            renderer=self.options.combined_renderer,
            fragments=fragments,
            page_metas={
                j.spec.id: meta
                for j in group.jobs
                if j.spec.id in fragments and (meta := group.results[j.key].page_meta) is not None
            },
        )

    def _combined_pages(self, group: _Group, town: str, lang: str) -> list[tuple[str, str]]:
        """Collect the executed notebooks of every published appendix of the town, in appendix order."""
        built = {j.spec.id: group.results[j.key].notebook_json for j in group.jobs if not j.skip}
        specs, _ = _specs(
            BuildOptions(specs=self.options.specs, cross_spec=self.options.cross_spec)
        )
        pages: list[tuple[str, str]] = []
        for spec in specs:
            if spec.id in built and built[spec.id] is not None:
                pages.append((spec.id, built[spec.id]))  # type: ignore[arg-type]
                continue
            key = f"{town}/{lang}/{spec.id}"
            nb_path = out.town_notebook(self.reports, town, lang, spec.id)
            if key in self.state.published and nb_path.exists():
                pages.append((spec.id, nb_path.read_text(encoding="utf-8")))
        return pages

    def on_combined(self, result: CombineResult) -> None:
        self.add_phase("combine", result.seconds)
        t0 = time.perf_counter()
        try:
            self._publish_group(result)
        finally:
            self.add_phase("publish", time.perf_counter() - t0)

    def _publish_group(self, result: CombineResult) -> None:
        town, lang = result.key.split("/")
        group = self.groups[(town, lang)]
        ok = result.ok and result.html is not None
        for j in group.jobs:
            if j.skip:
                self._record(j, "skipped")
                continue
            res = group.results[j.key]
            if ok and res.html is not None:
                self.writer.write_text(out.town_html(self.reports, town, lang, j.spec.id), res.html)
        if ok:
            index = out.town_index(self.reports, town, lang)
            self.writer.write_text(index, result.html or "")
            self.writer.commit([index.parent])  # the town/lang folder, all or nothing
        for j in group.jobs:
            if j.skip:
                continue
            res = group.results[j.key]
            if ok:
                self.state.published[j.key] = j.input_hash
                self._record(j, "built", res)
            else:
                self.state.published.pop(j.key, None)
                self._record(j, "failed", res, error=result.error)
        group.done = True
        self.progress.group_done((town, lang), ok)
        if time.monotonic() - self.last_state_save > 2:
            save_state(self.state, self.reports)
            self.last_state_save = time.monotonic()

    def fail_job(self, job: Job, error: str) -> None:
        result = NotebookResult(key=job.key, ok=False, seconds=0.0, error=error)
        combine = self.on_notebook(job, result)
        assert combine is None


def _make_pool(options: BuildOptions, n_tasks: int) -> Any:
    from analysis.batch.pool import DaskPool, InlinePool, LocalPool  # noqa: PLC0415

    if options.scheduler:
        return DaskPool(options.scheduler)
    if options.jobs == 0:
        return InlinePool()
    n = options.jobs or os.cpu_count() or 1
    if n < 1:
        msg = f"--jobs must be at least 1, got {n}"
        raise ParameterError(msg)
    return LocalPool(max(1, min(n, n_tasks)))


def _prestart_pool(options: BuildOptions, paths: ProjectPaths) -> Any:
    """Start the local workers and their kernels now when the build will surely run.

    Kernel start-up (interpreter, warm imports) then overlaps the analysis stage and the
    planning, which use one core. Only when every selected job will run (``--force``, or
    nothing published yet), so a no-op rebuild never pays for workers it does not use.

    Parameters
    ----------
    options : BuildOptions
        The build's options.
    paths : ProjectPaths
        Project directories.

    Returns
    -------
    LocalPool or None
        The started pool, or ``None`` (Dask, inline, or the build may be a no-op).
    """
    if options.scheduler or options.jobs == 0:
        return None
    if not options.force and load_state(paths.reports).published:
        return None
    if not (paths.processed / "towns.parquet").is_file():
        return None
    specs, cross = _specs(options)
    towns = _selected_towns(options, paths)
    n_jobs = len(options.langs) * (len(towns) * len(specs) + (cross is not None))
    if n_jobs == 0:
        return None
    from analysis.batch.worker import warm_up  # noqa: PLC0415

    pool = _make_pool(options, n_jobs)
    for _ in range(pool.n):
        pool.submit(warm_up, options.kernel_name)
    return pool


def _execute(runner: _Runner, to_run: list[Job], options: BuildOptions, pool: Any = None) -> str:
    """Run the jobs on the pool (``pool``, or a new one); return the executor description."""
    from analysis.batch.pool import WorkerLost  # noqa: PLC0415

    if pool is None:
        pool = _make_pool(options, len(to_run))
    runner.progress.executor(pool.description)
    try:
        queue = list(to_run)
        in_flight: dict[Any, tuple[str, Any]] = {}
        limit = 2 * getattr(pool, "n", 1) + 1

        def fill() -> None:
            while queue and sum(1 for k, _ in in_flight.values() if k == "nb") < limit:
                job = queue.pop(0)
                fut = pool.submit(run_notebook, runner.notebook_task(job))
                in_flight[fut] = ("nb", job)

        fill()
        while in_flight:
            for fut in pool.wait_any(list(in_flight)):
                kind, item = in_flight.pop(fut)
                try:
                    value = pool.result(fut)
                except WorkerLost as exc:
                    if kind == "nb":
                        runner.fail_job(item, str(exc))
                    else:
                        runner.on_combined(CombineResult(item.key, False, 0.0, error=str(exc)))
                    continue
                if kind == "nb":
                    combine = runner.on_notebook(item, value)
                    if combine is not None:
                        in_flight[pool.submit(render_combined, combine, priority=10)] = (
                            "combine",
                            combine,
                        )
                else:
                    runner.on_combined(value)
            fill()
    finally:
        pool.close()
    return pool.description


def _ensure_results(paths: ProjectPaths, progress: Any) -> None:
    """Run the analysis stage when its inputs are newer than the published results."""
    from analysis.results.store import is_current  # noqa: PLC0415

    if not (paths.processed / "indicators.parquet").is_file():
        return  # plan_jobs reports the missing store
    if is_current(paths.processed):  # checked without importing the analysis stage
        return
    from analysis.results.compute import run_analysis  # noqa: PLC0415

    summary = run_analysis(paths)  # after the options were validated: a bad call writes nothing
    if not summary.skipped:
        m = summary.manifest
        progress.message(
            f"analyse: results recomputed for {len(m.towns)} towns in {summary.seconds:.1f} s "
            f"(inputs {m.inputs_hash[:12]})"
        )


def build(
    options: BuildOptions, paths: ProjectPaths | None = None, progress: Any = None
) -> RunReport:
    """Run a build and return its report (also written to ``reports/run.json``).

    Parameters
    ----------
    options : BuildOptions
        What to build.
    paths : ProjectPaths, optional
        Project directories (default :func:`analysis.paths.get_paths`).
    progress : object, optional
        Progress display (default :func:`analysis.batch.progress.make_progress`).

    Returns
    -------
    RunReport
        The run report; ``totals.failed > 0`` when a notebook failed.

    Raises
    ------
    BuildError
        If another build holds the lock (and ``options.wait`` is false).
    DataError, ConfigError, ParameterError
        For a missing store, missing notebooks or bad options.
    """
    from analysis import __version__  # noqa: PLC0415
    from analysis.batch.progress import make_progress  # noqa: PLC0415

    paths = paths or get_paths()
    started, t0 = now_iso(), time.perf_counter()
    progress = progress or make_progress(options.progress)
    with build_lock(paths.reports, wait=options.wait, on_wait=progress.message):
        out.prepare_publish(paths.reports)  # what a killed build or site left
        if (paths.processed / "towns.parquet").is_file():
            _selected_towns(options, paths)  # bad --town ids fail before anything is written
        t_analyse = time.perf_counter()
        pool = _prestart_pool(options, paths)
        try:
            _ensure_results(paths, progress)
            t_plan = time.perf_counter()
            state = load_state(paths.reports)
            jobs, timings = plan_jobs(options, paths, state)
        except BaseException:
            if pool is not None:
                pool.close()
            raise
        to_run = [j for j in jobs if not j.skip]
        runner = _Runner(options, paths, jobs, state, progress)
        runner.add_phase("analyse", t_plan - t_analyse)
        runner.add_phase("plan", time.perf_counter() - t_plan)
        progress.start(jobs, to_run)
        executor = "none (nothing to build)"
        for group in runner.groups.values():
            if all(j.skip for j in group.jobs):
                for j in group.jobs:
                    runner._record(j, "skipped")
                group.done = True
        try:
            if to_run:
                executor = _execute(runner, to_run, options, pool)
            elif pool is not None:
                pool.close()
        finally:
            runner.writer.discard()  # a group left unfinished keeps its published pages
            save_state(state, paths.reports)
            progress.close()
        if to_run:
            # A store written just before planning (the analysis stage) left a summary
            # too young to trust; it has aged now, so the next no-op rebuild can reuse it.
            with contextlib.suppress(EcoplanError, OSError):
                store_summary(paths.processed, paths.reports, library=str(timings["code_hash"]))
        records = [runner.records[j.key] for j in jobs if j.key in runner.records]
        failed_towns = sorted({r.town_id or out.CROSS_DIR for r in records if r.status == "failed"})
        towns = {j.town_id for j in jobs if j.town_id is not None}
        warned = [r for r in records if r.status == "built_with_warnings"]
        report = RunReport(
            ecoplan_version=__version__,
            code_hash=str(timings["code_hash"]),
            started=started,
            finished=now_iso(),
            seconds=round(time.perf_counter() - t0, 3),
            executor=executor,
            forced=options.force,
            totals=RunTotals(
                jobs=len(records),
                built=sum(r.status in {"built", "built_with_warnings"} for r in records),
                warnings=len(warned),
                skipped=sum(r.status == "skipped" for r in records),
                failed=sum(r.status == "failed" for r in records),
                towns=len(towns),
                towns_failed=len([t for t in failed_towns if t in towns]),
            ),
            failed_towns=failed_towns,
            warning_towns=sorted({r.town_id for r in warned if r.town_id is not None}),
            peak_worker_rss_mb=round(runner.peak_rss / 2**20, 1),
            phases={k: round(v, 3) for k, v in runner.phases.items()},
            jobs=records,
        )
        write_run_report(report, paths.reports)
    return report
