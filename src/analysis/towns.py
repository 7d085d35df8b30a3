"""The town registry (``data/raw/towns.csv``): validated town records and slug rules."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from analysis.errors import ConfigError, ParameterError

__all__ = ["TOWN_COLUMNS", "TOWN_ID_PATTERN", "load_towns", "validate_town_id"]

TOWN_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

TOWN_COLUMNS: tuple[str, ...] = (
    "town_id",
    "name_th",
    "name_en",
    "local_gov_type",
    "local_gov_type_th",
    "province_th",
    "province_en",
    "district_pcode",
    "district_th",
    "district_en",
    "tambon_pcode",
    "tambon_th",
    "tambon_en",
    "population",
    "population_year",
    "population_source",
    "area_km2",
    "area_source",
    "lat",
    "lon",
    "point_source",
)


def validate_town_id(town_id: object) -> str:
    """Return ``town_id`` if it is a safe slug, else raise.

    A town id becomes part of file names, so it must be a strict ASCII slug:
    lowercase ``a-z``, digits and inner hyphens, 1-64 characters. Path separators,
    ``..``, absolute paths, whitespace and Unicode look-alikes are rejected.

    Parameters
    ----------
    town_id : object
        The candidate id.

    Returns
    -------
    str
        The same id.

    Raises
    ------
    ParameterError
        If it is not a valid slug.

    Examples
    --------
    >>> validate_town_id("nakhon-sawan")
    'nakhon-sawan'
    """
    if not isinstance(town_id, str) or not TOWN_ID_PATTERN.fullmatch(town_id):
        shown = repr(town_id)
        if isinstance(town_id, str) and unicodedata.normalize("NFKC", town_id) != town_id:
            shown += " (contains Unicode look-alike characters)"
        msg = (
            f"invalid town_id {shown}: expected a slug of lowercase a-z, 0-9 and '-' "
            "(1-64 characters, no leading/trailing '-'), e.g. 'nakhon-sawan'"
        )
        raise ParameterError(msg)
    return town_id


def load_towns(path: Path | str) -> pd.DataFrame:
    """Read and validate the town registry.

    Parameters
    ----------
    path : path-like
        ``towns.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per town, indexed by position, with typed numeric columns.

    Raises
    ------
    ConfigError
        If columns are missing, ids are invalid or duplicated.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        msg = f"{path}: cannot read the town registry: {exc}"
        raise ConfigError(msg) from exc
    missing = [c for c in TOWN_COLUMNS if c not in df.columns]
    if missing:
        msg = f"{path}: missing columns {missing}"
        raise ConfigError(msg)
    for row_no, town_id in enumerate(df["town_id"], start=2):
        try:
            validate_town_id(town_id)
        except ParameterError as exc:
            msg = f"{path}, row {row_no}, column town_id: {exc}"
            raise ConfigError(msg) from exc
    dupes = df["town_id"][df["town_id"].duplicated()].tolist()
    if dupes:
        msg = f"{path}: duplicate town_id {dupes}"
        raise ConfigError(msg)
    for col in ("population", "population_year", "area_km2", "lat", "lon"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
    df["population"] = df["population"].astype("Int64")
    df["population_year"] = df["population_year"].astype("Int64")
    return df
