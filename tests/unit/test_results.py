"""The analysis stage: computed once, stored in complete generations, read by every page."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import DataError
from analysis.paths import ProjectPaths
from analysis.results import RESULT_TABLES, is_current, read_manifest, read_result, results_dir
from analysis.results.compute import compute_results, run_analysis
from analysis.results.tables import check_natural_bounds, validate_table
from analysis.results.values import value_table
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import TOWN_COLUMNS

CAT = load_catalogue()


def _town_row(town_id: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(TOWN_COLUMNS, "")
    row.update(
        town_id=town_id,
        name_th=f"เทศบาล {town_id}",
        name_en=f"{town_id} municipality",
        population=pd.NA,
        area_km2=pd.NA,
    )
    return row


def _indicators(town_ids: list[str], seed: int = 3) -> pd.DataFrame:
    series = generate_series([TownTraits(t) for t in town_ids], CAT, seed=seed)
    series = series.drop(columns=["trend_kind"], errors="ignore")
    series["unit"] = series["indicator_id"].map({i.id: i.unit for i in CAT.indicators})
    series["source"] = "SYNTHETIC demo series"
    series["note"] = None
    series["is_synthetic"] = True
    series["src_file"] = "indicators/demo.csv"
    series["src_row"] = np.arange(2, len(series) + 2)
    return series.reset_index(drop=True)


def _greenspace(town_ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "town_id": town_ids,
            "green_share_pct": np.linspace(12.0, 40.0, len(town_ids)),
            "park_m2_per_capita": np.linspace(3.0, 18.0, len(town_ids)),
            "is_synthetic": True,
            "note": "",
        }
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    towns = ["alpha", "beta", "empty"]
    pd.DataFrame([_town_row(t) for t in towns]).to_parquet(processed / "towns.parquet")
    _indicators(["alpha", "beta"]).to_parquet(processed / "indicators.parquet", index=False)
    _greenspace(["alpha", "beta", "empty"]).to_parquet(processed / "greenspace_summary.parquet")
    monkeypatch.setenv("ECOPLAN_ROOT", str(tmp_path))
    for var in ("ECOPLAN_RAW_DIR", "ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR"):
        monkeypatch.delenv(var, raising=False)
    return ProjectPaths(
        root=tmp_path, raw=tmp_path / "data" / "raw", processed=processed, reports=tmp_path / "r"
    )


def test_values_keep_reported_and_map_values_apart() -> None:
    ind = _indicators(["alpha"])
    values = value_table(ind, CAT, greenspace=_greenspace(["alpha"]))
    reported = values[values["origin"] == "reported"]
    mapped = values[values["origin"] == "map"]
    assert len(reported) == len(ind)
    assert set(mapped["indicator_id"]) == {"green_area_pct_map", "green_space_per_capita_map"}
    # the map value never sits under the reported id of the same quantity
    assert not set(mapped["indicator_id"]) & set(CAT.ids)
    assert mapped["year"].isna().all()
    share = mapped.loc[mapped["indicator_id"] == "green_area_pct_map", "value"].item()
    assert share == pytest.approx(12.0)
    assert CAT.counterpart_of("green_area_pct") == "green_area_pct_map"
    assert CAT.counterpart_of("green_area_pct_map") == "green_area_pct"


def test_compute_results_gives_every_table_with_unique_keys() -> None:
    tables, warnings = compute_results(_indicators(["alpha", "beta"]), CAT)
    assert warnings == []
    assert set(tables) == set(RESULT_TABLES)
    for name, spec in RESULT_TABLES.items():
        frame = tables[name]
        assert not frame.duplicated(list(spec.keys)).any(), name
    n_series = tables["values"].groupby(["town_id", "indicator_id"]).ngroups
    assert len(tables["trend"]) == len(tables["plan"]) == n_series


def test_a_bad_town_is_left_out_with_the_reason_and_the_others_analysed() -> None:
    ind = _indicators(["alpha", "beta"])
    ind.loc[ind.index[ind["town_id"] == "beta"][0], "value"] = np.inf
    tables, warnings = compute_results(ind, CAT)
    assert len(warnings) == 1 and "beta" in warnings[0]
    assert set(tables["plan"]["town_id"].astype(str)) == {"alpha"}


def test_run_analysis_publishes_one_complete_generation(project: ProjectPaths) -> None:
    summary = run_analysis(project)
    assert not summary.skipped
    link = results_dir(project.processed)
    assert link.is_symlink()
    manifest = read_manifest(project.processed)
    assert manifest is not None and manifest.inputs_hash == summary.manifest.inputs_hash
    assert manifest.towns == ["alpha", "beta", "empty"]
    assert manifest.towns_without_data == ["empty"]
    for name in RESULT_TABLES:
        frame = read_result(name, processed_dir=project.processed)
        assert len(frame) == manifest.tables[name]
        if len(frame):
            assert set(frame["inputs_hash"].astype(str)) == {manifest.inputs_hash}
            assert set(frame["method_version"].astype(str)) == {manifest.method_version}
    # map values of the town without indicator data are stored too
    values = read_result("values", "empty", processed_dir=project.processed)
    assert set(values["origin"]) == {"map"}
    assert is_current(project.processed)
    assert run_analysis(project).skipped


def test_a_changed_store_makes_results_stale_and_a_rerun_replaces_them(
    project: ProjectPaths,
) -> None:
    first = run_analysis(project).manifest
    ind = pd.read_parquet(project.processed / "indicators.parquet")
    ind.loc[0, "value"] = ind.loc[0, "value"] + 1.0
    ind.to_parquet(project.processed / "indicators.parquet", index=False)
    assert not is_current(project.processed)
    second = run_analysis(project).manifest
    assert second.inputs_hash != first.inputs_hash
    assert os.readlink(results_dir(project.processed)).endswith(second.generation)
    # the previous generation is kept for readers in flight; a third run prunes the first
    third = run_analysis(project, force=True).manifest
    kept = sorted(p.name for p in (project.processed / "results.generations").iterdir())
    assert kept == sorted([second.generation, third.generation])


def test_pages_refuse_stale_results(project: ProjectPaths) -> None:
    from analysis.report import data  # noqa: PLC0415

    run_analysis(project)
    assert len(data.read_indicators_cached()) > 0
    ind = pd.read_parquet(project.processed / "indicators.parquet")
    ind.to_parquet(project.processed / "indicators.parquet", index=False, compression="gzip")
    data._manifest.cache_clear()
    with pytest.raises(DataError, match="ecoplan analyse"):
        data.read_indicators_cached()


def test_town_without_data_gets_empty_tables_not_an_error(project: ProjectPaths) -> None:
    from analysis.report import data  # noqa: PLC0415

    run_analysis(project)
    empty = data.town_analysis("empty")
    full = data.town_analysis("alpha")
    assert empty.plan.empty and empty.projections.empty
    assert list(empty.latest_status.columns) == list(full.latest_status.columns)


def test_no_results_yet_says_what_to_run(project: ProjectPaths) -> None:
    with pytest.raises(DataError, match="ecoplan analyse"):
        read_result("plan", processed_dir=project.processed)


def test_bounds_check_catches_a_value_outside_the_natural_range() -> None:
    frame = pd.DataFrame(
        {"town_id": ["t"], "indicator_id": ["waste_proper_disposal_pct"], "mean": [111.0]}
    )
    with pytest.raises(DataError, match=r"outside the natural range \[0.0, 100.0\]"):
        check_natural_bounds(frame, CAT, ("mean",), "projection")
    frame["mean"] = 100.0
    check_natural_bounds(frame, CAT, ("mean",), "projection")


def test_schema_rejects_duplicate_keys() -> None:
    frame = pd.DataFrame(
        {
            "town_id": ["t", "t"],
            "theme": ["air", "air"],
            "score": [1.0, 2.0],
            "rank": [1, 1],
            "n_indicators": [1, 1],
            "inputs_hash": "h",
            "method_version": "m",
        }
    )
    with pytest.raises(DataError, match="scores"):
        validate_table("scores", frame)
    validate_table("scores", frame.iloc[:1])


def _as_page(frame: pd.DataFrame) -> pd.DataFrame:
    """What a page must get for one town: the stored rows, no bookkeeping, text for categories."""
    frame = frame.drop(columns=["inputs_hash", "method_version"], errors="ignore")
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(cats, "str")).reset_index(drop=True)


@pytest.mark.parametrize("whole", [True, False], ids=["read-whole", "read-per-town"])
def test_a_towns_rows_are_the_stored_rows(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    """Taken from the whole table in memory or read with a filter: the same frame."""
    from analysis.report import data  # noqa: PLC0415

    run_analysis(project)
    if not whole:
        monkeypatch.setattr(data, "WHOLE_TABLE_BYTES", 0)
    for cache in (data._whole_table, data._split_by_town, data._result):
        cache.cache_clear()
    for name in RESULT_TABLES:
        for town in ("alpha", "beta", "empty"):
            got = data.result_table(name, town)
            want = _as_page(read_result(name, town, processed_dir=project.processed))
            pd.testing.assert_frame_equal(got, want, check_index_type=True)
    for cache in (data._whole_table, data._split_by_town, data._result):
        cache.cache_clear()


def test_pages_read_a_new_generation_once_it_is_published(project: ProjectPaths) -> None:
    """The manifest is re-read when its file changes, so a new generation is never missed."""
    from analysis.report import data  # noqa: PLC0415

    run_analysis(project)
    first = data.results_manifest().generation
    rows = data.town_indicators("alpha")
    rows.loc[:, "value"] = -1.0  # a caller's edit never reaches the next page
    assert (data.town_indicators("alpha")["value"] != -1.0).all()
    ind = pd.read_parquet(project.processed / "indicators.parquet")
    ind = ind[ind["indicator_id"] != "pm25_annual"]
    ind.to_parquet(project.processed / "indicators.parquet", index=False)
    run_analysis(project)
    assert data.results_manifest().generation != first
    assert "pm25_annual" not in set(data.town_indicators("alpha")["indicator_id"])
