"""Progress display of a build: a rich bar on a terminal, plain lines otherwise.

Library code does not choose where text goes: the command (``ecoplan build``) passes the
stream (its standard error for progress, standard output for the summary). Without a
stream, :class:`PlainProgress` reports through the ``analysis.batch`` logger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["PlainProgress", "RichProgress", "make_progress", "print_summary"]


_log = logging.getLogger("analysis.batch")


class PlainProgress:
    """One line per finished notebook (for logs and CI).

    Parameters
    ----------
    stream : file, optional
        Where the lines are written; without one they are logged (``analysis.batch``
        logger, level INFO).
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.failed = 0
        self.towns_total = 0
        self.towns_done: set[str] = set()
        self._groups_left: dict[str, int] = {}
        self.t0 = time.monotonic()

    def message(self, text: str) -> None:
        """Write one line to the stream, or log it when there is no stream.

        Parameters
        ----------
        text : str
            The line, without its newline.
        """
        if self.stream is None:
            _log.info("%s", text)
            return
        self.stream.write(f"{text}\n")
        self.stream.flush()

    def start(self, jobs: Sequence[Any], to_run: Sequence[Any]) -> None:
        """Record the plan.

        Parameters
        ----------
        jobs : sequence of Job
            Every notebook of the build.
        to_run : sequence of Job
            The ones that are not up to date and will run.
        """
        self.total = len(to_run)
        towns = {j.town_id for j in to_run if j.town_id is not None}
        self.towns_total = len(towns)
        for job in to_run:
            if job.town_id is not None:
                self._groups_left.setdefault(job.town_id, 0)
        groups = {(j.town_id, j.lang) for j in to_run if j.town_id is not None}
        for town, _ in groups:
            self._groups_left[town] += 1
        skipped = len(jobs) - len(to_run)
        self.message(f"ecoplan build: {len(to_run)} notebook(s) to run, {skipped} up to date")

    def executor(self, description: str) -> None:
        """Say where the work runs.

        Parameters
        ----------
        description : str
            Where the workers run, e.g. "2 local processes".
        """
        self.message(f"ecoplan build: workers {description}")

    def job_done(self, job: Any, status: str, error: str | None) -> None:
        """Count a finished (or skipped) notebook.

        Parameters
        ----------
        job : Job
            The notebook.
        status : str
            How it ended: a :class:`~analysis.batch.runinfo.JobRecord` status
            (``built``, ``built_with_warnings``, ``failed``, ``skipped``).
        error : str or None
            The error message of a failure.
        """
        if status == "skipped":
            return
        self.done += 1
        self.failed += status == "failed"
        tail = f": {error}" if error else ""
        self.message(f"[{self.done:>4}/{self.total}] {status:<7} {job.key}{tail}")

    def group_done(self, group: tuple[str | None, str], ok: bool) -> None:
        """Count a finished town/lang.

        Parameters
        ----------
        group : tuple of (str or None, str)
            The town (``None`` for the cross-town page) and language.
        ok : bool
            Whether every notebook of the group succeeded.
        """
        town = group[0]
        if town is None or town not in self._groups_left:
            return
        self._groups_left[town] -= 1
        if self._groups_left[town] == 0:
            self.towns_done.add(town)

    def close(self) -> None:
        """End of the run."""


class RichProgress(PlainProgress):
    """A live bar: towns done / total, failures, ETA.

    Parameters
    ----------
    stream : file
        The terminal (or buffer) the bar is drawn on.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(file=self.stream)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("notebooks"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task: Any = None

    def message(self, text: str) -> None:
        """Print above the bar.

        Parameters
        ----------
        text : str
            The line, without its newline.
        """
        self.console.print(text, markup=False, highlight=False)

    def start(self, jobs: Sequence[Any], to_run: Sequence[Any]) -> None:
        """Show the bar.

        Parameters
        ----------
        jobs : sequence of Job
            Every notebook of the build.
        to_run : sequence of Job
            The ones that are not up to date and will run.
        """
        super().start(jobs, to_run)
        if to_run:
            self.bar.start()
            self.task = self.bar.add_task(self._desc(), total=len(to_run))

    def _desc(self) -> str:
        return f"towns {len(self.towns_done)}/{self.towns_total}  failed {self.failed}"

    def job_done(self, job: Any, status: str, error: str | None) -> None:
        """Advance the bar; print failures.

        Parameters
        ----------
        job : Job
            The notebook.
        status : str
            How it ended: a :class:`~analysis.batch.runinfo.JobRecord` status
            (``built``, ``built_with_warnings``, ``failed``, ``skipped``).
        error : str or None
            The error message of a failure.
        """
        if status == "skipped" or self.task is None:
            return
        self.done += 1
        if status == "failed":
            self.failed += 1
            self.message(f"failed  {job.key}: {error}")
        self.bar.update(self.task, advance=1, description=self._desc())

    def group_done(self, group: tuple[str | None, str], ok: bool) -> None:
        """Update the town count.

        Parameters
        ----------
        group : tuple of (str or None, str)
            The town (``None`` for the cross-town page) and language.
        ok : bool
            Whether every notebook of the group succeeded.
        """
        super().group_done(group, ok)
        if self.task is not None:
            self.bar.update(self.task, description=self._desc())

    def close(self) -> None:
        """Stop the bar."""
        if self.task is not None:
            self.bar.stop()


def make_progress(enabled: bool | None = None, stream: TextIO | None = None) -> PlainProgress:
    """Return the progress display for ``stream``.

    Parameters
    ----------
    enabled : bool, optional
        ``True`` forces the bar, ``False`` plain lines; by default the bar is drawn only
        when ``stream`` is a terminal.
    stream : file, optional
        Where the display goes (``ecoplan build`` passes its standard error). Without one
        the progress is logged (:class:`PlainProgress` without a stream), whatever
        ``enabled`` says.

    Returns
    -------
    PlainProgress
        A :class:`RichProgress` bar or plain lines.
    """
    if stream is None:
        return PlainProgress()
    use_bar = stream.isatty() if enabled is None else enabled
    return RichProgress(stream) if use_bar else PlainProgress(stream)


def print_summary(
    report: Any,
    stream: TextIO,
    *,
    max_rows: int = 40,
    run_json: Path | str = "reports/run.json",
) -> None:
    """Print the run summary table (failed jobs first) and the totals.

    Parameters
    ----------
    report : RunReport
        The build's report.
    stream : file
        Where to write (``ecoplan build`` passes its standard output).
    max_rows : int
        Jobs listed in the table; the rest are counted.
    run_json : pathlib.Path or str
        Where the full report was written (the real reports folder), named in the summary.
    """
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = Console(file=stream, width=120)
    jobs = [j for j in report.jobs if j.status != "skipped"]
    order = {"failed": 0, "built_with_warnings": 1}
    jobs.sort(key=lambda j: (order.get(j.status, 2), j.town_id or "", j.lang, j.appendix))
    if jobs:
        table = Table(title="ecoplan build", show_lines=False)
        for col in ("town", "lang", "appendix", "status", "seconds", "error / warnings"):
            table.add_column(col, overflow="fold")
        for j in jobs[:max_rows]:
            style = {"failed": "red", "built_with_warnings": "yellow"}.get(j.status)
            note = j.error or "; ".join(getattr(j, "warnings", None) or ())
            table.add_row(
                j.town_id or "(cross-town)",
                j.lang,
                j.appendix,
                j.status,
                f"{j.seconds:.1f}",
                note[:200],
                style=style,
            )
        if len(jobs) > max_rows:
            table.caption = f"... {len(jobs) - max_rows} more rows in {run_json}"
        console.print(table)
    t = report.totals
    warning_towns = list(getattr(report, "warning_towns", None) or ())
    if warning_towns:
        console.print(
            f"built with warnings (partial data; pages say what is missing): "
            f"{', '.join(warning_towns)}",
            markup=False,
            highlight=False,
        )
    console.print(
        f"{t.built} built ({getattr(t, 'warnings', 0)} with warnings), "
        f"{t.skipped} up to date, {t.failed} failed "
        f"({t.towns_failed} of {t.towns} towns failed) in {report.seconds:.1f} s "
        f"on {report.executor}; details in {run_json}",
        markup=False,
        highlight=False,
    )
