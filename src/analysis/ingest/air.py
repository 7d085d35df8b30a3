"""PCD station workbooks in ``data/raw/air/`` -> daily, station, coverage and annual tables.

``ecoplan ingest`` reads every ``.xlsx`` in ``data/raw/air/`` as a PCD (Air4Thai) station
workbook (:mod:`analysis.ingest.pcd`), matches the stations to tambons and towns
(:mod:`analysis.ingest.stations`) and aggregates each station's daily 24-hour means per
calendar year:

Completeness rule (:data:`MIN_COVERAGE`)
    A calendar year gives annual values only when at least 75 % of its days (274 of 365,
    275 of 366) have a valid 24-hour mean. This is the project's choice, modelled on the
    US EPA's 75 % data-completeness requirement for PM2.5 design values (40 CFR Part 50,
    Appendix N, which applies it per quarter); the EU's Directive 2008/50/EC (Annex I)
    asks 90 % data capture for fixed measurements. The Thai notifications do not state a
    completeness rule. A year below the rule is stored in ``air_coverage.parquet`` with its
    coverage and ``complete = False`` and never becomes an annual value.

Indicators written (complete years only, towns with a station in their own tambon or a
named nearby station)
    ``pm25_annual`` (mean of the valid days), ``pm25_24h_max`` (highest 24-hour mean),
    ``pm25_days_over_24h_std`` (days whose 24-hour mean is above the Thai 24-hour standard
    in force *on that day*: 50 µg/m³ to 31 May 2023, 37.5 µg/m³ from 1 June 2023) from
    PM2.5 workbooks; ``pm10_annual`` from PM10 workbooks. O3 is stored daily only.

Measured replaces synthetic
    When a town already has a value for the same indicator and year from
    ``data/raw/indicators/``, the station value replaces it; the replaced rows are written
    to ``superseded.csv`` (old and new value and source) and listed by the ingest report
    and appendix A.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import SupportsInt, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.catalogue.models import Catalogue
from analysis.errors import InputFileError
from analysis.ingest.pcd import (
    DAILY_COLUMNS,
    POLLUTANTS,
    STATION_COLUMNS,
    PcdWorkbook,
    read_pcd_workbook,
)
from analysis.ingest.readers import DEFAULT_MAX_BYTES
from analysis.ingest.stations import match_stations
from analysis.store.schema import columns as store_columns

__all__ = [
    "AIR_TABLES",
    "COVERAGE_COLUMNS",
    "MIN_COVERAGE",
    "PM10_24H_STANDARD",
    "SUPERSEDED_COLUMNS",
    "AirResult",
    "aggregate",
    "apply_measured",
    "discover_air_files",
    "ingest_air",
    "standard_on",
]

#: Share of a calendar year's days that must have a valid 24-hour mean.
MIN_COVERAGE = 0.75
#: Thai 24-hour PM10 standard (µg/m³; NEB Notification No. 10, B.E. 2538, docs/domain 2.1).
PM10_24H_STANDARD = 120.0
#: Store tables written when ``data/raw/air/`` holds workbooks.
AIR_TABLES: tuple[str, ...] = (
    "air_daily.parquet",
    "air_stations.parquet",
    "air_coverage.parquet",
    "superseded.csv",
)
COVERAGE_COLUMNS: tuple[str, ...] = store_columns("air_coverage.parquet")
SUPERSEDED_COLUMNS: tuple[str, ...] = store_columns("superseded.csv")
_ANNUAL_IDS = {
    ("pm25", "mean"): "pm25_annual",
    ("pm25", "max"): "pm25_24h_max",
    ("pm25", "days_over_std"): "pm25_days_over_24h_std",
    ("pm10", "mean"): "pm10_annual",
}


@dataclass
class AirResult:
    """Output of :func:`ingest_air`.

    Attributes
    ----------
    daily : pandas.DataFrame
        ``air_daily.parquet``: station x pollutant x date (x town served: a station named
        for a nearby town has its rows once per town), with ``town_id`` ("" when the
        station serves no town), value, unit, ``src_file``, ``src_row``, ``src_column``.
    stations : pandas.DataFrame
        ``air_stations.parquet`` (:data:`analysis.ingest.stations.MATCH_COLUMNS`).
    coverage : pandas.DataFrame
        ``air_coverage.parquet`` (:data:`COVERAGE_COLUMNS`), every station x pollutant x year.
    annual : pandas.DataFrame
        Rows in the ``indicators.parquet`` contract (complete years of stations that serve
        a town).
    rejections : list of tuple
        ``(file, row, column, value, reason, code)``.
    workbooks : list of PcdWorkbook
        What was read.
    errors : dict of str to str
        File label -> one-line reason for files that could not be read.
    """

    daily: pd.DataFrame
    stations: pd.DataFrame
    coverage: pd.DataFrame
    annual: pd.DataFrame
    rejections: list[tuple[str, int | None, str, str, str, str]] = field(default_factory=list)
    workbooks: list[PcdWorkbook] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def discover_air_files(folder: Path) -> list[Path]:
    """List the workbooks in ``data/raw/air/`` (hidden, lock and README files ignored).

    Parameters
    ----------
    folder : pathlib.Path
        ``data/raw/air``.

    Returns
    -------
    list of pathlib.Path
        Sorted; every file but ``*.md``, ``*.csv`` (the named-station mapping) and hidden
        or lock files, so that a stray file is reported instead of ignored.
    """
    if not folder.is_dir():
        return []
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
        and p.suffix.lower() not in {".md", ".csv"}
        and not p.stem.lower().startswith(("readme", "license"))
    ]


def standard_on(catalogue: Catalogue, pollutant: str, day: dt.date) -> float | None:
    """Return the Thai 24-hour standard in force on ``day`` (µg/m³), or None.

    PM2.5 takes the ``legal_standard`` yardsticks of ``pm25_24h_max`` in the catalogue
    (50 to 31 May 2023, 37.5 from 1 June 2023); PM10 :data:`PM10_24H_STANDARD`.

    Parameters
    ----------
    catalogue : Catalogue
        Gives the PM2.5 yardsticks.
    pollutant : {"pm25", "pm10"}
        Pollutant key (any other gives ``None``).
    day : datetime.date
        The day of the daily mean.

    Returns
    -------
    float or None
        The 24-hour standard in µg/m³, or ``None`` when none is in force or known.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> cat = load_catalogue()
    >>> standard_on(cat, "pm25", dt.date(2023, 5, 31)), standard_on(cat, "pm25", dt.date(2023, 6, 1))
    (50.0, 37.5)
    """
    if pollutant == "pm10":
        return PM10_24H_STANDARD
    if pollutant != "pm25":
        return None
    for std in catalogue.get("pm25_24h_max").standards:
        if std.category == "legal_standard" and std.in_force_on(day):
            return float(std.value)
    return None


def aggregate(daily: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Aggregate daily means per station, pollutant and calendar year.

    Parameters
    ----------
    daily : pandas.DataFrame
        ``station_code``, ``pollutant``, ``date``, ``value``, ``unit``, ``src_file``,
        ``src_row`` (one row per station x pollutant x date with a valid value).
    catalogue : Catalogue
        For the 24-hour standards in force on each day.

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS` without the town columns: ``days_valid``, ``coverage``
        (valid days / days of the year), ``complete`` (coverage >= :data:`MIN_COVERAGE`),
        ``mean``, ``max`` and ``days_over_std`` (left empty when the year is incomplete).
    """
    cols = [c for c in COVERAGE_COLUMNS if c not in ("town_id", "relation", "distance_km")]
    if daily.empty:
        return pd.DataFrame(columns=cols)
    df = daily.copy()
    df["year"] = df["date"].dt.year
    std_cache: dict[tuple[str, dt.date], float | None] = {}

    def over(row: pd.Series) -> bool:
        key = (row["pollutant"], row["date"].date())
        if key not in std_cache:
            std_cache[key] = standard_on(catalogue, *key)
        limit = std_cache[key]
        return limit is not None and row["value"] > limit

    df["over"] = df.apply(over, axis=1)
    out = []
    for (code, pol, year), g in df.groupby(["station_code", "pollutant", "year"], sort=True):
        year_n = int(cast("SupportsInt", year))  # group key: a numpy number from .dt.year
        days = 366 if pd.Timestamp(year=year_n, month=1, day=1).is_leap_year else 365
        valid = int(g["date"].nunique())
        cov = valid / days
        complete = cov >= MIN_COVERAGE
        out.append(
            {
                "station_code": code,
                "pollutant": pol,
                "year": year_n,
                "days_in_year": days,
                "days_with_row": np.nan,
                "days_valid": valid,
                "coverage": cov,
                "complete": complete,
                "mean": float(g["value"].mean()) if complete else np.nan,
                "max": float(g["value"].max()) if complete else np.nan,
                "days_over_std": float(g["over"].sum()) if complete else np.nan,
                "unit": g["unit"].iloc[0],
                "src_file": ", ".join(sorted(g["src_file"].unique())),
            }
        )
    return pd.DataFrame(out, columns=cols)


def _annual_rows(
    coverage: pd.DataFrame, stations: pd.DataFrame, daily: pd.DataFrame, catalogue: Catalogue
) -> pd.DataFrame:
    """Return indicator rows for the complete years of stations that serve a town."""
    rows = []
    usable = coverage[coverage["complete"] & (coverage["town_id"] != "")]
    if usable.empty:
        return pd.DataFrame(columns=["town_id", "indicator_id", "year", "value"])
    # one station per town, pollutant and year: own tambon first, then coverage, then code
    usable = usable.assign(_own=usable["relation"] != "own_tambon").sort_values(
        ["town_id", "pollutant", "year", "_own", "coverage", "station_code"],
        ascending=[True, True, True, True, False, True],
    )
    usable = usable.drop_duplicates(["town_id", "pollutant", "year"])
    address = dict(zip(stations["station_code"], stations["address_th"], strict=True))
    first_row = (
        daily.assign(year=daily["date"].dt.year)
        .groupby(["station_code", "pollutant", "year"])["src_row"]
        .min()
    )
    for rec in usable.to_dict("records"):
        code, pol, year = rec["station_code"], rec["pollutant"], int(rec["year"])
        name = POLLUTANTS[pol][0]
        where = f"{code} ({address.get(code, '')})"
        if rec["relation"] == "named_nearby":
            where += f", nearby station {rec['distance_km']:.1f} km from the town"
        source = (
            f"PCD Air4Thai station {where}, daily 24-h means, {year} workbook {rec['src_file']}"
        )
        note = (
            f"measured: {name} {int(rec['days_valid'])}/{int(rec['days_in_year'])} valid days "
            f"({100 * rec['coverage']:.1f} %)"
        )
        for stat in ("mean", "max", "days_over_std"):
            ind = _ANNUAL_IDS.get((pol, stat))
            if ind is None:
                continue
            unit = catalogue.get(ind).unit
            rows.append(
                {
                    "town_id": rec["town_id"],
                    "indicator_id": ind,
                    "year": year,
                    "value": float(rec[stat]),
                    "unit": unit,
                    "source": source,
                    "note": note,
                    "is_synthetic": False,
                    "src_file": rec["src_file"].split(", ")[0],
                    "src_row": int(first_row.get((code, pol, year), 1)),
                }
            )
    return pd.DataFrame(rows)


def ingest_air(
    files: list[Path],
    catalogue: Catalogue,
    towns: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    raw_root: Path | None = None,
    named: pd.DataFrame | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AirResult:
    """Read PCD workbooks, match stations and aggregate; write nothing.

    Parameters
    ----------
    files : list of pathlib.Path
        The workbooks (:func:`discover_air_files`).
    catalogue : Catalogue
        Indicator catalogue (standards, units).
    towns : pandas.DataFrame
        Town registry (``town_id``, ``tambon_pcode``, ``lat``, ``lon``).
    boundaries : geopandas.GeoDataFrame
        Provinces, districts and tambons with Thai names.
    raw_root : pathlib.Path, optional
        Files are labelled relative to this folder.
    named : pandas.DataFrame, optional
        ``town_id``, ``station_code``: nearby stations named for towns without their own.
    max_bytes : int
        Size limit per workbook (and its unzipped content).

    Returns
    -------
    AirResult
        Daily values, stations, coverage, annual rows, rejections and file errors.
    """
    workbooks: list[PcdWorkbook] = []
    errors: dict[str, str] = {}
    rejections: list[tuple[str, int | None, str, str, str, str]] = []
    for path in files:
        label = path.name
        if raw_root is not None:
            with contextlib.suppress(ValueError):
                label = path.resolve().relative_to(raw_root.resolve()).as_posix()
        try:
            wb = read_pcd_workbook(path, label, max_bytes=max_bytes)
        except InputFileError as exc:
            errors[label] = exc.reason
            rejections.append((label, None, "", "", exc.reason, "unreadable_file"))
            continue
        workbooks.append(wb)
        rejections += [(label, *r) for r in wb.rejections]
    stations_raw = (
        pd.concat([w.stations for w in workbooks], ignore_index=True)
        if workbooks
        else pd.DataFrame(columns=list(STATION_COLUMNS))
    )
    stations_raw = stations_raw.drop_duplicates(["station_code", "address_th"])
    codes = sorted({c for w in workbooks for c in w.codes})
    stations = match_stations(stations_raw, codes, boundaries, towns, named)
    daily = (
        pd.concat([w.daily for w in workbooks if len(w.daily)], ignore_index=True)
        if any(len(w.daily) for w in workbooks)
        else pd.DataFrame(columns=list(DAILY_COLUMNS))
    )
    daily["date"] = pd.to_datetime(daily["date"])
    # the same station, pollutant and date in two workbooks: keep one if equal, else reject
    dup = daily.duplicated(["station_code", "pollutant", "date"], keep=False)
    if dup.any():
        bad = (
            daily[dup].groupby(["station_code", "pollutant", "date"])["value"].transform("nunique")
            > 1
        )
        for rec in daily[dup][bad].to_dict("records"):
            rejections.append(
                (
                    rec["src_file"],
                    int(rec["src_row"]),
                    f"{rec['src_column']} ({rec['station_code']})",
                    str(rec["value"]),
                    f"{rec['date'].date()} also in another workbook with a different value",
                    "duplicate_conflict",
                )
            )
        drop = daily[dup][bad].index
        daily = daily.drop(index=drop)
        daily = daily.drop_duplicates(["station_code", "pollutant", "date"])
    served = stations[stations["town_id"] != ""][
        ["station_code", "town_id", "relation", "distance_km"]
    ]
    per_station = aggregate(daily, catalogue)
    with_rows = {(w.pollutant, y): n for w in workbooks for y, n in w.days_with_row.items()}
    if len(per_station):
        per_station["days_with_row"] = [
            with_rows.get((p, int(y)), np.nan)
            for p, y in zip(per_station["pollutant"], per_station["year"], strict=True)
        ]
    coverage = per_station.merge(served, on="station_code", how="left")
    coverage["town_id"] = coverage["town_id"].fillna("").astype("str")
    coverage["relation"] = coverage["relation"].fillna("none").astype("str")
    coverage = (
        coverage[list(COVERAGE_COLUMNS)]
        .sort_values(["station_code", "pollutant", "year", "town_id"])
        .reset_index(drop=True)
    )
    annual = _annual_rows(coverage, stations, daily, catalogue)
    # one row per town served (own tambon and named nearby) and station x pollutant x date
    daily = daily.merge(served[["station_code", "town_id"]], on="station_code", how="left")
    daily["town_id"] = daily["town_id"].fillna("").astype("str")
    daily = daily.sort_values(["station_code", "pollutant", "date", "town_id"]).reset_index(
        drop=True
    )
    daily["value"] = daily["value"].astype("float64")
    daily["src_row"] = daily["src_row"].astype("int64")
    return AirResult(
        daily=daily,
        stations=stations,
        coverage=coverage,
        annual=annual,
        rejections=rejections,
        workbooks=workbooks,
        errors=errors,
    )


def apply_measured(rows: pd.DataFrame, annual: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put the station values into the indicator rows: measured replaces reported.

    Parameters
    ----------
    rows : pandas.DataFrame
        Indicator rows from ``data/raw/indicators`` (``indicators.parquet`` contract).
    annual : pandas.DataFrame
        Rows from :func:`ingest_air` (same contract).

    Returns
    -------
    merged : pandas.DataFrame
        ``rows`` with every town x indicator x year of ``annual`` taken from ``annual``.
    superseded : pandas.DataFrame
        :data:`SUPERSEDED_COLUMNS`: each replaced row, old and new.
    """
    key = ["town_id", "indicator_id", "year"]
    if annual.empty:
        return rows, pd.DataFrame(columns=list(SUPERSEDED_COLUMNS))
    annual = annual[list(rows.columns)]
    old = rows.merge(annual[key], on=key, how="inner")
    both = old.merge(annual, on=key, suffixes=("_old", "_new"))
    superseded = pd.DataFrame(
        {
            "town_id": both["town_id"],
            "indicator_id": both["indicator_id"],
            "year": both["year"].astype("int64"),
            "old_value": both["value_old"],
            "old_source": both["source_old"],
            "old_is_synthetic": both["is_synthetic_old"].astype("bool"),
            "old_src_file": both["src_file_old"],
            "new_value": both["value_new"],
            "new_source": both["source_new"],
            "new_src_file": both["src_file_new"],
        },
        columns=list(SUPERSEDED_COLUMNS),
    )
    keep = rows.merge(annual[key], on=key, how="left", indicator=True)["_merge"] == "left_only"
    merged = pd.concat([rows[keep.to_numpy()], annual], ignore_index=True)
    merged = merged.sort_values(key, kind="stable").reset_index(drop=True)
    return merged, superseded.sort_values(key).reset_index(drop=True)


def read_named_stations(path: Path) -> pd.DataFrame | None:
    """Read ``data/raw/air/station_towns.csv`` (``town_id``, ``station_code``), if present.

    Parameters
    ----------
    path : pathlib.Path
        The mapping file.

    Returns
    -------
    pandas.DataFrame or None
        Codes normalised like the workbooks'; None when the file does not exist.

    Raises
    ------
    InputFileError
        If the file lacks one of the two columns.
    """
    from analysis.ingest.pcd import normalise_code  # noqa: PLC0415

    if not path.is_file():
        return None
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig").fillna("")
    missing = {"town_id", "station_code"} - set(df.columns)
    if missing:
        raise InputFileError(
            path.name, f"needs the columns town_id, station_code (missing {sorted(missing)})"
        )
    df["station_code"] = df["station_code"].map(normalise_code)
    df["town_id"] = df["town_id"].str.strip()
    return df[(df["town_id"] != "") & (df["station_code"] != "")][["town_id", "station_code"]]


@dataclass
class AirStoreReport:
    """What :func:`run_air` did, for the ingest report and the manifest.

    Attributes
    ----------
    rows : pandas.DataFrame
        The indicator rows with the measured values put in.
    rejected : pandas.DataFrame
        ``file, row, column, value, reason, code`` of the workbooks.
    superseded : pandas.DataFrame
        :data:`SUPERSEDED_COLUMNS`.
    result : AirResult
        The full result.
    outputs : dict of str to pathlib.Path
        Tables written.
    """

    rows: pd.DataFrame
    rejected: pd.DataFrame
    superseded: pd.DataFrame
    result: AirResult
    outputs: dict[str, Path]

    def manifest(self) -> dict[str, object]:
        """Return the ``air`` section of ``ingest_manifest.json``.

        Returns
        -------
        dict of str to object
            Workbooks, unreadable files, daily value count, matched and unmatched
            stations, towns with a station, the coverage rule and the incomplete years,
            notes per workbook and the number of superseded rows.
        """
        st = self.result.stations
        return {
            "workbooks": [w.file for w in self.result.workbooks],
            "unreadable": self.result.errors,
            "daily_values": len(self.result.daily),
            "stations_matched": int(
                (st.drop_duplicates("station_code")["match_status"] == "matched").sum()
            ),
            "stations_unmatched": int(
                (st.drop_duplicates("station_code")["match_status"] != "matched").sum()
            ),
            "towns_with_station": sorted(set(st.loc[st["town_id"] != "", "town_id"])),
            "min_coverage": MIN_COVERAGE,
            "incomplete_years": [
                f"{r['station_code']} {r['pollutant']} {r['year']} ({100 * r['coverage']:.1f} %)"
                + (f" -> {r['town_id']}" if r["town_id"] else "")
                for r in self.result.coverage.to_dict("records")
                if not r["complete"]
            ],
            "notes": {w.file: w.notes for w in self.result.workbooks},
            "superseded": len(self.superseded),
        }


def run_air(
    raw: Path,
    processed: Path,
    rows: pd.DataFrame,
    *,
    catalogue: Catalogue,
    towns: pd.DataFrame,
    boundaries: gpd.GeoDataFrame | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AirStoreReport | None:
    """Ingest ``raw/air/`` and write the air tables; remove stale ones when there is none.

    Parameters
    ----------
    raw, processed : pathlib.Path
        ``data/raw`` and ``data/processed``.
    rows : pandas.DataFrame
        Indicator rows read from ``data/raw/indicators``.
    catalogue : Catalogue
        Indicator catalogue.
    towns : pandas.DataFrame
        Town registry.
    boundaries : geopandas.GeoDataFrame, optional
        Already loaded boundaries (read from ``raw/geo`` when None).
    max_bytes : int
        Size limit per workbook.

    Returns
    -------
    AirStoreReport or None
        None when ``raw/air`` holds no workbook (stale air tables are removed).
    """
    from analysis.store.io import write_table  # noqa: PLC0415

    files = discover_air_files(raw / "air")
    if not files:
        for name in AIR_TABLES:
            (processed / name).unlink(missing_ok=True)
        return None
    if boundaries is None:
        from analysis.store.boundaries import load_raw_boundaries  # noqa: PLC0415

        boundaries = load_raw_boundaries(raw / "geo")
    named = read_named_stations(raw / "air" / "station_towns.csv")
    air = ingest_air(
        files, catalogue, towns, boundaries, raw_root=raw, named=named, max_bytes=max_bytes
    )
    merged, superseded = apply_measured(rows, air.annual)
    rejected = pd.DataFrame(
        air.rejections, columns=["file", "row", "column", "value", "reason", "code"]
    )
    rejected["row"] = rejected["row"].astype("Int64")
    outputs = {
        "air_daily": write_table(air.daily, "air_daily.parquet", processed),
        "air_stations": write_table(air.stations, "air_stations.parquet", processed),
        "air_coverage": write_table(air.coverage, "air_coverage.parquet", processed),
        "superseded": write_table(superseded, "superseded.csv", processed),
    }
    return AirStoreReport(
        rows=merged, rejected=rejected, superseded=superseded, result=air, outputs=outputs
    )
