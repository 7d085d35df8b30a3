"""The results tables: names, keys, required columns and their pandera schemas.

A table's schema is its contract with the pages that read it: the required columns exist,
the key columns identify a row uniquely and are never missing, and every row names the
inputs hash and method version it was computed with. Bounds on projected and progress
values are checked against the catalogue in :func:`check_natural_bounds`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.errors import DataError

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

    from analysis.catalogue import Catalogue

__all__ = [
    "METHOD_VERSION",
    "PROVENANCE_COLUMNS",
    "RESULT_TABLES",
    "TableSpec",
    "check_natural_bounds",
    "validate_table",
]

#: Version of the methods behind the results; bump it when a method changes meaning
#: (docs/methods.md lists the changes). Stored in every row and in the manifest.
METHOD_VERSION = "2026.12.1"

#: Columns added to every results row.
PROVENANCE_COLUMNS: tuple[str, ...] = ("inputs_hash", "method_version")


@dataclass(frozen=True)
class TableSpec:
    """Contract of one results table.

    Attributes
    ----------
    name : str
        File stem in ``data/processed/results/``.
    keys : tuple of str
        Columns that identify a row (unique, never missing).
    columns : tuple of str
        Other columns every reader may rely on.
    description : str
        One line for docs and the manifest.
    optional_keys : tuple of str
        Key columns that may be missing (``year`` of a value measured from a map whose
        survey year is not stated).
    """

    name: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    description: str
    optional_keys: tuple[str, ...] = ()

    def schema(self) -> pa.DataFrameSchema:
        """Return the pandera schema of the table.

        Returns
        -------
        pandera.DataFrameSchema
            Key columns unique together (nullable only where optional), the other
            columns nullable, provenance columns present and never missing; extra
            columns allowed.
        """
        import pandera.pandas as pa  # noqa: PLC0415 - 0.3 s; a no-op build never validates

        cols: dict[str, pa.Column] = {
            k: pa.Column(nullable=k in self.optional_keys) for k in self.keys
        }
        cols.update({c: pa.Column(nullable=True) for c in self.columns if c not in cols})
        # present and never missing (dictionary-encoded: one value per generation)
        cols.update({c: pa.Column(nullable=False) for c in PROVENANCE_COLUMNS})
        return pa.DataFrameSchema(cols, unique=list(self.keys), strict=False, name=self.name)


_T = ("town_id", "indicator_id")

RESULT_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "values",
            ("town_id", "indicator_id", "year"),
            ("value", "unit", "origin", "source", "is_synthetic", "src_file", "src_row"),
            "every indicator value shown: reported by the town or measured from the land-use map",
            optional_keys=("year",),
        ),
        TableSpec(
            "trend",
            _T,
            ("n", "first_year", "last_year", "sen_slope", "hr_p", "change"),
            "Mann-Kendall test (Hamed-Rao) and Sen's slope per town x indicator",
        ),
        TableSpec(
            "status",
            ("town_id", "indicator_id", "year", "issuer", "standard_value"),
            ("value", "passes", "margin", "is_headline"),
            "every observation against every yardstick that applies to its year",
        ),
        TableSpec(
            "latest",
            _T,
            ("latest_year", "latest_value", "headline_value", "headline_pass", "light", "change"),
            "latest value against the yardsticks: decisive status and traffic light",
        ),
        TableSpec(
            "projection",
            ("town_id", "indicator_id", "year", "kind"),
            ("mean", "lo", "hi", "method", "flag"),
            "observed, fitted and projected values with prediction intervals",
        ),
        TableSpec(
            "progress",
            _T,
            (),
            "progress towards the plan target (UNSD/ESCAP method)",
        ),
        TableSpec(
            "plan",
            _T,
            ("plan_class", "reason_key", "reason_en", "reason_th"),
            "plan class (solve / prevent / opportunity / maintain) with its reason",
        ),
        TableSpec(
            "milestones",
            ("town_id", "indicator_id", "phase"),
            ("phase_end",),
            "National Strategy phase milestones from the latest value to the target",
        ),
        TableSpec(
            "scores",
            ("town_id", "theme"),
            ("score", "rank", "n_indicators"),
            "relative scores (0-100, min-max) and ranks among the towns in the store",
        ),
        # ASEAN ESC screening against the award-round rules (analysis.catalogue.esc_rounds)
        TableSpec(
            "esc_eligibility",
            ("round_id", "town_id", "category"),
            ("award", "criteria", "size_class", "can_enter", "status", "n_mapped", "n_best"),
            "ASEAN ESC size class, eligibility and screening status per round, town, category",
        ),
        TableSpec(
            "esc_evidence",
            ("round_id", "town_id", "category", "item"),
            ("role", "indicator_id", "latest_year", "latest_value", "band", "evidence"),
            "ASEAN ESC evidence per key indicator: the latest value and its answer band",
        ),
        TableSpec(
            "measures",
            ("town_id", "measure_id"),
            ("name", "plan_class", "indicator_ids", "lead_agency", "phase", "start_year"),
            "the towns' programmes and projects (measures register), as ingested",
        ),
        TableSpec(
            "esc_nominees",
            ("round_id", "category", "size_class", "town_id"),
            ("award", "candidate_rank", "nominee", "reason"),
            "ASEAN ESC nominees proposed under the round's quota, from the answer bands",
        ),
    )
}


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check a results table against its schema.

    Parameters
    ----------
    name : str
        Table name (a key of :data:`RESULT_TABLES`).
    frame : pandas.DataFrame
        The table.

    Returns
    -------
    pandas.DataFrame
        The validated table.

    Raises
    ------
    DataError
        Naming the table and the failed checks (a failure is a bug in the analysis
        stage, not bad input: inputs are validated on ingest).
    """
    import pandera.pandas as pa  # noqa: PLC0415

    spec = RESULT_TABLES[name]
    try:
        return spec.schema().validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [
            f"{row.column}: {row.check} (e.g. {row.failure_case!r})"
            for row in cases.head(5).itertuples()
        ]
        msg = f"results table {name!r} breaks its schema: " + "; ".join(lines)
        raise DataError(msg) from exc


def check_natural_bounds(
    frame: pd.DataFrame, catalogue: Catalogue, columns: tuple[str, ...], table: str
) -> None:
    """Raise if any value in ``columns`` lies outside its indicator's natural bounds.

    Parameters
    ----------
    frame : pandas.DataFrame
        A results table with ``indicator_id``.
    catalogue : Catalogue
        Natural bounds per indicator (``<base>__<k>`` ids resolve to ``<base>``).
    columns : tuple of str
        Numeric columns to check (missing columns are skipped).
    table : str
        Table name for the message.

    Raises
    ------
    DataError
        Naming the table, column, town, indicator and the offending value.
    """
    if frame.empty:
        return
    import numpy as np  # noqa: PLC0415 - the build planner reads METHOD_VERSION without them
    import pandas as pd  # noqa: PLC0415

    # bounds per distinct indicator, then spread by code: O(rows) array work only
    codes, uniques = pd.factorize(frame["indicator_id"])
    names = [str(u) for u in uniques]
    base = [u.split("__", 1)[0] for u in names]
    lower = np.array([_bound(catalogue, b, 0) for b in base], dtype=float)[codes]
    upper = np.array([_bound(catalogue, b, 1) for b in base], dtype=float)[codes]
    tol = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(upper, nan=1.0, posinf=1.0)))
    for col in columns:
        if col not in frame.columns:
            continue
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.isfinite(v) & ((v < lower - tol) | (v > upper + tol))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = (
                f"results table {table!r}: {col} = {v[i]!r} for town "
                f"{frame['town_id'].iloc[i]!r}, indicator {names[codes[i]]!r} lies outside the "
                f"natural range [{lower[i]}, {upper[i]}] ({int(bad.sum())} such values)"
            )
            raise DataError(msg)


def _bound(catalogue: Catalogue, indicator_id: str, which: int) -> float:
    value = catalogue.get(indicator_id).bounds[which]
    if value is None:
        return -math.inf if which == 0 else math.inf
    return float(value)
