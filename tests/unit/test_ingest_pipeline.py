"""Ingest pipeline: the demo files, the written store, the schema and the command line."""

import hashlib
import json
import shutil
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis.ingest.pipeline as pipeline
from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.commands.ingest import parse_size
from analysis.errors import ParameterError, SpatialInputError
from analysis.ingest import discover_files, ingest_files, run_ingest
from analysis.ingest.normalise import to_thai_digits
from analysis.ingest.pipeline import REJECTED_COLUMNS, IngestResult
from analysis.ingest.schema import INDICATORS_SCHEMA, failures_by_row, row_schema
from analysis.paths import ProjectPaths, get_paths
from analysis.store.io import INDICATOR_COLUMNS, read_indicators, write_table
from analysis.synthetic.demo_files import DEMO_TOWNS
from analysis.synthetic.series import generate_series
from analysis.towns import load_towns

PATHS = get_paths()
CATALOGUE = load_catalogue()
TOWNS = load_towns(PATHS.towns_csv)
YEARS = (1990, 2027)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nakhon_sawan() -> IngestResult:
    """The ingest result of the committed Nakhon Sawan demo file (read-only)."""
    return ingest_files(
        [PATHS.raw_indicators / "nakhon-sawan_long_en.csv"],
        CATALOGUE,
        TOWNS,
        raw_root=PATHS.raw,
        year_range=YEARS,
    )


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    """A throw-away project whose raw folder is a copy of the committed demo raw files."""
    raw = tmp_path / "raw"
    shutil.copytree(PATHS.raw_indicators, raw / "indicators")
    shutil.copy(PATHS.towns_csv, raw / "towns.csv")
    (raw / "geo").symlink_to(PATHS.raw_geo, target_is_directory=True)
    return ProjectPaths(
        root=tmp_path, raw=raw, processed=tmp_path / "processed", reports=tmp_path / "reports"
    )


# --------------------------------------------------------------------------- demo data


def test_demo_files_load_completely_and_match_the_generator():
    result = ingest_files(
        discover_files(PATHS.raw_indicators), CATALOGUE, TOWNS, raw_root=PATHS.raw, year_range=YEARS
    )
    assert result.rejected.empty
    assert len(result.files) == 6
    expected = generate_series(DEMO_TOWNS, CATALOGUE, seed=20261126)
    merged = expected.merge(
        result.rows, on=["town_id", "indicator_id", "year"], how="outer", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    np.testing.assert_allclose(merged["value_x"], merged["value_y"], rtol=1e-12)
    assert (merged["unit_x"] == merged["unit_y"]).all()
    assert result.rows["is_synthetic"].all()
    layouts = {t: lay for f in result.files for t, lay in f.layouts.items()}
    assert layouts["indicators/takhli_wide_th_bom.csv"] == "wide"
    assert layouts["indicators/mueang-mai_wide_en.xlsx[indicators]"] == "wide"
    encodings = {f.file: f.encoding for f in result.files}
    assert encodings["indicators/nam-chiao_long_th_cp874.csv"] == "tis-620/cp874"
    assert encodings["indicators/takhli_wide_th_bom.csv"] == "utf-8-sig"


def test_src_row_is_the_excel_row(nakhon_sawan):
    result = nakhon_sawan
    raw = pd.read_csv(PATHS.raw_indicators / "nakhon-sawan_long_en.csv")
    first = result.rows.sort_values("src_row").iloc[0]
    assert first["src_row"] == 2
    assert first["src_file"] == "indicators/nakhon-sawan_long_en.csv"
    assert (first["indicator_id"], first["year"], first["value"]) == (
        raw.loc[0, "indicator"],
        raw.loc[0, "year"],
        raw.loc[0, "value"],
    )


def test_run_ingest_writes_the_store_and_the_parquet_equals_what_was_read(project):
    before = {p: _sha(p) for p in project.raw.rglob("*") if p.is_file()}
    report = run_ingest(project, year_range=YEARS)
    assert report.rows_loaded == 1562
    assert report.rows_rejected == 0
    assert report.ok
    stored = pd.read_parquet(project.processed / "indicators.parquet")
    pd.testing.assert_frame_equal(stored, report.result.rows)
    assert tuple(stored.columns) == INDICATOR_COLUMNS
    assert stored["year"].dtype == "int64" and stored["src_row"].dtype == "int64"
    assert stored["is_synthetic"].dtype == bool
    filtered = read_indicators(["takhli"], processed_dir=project.processed)
    assert set(filtered["town_id"]) == {"takhli"}
    towns = pd.read_parquet(project.processed / "towns.parquet")
    pd.testing.assert_frame_equal(towns, TOWNS)
    boundaries = pd.read_parquet(project.processed / "boundaries.parquet")
    assert set(boundaries["level"]) == {"province", "district", "tambon"}
    rejected = pd.read_csv(project.processed / "rejected.csv")
    assert list(rejected.columns) == list(REJECTED_COLUMNS) and rejected.empty
    manifest = json.loads((project.processed / "ingest_manifest.json").read_text(encoding="utf-8"))
    assert manifest["catalogue_version"] == CATALOGUE.version
    assert manifest["rows_loaded"] == 1562
    hashed = manifest["raw_sha256"]
    assert hashed["indicators/nakhon-sawan_long_en.csv"] == _sha(
        project.raw_indicators / "nakhon-sawan_long_en.csv"
    )
    assert hashed["towns.csv"] == _sha(project.towns_csv)
    assert sum(f["rows_loaded"] for f in manifest["files"]) == 1562
    assert {p: _sha(p) for p in project.raw.rglob("*") if p.is_file()} == before
    leftovers = [p.name for p in project.processed.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_empty_input_writes_an_empty_typed_table(project):
    for p in project.raw_indicators.iterdir():
        p.unlink()
    report = run_ingest(project, boundaries=False)
    stored = pd.read_parquet(project.processed / "indicators.parquet")
    assert stored.empty and tuple(stored.columns) == INDICATOR_COLUMNS
    assert stored["year"].dtype == "int64"
    assert report.rows_loaded == 0


def test_discover_files_skips_hidden_lock_and_readme_files(tmp_path):
    for name in ("a.csv", ".hidden.csv", "~$b.xlsx", "README.md", "sub/c.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in discover_files(tmp_path)] == [
        "a.csv",
        "sub/c.xlsx",
    ]
    assert discover_files(tmp_path / "missing") == []


# --------------------------------------------------------------------------- round trip property

_IND = [i for i in CATALOGUE.indicators]


@st.composite
def long_tables(draw):
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(TOWNS["town_id"])),
                st.sampled_from([i.id for i in _IND]),
                st.integers(min_value=YEARS[0], max_value=YEARS[1]),
            ),
            min_size=1,
            max_size=25,
            unique=True,
        )
    )
    rows = []
    for town, ind_id, year in keys:
        ind = CATALOGUE.get(ind_id)
        lo, hi = ind.bounds
        value = draw(
            st.floats(min_value=lo or 0.0, max_value=hi if hi is not None else 1e6, allow_nan=False)
        )
        rows.append({"town_id": town, "indicator_id": ind_id, "year": year, "value": value})
    return pd.DataFrame(rows)


def _render(df: pd.DataFrame, style: dict) -> pd.DataFrame:
    towns = TOWNS.set_index("town_id")
    return pd.DataFrame(
        {
            "town" if style["lang"] == "en" else "เทศบาล": [
                t if style["town"] == "id" else towns.loc[t, f"name_{style['town']}"]
                for t in df["town_id"]
            ],
            "indicator" if style["lang"] == "en" else "ตัวชี้วัด": [
                i if style["ind"] == "id" else getattr(CATALOGUE.get(i), f"name_{style['ind']}")
                for i in df["indicator_id"]
            ],
            "year" if style["lang"] == "en" else "ปี พ.ศ.": [
                str(y + 543) if style["be"] else str(y) for y in df["year"]
            ],
            "value" if style["lang"] == "en" else "ค่า": [
                to_thai_digits(format(v, ",")) if style["thai_digits"] else repr(v)
                for v in df["value"]
            ],
            "unit" if style["lang"] == "en" else "หน่วย": [
                CATALOGUE.unit_symbol(CATALOGUE.get(i).unit, style["lang"])
                for i in df["indicator_id"]
            ],
            "source" if style["lang"] == "en" else "แหล่งข้อมูล": "survey",
        }
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    long_tables(),
    st.fixed_dictionaries(
        {
            "lang": st.sampled_from(["en", "th"]),
            "town": st.sampled_from(["id", "th", "en"]),
            "ind": st.sampled_from(["id", "th", "en"]),
            "be": st.booleans(),
            "thai_digits": st.booleans(),
            "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp874", "utf-16"]),
        }
    ),
)
def test_any_valid_long_table_round_trips(table, style):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        sep = "\t" if style["encoding"] == "utf-16" else ","
        text = _render(table, style).to_csv(index=False, sep=sep)
        if style["encoding"] == "cp874":
            text = text.replace("µ", "u").replace("³", "3").replace("²", "2")  # cp874 has no µ ³ ²
        path.write_bytes(text.encode(style["encoding"]))
        result = ingest_files([path], CATALOGUE, TOWNS, raw_root=Path(tmp), year_range=YEARS)
        exported = pd.read_parquet(write_table(result.rows, "indicators.parquet", Path(tmp)))
    assert result.rejected.empty, result.rejected.to_dict("records")
    pd.testing.assert_frame_equal(exported, result.rows)
    got = exported[["town_id", "indicator_id", "year", "value"]]
    want = table.sort_values(["town_id", "indicator_id", "year"]).reset_index(drop=True)
    want = want.astype({"town_id": "str", "indicator_id": "str"})
    pd.testing.assert_frame_equal(got, want)
    assert list(result.rows["src_row"].sort_values()) == list(range(2, len(table) + 2))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_tables(), st.booleans(), st.sampled_from(["csv", "xlsx"]))
def test_any_valid_wide_table_round_trips(table, be, fmt):
    wide = table.pivot_table(index=["town_id", "indicator_id"], columns="year", values="value")
    wide = wide.reset_index()
    out = pd.DataFrame(
        {
            "เทศบาล": wide["town_id"],
            "ตัวชี้วัด": wide["indicator_id"],
            "หน่วย": [CATALOGUE.get(i).unit for i in wide["indicator_id"]],
            "แหล่งข้อมูล": "survey",
        }
    )
    for year in sorted(table["year"].unique()):
        out[str(year + 543) if be else str(year)] = wide[year]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"w.{fmt}"
        if fmt == "csv":
            out.to_csv(path, index=False, float_format=lambda v: repr(float(v)))
        else:
            out.to_excel(path, index=False)
        result = ingest_files([path], CATALOGUE, TOWNS, raw_root=Path(tmp), year_range=YEARS)
    assert result.rejected.empty, result.rejected.to_dict("records")
    got = result.rows[["town_id", "indicator_id", "year", "value"]]
    want = table.sort_values(["town_id", "indicator_id", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.astype({"town_id": "str", "indicator_id": "str"}))


# --------------------------------------------------------------------------- schema


def test_indicators_schema_enforces_the_contract(nakhon_sawan):
    result = nakhon_sawan
    rows = result.rows
    INDICATORS_SCHEMA.validate(rows)
    assert tuple(INDICATORS_SCHEMA.columns) == INDICATOR_COLUMNS
    with pytest.raises(pa.errors.SchemaError):
        INDICATORS_SCHEMA.validate(pd.concat([rows.head(1), rows.head(1)], ignore_index=True))
    with pytest.raises(pa.errors.SchemaError):
        INDICATORS_SCHEMA.validate(rows.drop(columns="note"))


def test_row_schema_reports_failures_per_row():
    schema = row_schema(CATALOGUE, year_min=1990, year_max=2027)
    df = pd.DataFrame(
        {
            "town_id": ["takhli"] * 4,
            "indicator_id": ["pm25_annual", "green_area_pct", "green_area_pct", "pm25_annual"],
            "year": [2020, 1980, 2020, 2020],
            "value": [10.0, 50.0, 101.0, -1.0],
        },
        index=[10, 11, 12, 13],
    ).astype({"town_id": "str", "indicator_id": "str", "year": "int64"})
    assert failures_by_row(schema, df) == {
        11: ["year_range"],
        12: ["value_bounds"],
        13: ["value_bounds"],
    }
    assert failures_by_row(schema, df.loc[[10]]) == {}


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50MB", 50 * 1024**2),
        ("200 MiB", 200 * 1024**2),
        ("1GB", 1024**3),
        ("4096", 4096),
        ("10k", 10240),
    ],
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "-5MB", "0"])
def test_parse_size_rejects(text):
    with pytest.raises(ParameterError):
        parse_size(text)


def _fake_spatial(monkeypatch, fn):
    module = types.ModuleType("analysis.spatial.pipeline")
    module.build_spatial = fn
    monkeypatch.setitem(sys.modules, "analysis.spatial.pipeline", module)


def _args(project: ProjectPaths) -> list[str]:
    return ["ingest", "--raw-dir", str(project.raw), "--processed-dir", str(project.processed)]


def test_cli_ingest_calls_the_spatial_stage(project, monkeypatch, capsys):
    seen = []
    _fake_spatial(monkeypatch, lambda paths: seen.append(paths) or "spatial: 3 layers written")
    assert main(_args(project)) == 0
    out = capsys.readouterr().out
    assert "1562 rows loaded" in out
    assert "spatial: 3 layers written" in out
    # the spatial stage writes into the new store generation, published with the rest
    assert seen[0].processed.parent == (project.processed / "store.generations").resolve()
    assert (project.processed / "indicators.parquet").exists()


def test_cli_spatial_failure_is_one_line_and_nonzero_and_publishes_nothing(
    project, monkeypatch, capsys
):
    def boom(paths):
        raise SpatialInputError("landuse/takhli.gpkg: unknown land-use class 'xyz'")

    _fake_spatial(monkeypatch, boom)
    assert main(_args(project)) != 0
    err = capsys.readouterr().err
    assert "spatial stage failed: landuse/takhli.gpkg: unknown land-use class 'xyz'" in err
    assert "Traceback" not in err
    # all or nothing (issue 16 item 4): no store generation with stale or missing spatial
    # tables is published; the previous store (here: none) stays
    assert "previous store kept" in err
    assert not (project.processed / "indicators.parquet").exists()
    assert not (project.processed / "ingest_manifest.json").exists()


def test_cli_bad_towns_registry_is_a_clear_error(project, capsys):
    (project.raw / "towns.csv").write_text("town_id\nBad Id\n", encoding="utf-8")
    assert main([*_args(project), "--skip-spatial"]) == 2
    err = capsys.readouterr().err
    assert "towns.csv" in err and "Traceback" not in err


def test_cli_max_bytes_refuses_big_files(project, capsys):
    assert main([*_args(project), "--skip-spatial", "--max-bytes", "20k", "--strict"]) == 1
    captured = capsys.readouterr()
    assert (
        "cannot read indicators/nam-chiao_long_th_cp874.csv: file is 0.1 MB, larger than"
        in captured.err
    )
    rejected = pd.read_csv(project.processed / "rejected.csv", keep_default_na=False)
    assert "indicators/nakhon-sawan_long_en.csv" in set(rejected["file"])


def test_an_unexpected_error_in_one_file_does_not_stop_the_others(monkeypatch):
    real = pipeline._ingest_table

    def flaky(table, ctx, summary):
        if "takhli" in table.label:
            real(table, ctx, summary)  # partial work must be rolled back
            raise RuntimeError("boom")
        return real(table, ctx, summary)

    def broken_reader(path, *, label, max_bytes):
        if "mueang-mai" in label:
            raise KeyError("sheet")
        return real_reader(path, label=label, max_bytes=max_bytes)

    real_reader = pipeline.read_raw_file
    monkeypatch.setattr(pipeline, "_ingest_table", flaky)
    monkeypatch.setattr(pipeline, "read_raw_file", broken_reader)
    result = ingest_files(
        discover_files(PATHS.raw_indicators), CATALOGUE, TOWNS, raw_root=PATHS.raw, year_range=YEARS
    )
    assert set(result.rows["town_id"]) == {"nakhon-sawan", "nam-chiao", "mueang-nan", "phitsanulok"}
    by_file = result.rejected.set_index("file")
    assert by_file.loc["indicators/takhli_wide_th_bom.csv", "code"] == "internal_error"
    assert "RuntimeError: boom" in by_file.loc["indicators/takhli_wide_th_bom.csv", "reason"]
    assert by_file.loc["indicators/mueang-mai_wide_en.xlsx", "code"] == "unreadable_file"
    assert "KeyError" in by_file.loc["indicators/mueang-mai_wide_en.xlsx", "reason"]
    assert len(result.rejected) == 2
