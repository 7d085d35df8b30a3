"""``reports/run.json`` (what the last build did) and ``reports/.build-state.json``.

``run.json`` is the machine-readable report of one ``ecoplan build`` run; its schema is
:class:`RunReport` (``RunReport.model_json_schema()`` gives JSON Schema). The build
state is separate: it remembers, across runs, the input hash of every
town x language x appendix whose pages are *published*, so a run limited to a few
towns never forgets the others.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analysis.store.atomic import atomic_write_text

__all__ = [
    "RUN_SCHEMA_VERSION",
    "BuildState",
    "JobRecord",
    "RunReport",
    "RunTotals",
    "load_state",
    "now_iso",
    "save_state",
    "write_run_report",
]

RUN_SCHEMA_VERSION = 1
#: ``built_with_warnings``: published, but a page shows data gaps (e.g. a town without
#: indicator data, or "no data yet" tables); the warnings are in :attr:`JobRecord.warnings`.
Status = Literal["built", "built_with_warnings", "skipped", "failed"]


def now_iso() -> str:
    """Return the current UTC time, ISO 8601 with seconds.

    Returns
    -------
    str
        E.g. ``2026-12-01T08:09:10+00:00``.
    """
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class JobRecord(BaseModel):
    """One town x language x appendix (or the cross-town page, ``town_id=None``)."""

    model_config = ConfigDict(extra="forbid")

    town_id: str | None = Field(description="town slug; null for the cross-town page")
    lang: Literal["th", "en"]
    appendix: str = Field(description="appendix id ('a'..'e', 'x' cross-town)")
    status: Status
    seconds: float = Field(ge=0, description="wall time of execution + rendering on the worker")
    cell_seconds: float = Field(ge=0, description="sum of the cells' own execution time")
    error: str | None = None
    warnings: list[str] = Field(
        default_factory=list,
        description="data gaps the published page shows (status built_with_warnings)",
    )
    input_hash: str = Field(description="SHA-256 of the inputs this run depends on")
    notebook: str | None = Field(None, description="executed notebook, relative to reports/")
    html: str | None = Field(None, description="published page, relative to reports/")
    worker: str | None = None
    phases: dict[str, float] = Field(
        default_factory=dict,
        description="seconds per phase on the worker (kernel_start or kernel_reset, papermill, "
        "cells, read_back, render)",
    )


class RunTotals(BaseModel):
    """Counts over the jobs of a run."""

    model_config = ConfigDict(extra="forbid")

    jobs: int = Field(ge=0)
    built: int = Field(ge=0, description="published jobs, including those built with warnings")
    warnings: int = Field(0, ge=0, description="published jobs built with warnings")
    skipped: int = Field(ge=0)
    failed: int = Field(ge=0)
    towns: int = Field(ge=0)
    towns_failed: int = Field(ge=0)


class RunReport(BaseModel):
    """Schema of ``reports/run.json``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = RUN_SCHEMA_VERSION
    ecoplan_version: str
    code_hash: str = Field(description="hash of the analysis package files")
    started: str
    finished: str
    seconds: float = Field(ge=0)
    executor: str = Field(description="'local:<N workers>' or the Dask scheduler address")
    forced: bool
    totals: RunTotals
    failed_towns: list[str]
    warning_towns: list[str] = Field(
        default_factory=list, description="towns with a page built with warnings"
    )
    peak_worker_rss_mb: float = Field(ge=0, description="max RSS of worker + its kernel, MB")
    phases: dict[str, float] = Field(
        default_factory=dict,
        description="seconds per phase of the whole run: the client's (analyse, plan, "
        "write, publish) and the workers' summed over jobs (kernel_start, kernel_reset, "
        "papermill, cells, read_back, render, combine)",
    )
    jobs: list[JobRecord]


def write_run_report(report: RunReport, reports_dir: Path) -> Path:
    """Write ``reports/run.json`` atomically.

    Parameters
    ----------
    report : RunReport
        The build's report.
    reports_dir : pathlib.Path
        The reports folder.

    Returns
    -------
    pathlib.Path
        The written ``run.json``.
    """
    return atomic_write_text(reports_dir / "run.json", report.model_dump_json(indent=1) + "\n")


class BuildState(BaseModel):
    """Schema of ``reports/.build-state.json``: ``{job key: input hash}`` of published jobs."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    published: dict[str, str] = Field(default_factory=dict)


def load_state(reports_dir: Path) -> BuildState:
    """Read the build state; a missing or unreadable file means "nothing published".

    Parameters
    ----------
    reports_dir : pathlib.Path
        The reports folder (holds ``.build-state.json``).

    Returns
    -------
    BuildState
        The saved state, or an empty one.
    """
    path = reports_dir / ".build-state.json"
    try:
        return BuildState.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return BuildState()


def save_state(state: BuildState, reports_dir: Path) -> Path:
    """Write the build state atomically.

    Parameters
    ----------
    state : BuildState
        The state to save.
    reports_dir : pathlib.Path
        The reports folder.

    Returns
    -------
    pathlib.Path
        The written ``.build-state.json``.
    """
    return atomic_write_text(
        reports_dir / ".build-state.json", state.model_dump_json(indent=0) + "\n"
    )
