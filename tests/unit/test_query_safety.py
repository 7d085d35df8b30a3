"""``ecoplan query`` is read-only by default (issue 16, item 9).

Before the fix, ``COPY ... TO`` overwrote ``indicators.parquet``, any file could be read
or attached, ``fetchall()`` ran before ``--max-rows`` and ``--max-rows -1`` dropped the
last row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.commands.query import max_rows_arg, run_query
from analysis.errors import ParameterError


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "processed"
    folder.mkdir()
    pd.DataFrame(
        {"town_id": ["a", "a", "b"], "indicator_id": ["pm25"] * 3, "value": [1.0, 2.0, 3.0]}
    ).to_parquet(folder / "indicators.parquet")
    pd.DataFrame({"town_id": ["a", "b"]}).to_parquet(folder / "towns.parquet")
    (folder / "results").mkdir()
    pd.DataFrame({"town_id": ["a"], "plan_class": ["keep"]}).to_parquet(
        folder / "results" / "plan.parquet"
    )
    return folder


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ecoplan query: error: ")
    return lines[0]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1 AS x) TO '{target}' (FORMAT parquet)",
        "COPY (SELECT 1 AS x) TO '{target}' (FORMAT csv, USE_TMP_FILE false)",
        "COPY indicators TO '{target}' (FORMAT parquet, OVERWRITE_OR_IGNORE)",
        "EXPORT DATABASE '{folder}'",
        "ATTACH '{target}' AS x",
    ],
)
def test_writes_to_the_store_are_refused_and_it_stays_byte_identical(
    store: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digests(store)
    target = store / "indicators.parquet"
    stmt = sql.format(target=target, folder=store)
    assert main(["query", "--processed", str(store), stmt]) == 2
    line = _one_line(capsys)
    assert "read-only" in line and "--unsafe" in line
    assert _digests(store) == before


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '{store}/towns.parquet'",  # replacement scan of a path
        "SELECT * FROM glob('/etc/*')",
        "SELECT count(*) FROM read_parquet('{store}/indicators.parquet')",  # even store files
        "SELECT * FROM (SELECT * FROM read_blob('/etc/hostname'))",
    ],
)
def test_no_file_can_be_read(store: Path, sql: str) -> None:
    with pytest.raises(ParameterError, match=r"^refused: .*disabled by configuration.*--unsafe"):
        run_query(sql.format(store=store), store)


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("ATTACH ':memory:' AS other", "ATTACH"),
        ("LOAD '/tmp/evil.duckdb_extension'", "LOAD"),
        ("INSTALL httpfs", "LOAD"),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("SET enable_external_access = true", "SET"),
        ("RESET lock_configuration", "SET"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("DROP VIEW indicators", "DROP"),
        ("CALL pragma_version()", "CALL"),
    ],
)
def test_statements_other_than_select_are_refused_in_one_line(
    store: Path, sql: str, kind: str
) -> None:
    with pytest.raises(ParameterError, match=rf"^{kind} statements are refused: .*read-only"):
        run_query(sql, store)


def test_only_one_statement(store: Path) -> None:
    with pytest.raises(ParameterError, match="exactly one SQL statement, not 2"):
        run_query("SELECT 1; COPY indicators TO 'x.csv'", store)
    with pytest.raises(ParameterError, match=r"runs as several .*IN \('a', 'b'\)"):
        run_query("PIVOT indicators ON town_id USING sum(value) GROUP BY indicator_id", store)
    sql = "PIVOT indicators ON town_id IN ('a', 'b') USING sum(value) GROUP BY indicator_id"
    cols, rows = run_query(sql, store)
    assert (cols, rows) == (["indicator_id", "a", "b"], [("pm25", 3.0, 3.0)])


def test_read_only_statements_still_work(store: Path) -> None:
    assert run_query("SELECT count(*) FROM indicators", store)[1] == [(3,)]
    assert run_query("FROM results_plan SELECT plan_class", store)[1] == [("keep",)]
    cols, rows = run_query("DESCRIBE towns", store)
    assert cols[0] == "column_name" and rows[0][0] == "town_id"
    assert run_query("WITH t AS (SELECT 2 AS x) SELECT x FROM t", store)[1] == [(2,)]
    assert run_query("EXPLAIN SELECT 1", store)[0]
    # the connection stays locked down: the setting cannot be read back as enabled
    assert run_query("SELECT current_setting('enable_external_access')", store)[1] == [(False,)]


def test_python_variables_are_not_tables(store: Path) -> None:
    with pytest.raises(ParameterError, match="bad SQL"):
        run_query("SELECT * FROM store", store)


@pytest.mark.parametrize("bad", ["-1", "0", "x", "1.5", ""])
def test_max_rows_must_be_positive_or_all(
    bad: str, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--processed", str(store), f"--max-rows={bad}", "SELECT 1"])
    assert exit_info.value.code == 2
    assert "positive whole number" in capsys.readouterr().err
    assert max_rows_arg("ALL") is None
    assert max_rows_arg("3") == 3


def test_max_rows_all_and_exact(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT value FROM indicators ORDER BY value"
    assert main(["query", "--processed", str(store), "--max-rows", "all", sql]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-4:] == ["1", "2", "3", "(3 rows)"]
    assert main(["query", "--processed", str(store), "--max-rows", "3", sql]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(3 rows)"  # exactly 3: no "more"


def test_row_limit_is_applied_in_the_database(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a billion rows: fetching them all (the old fetchall) would need tens of GB
    sql = "SELECT range AS n FROM range(1000000000)"
    assert main(["query", "--processed", str(store), "--max-rows", "5", sql]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2:7] == ["0", "1", "2", "3", "4"]
    assert len(out) == 8
    assert out[-1].startswith("(first 5 rows; more rows exist")
    cols, rows = run_query(sql, store, max_rows=2)
    assert (cols, rows) == (["n"], [(0,), (1,)])


def test_csv_streams_every_row(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT range AS n FROM range(25000)"
    assert main(["query", "--processed", str(store), "--csv", "--max-rows", "1", sql]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n" and out[1:] == [str(i) for i in range(25000)]


def test_unsafe_is_the_full_shell(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = store.parent / "copy.csv"
    sql = f"COPY (SELECT town_id FROM towns ORDER BY 1) TO '{target}' (HEADER)"
    assert main(["query", "--processed", str(store), "--unsafe", sql]) == 0
    assert "--unsafe: full DuckDB shell" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8").split() == ["town_id", "a", "b"]


def test_help_documents_read_only_and_unsafe(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = capsys.readouterr().out
    assert "--unsafe" in out and "Read-only" in out and "docs/query.md" in out
    doc = Path(__file__).resolve().parents[2] / "docs" / "query.md"
    assert "--unsafe" in doc.read_text(encoding="utf-8")
