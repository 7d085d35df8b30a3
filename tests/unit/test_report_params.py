"""Notebook parameter validation: clear errors before any work."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from analysis.errors import DataError, ParameterError
from analysis.paths import get_paths
from analysis.report.params import RunParams, validate_params
from analysis.store.io import write_table
from analysis.towns import load_towns

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_table(load_towns(get_paths().towns_csv), "towns.parquet", tmp_path)
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(tmp_path))
    return tmp_path


def test_valid_parameters(store: Path) -> None:
    run = validate_params(town_id="nakhon-sawan", lang="en", horizon=2040)
    assert (run.town_id, run.lang, run.horizon) == ("nakhon-sawan", "en", 2040)
    assert run.tr("report.a.label") == "Appendix A"
    with pytest.raises(ValidationError):
        run.lang = "th"  # type: ignore[misc]  # frozen


def test_defaults_are_thai(store: Path) -> None:
    run = validate_params(town_id="takhli")
    assert run.lang == "th"
    assert run.horizon == 2037


def test_unknown_name_is_reported_with_a_suggestion(store: Path) -> None:
    with pytest.raises(
        ParameterError, match=r"unknown notebook parameter 'twon_id' \(did you mean 'town_id'\?\)"
    ):
        validate_params(twon_id="nakhon-sawan", lang="th")


def test_wrong_type_is_reported(store: Path) -> None:
    with pytest.raises(ParameterError, match="horizon"):
        validate_params(town_id="nakhon-sawan", horizon="2037")


@pytest.mark.parametrize("lang", ["de", "TH", "", None])
def test_bad_language(store: Path, lang: object) -> None:
    with pytest.raises(ParameterError, match="lang"):
        validate_params(town_id="nakhon-sawan", lang=lang)


@pytest.mark.parametrize("town_id", ["../etc", "Nakhon Sawan", "nakhon_sawan", "-x", ""])
def test_unsafe_town_id(store: Path, town_id: str) -> None:
    with pytest.raises(ParameterError, match="town_id"):
        validate_params(town_id=town_id)


def test_town_must_be_in_the_store(store: Path) -> None:
    with pytest.raises(
        ParameterError, match=r"not in the processed store \(did you mean 'nakhon-sawan'\?\)"
    ):
        validate_params(town_id="nakhon-sawon")


def test_town_required_unless_cross_town(store: Path) -> None:
    with pytest.raises(ParameterError, match="town_id is required"):
        validate_params(lang="th")
    assert validate_params(lang="en", require_town=False).town_id is None


def test_missing_store_is_a_data_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(tmp_path / "empty"))
    with pytest.raises(DataError, match="ecoplan ingest"):
        validate_params(town_id="nakhon-sawan")


def test_horizon_range() -> None:
    with pytest.raises(ValidationError):
        RunParams(town_id="x", horizon=1990)
    assert pd.api.types.is_integer(RunParams().horizon)


def test_the_parameter_type_says_which_kind_of_page_runs(store: Path) -> None:
    from analysis.report.params import CrossTownParams, TownParams  # noqa: PLC0415

    town = validate_params(town_id="takhli", lang="en")
    cross = validate_params(lang="en", require_town=False)
    assert type(town) is TownParams and type(cross) is CrossTownParams
    assert isinstance(town, RunParams) and isinstance(cross, RunParams)
    with pytest.raises(ValidationError):
        CrossTownParams(town_id="takhli")
    with pytest.raises(ValidationError):
        TownParams(lang="th")  # type: ignore[call-arg]  # a town page names its town


TOWN_SECTIONS = [
    ("profile_table", ()),
    ("status_overview", ()),
    ("milestone_table", ()),
    ("plan_overview", ()),
    ("zone_area_table", ()),
    ("analysis_area_note", ()),
    ("location_map", ()),
    ("executive_summary", ()),
]


@pytest.mark.parametrize(("name", "args"), TOWN_SECTIONS, ids=[n for n, _ in TOWN_SECTIONS])
def test_a_town_section_on_the_cross_town_page_names_the_town_id_parameter(
    store: Path, name: str, args: tuple[object, ...]
) -> None:
    from analysis import report  # noqa: PLC0415

    cross = validate_params(lang="th", require_town=False)
    with pytest.raises(ParameterError, match=r"describes one town.*notebook parameter town_id"):
        getattr(report, name)(cross, *args)


def test_no_plain_town_id_guard_is_left_in_the_report_package() -> None:
    # Sections call town_params (one ParameterError naming the parameter), not their own
    # ``if run.town_id is None: raise ValueError("this section needs a town_id")``.
    guard = re.compile(r"(section|location_map|summary) needs a town_id")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted((REPO / "src" / "analysis" / "report").glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if guard.search(line)
    ]
    assert offenders == []
