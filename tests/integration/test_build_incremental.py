"""`ecoplan build` end to end: outputs, run.json, failure isolation, incremental, --force."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS, make_project

from analysis.batch.engine import shutdown_warm_kernels
from analysis.batch.executor import BuildOptions, build
from analysis.batch.runinfo import RunReport
from analysis.cli import main

pytestmark = pytest.mark.slow


def _options(**kw):
    return BuildOptions(
        specs=TOWN_SPECS,
        cross_spec=CROSS_SPEC,
        jobs=0,
        progress=False,
        code_hash="pinned-for-test",
        **BASIC,
        **kw,
    )


def _status(report):
    return {(j.town_id, j.lang, j.appendix): j.status for j in report.jobs}


def test_build_isolates_failures_and_rebuilds_only_what_changed(tmp_path, monkeypatch):
    paths = make_project(tmp_path, ["alpha", "beta", "bad-town"], monkeypatch)
    reports = paths.reports

    # 1. Full build: bad-town fails, the others are published.
    first = build(_options(), paths)
    st = _status(first)
    assert st[("bad-town", "th", "a")] == "failed"
    assert st[("alpha", "en", "a")] == st[("beta", "th", "a")] == st[(None, "th", "x")] == "built"
    assert first.failed_towns == ["bad-town"]
    assert first.totals.failed == 2 and first.totals.built == 6 and first.totals.towns_failed == 1
    for town in ("alpha", "beta"):
        for lang in ("th", "en"):
            page = reports / "site" / "towns" / town / lang / "index.html"
            assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
            assert (reports / "site" / "towns" / town / lang / "a.html").exists()
            assert (reports / "notebooks" / town / lang / "a.ipynb").exists()
    assert (reports / "site" / "cross-town" / "en.html").exists()
    assert not (reports / "site" / "towns" / "bad-town").exists()  # never a half town
    failed_nb = (reports / "notebooks" / "bad-town" / "th" / "a.ipynb").read_text(encoding="utf-8")
    assert "deliberate failure" in failed_nb  # kept for debugging

    # run.json follows its schema and matches the returned report.
    data = json.loads((reports / "run.json").read_text(encoding="utf-8"))
    assert RunReport.model_validate(data) == first
    bad = next(j for j in data["jobs"] if j["town_id"] == "bad-town")
    assert bad["status"] == "failed" and "deliberate failure" in bad["error"]
    assert len(bad["input_hash"]) == 64 and bad["seconds"] > 0

    # 2. Nothing changed: everything published is skipped; the failed town is retried.
    again = build(_options(), paths)
    st = _status(again)
    assert {k: v for k, v in st.items() if k[0] != "bad-town"} == dict.fromkeys(
        [k for k in st if k[0] != "bad-town"], "skipped"
    )
    assert st[("bad-town", "en", "a")] == "failed"

    # 3. One town's rows change: only that town (and the cross-town page) rebuild.
    ind_path = paths.processed / "indicators.parquet"
    ind = pd.read_parquet(ind_path)
    ind.loc[ind.index[ind["town_id"] == "beta"][0], "value"] += 1.0
    ind.sample(frac=1.0, random_state=1).to_parquet(
        ind_path, index=False
    )  # row order is irrelevant
    alpha_page = reports / "site" / "towns" / "alpha" / "en" / "index.html"
    alpha_before = alpha_page.stat().st_mtime_ns
    third = build(_options(towns=["alpha", "beta"], cross_town=True), paths)
    st = _status(third)
    assert st[("beta", "th", "a")] == st[("beta", "en", "a")] == "built"
    assert st[("alpha", "th", "a")] == st[("alpha", "en", "a")] == "skipped"
    assert st[(None, "th", "x")] == "built"
    assert alpha_page.stat().st_mtime_ns == alpha_before
    assert third.totals.failed == 0

    # 4. A town that starts failing keeps its previously published pages.
    before = alpha_page.read_bytes()
    towns = pd.read_parquet(paths.processed / "towns.parquet")
    towns.loc[towns["town_id"] == "alpha", "name_en"] = "FAIL town"
    towns.to_parquet(paths.processed / "towns.parquet", index=False)
    fourth = build(_options(towns=["alpha"]), paths)
    assert fourth.failed_towns == ["alpha"]
    assert alpha_page.read_bytes() == before
    assert "deliberate failure: FAIL" in (
        reports / "notebooks" / "alpha" / "en" / "a.ipynb"
    ).read_text(encoding="utf-8")

    # 5. --force rebuilds what is up to date; the cross-town page a one-town build pulls in
    #    is rebuilt only when stale (here: up to date).
    forced = build(_options(towns=["beta"], langs=("en",), force=True), paths)
    assert _status(forced) == {("beta", "en", "a"): "built", (None, "en", "x"): "skipped"}

    # 6. Building one town refreshes a stale cross-town page (issue 17).
    ind = pd.read_parquet(ind_path)
    ind.loc[ind.index[ind["town_id"] == "alpha"][0], "value"] += 1.0
    ind.to_parquet(ind_path, index=False)
    towns.loc[towns["town_id"] == "alpha", "name_en"] = "Alpha"
    towns.to_parquet(paths.processed / "towns.parquet", index=False)
    sixth = build(_options(towns=["alpha"], langs=("en",)), paths)
    assert _status(sixth) == {("alpha", "en", "a"): "built", (None, "en", "x"): "built"}
    assert not list(reports.rglob("*.tmp"))


def test_cli_reports_user_errors_without_traceback(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, ["alpha"], monkeypatch)
    assert main(["build", "--town", "nowhere", "--appendix", "a"]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "Traceback" not in err


@pytest.fixture(scope="module", autouse=True)
def _stop_inline_kernels():
    yield
    shutdown_warm_kernels()
