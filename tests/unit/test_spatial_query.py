"""``ecoplan query``: DuckDB views over the store's Parquet files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.commands.query import display_width, run_query
from analysis.errors import DataError, ParameterError


@pytest.fixture
def store(tmp_path: Path) -> Path:
    pd.DataFrame({"town_id": ["a", "a", "b"], "area_m2": [1600.0, 3200.0, 800.0]}).to_parquet(
        tmp_path / "greenspace.parquet"
    )
    pd.DataFrame({"town_id": ["a", "b"], "name_en": ["Alpha", "Beta"]}).to_parquet(
        tmp_path / "towns.parquet"
    )
    return tmp_path


def test_views_named_after_files(store: Path) -> None:
    cols, rows = run_query(
        "SELECT t.name_en, sum(g.area_m2) / 1600 AS rai FROM greenspace g JOIN towns t USING (town_id) "
        "GROUP BY 1 ORDER BY 1",
        store,
    )
    assert cols == ["name_en", "rai"]
    assert rows == [("Alpha", 3.0), ("Beta", 0.5)]


def test_bad_sql_is_a_clear_error(store: Path) -> None:
    with pytest.raises(ParameterError, match=r"bad SQL: .*(tables: greenspace, towns)"):
        run_query("SELEC nonsense", store)
    with pytest.raises(ParameterError, match="nosuch"):
        run_query("SELECT * FROM nosuch", store)


def test_empty_store(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="ecoplan ingest"):
        run_query("SELECT 1", tmp_path)


def test_cli_table_csv_and_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "query",
                "--processed",
                str(store),
                "SELECT town_id, area_m2 FROM greenspace ORDER BY 2",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("|")[0].strip() == "town_id"
    assert out[-1] == "(3 rows)"
    assert (
        main(["query", "--csv", "--processed", str(store), "SELECT * FROM towns ORDER BY 1"]) == 0
    )
    assert capsys.readouterr().out == "town_id,name_en\na,Alpha\nb,Beta\n"
    assert main(["query", "--processed", str(store), "SELECT FROM WHERE"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecoplan query: error: bad SQL")
    assert "Traceback" not in err
    assert main(["query", "--processed", str(store), "--tables"]) == 0
    assert "greenspace: town_id VARCHAR, area_m2 DOUBLE" in capsys.readouterr().out


def test_thai_text_is_aligned_by_display_width(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert display_width("นครสวรรค์") == 8  # the final ์ is a combining mark
    assert display_width("น้ำเชี่ยว") == 6
    pd.DataFrame({"name": ["น้ำเชี่ยว", "ab"], "n": [1, 2]}).to_parquet(tmp_path / "t.parquet")
    assert main(["query", "--processed", str(tmp_path), "SELECT * FROM t"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [display_width(line.split("|")[0]) for line in lines[2:4]] == [7, 7]
