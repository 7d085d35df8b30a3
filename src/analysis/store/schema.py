"""The schema of every table of the processed store, in one place, enforced on write.

Each table of ``data/processed`` has a :class:`TableSchema` in :data:`TABLES`: its
columns (name, kind, nullable, pattern or allowed values), whether other columns are
allowed, and its unique key. The store writer (:func:`analysis.store.io.write_table`,
:func:`~analysis.store.io.write_geotable`) validates a table against its schema before
anything is written, so a table that breaks its contract is never published; the error
names the table, the column and what was expected (:class:`StoreSchemaError`).

The id patterns are defined here once: :data:`TOWN_ID_PATTERN` (town slugs, which become
file names) and :data:`INDICATOR_ID_PATTERN` (catalogue ids). Column lists elsewhere are
derived from :data:`TABLES` (:func:`columns`), e.g. :data:`analysis.store.io.INDICATOR_COLUMNS`.

This module imports nothing else from the package, so every layer may import it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from analysis.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INDICATOR_ID_PATTERN",
    "TABLES",
    "TOWN_ID_PATTERN",
    "Column",
    "StoreSchemaError",
    "TableSchema",
    "columns",
    "validate_table",
]

#: A town id: lowercase ASCII slug, 1-64 characters, inner hyphens (it becomes a file name).
TOWN_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
#: A catalogue indicator id: lowercase ASCII, digits and ``_``, starting with a letter.
INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

Kind = Literal["str", "int", "float", "bool", "datetime", "geometry", "any"]


class StoreSchemaError(DataError):
    """A table about to be written breaks its schema (a bug in the writer, not bad input)."""


@dataclass(frozen=True)
class Column:
    """One column of a store table.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "bool", "datetime", "geometry", "any"}
        What its values are (``float`` also accepts integers; ``int`` accepts the nullable
        ``Int64``).
    nullable : bool
        Whether missing values are allowed.
    pattern : str, optional
        Regular expression every present (non-empty) value must match in full.
    allow_empty : bool
        Whether ``""`` is allowed besides the pattern (e.g. an unmatched station's town).
    isin : tuple, optional
        The allowed values.
    """

    name: str
    kind: Kind = "any"
    nullable: bool = False
    pattern: str | None = None
    allow_empty: bool = False
    isin: tuple[object, ...] | None = None


@dataclass(frozen=True)
class TableSchema:
    """The contract of one store table.

    Parameters
    ----------
    name : str
        File name in the store, e.g. ``indicators.parquet``.
    columns : tuple of Column
        Every column, in the stored order.
    unique : tuple of str
        Columns that together identify a row (empty: no key).
    strict : bool
        Refuse columns not in :attr:`columns`.
    ordered : bool
        Require the stored column order.
    geometry : bool
        A GeoParquet table (written with :func:`analysis.store.io.write_geotable`).
    """

    name: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    strict: bool = True
    ordered: bool = False
    geometry: bool = False
    _by_name: Mapping[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names, in the stored order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return the column ``name``.

        Parameters
        ----------
        name : str
            A column of this table.

        Returns
        -------
        Column
            Its definition.
        """
        return self._by_name[name]


def _town(*, nullable: bool = False, allow_empty: bool = False) -> Column:
    return Column(
        "town_id",
        "str",
        nullable=nullable,
        pattern=TOWN_ID_PATTERN.pattern,
        allow_empty=allow_empty,
    )


def _cols(spec: Sequence[tuple[str, Kind] | tuple[str, Kind, bool] | Column]) -> tuple[Column, ...]:
    """Columns from ``(name, kind[, nullable])`` tuples (or ready :class:`Column` objects)."""
    out = []
    for item in spec:
        if isinstance(item, Column):
            out.append(item)
        else:
            name, kind, *rest = item
            out.append(Column(name, kind, nullable=bool(rest and rest[0])))
    return tuple(out)


_AREA = (("analysis_area_method", "str", True), ("analysis_area_km2", "float", True))
_N = True  # nullable, for the column tables below

_TABLES: tuple[TableSchema, ...] = (
    TableSchema(
        "indicators.parquet",
        _cols(
            [
                _town(),
                Column("indicator_id", "str", pattern=INDICATOR_ID_PATTERN),
                ("year", "int"),
                ("value", "float"),
                ("unit", "str"),
                ("source", "str"),
                ("note", "str", _N),
                ("is_synthetic", "bool"),
                ("src_file", "str"),
                ("src_row", "int"),
            ]
        ),
        unique=("town_id", "indicator_id", "year"),
        ordered=True,
    ),
    TableSchema(
        "towns.parquet",
        _cols(
            [
                _town(),
                ("name_th", "str"),
                ("name_en", "str"),
                ("local_gov_type", "str"),
                ("local_gov_type_th", "str"),
                ("province_th", "str"),
                ("province_en", "str"),
                ("district_pcode", "str", _N),
                ("district_th", "str", _N),
                ("district_en", "str", _N),
                ("tambon_pcode", "str", _N),
                ("tambon_th", "str", _N),
                ("tambon_en", "str", _N),
                ("population", "int", _N),
                ("population_year", "int", _N),
                ("population_source", "str", _N),
                ("area_km2", "float", _N),
                ("area_source", "str", _N),
                ("lat", "float", _N),
                ("lon", "float", _N),
                ("point_source", "str", _N),
            ]
        ),
        unique=("town_id",),
        ordered=True,
    ),
    TableSchema(
        "measures.parquet",
        _cols(
            [
                _town(),
                ("measure_id", "str"),
                Column("kind", "str", isin=("programme", "project")),
                ("name", "str"),
                ("description", "str", _N),
                Column("plan_class", "str", isin=("solve", "prevent", "opportunity")),
                ("indicator_ids", "str"),
                ("lead_agency", "str"),
                ("partner_agencies", "str", _N),
                ("budget_baht", "float"),
                ("budget_source", "str", _N),
                ("start_year", "int"),
                ("end_year", "int"),
                ("phase", "int"),
                ("kpi", "str", _N),
                ("kpi_target", "float", _N),
                ("kpi_unit", "str", _N),
                ("source", "str", _N),
                ("note", "str", _N),
                ("is_synthetic", "bool"),
                ("src_file", "str"),
                ("src_row", "int"),
            ]
        ),
        unique=("town_id", "measure_id"),
        ordered=True,
    ),
    TableSchema(
        "rejected.csv",
        _cols(
            [
                ("file", "str"),
                ("row", "int", _N),
                ("column", "any", _N),
                ("value", "any", _N),
                ("reason", "str"),
                ("code", "str", _N),
                _town(nullable=True, allow_empty=True),
            ]
        ),
        ordered=True,
    ),
    TableSchema(
        "ignored.csv",
        _cols(
            [
                ("file", "str"),
                ("row", "int", _N),
                ("column", "any", _N),
                ("value", "any", _N),
                ("reason", "str"),
                ("code", "str", _N),
            ]
        ),
        ordered=True,
    ),
    TableSchema(
        "boundaries.parquet",
        _cols(
            [
                Column("level", "str", isin=("province", "district", "tambon")),
                ("pcode", "str"),
                ("parent_pcode", "str", _N),
                ("name_th", "str"),
                ("name_en", "str"),
                ("geometry", "geometry"),
            ]
        ),
        unique=("level", "pcode"),
        geometry=True,
    ),
    TableSchema(
        "municipal_boundaries.parquet",
        _cols([_town(), ("source", "str", _N), ("geometry", "geometry")]),
        unique=("town_id",),
        geometry=True,
    ),
    # ------------------------------------------------------------------ air (PCD workbooks)
    TableSchema(
        "air_daily.parquet",
        _cols(
            [
                ("station_code", "str"),
                ("pollutant", "str"),
                ("date", "datetime"),
                ("value", "float"),
                ("unit", "str"),
                ("src_file", "str"),
                ("src_row", "int"),
                ("src_column", "any"),
                _town(nullable=True, allow_empty=True),  # the station's town, if matched
            ]
        ),
        unique=("station_code", "pollutant", "date"),
    ),
    TableSchema(
        "air_stations.parquet",
        _cols(
            [
                ("station_code", "str"),
                *(
                    (c, "any", _N)
                    for c in (
                        "address_th",
                        "site_th",
                        "province_th",
                        "district_th",
                        "tambon_th",
                        "province_pcode",
                        "district_pcode",
                        "tambon_pcode",
                        "match_status",
                        "match_reason",
                    )
                ),
                _town(nullable=True, allow_empty=True),
                ("relation", "any", _N),
                ("distance_km", "any", _N),
                ("src_file", "any", _N),
                ("src_row", "any", _N),
            ]
        ),
    ),
    TableSchema(
        "air_coverage.parquet",
        _cols(
            [
                ("station_code", "str"),
                _town(nullable=True, allow_empty=True),
                *(
                    (c, "any", _N)
                    for c in (
                        "relation",
                        "distance_km",
                        "pollutant",
                        "year",
                        "days_in_year",
                        "days_with_row",
                        "days_valid",
                        "coverage",
                        "complete",
                        "mean",
                        "max",
                        "days_over_std",
                        "unit",
                        "src_file",
                    )
                ),
            ]
        ),
    ),
    TableSchema(
        "superseded.csv",
        _cols(
            [
                _town(),
                Column("indicator_id", "str", pattern=INDICATOR_ID_PATTERN),
                ("year", "int"),
                *(
                    (c, "any", _N)
                    for c in (
                        "old_value",
                        "old_source",
                        "old_is_synthetic",
                        "old_src_file",
                        "new_value",
                        "new_source",
                        "new_src_file",
                    )
                ),
            ]
        ),
        unique=("town_id", "indicator_id", "year"),
    ),
    # ------------------------------------------------------------------ spatial stage
    TableSchema(
        "landuse.parquet",
        _cols(
            [
                _town(),
                ("feature_id", "str"),
                ("lu_class", "str"),
                ("class_raw", "str", _N),
                ("protected", "bool"),
                ("tree_canopy", "bool"),
                ("barrier", "bool"),
                ("area_m2", "float"),
                ("source", "str", _N),
                ("is_synthetic", "bool"),
                ("src_file", "str"),
                ("geometry", "geometry"),
            ]
        ),
        geometry=True,
    ),
    TableSchema(
        "greenspace.parquet",
        _cols(
            [
                ("green_id", "str"),
                _town(),
                ("type", "str"),
                ("area_m2", "float"),
                ("area_rai", "float"),
                ("protected", "bool"),
                ("tree_canopy_share", "float", _N),
                ("lon", "float"),
                ("lat", "float"),
                ("source", "str", _N),
                ("is_synthetic", "bool"),
                ("geometry", "geometry"),
            ]
        ),
        unique=("green_id",),
        geometry=True,
    ),
    TableSchema(
        "greenspace_summary.parquet",
        _cols(
            [
                _town(),
                ("green_area_m2", "float"),
                ("green_area_rai", "float"),
                ("park_area_m2", "float"),
                ("town_area_m2", "float"),
                ("green_share_pct", "float"),
                ("population", "int", _N),
                ("green_m2_per_capita", "float", _N),
                ("park_m2_per_capita", "float", _N),
                ("meets_onep_15_target", "bool", _N),
                ("meets_reference_9", "bool", _N),
                ("is_synthetic", "bool"),
                ("note", "str", _N),
                *_AREA,
            ]
        ),
        unique=("town_id",),
    ),
    TableSchema(
        "cbi.parquet",
        _cols(
            [
                _town(),
                Column("version", "str", isin=("2014", "2021")),
                ("indicator", "str"),
                ("number_2014", "int", _N),
                ("value", "float", _N),
                ("unit", "str", _N),
                ("score", "int", _N),
                ("ems_ha", "float", _N),
                ("method", "str", _N),
                ("note", "str", _N),
                ("is_synthetic", "bool"),
                *_AREA,
            ]
        ),
        unique=("town_id", "version", "indicator"),
    ),
    TableSchema(
        "zones.parquet",
        _cols(
            [
                _town(),
                ("zone", "str"),
                ("area_m2", "float"),
                ("area_rai", "float"),
                ("area_km2", "float"),
                ("source", "str", _N),
                ("is_synthetic", "bool"),
                ("geometry", "geometry"),
                *_AREA,
            ]
        ),
        unique=("town_id", "zone"),
        geometry=True,
    ),
    TableSchema(
        "zone_areas.parquet",
        _cols(
            [
                _town(),
                ("zone", "str"),
                ("area_m2", "float"),
                ("area_rai", "float"),
                ("area_km2", "float"),
                ("share_pct", "float"),
                ("is_synthetic", "bool"),
                *_AREA,
            ]
        ),
        unique=("town_id", "zone"),
    ),
    TableSchema(
        "analysis_areas.parquet",
        _cols(
            [
                _town(),
                Column(
                    "analysis_area_method",
                    "str",
                    isin=("municipal_boundary", "tambon", "tambon_clip"),
                ),
                ("analysis_area_km2", "float"),
                ("tambon_area_km2", "float", _N),
                ("registered_area_km2", "float", _N),
                ("radius_m", "float", _N),
                ("source", "str", _N),
                ("geometry", "geometry"),
            ]
        ),
        unique=("town_id",),
        geometry=True,
    ),
    TableSchema(
        "spatial_status.parquet",
        _cols(
            [
                _town(),
                Column("status", "str", isin=("ok", "failed", "no_landuse")),
                ("src_file", "str", _N),
                ("analysis_area_method", "str", _N),
                ("analysis_area_km2", "float", _N),
                ("tambon_area_km2", "float", _N),
                ("registered_area_km2", "float", _N),
                ("landuse_coverage_pct", "float", _N),
                ("error", "str", _N),
                ("error_code", "str", _N),
            ]
        ),
        unique=("town_id",),
        ordered=True,
    ),
    TableSchema(
        "spatial_notes.parquet",
        _cols([_town(), ("note", "str")]),
    ),
)

#: Every store table's schema, by file name.
TABLES: Mapping[str, TableSchema] = {t.name: t for t in _TABLES}


def columns(name: str) -> tuple[str, ...]:
    """Return the column names of a store table, in the stored order.

    Parameters
    ----------
    name : str
        The table's file name.

    Returns
    -------
    tuple of str
        Its columns.

    Raises
    ------
    KeyError
        If the store has no such table.

    Examples
    --------
    >>> columns("spatial_notes.parquet")
    ('town_id', 'note')
    """
    return TABLES[name].column_names


# --------------------------------------------------------------------------- validation


def _shown(value: object) -> str:
    """Return ``value`` as a message shows it (numpy scalars as plain Python values)."""
    item = getattr(value, "item", None)
    text = repr(item() if callable(item) and getattr(value, "ndim", 1) == 0 else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dtypes() -> ModuleType:
    """Return ``pandas.api.types`` (lazy: the build planner imports this module without pandas)."""
    from pandas.api import types  # noqa: PLC0415

    return types


def _is_bool(series: pd.Series, present: pd.Series) -> bool:
    return _dtypes().is_bool_dtype(series.dtype) or all(isinstance(v, bool) for v in present)


def _is_int(series: pd.Series, _present: pd.Series) -> bool:
    dtype = series.dtype
    types = _dtypes()
    return types.is_integer_dtype(dtype) and not types.is_bool_dtype(dtype)


def _is_number(series: pd.Series, present: pd.Series) -> bool:
    return _is_int(series, present) or _dtypes().is_float_dtype(series.dtype)


#: ``kind -> (test of the column, what was expected)``; ``str`` is checked value by value.
_KIND_TESTS = {
    "geometry": (lambda s, _p: getattr(s.dtype, "name", "") == "geometry", "geometries"),
    "datetime": (lambda s, _p: _dtypes().is_datetime64_any_dtype(s.dtype), "dates"),
    "bool": (_is_bool, "true/false"),
    "int": (_is_int, "integers"),
    "float": (_is_number, "numbers"),
}


def _kind_problem(series: pd.Series, kind: Kind) -> str | None:
    """Return what is wrong with the values of ``series`` for ``kind`` (None: nothing)."""
    present = series[series.notna()]
    if kind == "any" or present.empty:
        return None
    if kind in _KIND_TESTS:
        test, expected = _KIND_TESTS[kind]
        return None if test(series, present) else f"has dtype {series.dtype}; expected {expected}"
    bad = present[~present.map(lambda v: isinstance(v, str))]
    if len(bad):
        return f"row {bad.index[0]}: {_shown(bad.iloc[0])} is not text"
    return None


def _value_problem(series: pd.Series, col: Column) -> str | None:
    """Return the first value of ``series`` breaking ``col``'s pattern or allowed values."""
    present = series[series.notna()]
    if col.allow_empty:
        present = present[present.astype(str) != ""]
    if col.pattern is not None and len(present):
        ok = present.astype(str).str.fullmatch(col.pattern)
        if not ok.all():
            first = present[~ok.to_numpy()]
            return f"row {first.index[0]}: {_shown(first.iloc[0])} does not match {col.pattern}"
    if col.isin is not None and len(present):
        ok = present.isin(col.isin)
        if not ok.all():
            first = present[~ok.to_numpy()]
            allowed = ", ".join(map(str, col.isin))
            return f"row {first.index[0]}: {_shown(first.iloc[0])} is not one of {allowed}"
    return None


def validate_table(df: pd.DataFrame, name: str) -> None:
    """Check a table against its schema before it is written to the store.

    Tables without a schema (not store tables, e.g. in tests) are not checked; every
    table the project writes has one (``tests/unit/test_store_schema.py``).

    Parameters
    ----------
    df : pandas.DataFrame
        The table (a GeoDataFrame for the geometric ones).
    name : str
        Its file name in the store.

    Raises
    ------
    StoreSchemaError
        Naming the table, the column and what was expected: a missing or unexpected
        column, a wrong kind of value, a missing value, a value breaking the pattern or
        the allowed values, or a duplicate key.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"town_id": ["Nan"], "note": ["x"]})
    >>> try:
    ...     validate_table(bad, "spatial_notes.parquet")
    ... except StoreSchemaError as exc:
    ...     print(str(exc).replace(TOWN_ID_PATTERN.pattern, "<town-id pattern>"))
    store table spatial_notes.parquet, column town_id: row 0: 'Nan' does not match <town-id pattern>
    """
    schema = TABLES.get(name)
    if schema is None:
        return

    def fail(column: str | None, problem: str) -> StoreSchemaError:
        where = f"store table {name}" + (f", column {column}" if column else "")
        return StoreSchemaError(f"{where}: {problem}")

    have = [str(c) for c in df.columns]
    missing = [c for c in schema.column_names if c not in have]
    if missing:
        raise fail(missing[0], f"missing; expected columns {', '.join(schema.column_names)}")
    extra = [c for c in have if c not in schema.column_names]
    if schema.strict and extra:
        raise fail(
            extra[0], f"not a column of this table (expected {', '.join(schema.column_names)})"
        )
    if schema.ordered and tuple(c for c in have if c in schema.column_names) != schema.column_names:
        raise fail(
            None,
            f"columns in the order {', '.join(have)}; expected {', '.join(schema.column_names)}",
        )
    for col in schema.columns:
        series = df[col.name]
        if not col.nullable and series.isna().any():
            row = series.index[series.isna().to_numpy()][0]
            raise fail(col.name, f"row {row}: missing value; expected a value in every row")
        problem = _kind_problem(series, col.kind) or _value_problem(series, col)
        if problem:
            raise fail(col.name, problem)
    if schema.unique and len(df):
        dup = df.duplicated(list(schema.unique), keep="first")
        if dup.any():
            row = df.index[dup.to_numpy()][0]
            key = ", ".join(f"{c}={_shown(df.loc[row, c])}" for c in schema.unique)
            raise fail(
                None,
                f"row {row}: duplicate key ({key}); expected one row per {', '.join(schema.unique)}",
            )
