"""Issue 17's CLI rough edges: one option name for the store, the real reports folder, a
closed pipe. (Thai column alignment in ``query``: tests/unit/test_spatial_query.py.)"""

from __future__ import annotations

import io
import subprocess
import sys
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
    monkeypatch.setattr(executor, "build", lambda _options, **_kw: SimpleNamespace(totals=totals))
    monkeypatch.setattr(progress, "print_summary", lambda _r, **kw: seen.update(kw))
    assert main(["build", "--town", "takhli"]) == 0
    assert seen["run_json"] == (tmp_path / "my-reports" / "run.json").resolve()


@pytest.mark.parametrize("fmt", [[], ["--csv"]], ids=["table", "csv"])
def test_piping_to_head_stops_quietly(fmt: list[str], tmp_path: Path) -> None:
    """`ecoplan query ... | head -1`: the reader closes the pipe; no traceback, exit 0."""
    rows = 200_000  # far more than a pipe buffer holds
    pd.DataFrame({"n": range(rows), "s": ["x" * 20] * rows}).to_parquet(tmp_path / "t.parquet")
    args = [sys.executable, "-m", "analysis.cli", "query", *fmt, "--max-rows", "all"]
    with subprocess.Popen(
        [*args, "--processed", str(tmp_path), "SELECT * FROM t"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # what `head -1` does after its line
        err = proc.stderr.read().decode()
        status = proc.wait(timeout=60)
    assert first.split(b",")[0].split(b"|")[0].strip() == b"n"
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert status == 0
