"""Issue 17's CLI rough edges: one option name for the store, the real reports folder."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.batch.progress import print_summary
from analysis.cli import _parser, main


@pytest.mark.parametrize("option", ["--processed", "--processed-dir"])
def test_query_accepts_both_store_options(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pd.DataFrame({"town_id": ["a"]}).to_parquet(tmp_path / "towns.parquet")
    assert main(["query", option, str(tmp_path), "SELECT count(*) AS n FROM towns"]) == 0
    assert "(1 row)" in capsys.readouterr().out


@pytest.mark.parametrize("option", ["--processed", "--processed-dir"])
def test_ingest_accepts_both_store_options(option: str, tmp_path: Path) -> None:
    args = _parser().parse_args(["ingest", option, str(tmp_path)])
    assert args.processed_dir == tmp_path


def test_build_summary_names_the_real_reports_folder(tmp_path: Path) -> None:
    totals = SimpleNamespace(built=1, warnings=0, skipped=0, failed=0, towns_failed=0, towns=1)
    report = SimpleNamespace(jobs=[], totals=totals, seconds=1.0, executor="local")
    out = io.StringIO()
    print_summary(report, out, run_json=tmp_path / "elsewhere" / "run.json")
    text = " ".join(out.getvalue().split())
    assert f"details in {tmp_path / 'elsewhere' / 'run.json'}" in text.replace("\n", "")
    assert "reports/run.json" not in text


def test_build_command_passes_its_reports_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analysis.batch.executor as executor  # noqa: PLC0415
    import analysis.batch.progress as progress  # noqa: PLC0415

    seen: dict[str, object] = {}
    totals = SimpleNamespace(failed=0)
    monkeypatch.setenv("ECOPLAN_REPORTS_DIR", str(tmp_path / "my-reports"))
    monkeypatch.setattr(executor, "build", lambda _options: SimpleNamespace(totals=totals))
    monkeypatch.setattr(progress, "print_summary", lambda _r, **kw: seen.update(kw))
    assert main(["build", "--town", "takhli"]) == 0
    assert seen["run_json"] == (tmp_path / "my-reports" / "run.json").resolve()
