"""Validated series panels: the long indicator frame as left-aligned 2-D arrays.

Every statistic in :mod:`analysis.stats` works on many series at once. This module turns
the long frame of the processed store (one row per town x indicator x year) into a
:class:`Panel`: one row per series, observations packed to the left in year order,
padded with NaN. Validation happens here, once, so every error names its series.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue, Indicator
from analysis.errors import DataError, SeriesError

__all__ = [
    "MIN_POINTS",
    "Panel",
    "align_rows",
    "build_panel",
    "catalogue_row_for",
    "latest_frame",
    "target_for",
]

#: Fewest observations a trend test or projection is computed from.
MIN_POINTS = 4

_REQUIRED = ("town_id", "indicator_id", "year", "value")


def catalogue_row_for(catalogue: Catalogue, indicator_id: str) -> Indicator:
    """Return the catalogue entry of ``indicator_id``, mapping ``<base>__<k>`` to ``<base>``.

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue.
    indicator_id : str
        An indicator id; ids of the form ``<base>__<k>`` (used by the national-scale
        benchmark for extra indicators) resolve to the entry of ``<base>``.

    Returns
    -------
    Indicator
        The catalogue entry.

    Raises
    ------
    CatalogueError
        If the (base) id is not in the catalogue.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> catalogue_row_for(load_catalogue(), "pm25_annual__3").id
    'pm25_annual'
    """
    return catalogue.get(indicator_id.split("__", 1)[0])


def target_for(
    entry: Indicator, indicator_id: str, targets: Mapping[str, tuple[float, int]] | None = None
) -> tuple[float, float]:
    """Return the ``(value, year)`` target of an indicator, ``(nan, nan)`` when it has none.

    Parameters
    ----------
    entry : Indicator
        The catalogue entry (:func:`catalogue_row_for`).
    indicator_id : str
        The id as it appears in the data (may be ``<base>__<k>``).
    targets : mapping, optional
        ``{indicator_id: (value, year)}`` overrides, looked up by ``indicator_id`` and then
        by the base id; they win over the catalogue target.

    Returns
    -------
    tuple of (float, float)
        Target value and year (CE).

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> entry = catalogue_row_for(load_catalogue(), "river_wqi__2")
    >>> target_for(entry, "river_wqi__2", {"river_wqi": (80.0, 2030)})
    (80.0, 2030.0)
    """
    override = (targets or {}).get(indicator_id) or (targets or {}).get(entry.id)
    if override is not None:
        return float(override[0]), float(override[1])
    if entry.target is not None:
        return float(entry.target.value), float(entry.target.year)
    return math.nan, math.nan


@dataclass(frozen=True)
class Panel:
    """Many series as left-aligned arrays (one row per town x indicator).

    Attributes
    ----------
    town_id, indicator_id : pandas.Categorical, shape (S,)
        The series keys, sorted by town then indicator. Categorical, so the large
        per-observation tables built from them stay cheap to take, merge and sort.
    years : numpy.ndarray of float, shape (S, N)
        Years (CE) of each series in increasing order, NaN after the last observation.
    obs : numpy.ndarray of float, shape (S, N)
        Values aligned with ``years``.
    n : numpy.ndarray of int, shape (S,)
        Number of observations per series.
    """

    town_id: pd.Categorical
    indicator_id: pd.Categorical
    years: np.ndarray
    obs: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.n)

    @property
    def mask(self) -> np.ndarray:
        """Boolean (S, N): True where an observation exists."""
        return np.arange(self.obs.shape[1])[None, :] < self.n[:, None]

    @property
    def first_year(self) -> np.ndarray:
        """First observed year per series (float; NaN for an empty panel row)."""
        return self.years[:, 0] if self.years.shape[1] else np.full(len(self), np.nan)

    @property
    def last_year(self) -> np.ndarray:
        """Last observed year per series."""
        return _last(self.years, self.n)

    @property
    def last_value(self) -> np.ndarray:
        """Latest observed value per series."""
        return _last(self.obs, self.n)

    def subset(self, rows: np.ndarray) -> Panel:
        """Return the panel restricted to ``rows`` (boolean mask or integer index).

        Parameters
        ----------
        rows : numpy.ndarray
            Boolean mask or integer index of the series to keep.

        Returns
        -------
        Panel
            Trimmed to the widest kept series.
        """
        n = self.n[rows]
        width = int(n.max()) if len(n) else 0
        return Panel(
            self.town_id[rows],
            self.indicator_id[rows],
            self.years[rows][:, :width],
            self.obs[rows][:, :width],
            n,
        )

    @property
    def indicator_ids(self) -> list[str]:
        """Distinct indicator ids present, sorted."""
        return [str(c) for c in self.indicator_id.categories]


def latest_frame(panel: Panel) -> pd.DataFrame:
    """Return each series' latest observation as a frame.

    Parameters
    ----------
    panel : Panel
        The series.

    Returns
    -------
    pandas.DataFrame
        ``town_id, indicator_id, latest_year, latest_value``, one row per series in panel
        order (``latest_year`` is int64).

    Examples
    --------
    >>> df = pd.DataFrame({"town_id": "a", "indicator_id": "x", "year": [2020, 2021],
    ...                    "value": [1.0, 2.0]})
    >>> latest_frame(build_panel(df)).to_numpy().tolist()
    [['a', 'x', 2021, 2.0]]
    """
    return pd.DataFrame(
        {
            "town_id": panel.town_id,
            "indicator_id": panel.indicator_id,
            "latest_year": panel.last_year.astype(np.int64) if len(panel) else [],
            "latest_value": panel.last_value,
        }
    )


def _last(arr: np.ndarray, n: np.ndarray) -> np.ndarray:
    if arr.shape[1] == 0:
        return np.full(len(n), np.nan)
    idx = np.maximum(n - 1, 0)
    return arr[np.arange(len(n)), idx]


def _series_error(town: object, indicator: object, reason: str) -> SeriesError:
    return SeriesError(str(town), str(indicator), reason)


def build_panel(indicators: pd.DataFrame) -> Panel:
    """Validate the long indicator frame and pack it into a :class:`Panel`.

    Rows may come in any order; each series is sorted by year.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame with at least ``town_id, indicator_id, year, value``.

    Returns
    -------
    Panel
        One row per town x indicator, sorted by ``town_id`` then ``indicator_id``.

    Raises
    ------
    DataError
        If a required column is missing.
    SeriesError
        For a non-numeric, missing or infinite value, a non-integer year or a duplicate
        year; the message names the town and indicator.

    Examples
    --------
    >>> df = pd.DataFrame({"town_id": ["a", "a"], "indicator_id": ["x", "x"],
    ...                    "year": [2021, 2020], "value": [2.0, 1.0]})
    >>> build_panel(df).obs.tolist()
    [[1.0, 2.0]]
    """
    missing = [c for c in _REQUIRED if c not in indicators.columns]
    if missing:
        msg = f"the indicator frame lacks column(s) {', '.join(missing)}"
        raise DataError(msg)
    town = indicators["town_id"].to_numpy(dtype=object)
    ind = indicators["indicator_id"].to_numpy(dtype=object)

    raw_value = indicators["value"]
    if pd.api.types.is_bool_dtype(raw_value) or not pd.api.types.is_numeric_dtype(raw_value):
        coerced = pd.to_numeric(raw_value, errors="coerce")
        bad = coerced.isna() & raw_value.notna()
        if bool(bad.any()) or pd.api.types.is_bool_dtype(raw_value):
            i = int(np.flatnonzero(bad.to_numpy())[0]) if bool(bad.any()) else 0
            raise _series_error(town[i], ind[i], f"value {raw_value.iloc[i]!r} is not a number")
        raw_value = coerced
    value = raw_value.to_numpy(dtype=float, na_value=np.nan)
    bad_v = ~np.isfinite(value)
    if bad_v.any():
        i = int(np.flatnonzero(bad_v)[0])
        raise _series_error(
            town[i],
            ind[i],
            f"value missing or not finite ({value[i]}) in year {indicators['year'].iloc[i]}",
        )

    raw_year = indicators["year"]
    year_num = pd.to_numeric(raw_year, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad_y = ~np.isfinite(year_num) | (year_num != np.round(year_num))
    if bad_y.any():
        i = int(np.flatnonzero(bad_y)[0])
        raise _series_error(town[i], ind[i], f"year {raw_year.iloc[i]!r} is not a whole year")

    t_codes, t_uni = pd.factorize(pd.Series(town, dtype=object), sort=True)
    i_codes, i_uni = pd.factorize(pd.Series(ind, dtype=object), sort=True)
    sid = t_codes.astype(np.int64) * len(i_uni) + i_codes
    order = np.lexsort((year_num, sid))
    sid_s, year_s, value_s = sid[order], year_num[order], value[order]
    dup = (sid_s[1:] == sid_s[:-1]) & (year_s[1:] == year_s[:-1])
    if dup.any():
        j = order[int(np.flatnonzero(dup)[0])]
        raise _series_error(town[j], ind[j], f"year {int(year_num[j])} appears more than once")
    uniq, start, counts = np.unique(sid_s, return_index=True, return_counts=True)
    series_of_row = np.repeat(np.arange(len(uniq)), counts)
    pos = np.arange(len(sid_s)) - start[series_of_row]
    width = int(counts.max()) if len(counts) else 0
    years = np.full((len(uniq), width), np.nan)
    values = np.full((len(uniq), width), np.nan)
    years[series_of_row, pos] = year_s
    values[series_of_row, pos] = value_s
    t_arr = pd.Categorical.from_codes(uniq // len(i_uni), categories=pd.Index(t_uni))
    i_arr = pd.Categorical.from_codes(uniq % len(i_uni), categories=pd.Index(i_uni))
    return Panel(t_arr, i_arr, years, values, counts.astype(np.int64))


def align_rows(keys: pd.DataFrame, frame: pd.DataFrame, column: str) -> np.ndarray:
    """Return ``frame[column]`` aligned to the ``town_id, indicator_id`` rows of ``keys``.

    Parameters
    ----------
    keys : pandas.DataFrame
        Rows with ``town_id`` and ``indicator_id``.
    frame : pandas.DataFrame
        Rows with ``town_id``, ``indicator_id`` and ``column`` (any order).
    column : str
        The column to take.

    Returns
    -------
    numpy.ndarray
        One value per row of ``keys`` (missing where ``frame`` has no such series).
    """
    same = len(frame) == len(keys) and bool(
        (
            np.asarray(frame["town_id"], dtype=object) == np.asarray(keys["town_id"], dtype=object)
        ).all()
        and (
            np.asarray(frame["indicator_id"], dtype=object)
            == np.asarray(keys["indicator_id"], dtype=object)
        ).all()
    )
    if same:
        return frame[column].to_numpy()
    left = pd.DataFrame(
        {
            "town_id": np.asarray(keys["town_id"], dtype=object),
            "indicator_id": np.asarray(keys["indicator_id"], dtype=object),
        }
    )
    right = pd.DataFrame(
        {
            "town_id": np.asarray(frame["town_id"], dtype=object),
            "indicator_id": np.asarray(frame["indicator_id"], dtype=object),
            column: frame[column].to_numpy(),
        }
    )
    return left.merge(right, on=["town_id", "indicator_id"], how="left")[column].to_numpy()
