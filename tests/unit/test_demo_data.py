"""The committed demo raw files are exactly what the seeded generator writes."""

import pandas as pd
import pytest

from analysis.cli import main
from analysis.commands.ingest import DEFAULT_MAX_BYTES as CLI_MAX_BYTES
from analysis.ingest.readers import DEFAULT_MAX_BYTES
from analysis.paths import get_paths


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo-data", "--out", str(out)]) == 0
    return out


def test_csv_demo_files_are_byte_identical(regenerated):
    committed = get_paths().raw_indicators
    csvs = sorted(p.name for p in committed.glob("*.csv"))
    assert len(csvs) == 4
    for name in csvs:
        assert (regenerated / "indicators" / name).read_bytes() == (committed / name).read_bytes()


def test_xlsx_demo_files_have_identical_content(regenerated):
    # XLSX zips carry write timestamps, so compare cell content.
    committed = get_paths().raw_indicators
    for path in sorted(committed.glob("*.xlsx")):
        fresh = pd.read_excel(regenerated / "indicators" / path.name, sheet_name=None)
        old = pd.read_excel(path, sheet_name=None)
        assert fresh.keys() == old.keys()
        for sheet in old:
            pd.testing.assert_frame_equal(fresh[sheet], old[sheet])


def test_landuse_demo_files_are_byte_identical(regenerated):
    committed = get_paths().raw / "landuse"
    for path in sorted(committed.glob("*.gpkg")):
        assert (regenerated / "landuse" / path.name).read_bytes() == path.read_bytes()


def test_refuses_to_overwrite_raw_data_without_force(regenerated, capsys):
    assert main(["demo-data", "--out", str(regenerated)]) == 2
    assert "immutable" in capsys.readouterr().err


def test_every_demo_row_is_labelled_synthetic():
    committed = get_paths().raw_indicators
    frame = pd.read_csv(committed / "nakhon-sawan_long_en.csv")
    assert frame["source"].str.contains("SYNTHETIC").all()


def test_ingest_command_size_limit_matches_the_reader():
    assert CLI_MAX_BYTES == DEFAULT_MAX_BYTES
