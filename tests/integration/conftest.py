"""Shared fixtures of the integration tests."""

from __future__ import annotations

import dataclasses
import os

import pytest

from analysis.paths import ProjectPaths, get_paths


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The demo project built as ``make reports`` does: ingest, analyse, build, site.

    Built once per test session in a temporary folder (about four minutes on two cores)
    and shared by the tests that read the whole site (one truth, browser checks). The
    ``ECOPLAN_*`` folders point at it only while it is built; the tests read its files.
    """
    from analysis.build.engine import shutdown_warm_kernels  # noqa: PLC0415
    from analysis.build.executor import BuildOptions, build  # noqa: PLC0415
    from analysis.i18n import LANGS  # noqa: PLC0415
    from analysis.ingest.pipeline import run_ingest  # noqa: PLC0415
    from analysis.results.compute import run_analysis  # noqa: PLC0415
    from analysis.site.index import build_site  # noqa: PLC0415
    from analysis.spatial.pipeline import build_spatial  # noqa: PLC0415

    tmp = tmp_path_factory.mktemp("demo-site")
    keys = ("ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["ECOPLAN_PROCESSED_DIR"] = str(tmp / "processed")
    os.environ["ECOPLAN_REPORTS_DIR"] = str(tmp / "reports")
    try:
        paths = dataclasses.replace(
            get_paths(), processed=tmp / "processed", reports=tmp / "reports"
        )
        run_ingest(paths)
        build_spatial(paths)
        run_analysis(paths)
        report = build(BuildOptions(towns=None, langs=LANGS, progress=False), paths)
        failed = [
            f"{r.town_id}/{r.lang}/{r.appendix}: {r.error}"
            for r in report.jobs
            if r.status == "failed"
        ]
        assert not failed, failed
        build_site(paths)
        return paths
    finally:
        shutdown_warm_kernels()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
