"""Compute every results table from the processed store, once.

:func:`compute_results` is pure (frames in, frames out) and is what tests and the
national-scale benchmark call; :func:`run_analysis` reads the store, computes, checks the
schemas and natural bounds, and publishes one generation (:mod:`analysis.results.store`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, load_catalogue
from analysis.errors import DataError, SeriesError
from analysis.paths import ProjectPaths, get_paths
from analysis.results.store import (
    ResultsManifest,
    input_digests,
    inputs_hash,
    new_generation_id,
    write_generation,
)
from analysis.results.tables import (
    METHOD_VERSION,
    RESULT_TABLES,
    check_natural_bounds,
    validate_table,
)
from analysis.results.values import value_table

if TYPE_CHECKING:
    from analysis.stats.frames import Analysis

__all__ = ["ANALYSIS_TABLES", "AnalyseSummary", "compute_results", "run_analysis"]

#: results table -> field of :class:`analysis.stats.summary.Analysis`.
ANALYSIS_TABLES: dict[str, str] = {
    "trend": "trends",
    "status": "status",
    "latest": "latest_status",
    "projection": "projections",
    "progress": "progress",
    "plan": "plan",
    "milestones": "milestones",
}
#: Numeric columns that must stay within the indicator's natural range.
_BOUNDED: dict[str, tuple[str, ...]] = {
    "values": ("value",),
    "projection": ("mean", "lo", "hi"),
    "progress": ("projected_value", "progress_method_value"),
    "milestones": ("milestone", "required_value", "projected_value"),
}


@dataclass
class AnalyseSummary:
    """What one ``ecoplan analyse`` did.

    Attributes
    ----------
    manifest : ResultsManifest
        The published generation's manifest.
    seconds : float
        Wall time of the computation and the write.
    skipped : bool
        True when the published results were already current (nothing computed).
    """

    manifest: ResultsManifest
    seconds: float
    skipped: bool = False
    messages: list[str] = field(default_factory=list)


def _analyse_robust(
    reported: pd.DataFrame, catalogue: Catalogue, horizon: int, progress_method: str
) -> tuple[object, list[str]]:
    """Run :func:`analyse_all`; a town whose series is bad is left out, with the reason."""
    from analysis.stats.summary import analyse_all  # noqa: PLC0415

    warnings: list[str] = []
    rows = reported
    for _ in range(max(1, rows["town_id"].nunique() + 1)):
        try:
            return (
                analyse_all(rows, catalogue, horizon=horizon, progress_method=progress_method),  # type: ignore[arg-type]
                warnings,
            )
        except SeriesError as exc:
            warnings.append(
                f"town {exc.town_id}: not analysed: indicator {exc.indicator_id}: {exc.reason}"
            )
            rows = rows.loc[rows["town_id"].astype(str) != exc.town_id]
    msg = "the analysis stage could not analyse any town"
    raise DataError(msg)


def compute_results(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    greenspace: pd.DataFrame | None = None,
    cbi: pd.DataFrame | None = None,
    landuse_sources: pd.DataFrame | None = None,
    towns: pd.DataFrame | None = None,
    measures: pd.DataFrame | None = None,
    horizon: int = 2037,
    progress_method: str = "unsd",
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Compute every results table (without provenance columns).

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``indicators.parquet``.
    catalogue : Catalogue
        The indicator catalogue.
    greenspace, cbi : pandas.DataFrame, optional
        Spatial tables whose values stand for map-measured indicators.
    landuse_sources : pandas.DataFrame, optional
        ``town_id, source`` of the land-use layers.
    towns : pandas.DataFrame, optional
        The towns table (``town_id, population, population_year``) for the ASEAN ESC
        size classes; without it every town's size class is unknown.
    measures : pandas.DataFrame, optional
        ``measures.parquet`` (:mod:`analysis.ingest.measures`), published unchanged as the
        ``measures`` table so pages read it from the same generation; default none.
    horizon : int, default 2037
        Projection horizon (CE).
    progress_method : {"unsd", "statcan"}, default "unsd"
        Progress method.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        Every table of :data:`analysis.results.tables.RESULT_TABLES`.
    warnings : list of str
        Towns left out, with the reason.
    """
    from analysis.stats.ranking import score_table  # noqa: PLC0415

    values = value_table(
        indicators, catalogue, greenspace=greenspace, cbi=cbi, landuse_sources=landuse_sources
    )
    reported = values.loc[values["origin"] == "reported", ["town_id", "indicator_id", "year"]]
    reported = reported.assign(
        year=reported["year"].astype("int64"),
        value=values.loc[reported.index, "value"].to_numpy(dtype=float),
    )
    tables: dict[str, pd.DataFrame] = {"values": values}
    warnings: list[str] = []
    if reported.empty:
        analysis = None
    else:
        analysis, warnings = _analyse_robust(reported, catalogue, horizon, progress_method)
    for table, attr in ANALYSIS_TABLES.items():
        if analysis is not None:
            tables[table] = getattr(analysis, attr)
        else:
            tables[table] = _empty_like(table, catalogue, horizon, progress_method)
    kept = reported.loc[reported["town_id"].isin(tables["latest"]["town_id"].astype(str))]
    if kept.empty:
        tables["scores"] = pd.DataFrame(
            {"town_id": [], "theme": [], "score": [], "rank": [], "n_indicators": []}
        )
    else:
        tables["scores"] = score_table(kept, catalogue)
    tables.update(_esc_tables(tables, towns))
    tables["measures"] = _measures_table(measures)
    return tables, warnings


def _measures_table(measures: pd.DataFrame | None) -> pd.DataFrame:
    """Return the ingested measures register (empty when the store has none)."""
    from analysis.ingest.measures import empty_measures_frame  # noqa: PLC0415

    if measures is None:
        return empty_measures_frame()
    return measures.reset_index(drop=True)


def _esc_tables(
    tables: dict[str, pd.DataFrame], towns: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """ASEAN ESC screening against the award-round rules (:mod:`analysis.stats.esc`)."""
    from analysis.stats.esc import esc_eligibility, esc_evidence, esc_nominees  # noqa: PLC0415

    if towns is None:
        ids = sorted(set(tables["values"]["town_id"].astype(str)))
        towns = pd.DataFrame({"town_id": ids, "population": pd.NA, "population_year": pd.NA})
    town_ids = sorted(towns["town_id"].astype(str))
    evidence = esc_evidence(tables["latest"], town_ids)
    eligibility = esc_eligibility(evidence, towns, scores=tables["scores"])
    return {
        "esc_evidence": evidence,
        "esc_eligibility": eligibility,
        "esc_nominees": esc_nominees(eligibility, evidence),
    }


def _empty_like(
    table: str, catalogue: Catalogue, horizon: int, progress_method: str
) -> pd.DataFrame:
    """Return an empty table with the columns the statistics produce (for an empty store)."""
    from analysis.stats.summary import analyse_all  # noqa: PLC0415

    probe = pd.DataFrame(
        {"town_id": ["_"], "indicator_id": [catalogue.ids[0]], "year": [2020], "value": [1.0]}
    )
    full = analyse_all(probe, catalogue, horizon=horizon, progress_method=progress_method)  # type: ignore[arg-type]
    return getattr(full, ANALYSIS_TABLES[table]).iloc[0:0]


def _with_provenance(frame: pd.DataFrame, digest: str) -> pd.DataFrame:
    n = len(frame)
    return frame.assign(
        inputs_hash=pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8), categories=pd.Index([digest])
        ),
        method_version=pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8), categories=pd.Index([METHOD_VERSION])
        ),
    )


def _read_optional(path: Path, columns: list[str] | None = None) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_parquet(path, columns=columns)


def _landuse_sources(path: Path) -> pd.DataFrame | None:
    lu = _read_optional(path, ["town_id", "source"])
    if lu is None or lu.empty:
        return None
    lu = lu.astype({"town_id": str, "source": str})
    # as_index=False: the aggregate is a DataFrame (town_id, source); the stubs say Series
    per_town = cast(
        "pd.DataFrame",
        lu.groupby("town_id", as_index=False)["source"].agg(lambda s: "; ".join(sorted(set(s)))),
    )
    return per_town.reset_index(drop=True)


def run_analysis(
    paths: ProjectPaths | None = None,
    *,
    horizon: int = 2037,
    progress_method: str = "unsd",
    force: bool = False,
    catalogue: Catalogue | None = None,
) -> AnalyseSummary:
    """Compute the results from the processed store and publish a new generation.

    Parameters
    ----------
    paths : ProjectPaths, optional
        Project folders (default: :func:`analysis.paths.get_paths`).
    horizon : int, default 2037
        Projection horizon (CE).
    progress_method : {"unsd", "statcan"}, default "unsd"
        Progress method.
    force : bool, default False
        Recompute even when the published results are current.
    catalogue : Catalogue, optional
        Default: the shipped catalogue.

    Returns
    -------
    AnalyseSummary
        The manifest and timing.

    Raises
    ------
    DataError
        If the store has not been ingested, or a results table breaks its contract.
    """
    from analysis.results.store import read_manifest  # noqa: PLC0415
    from analysis.store.io import read_indicators, read_towns  # noqa: PLC0415

    start = time.perf_counter()
    paths = paths or get_paths()
    processed = paths.processed
    if not (processed / "indicators.parquet").is_file():
        msg = f"no processed store in {processed}: run `ecoplan ingest` first"
        raise DataError(msg)
    digests = input_digests(processed)
    digest = inputs_hash(
        processed, horizon=horizon, progress_method=progress_method, digests=digests
    )
    current = read_manifest(processed)
    if not force and current is not None and current.inputs_hash == digest:
        return AnalyseSummary(current, time.perf_counter() - start, skipped=True)

    cat = catalogue or load_catalogue()
    indicators = read_indicators(processed_dir=processed)
    towns = read_towns(processed)
    tables, warnings = compute_results(
        indicators,
        cat,
        greenspace=_read_optional(processed / "greenspace_summary.parquet"),
        cbi=_read_optional(processed / "cbi.parquet"),
        landuse_sources=_landuse_sources(processed / "landuse.parquet"),
        towns=towns,
        measures=_read_optional(processed / "measures.parquet"),
        horizon=horizon,
        progress_method=progress_method,
    )
    out: dict[str, pd.DataFrame] = {}
    for name in RESULT_TABLES:
        frame = tables[name]
        if name in _BOUNDED:
            check_natural_bounds(frame, cat, _BOUNDED[name], name)
        out[name] = validate_table(name, _with_provenance(frame.reset_index(drop=True), digest))
    all_towns = sorted(towns["town_id"].astype(str))
    with_data = set(tables["values"].loc[tables["values"]["origin"] == "reported", "town_id"])
    manifest = ResultsManifest(
        generation=new_generation_id(digest),
        method_version=METHOD_VERSION,
        inputs_hash=digest,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        horizon=horizon,
        progress_method=progress_method,
        catalogue_version=cat.version,
        towns=all_towns,
        towns_without_data=[t for t in all_towns if t not in with_data],
        tables={name: len(frame) for name, frame in out.items()},
        inputs=digests,
        warnings=warnings,
    )
    write_generation(processed, out, manifest)
    return AnalyseSummary(manifest, time.perf_counter() - start)


def analysis_from_tables(
    tables: dict[str, pd.DataFrame], horizon: int, progress_method: str
) -> Analysis:
    """Rebuild an :class:`analysis.stats.summary.Analysis` from stored tables.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        At least the tables of :data:`ANALYSIS_TABLES`.
    horizon : int
        From the manifest.
    progress_method : str
        From the manifest.

    Returns
    -------
    analysis.stats.summary.Analysis
        The same tables, provenance columns dropped.
    """
    from analysis.stats.frames import Analysis  # noqa: PLC0415

    names = {f.name for f in fields(Analysis)}
    kwargs = {
        attr: tables[table].drop(columns=["inputs_hash", "method_version"], errors="ignore")
        for table, attr in ANALYSIS_TABLES.items()
        if attr in names
    }
    return Analysis(horizon=horizon, progress_method=progress_method, **kwargs)
