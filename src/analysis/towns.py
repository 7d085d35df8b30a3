"""The town registry (``data/raw/towns.csv``): validated town records and slug rules."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
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
        if isinstance(town_id, str):
            shown += _non_ascii_hint(town_id)
        msg = (
            f"invalid town_id {shown}: expected a slug of lowercase a-z, 0-9 and '-' "
            "(1-64 characters, no leading/trailing '-'), e.g. 'nakhon-sawan'"
        )
        raise ParameterError(msg)
    return town_id


def _non_ascii_hint(text: str) -> str:
    """Return a hint naming the non-ASCII characters of ``text`` ("" if there are none).

    Look-alikes such as Cyrillic 'а' print exactly like ASCII letters, so the message
    must say which character is wrong.
    """
    odd = list(dict.fromkeys(c for c in text if not c.isascii()))
    if not odd:
        return ""
    names = ", ".join(
        f"{c!r} U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in odd[:5]
    )
    more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
    kind = (
        "Unicode look-alike characters"
        if any(
            unicodedata.normalize("NFKC", c).isascii()
            or unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK"))
            for c in odd
        )
        else "non-ASCII characters"
    )
    return f" (contains {kind}: {names}{more})"


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
        text = df[col].str.strip()
        values = pd.to_numeric(text.mask(text == ""), errors="coerce")
        whole = col in ("population", "population_year")
        bad = (values.isna() & (text != "")) | ~np.isfinite(values.fillna(0))
        if whole:
            bad |= values.notna() & (values.fillna(0) % 1 != 0)
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            kind = "a whole number" if whole else "a number"
            msg = (
                f"{path}, row {pos + 2}, column {col}: expected {kind} (or an empty cell), "
                f"got {df[col].iloc[pos]!r}"
            )
            raise ConfigError(msg)
        df[col] = values.astype("Int64") if whole else values.astype("float64")
    return df
