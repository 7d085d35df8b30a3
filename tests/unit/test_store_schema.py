"""One schema module for every store table, enforced on write (issue 17 item 5)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.store.io import (
    INDICATOR_COLUMNS,
    new_store_generation,
    read_table,
    store_generation,
    write_geotable,
    write_table,
)
from analysis.store.schema import (
    INDICATOR_ID_PATTERN,
    TABLES,
    TOWN_ID_PATTERN,
    Column,
    StoreSchemaError,
    TableSchema,
    columns,
    validate_table,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "analysis"


def _value(col: Column) -> object:
    """A valid value of ``col``."""
    if col.isin is not None:
        return col.isin[0]
    if col.pattern == TOWN_ID_PATTERN.pattern:
        return "nam-chiao"
    if col.pattern == INDICATOR_ID_PATTERN:
        return "pm25_annual"
    return {
        "str": "text",
        "int": 1,
        "float": 1.5,
        "bool": True,
        "datetime": pd.Timestamp("2024-01-01"),
        "any": "x",
    }[col.kind]


def valid_frame(schema: TableSchema, rows: int = 2) -> pd.DataFrame:
    """Return a frame of ``rows`` rows that satisfies ``schema`` (keys made distinct)."""
    data: dict[str, list[object]] = {}
    for col in schema.columns:
        if col.kind == "geometry":
            continue
        values = [_value(col)] * rows
        if col.name in schema.unique and col.isin is None:
            values = [
                f"{v}{i}" if isinstance(v, str) and col.pattern is None else _distinct(v, i)
                for i, v in enumerate(values)
            ]
        data[col.name] = values
    frame = pd.DataFrame(data)
    for col in schema.columns:
        if col.kind == "int":
            frame[col.name] = frame[col.name].astype("int64")
    if schema.geometry:
        geo = [shapely.box(i, 0, i + 1, 1) for i in range(rows)]
        frame = gpd.GeoDataFrame(frame, geometry=geo, crs=4326)
    return frame[list(schema.column_names)]


def _distinct(value: object, i: int) -> object:
    if isinstance(value, str):  # a pattern: stay inside it
        return f"{value}{'abcdefgh'[i]}"
    if isinstance(value, pd.Timestamp):
        return value + pd.Timedelta(days=i)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value + i
    return value


def _tables_keyed_by_allowed_values() -> list[str]:
    return [n for n, t in TABLES.items() if any(t.column(c).isin for c in t.unique)]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_valid_frame_passes(name: str) -> None:
    frame = valid_frame(TABLES[name])
    if name in _tables_keyed_by_allowed_values():  # keys with allowed values: one row
        frame = frame.head(1)
    validate_table(frame, name)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_table_rejects_a_bad_frame_naming_table_column_and_expectation(name: str) -> None:
    schema = TABLES[name]
    good = valid_frame(schema).head(1)
    first = schema.columns[0].name
    with pytest.raises(
        StoreSchemaError,
        match=rf"^store table {re.escape(name)}, column {first}: missing; expected columns ",
    ):
        validate_table(good.drop(columns=first), name)
    if schema.strict:
        with pytest.raises(StoreSchemaError, match=r"column surplus: not a column of this table"):
            validate_table(good.assign(surplus=1), name)
    required = next(c for c in schema.columns if not c.nullable)
    broken = good.copy()
    broken[required.name] = None
    with pytest.raises(StoreSchemaError, match=rf"column {required.name}: row 0: missing value"):
        validate_table(broken, name)
    if "town_id" in schema.column_names:
        bad = good.copy()
        bad["town_id"] = "../Nan"
        with pytest.raises(
            StoreSchemaError, match=r"column town_id: row 0: '\.\./Nan' does not match"
        ):
            validate_table(bad, name)
    typed = next((c for c in schema.columns if c.kind in ("int", "float", "bool")), None)
    if typed is not None:
        bad = good.copy()
        bad[typed.name] = "seven"
        with pytest.raises(StoreSchemaError, match=rf"column {typed.name}: has dtype .*; expected"):
            validate_table(bad, name)


@pytest.mark.parametrize("name", sorted(n for n, t in TABLES.items() if t.unique))
def test_a_duplicate_key_is_refused(name: str) -> None:
    good = valid_frame(TABLES[name]).head(1)
    doubled = pd.concat([good, good], ignore_index=True)
    with pytest.raises(StoreSchemaError, match=r"row 1: duplicate key \("):
        validate_table(doubled, name)


def test_allowed_values_and_text_are_checked() -> None:
    status = valid_frame(TABLES["spatial_status.parquet"]).head(1)
    with pytest.raises(
        StoreSchemaError, match=r"column status: row 0: 'done' is not one of ok, failed"
    ):
        validate_table(status.assign(status="done"), "spatial_status.parquet")
    towns = valid_frame(TABLES["towns.parquet"]).head(1)
    with pytest.raises(StoreSchemaError, match=r"column name_th: row 0: 3 is not text"):
        validate_table(towns.astype({"name_th": object}).assign(name_th=[3]), "towns.parquet")
    with pytest.raises(StoreSchemaError, match=r"columns in the order"):
        validate_table(towns[list(reversed(towns.columns))], "towns.parquet")


def test_an_invalid_table_is_never_written_nor_published(tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    towns = valid_frame(TABLES["towns.parquet"])
    with new_store_generation(processed) as gen:
        write_table(towns, "towns.parquet", gen.path)
    first = store_generation(processed)
    with (
        pytest.raises(StoreSchemaError, match=r"store table indicators\.parquet"),
        new_store_generation(processed) as gen,
    ):
        write_table(towns.assign(name_en="changed"), "towns.parquet", gen.path)
        write_table(pd.DataFrame({"town_id": ["x"]}), "indicators.parquet", gen.path)
    assert store_generation(processed) == first  # the new generation was not published
    assert read_table("towns.parquet", processed)["name_en"].tolist() == ["text", "text"]
    assert not (processed / "indicators.parquet").exists()
    bad = valid_frame(TABLES["boundaries.parquet"]).assign(level="county")
    with pytest.raises(StoreSchemaError, match="column level: row 0: 'county' is not one of"):
        write_geotable(bad, "boundaries.parquet", tmp_path)
    assert not list(tmp_path.glob("*boundaries*"))  # not even a temporary file


def test_tables_without_a_schema_are_not_store_tables_and_pass() -> None:
    validate_table(pd.DataFrame({"x": [1]}), "scratch.parquet")


def _written_table_names() -> set[str]:
    """Store-table names the package writes: literals passed to the writers, and the lists."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", ""))
                in ("write_table", "write_geotable")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                names.add(node.args[1].value)
    from analysis.ingest.air import AIR_TABLES  # noqa: PLC0415
    from analysis.spatial.pipeline import SPATIAL_TABLES  # noqa: PLC0415
    from analysis.store.boundaries import MUNICIPAL_TABLE  # noqa: PLC0415

    return names | set(AIR_TABLES) | set(SPATIAL_TABLES) | {MUNICIPAL_TABLE}


def test_every_table_the_package_writes_has_a_schema() -> None:
    written = _written_table_names()
    assert {"indicators.parquet", "towns.parquet", "spatial_status.parquet"} <= written
    assert written <= set(TABLES), sorted(written - set(TABLES))


def test_column_lists_elsewhere_are_the_schema_columns() -> None:
    from analysis.ingest.air import COVERAGE_COLUMNS, SUPERSEDED_COLUMNS  # noqa: PLC0415
    from analysis.ingest.measures import MEASURE_COLUMNS  # noqa: PLC0415
    from analysis.ingest.pcd import DAILY_COLUMNS  # noqa: PLC0415
    from analysis.ingest.pipeline import IGNORED_COLUMNS, REJECTED_COLUMNS  # noqa: PLC0415
    from analysis.ingest.schema import INDICATORS_SCHEMA  # noqa: PLC0415
    from analysis.ingest.stations import MATCH_COLUMNS  # noqa: PLC0415
    from analysis.spatial.pipeline import SPATIAL_STATUS_COLUMNS  # noqa: PLC0415
    from analysis.towns import TOWN_COLUMNS  # noqa: PLC0415

    pairs = {
        "indicators.parquet": INDICATOR_COLUMNS,
        "towns.parquet": TOWN_COLUMNS,
        "measures.parquet": MEASURE_COLUMNS,
        "rejected.csv": REJECTED_COLUMNS,
        "ignored.csv": IGNORED_COLUMNS,
        "air_daily.parquet": (*DAILY_COLUMNS, "town_id"),  # the station's town added
        "air_stations.parquet": MATCH_COLUMNS,
        "air_coverage.parquet": COVERAGE_COLUMNS,
        "superseded.csv": SUPERSEDED_COLUMNS,
        "spatial_status.parquet": SPATIAL_STATUS_COLUMNS,
    }
    for name, listed in pairs.items():
        assert tuple(listed) == columns(name), name
    assert tuple(INDICATORS_SCHEMA.columns) == INDICATOR_COLUMNS


def test_the_id_patterns_are_defined_once() -> None:
    literals = {TOWN_ID_PATTERN.pattern: [], INDICATOR_ID_PATTERN: []}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in literals:
                literals[node.value].append(str(path.relative_to(SRC)))
    assert literals == {
        TOWN_ID_PATTERN.pattern: ["store/schema.py"],
        INDICATOR_ID_PATTERN: ["store/schema.py"],
    }
    from analysis.catalogue.models import INDICATOR_ID_PATTERN as catalogue_pattern  # noqa: PLC0415
    from analysis.towns import TOWN_ID_PATTERN as towns_pattern  # noqa: PLC0415

    assert towns_pattern is TOWN_ID_PATTERN and catalogue_pattern is INDICATOR_ID_PATTERN
