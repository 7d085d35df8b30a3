"""Status of observed values against the standards in force, and a traffic light.

A year is judged by the standards in force on 31 December of that year
(:meth:`analysis.catalogue.Indicator.standards_in_force`). The *headline* standard of a
year is the Thai one (issuer ``TH_NEB``, ``TH_PCD`` or ``TH_ONEP``); when an indicator
has no Thai standard, the first in force of ASEAN, WHO, CBI is the headline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.stats.panel import (
    Panel,
    align_rows,
    build_panel,
    catalogue_row_for,
    latest_frame,
)

__all__ = [
    "AMBER_SHARE",
    "HEADLINE_COLUMNS",
    "HEADLINE_ORDER",
    "ISSUER_GROUPS",
    "LATEST_STATUS_COLUMNS",
    "STATUS_COLUMNS",
    "latest_status",
    "standards_table",
    "status_table",
]

#: Issuer -> the group reported in the latest-status table.
ISSUER_GROUPS: dict[str, str] = {
    "TH_NEB": "th",
    "TH_PCD": "th",
    "TH_ONEP": "th",
    "WHO": "who",
    "ASEAN": "asean",
    "CBI": "cbi",
}
#: Preference order of issuer groups for the headline standard.
HEADLINE_ORDER: tuple[str, ...] = ("th", "asean", "who", "cbi")
#: A passing value within this share of the limit is 'amber'.
AMBER_SHARE = 0.10

#: Latest-status field -> the :func:`status_table` column it comes from, per issuer group.
_GROUP_FIELDS: dict[str, str] = {
    "issuer": "issuer",
    "value": "standard_value",
    "kind": "kind",
    "pass": "passes",
    "margin": "margin",
}
#: Latest-status field -> the :func:`status_table` column it comes from, for the headline.
_HEADLINE_FIELDS: dict[str, str] = {
    "issuer": "issuer",
    "value": "standard_value",
    "kind": "kind",
    "name_en": "standard_name_en",
    "name_th": "standard_name_th",
    "pass": "passes",
    "margin": "margin",
}
#: The headline-standard columns of :data:`LATEST_STATUS_COLUMNS`.
HEADLINE_COLUMNS: tuple[str, ...] = tuple(f"headline_{f}" for f in _HEADLINE_FIELDS)

STATUS_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "year",
    "value",
    "issuer",
    "issuer_group",
    "standard_value",
    "kind",
    "standard_name_en",
    "standard_name_th",
    "passes",
    "margin",
    "margin_pct",
    "is_headline",
)
LATEST_STATUS_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "latest_year",
    "latest_value",
    *(f"{g}_{f}" for g in ("th", "who", "asean", "cbi") for f in _GROUP_FIELDS),
    *HEADLINE_COLUMNS,
    "change",
    "light",
)


def standards_table(catalogue: Catalogue, indicator_ids: np.ndarray | list[str]) -> pd.DataFrame:
    """Return every standard of the given indicator ids (``<base>__<k>`` resolved).

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue.
    indicator_ids : array-like of str
        Indicator ids as they appear in the data.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, order, issuer, issuer_group, standard_value, kind, from_year_end,
        to_year_end, standard_name_en, standard_name_th`` where ``from_year_end`` is the
        first year whose 31 December falls in force and ``to_year_end`` the last (inf
        when open-ended).
    """
    rows = []
    for ind_id in sorted({str(i) for i in indicator_ids}):
        entry = catalogue_row_for(catalogue, ind_id)
        for order, std in enumerate(entry.standards):
            first = std.effective_from.year  # 31 Dec of that year is always in force
            last = (
                np.inf
                if std.effective_to is None
                else std.effective_to.year
                - (0 if (std.effective_to.month, std.effective_to.day) == (12, 31) else 1)
            )
            rows.append(
                {
                    "indicator_id": ind_id,
                    "order": order,
                    "issuer": std.issuer,
                    "issuer_group": ISSUER_GROUPS[std.issuer],
                    "standard_value": std.value,
                    "kind": std.kind,
                    "from_year_end": float(first),
                    "to_year_end": float(last),
                    "standard_name_en": std.name_en,
                    "standard_name_th": std.name_th,
                }
            )
    cols = [
        "indicator_id",
        "order",
        "issuer",
        "issuer_group",
        "standard_value",
        "kind",
        "from_year_end",
        "to_year_end",
        "standard_name_en",
        "standard_name_th",
    ]
    return pd.DataFrame(rows, columns=cols)


def _scatter(size: int, at: np.ndarray, values: np.ndarray, name: str) -> Any:
    """Place ``values`` at positions ``at`` of a length-``size`` column (missing elsewhere)."""
    if name == "pass":
        arr = pd.array(np.zeros(size, dtype=bool), dtype="boolean")
        arr[:] = pd.NA
        arr[at] = values.astype(bool)
        return arr
    if name in ("value", "margin"):
        num = np.full(size, np.nan)
        num[at] = values
        return num
    obj = np.full(size, None, dtype=object)
    obj[at] = values
    return pd.array(obj, dtype="str")


def _margin(value: np.ndarray, limit: np.ndarray, kind: np.ndarray) -> np.ndarray:
    return np.where(kind == "max", limit - value, value - limit)


def status_table(
    indicators: pd.DataFrame, catalogue: Catalogue, *, panel: Panel | None = None
) -> pd.DataFrame:
    """Judge every observation against each standard in force at the end of its year.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Standards with their effective dates.
    panel : Panel, optional
        The validated panel of ``indicators`` (skips validation).

    Returns
    -------
    pandas.DataFrame
        One row per observation x standard in force (:data:`STATUS_COLUMNS`).
        ``margin`` is signed: positive means better than the standard (in the
        indicator's unit); ``margin_pct`` is the margin as a percentage of the limit.
        ``is_headline`` marks the headline standard of that year. Observations with
        no standard in force have no row.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": "demo", "indicator_id": "pm25_annual",
    ...                    "year": [2021, 2023], "value": [20.0, 20.0]})
    >>> t = status_table(df, load_catalogue())
    >>> t[t.is_headline][["year", "standard_value", "passes"]].to_numpy().tolist()
    [[2021, 25.0, True], [2023, 15.0, False]]
    """
    panel = panel if panel is not None else build_panel(indicators)
    rows, cols = np.nonzero(panel.mask)
    core = _status_core(panel, catalogue, rows, cols)
    sid = core.pop("sid")
    return pd.DataFrame(
        {"town_id": panel.town_id[sid], "indicator_id": panel.indicator_id[sid], **core}
    ).loc[:, list(STATUS_COLUMNS)]


def _status_core(
    panel: Panel, catalogue: Catalogue, rows: np.ndarray, cols: np.ndarray
) -> dict[str, np.ndarray]:
    """Judge the observations ``(rows, cols)`` of ``panel``; integer-keyed arrays out.

    Output rows are sorted by series, year, headline preference; ``sid`` is the series.
    """
    std = standards_table(catalogue, panel.indicator_ids)
    code_of = {c: k for k, c in enumerate(panel.indicator_ids)}
    ind_code = np.asarray(panel.indicator_id.codes)[rows]
    year = panel.years[rows, cols]
    order = np.argsort(ind_code, kind="stable")
    bounds = np.searchsorted(ind_code[order], np.arange(len(code_of) + 1))
    pick, std_row = [], []
    for k, srow in enumerate(std.itertuples(index=False)):
        code = code_of[str(srow.indicator_id)]
        idx = order[bounds[code] : bounds[code + 1]]
        yr = year[idx]
        idx = idx[(srow.from_year_end <= yr) & (yr <= srow.to_year_end)]
        pick.append(idx)
        std_row.append(np.full(len(idx), k))
    obs_i = np.concatenate(pick) if pick else np.zeros(0, np.int64)
    std_i = np.concatenate(std_row) if std_row else np.zeros(0, np.int64)
    gmap = {g: i for i, g in enumerate(HEADLINE_ORDER)}
    grank = std["issuer_group"].map(gmap).to_numpy(dtype=np.int64)[std_i]
    sorder = std["order"].to_numpy(dtype=np.int64)[std_i]
    sid, yr = rows[obs_i], year[obs_i]
    srt = np.lexsort((sorder, grank, yr, sid))
    obs_i, std_i, sid, yr = obs_i[srt], std_i[srt], sid[srt], yr[srt]
    value = panel.obs[rows[obs_i], cols[obs_i]]
    limit = std["standard_value"].to_numpy(dtype=float)[std_i]
    kind = std["kind"].to_numpy(dtype=object)[std_i]
    margin = _margin(value, limit, kind)
    first = np.ones(len(sid), dtype=bool)
    first[1:] = (sid[1:] != sid[:-1]) | (yr[1:] != yr[:-1])
    out: dict[str, Any] = {
        "sid": sid,
        "year": yr.astype(np.int64),
        "value": value,
    }
    out["standard_value"] = std["standard_value"].to_numpy(dtype=float)[std_i]
    for col in ("issuer", "issuer_group", "kind", "standard_name_en", "standard_name_th"):
        # categorical: millions of rows share a few dozen labels
        cats, codes = np.unique(std[col].to_numpy(dtype=str), return_inverse=True)
        out[col] = pd.Categorical.from_codes(codes[std_i], categories=pd.Index(cats, dtype="str"))
    out["passes"] = margin >= 0
    out["margin"] = margin
    out["margin_pct"] = np.divide(
        100 * margin, np.abs(limit), out=np.full(len(margin), np.nan), where=limit != 0
    )
    out["is_headline"] = first
    return out


def latest_status(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    trends: pd.DataFrame | None = None,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Status of each series' latest value against Thai, WHO, ASEAN and CBI standards.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Standards with their effective dates.
    trends : pandas.DataFrame, optional
        Output of :func:`~analysis.stats.trend.trend_table`; its ``change`` column makes a
        passing but significantly worsening series amber.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        One row per town x indicator (:data:`LATEST_STATUS_COLUMNS`). For each issuer
        group (``th, who, asean, cbi``): issuer, limit, kind, pass, margin (NaN/NA
        when none in force). ``light`` is ``"green"`` (passes the headline standard),
        ``"amber"`` (passes within 10 % of the limit, or passes but worsening),
        ``"red"`` (fails) or ``"grey"`` (no standard in force).
    """
    panel = panel if panel is not None else build_panel(indicators)
    size = len(panel)
    out = latest_frame(panel)
    core = _status_core(panel, catalogue, np.arange(size), np.maximum(panel.n - 1, 0))
    sid = core["sid"]
    for group in ("th", "who", "asean", "cbi"):
        sel = core["issuer_group"] == group
        g_sid = sid[sel]
        keep = np.ones(len(g_sid), dtype=bool)
        keep[1:] = g_sid[1:] != g_sid[:-1]  # first of the group per series
        idx = np.flatnonzero(sel)[keep]
        for name, src in _GROUP_FIELDS.items():
            out[f"{group}_{name}"] = _scatter(size, sid[idx], core[src][idx], name)
    head = np.flatnonzero(core["is_headline"])
    for name, src in _HEADLINE_FIELDS.items():
        out[f"headline_{name}"] = _scatter(size, sid[head], core[src][head], name)
    if trends is not None:
        out["change"] = align_rows(out, trends, "change")
    else:
        out["change"] = pd.Series([None] * len(out), dtype=object)
    has = out["headline_value"].notna().to_numpy()
    passes = out["headline_pass"].fillna(False).to_numpy(dtype=bool)
    near = out["headline_margin"].to_numpy(dtype=float) <= AMBER_SHARE * np.abs(
        out["headline_value"].to_numpy(dtype=float)
    )
    worse = (out["change"] == "worsening").to_numpy(dtype=bool)
    light = np.select([~has, ~passes, near | worse], ["grey", "red", "amber"], "green")
    out["light"] = light.astype(object)
    return out.loc[:, list(LATEST_STATUS_COLUMNS)]
