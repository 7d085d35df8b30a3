"""The suite tests the code on its own fixture project and runs the package's doctests."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from analysis.paths import get_paths
from analysis.towns import load_towns

REPO = Path(__file__).resolve().parents[2]


def test_the_suite_never_reads_the_users_raw_data() -> None:
    raw = get_paths().raw
    assert raw != (REPO / "data" / "raw").resolve()
    assert os.environ["ECOPLAN_RAW_DIR"] == str(raw)
    towns = load_towns(raw / "towns.csv")["town_id"].tolist()
    assert towns == [
        "nakhon-sawan",
        "nam-chiao",
        "mueang-mai",
        "takhli",
        "mueang-nan",
        "phitsanulok",
    ]
    assert len(list((raw / "indicators").iterdir())) == 6


def test_doctests_of_the_package_are_collected_including_build() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_cfg = config["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in pytest_cfg["addopts"]
    assert "src/analysis" in pytest_cfg["testpaths"]
    assert "build" not in pytest_cfg["norecursedirs"]


def test_make_has_check_data_for_the_users_data() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "check-data: setup\n\t$(BIN)/ecoplan doctor --data" in makefile
