"""Pandera schemas: row checks that turn into rejections, and the store's output contract.

Two schemas:

:func:`row_schema`
    Checked lazily on the parsed candidate rows; every failure becomes a rejected row with
    a clear reason (year out of the plausible range, value outside the catalogue's natural
    bounds). Check names are stable codes (``year_range``, ``value_bounds``).
:data:`INDICATORS_SCHEMA`
    The contract of ``indicators.parquet``, derived from its store schema
    (:data:`analysis.store.schema.TABLES`, which the store writer enforces on every table)
    plus the checks only pandera states (finite values, spreadsheet rows from 1). Ingest
    validates its output against it before writing; a failure there is a bug, not bad input.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.catalogue import Catalogue
from analysis.store.schema import TABLES

__all__ = [
    "INDICATORS_SCHEMA",
    "YEAR_MIN",
    "bounds_frame",
    "default_year_range",
    "failures_by_row",
    "pandera_schema",
    "row_schema",
]

#: Earliest plausible year of a municipal indicator (CE).
YEAR_MIN = 1990


def default_year_range(today: dt.date | None = None) -> tuple[int, int]:
    """Return the plausible CE year range: ``1990 .. current year + 1``.

    Parameters
    ----------
    today : datetime.date, optional
        The reference date (default: today).

    Returns
    -------
    tuple of (int, int)
        First and last plausible year, inclusive.

    Examples
    --------
    >>> import datetime as dt
    >>> default_year_range(dt.date(2026, 5, 1))
    (1990, 2027)
    """
    today = today or dt.date.today()
    return YEAR_MIN, today.year + 1


def bounds_frame(catalogue: Catalogue) -> pd.DataFrame:
    """Return ``indicator_id, lower, upper`` (``-inf``/``inf`` when unbounded).

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue (natural bounds per indicator).

    Returns
    -------
    pandas.DataFrame
        One row per catalogue indicator.
    """
    return pd.DataFrame(
        {
            "indicator_id": [i.id for i in catalogue.indicators],
            "lower": [
                -np.inf if i.bounds[0] is None else float(i.bounds[0]) for i in catalogue.indicators
            ],
            "upper": [
                np.inf if i.bounds[1] is None else float(i.bounds[1]) for i in catalogue.indicators
            ],
        }
    )


def row_schema(catalogue: Catalogue, *, year_min: int, year_max: int) -> pa.DataFrameSchema:
    """Build the lazily-checked schema of parsed candidate rows.

    Parameters
    ----------
    catalogue : Catalogue
        Source of the indicator ids and natural bounds.
    year_min, year_max : int
        Plausible CE years (inclusive).

    Returns
    -------
    pandera.DataFrameSchema
        Columns ``town_id, indicator_id, year, value`` (others allowed). Failing checks are
        named ``year_range``, ``unknown_indicator`` and ``value_bounds``.
    """
    bounds = bounds_frame(catalogue).set_index("indicator_id")

    def within_bounds(df: pd.DataFrame) -> pd.Series:
        lower = df["indicator_id"].map(bounds["lower"]).astype("float64")
        upper = df["indicator_id"].map(bounds["upper"]).astype("float64")
        return (df["value"] >= lower) & (df["value"] <= upper)

    return pa.DataFrameSchema(
        {
            "town_id": pa.Column("str"),
            "indicator_id": pa.Column(
                "str", pa.Check.isin(list(catalogue.ids), error="unknown_indicator")
            ),
            "year": pa.Column("int64", pa.Check.in_range(year_min, year_max, error="year_range")),
            "value": pa.Column(
                "float64", pa.Check(np.isfinite, element_wise=False, error="not_finite")
            ),
        },
        checks=[pa.Check(within_bounds, error="value_bounds")],
        strict=False,
        coerce=False,
    )


def failures_by_row(schema: pa.DataFrameSchema, df: pd.DataFrame) -> dict[object, list[str]]:
    """Validate lazily and return ``index -> [failed check codes]``.

    Parameters
    ----------
    schema : pandera.DataFrameSchema
        Usually from :func:`row_schema`.
    df : pandas.DataFrame
        The candidate rows.

    Returns
    -------
    dict
        Failing row index -> check codes in order of first failure (empty when all pass).

    Raises
    ------
    ValueError
        If a failure is not tied to a row (a schema-level failure such as a missing
        column: a bug in the caller).
    """
    if df.empty:
        return {}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        out: dict[object, list[str]] = {}
        for idx, check in zip(cases["index"], cases["check"], strict=True):
            if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                msg = f"schema failure not tied to a row: {check}"
                raise ValueError(msg) from exc
            codes = out.setdefault(idx, [])
            if str(check) not in codes:
                codes.append(str(check))
        return out
    return {}


_PANDERA_DTYPES = {"str": "str", "int": "int64", "float": "float64", "bool": "bool"}


def pandera_schema(name: str, extra: dict[str, list[pa.Check]] | None = None) -> pa.DataFrameSchema:
    """Return the pandera form of a store table's schema (:data:`analysis.store.schema.TABLES`).

    Parameters
    ----------
    name : str
        The table, e.g. ``indicators.parquet``; its columns must be of a plain kind
        (``str``, ``int``, ``float``, ``bool``).
    extra : dict, optional
        More checks per column.

    Returns
    -------
    pandera.DataFrameSchema
        Same columns, dtypes, patterns, allowed values, nullability, strictness, order and
        key as the store schema.

    Examples
    --------
    >>> list(pandera_schema("spatial_notes.parquet").columns)
    ['town_id', 'note']
    """
    table = TABLES[name]
    cols = {}
    for col in table.columns:
        checks = list((extra or {}).get(col.name, []))
        if col.pattern is not None:
            checks.append(pa.Check.str_matches(col.pattern))
        if col.isin is not None:
            checks.append(pa.Check.isin(list(col.isin)))
        cols[col.name] = pa.Column(_PANDERA_DTYPES[col.kind], checks, nullable=col.nullable)
    return pa.DataFrameSchema(
        cols,
        strict=table.strict,
        ordered=table.ordered,
        unique=list(table.unique) or None,
        name=name,
    )


INDICATORS_SCHEMA = pandera_schema(
    "indicators.parquet",
    {
        "value": [pa.Check(np.isfinite, element_wise=False)],
        "src_row": [pa.Check.ge(1)],
    },
)
