import pytest

from analysis.errors import ConfigError, ParameterError
from analysis.paths import get_paths
from analysis.towns import TOWN_COLUMNS, load_towns, validate_town_id


def test_demo_registry_has_the_six_pilot_towns():
    towns = load_towns(get_paths().towns_csv)
    assert set(towns["town_id"]) == {
        "nakhon-sawan",
        "nam-chiao",
        "mueang-mai",
        "takhli",
        "mueang-nan",
        "phitsanulok",
    }
    assert list(towns.columns) == list(TOWN_COLUMNS)


def test_unpublished_figures_stay_empty_not_invented():
    towns = load_towns(get_paths().towns_csv).set_index("town_id")
    # domain.md s5: no published population for Nam Chiao or Mueang Mai, no area for Mueang Mai.
    assert towns.loc["nam-chiao", "population"] is __import__("pandas").NA
    assert towns.loc["mueang-mai", "population"] is __import__("pandas").NA
    assert towns.loc["mueang-mai", "area_km2"] != towns.loc["mueang-mai", "area_km2"]  # NaN
    assert towns.loc["nakhon-sawan", "population"] == 76664
    assert towns.loc["phitsanulok", "area_km2"] == pytest.approx(18.26)


@pytest.mark.parametrize("good", ["nan", "nakhon-sawan", "a", "town-2"])
def test_valid_slugs(good):
    assert validate_town_id(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../x",
        "/etc/passwd",
        "Nan",
        "nan/..",
        "-nan",
        "nan-",
        "na n",
        "nаn",
        "ｎan",
        "a" * 65,
        None,
        3,
    ],
)
def test_invalid_slugs_rejected(bad):
    with pytest.raises(ParameterError, match="invalid town_id"):
        validate_town_id(bad)


def test_registry_errors_name_file_row_and_column(tmp_path):
    src = get_paths().towns_csv.read_text(encoding="utf-8").splitlines()
    src[2] = "Bad Slug" + src[2][src[2].index(",") :]
    bad = tmp_path / "towns.csv"
    bad.write_text("\n".join(src), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"towns\.csv, row 3, column town_id"):
        load_towns(bad)
