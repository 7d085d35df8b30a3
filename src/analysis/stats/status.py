"""Status of observed values against the yardsticks in force, and a traffic light.

Year rule. A value for calendar year Y is judged against the yardsticks in force on
**1 January of Y** (:meth:`analysis.catalogue.Indicator.standards_in_force`): a new
standard applies from the first full calendar year it is in force and the old one to the
year in which it was replaced. An annual mean, or a year's highest 24-hour mean, may
describe days before the new standard existed (the highest 24-hour PM2.5 of 2023 falls in
the February-April burning season, when 50 µg/m³ applied; 37.5 µg/m³ applies from
1 June 2023), so 2023 is judged against 50 and 2024 against 37.5. Years in which the
yardstick of a row changed during the year are flagged (``standard_changed_in_year``).

What decides. Each yardstick has a catalogue ``category``. Only a ``legal_standard`` (Thai
law) decides pass/fail: the *headline* (decisive) yardstick of a year is the legal standard
in force; when there is none, the indicator's plan target (category ``"target"``, judged
met / not yet met, never a breach). Guidelines (WHO), award criteria (ASEAN ESC), index
bands (Singapore Index, PCD WQI) and references (commonly cited figures) are evaluated as
context only.
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
    "CATEGORY_GROUPS",
    "CONTEXT_GROUPS",
    "DECISIVE_CATEGORIES",
    "HEADLINE_COLUMNS",
    "LATEST_STATUS_COLUMNS",
    "STATUS_COLUMNS",
    "TARGET_ISSUER",
    "latest_status",
    "standards_table",
    "status_table",
]

#: Yardstick category -> the group of columns it is reported under in :func:`latest_status`
#: (``th``: Thai legal standard, ``who``: WHO guideline, ``asean``: ASEAN award criterion,
#: ``cbi``: index band, Singapore Index or PCD WQI; ``ref``: commonly cited reference).
CATEGORY_GROUPS: dict[str, str] = {
    "legal_standard": "th",
    "target": "target",
    "guideline": "who",
    "award_criterion": "asean",
    "index_band": "cbi",
    "reference": "ref",
}
#: Categories that can decide pass/fail, in order of precedence.
DECISIVE_CATEGORIES: tuple[str, ...] = ("legal_standard", "target")
#: Groups of :data:`LATEST_STATUS_COLUMNS` (the decisive legal standard, then context).
CONTEXT_GROUPS: tuple[str, ...] = ("th", "who", "asean", "cbi", "ref")
#: ``issuer`` of the plan-target rows.
TARGET_ISSUER = "PLAN"
#: A passing value within this share of the legal limit is 'amber'.
AMBER_SHARE = 0.10
_RANK = {c: k for k, c in enumerate(CATEGORY_GROUPS)}

#: Latest-status field -> the :func:`status_table` column it comes from, per group.
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
    "category": "category",
    "value": "standard_value",
    "kind": "kind",
    "name_en": "standard_name_en",
    "name_th": "standard_name_th",
    "pass": "passes",
    "margin": "margin",
}
#: The headline (decisive) yardstick columns of :data:`LATEST_STATUS_COLUMNS`.
HEADLINE_COLUMNS: tuple[str, ...] = tuple(f"headline_{f}" for f in _HEADLINE_FIELDS)

STATUS_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "year",
    "value",
    "issuer",
    "issuer_group",
    "category",
    "standard_value",
    "kind",
    "standard_name_en",
    "standard_name_th",
    "passes",
    "margin",
    "margin_pct",
    "is_headline",
    "standard_changed_in_year",
)
LATEST_STATUS_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "latest_year",
    "latest_value",
    *(f"{g}_{f}" for g in CONTEXT_GROUPS for f in _GROUP_FIELDS),
    *HEADLINE_COLUMNS,
    "standard_changed_in_year",
    "change",
    "light",
)
_STD_COLUMNS = [
    "indicator_id",
    "order",
    "issuer",
    "issuer_group",
    "category",
    "standard_value",
    "kind",
    "from_year",
    "to_year",
    "standard_name_en",
    "standard_name_th",
    "change_years",
]


def _first_year(day: Any) -> float:
    """First calendar year whose 1 January falls on or after ``day``."""
    return float(day.year if (day.month, day.day) == (1, 1) else day.year + 1)


def _change_years(stds: list[Any]) -> tuple[int, ...]:
    """Years in which a yardstick of ``stds`` starts after 1 January or ends before 31 December."""
    years = set()
    for s in stds:
        if (s.effective_from.month, s.effective_from.day) != (1, 1):
            years.add(s.effective_from.year)
        if s.effective_to is not None and (s.effective_to.month, s.effective_to.day) != (12, 31):
            years.add(s.effective_to.year)
    return tuple(sorted(years))


def standards_table(catalogue: Catalogue, indicator_ids: np.ndarray | list[str]) -> pd.DataFrame:
    """Return every yardstick of the given indicator ids (``<base>__<k>`` resolved).

    Parameters
    ----------
    catalogue : Catalogue
        The indicator catalogue.
    indicator_ids : array-like of str
        Indicator ids as they appear in the data.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, order, issuer, issuer_group, category, standard_value, kind,
        from_year, to_year, standard_name_en, standard_name_th, change_years``: the
        catalogue's standards, then the plan target (``issuer="PLAN"``,
        ``category="target"``, applying to every year). ``from_year`` is the first year
        whose 1 January falls in force and ``to_year`` the last (inf when open-ended).
        ``change_years`` are the years in which a yardstick of the same indicator and
        group starts or ends during the year.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> t = standards_table(load_catalogue(), ["pm25_24h_max"])
    >>> t[t.issuer == "TH_NEB"][["standard_value", "from_year", "to_year"]].to_numpy().tolist()
    [[50.0, 2010.0, 2023.0], [37.5, 2024.0, inf]]
    """
    rows = []
    for ind_id in sorted({str(i) for i in indicator_ids}):
        entry = catalogue_row_for(catalogue, ind_id)
        by_group: dict[str, list[Any]] = {}
        for std in entry.standards:
            by_group.setdefault(CATEGORY_GROUPS[std.category], []).append(std)
        for order, std in enumerate(entry.standards):
            group = CATEGORY_GROUPS[std.category]
            rows.append(
                {
                    "indicator_id": ind_id,
                    "order": order,
                    "issuer": std.issuer,
                    "issuer_group": group,
                    "category": std.category,
                    "standard_value": std.value,
                    "kind": std.kind,
                    "from_year": _first_year(std.effective_from),
                    "to_year": np.inf if std.effective_to is None else float(std.effective_to.year),
                    "standard_name_en": std.name_en,
                    "standard_name_th": std.name_th,
                    "change_years": _change_years(by_group[group]),
                }
            )
        if entry.target is not None:
            year = entry.target.year
            rows.append(
                {
                    "indicator_id": ind_id,
                    "order": len(entry.standards),
                    "issuer": TARGET_ISSUER,
                    "issuer_group": "target",
                    "category": "target",
                    "standard_value": entry.target.value,
                    "kind": "min" if entry.higher_is_better else "max",
                    "from_year": -np.inf,
                    "to_year": np.inf,
                    "standard_name_en": f"plan target for {year}",
                    "standard_name_th": f"ค่าเป้าหมายของแผนปี พ.ศ. {year + 543}",
                    "change_years": (),
                }
            )
    return pd.DataFrame(rows, columns=_STD_COLUMNS)


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
    """Judge every observation against each yardstick in force on 1 January of its year.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Yardsticks with their categories and effective dates, and the plan targets.
    panel : Panel, optional
        The validated panel of ``indicators`` (skips validation).

    Returns
    -------
    pandas.DataFrame
        One row per observation x yardstick in force (:data:`STATUS_COLUMNS`), the plan
        target included (``category="target"``, every year). ``margin`` is signed:
        positive means better than the yardstick (in the indicator's unit);
        ``margin_pct`` is the margin as a percentage of the limit. ``is_headline`` marks
        the decisive yardstick of that year: the legal standard in force, else the plan
        target; never a guideline, criterion, band or reference.
        ``standard_changed_in_year`` is True when a yardstick of that row's group starts
        or ends during the year (the row's yardstick is the one in force on 1 January).

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> df = pd.DataFrame({"town_id": "demo", "indicator_id": "pm25_24h_max",
    ...                    "year": [2023, 2024], "value": [45.0, 45.0]})
    >>> t = status_table(df, load_catalogue())
    >>> t[t.is_headline][["year", "standard_value", "passes"]].to_numpy().tolist()
    [[2023, 50.0, True], [2024, 37.5, False]]
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
) -> dict[str, Any]:
    """Judge the observations ``(rows, cols)`` of ``panel``; integer-keyed arrays out.

    Output rows are sorted by series, year, category precedence; ``sid`` is the series.
    """
    std = standards_table(catalogue, panel.indicator_ids)
    code_of = {c: k for k, c in enumerate(panel.indicator_ids)}
    ind_code = np.asarray(panel.indicator_id.codes)[rows]
    year = panel.years[rows, cols]
    order = np.argsort(ind_code, kind="stable")
    bounds = np.searchsorted(ind_code[order], np.arange(len(code_of) + 1))
    pick, std_row, changed = [], [], []
    for k, srow in enumerate(std.itertuples(index=False)):
        code = code_of[str(srow.indicator_id)]
        idx = order[bounds[code] : bounds[code + 1]]
        yr = year[idx]
        idx = idx[(srow.from_year <= yr) & (yr <= srow.to_year)]
        pick.append(idx)
        std_row.append(np.full(len(idx), k))
        changed.append(np.isin(year[idx], np.asarray(srow.change_years, dtype=float)))
    obs_i = np.concatenate(pick) if pick else np.zeros(0, np.int64)
    std_i = np.concatenate(std_row) if std_row else np.zeros(0, np.int64)
    chg = np.concatenate(changed) if changed else np.zeros(0, bool)
    crank = std["category"].map(_RANK).to_numpy(dtype=np.int64)[std_i]
    sorder = std["order"].to_numpy(dtype=np.int64)[std_i]
    sid, yr = rows[obs_i], year[obs_i]
    srt = np.lexsort((sorder, crank, yr, sid))
    obs_i, std_i, sid, yr, crank, chg = (a[srt] for a in (obs_i, std_i, sid, yr, crank, chg))
    value = panel.obs[rows[obs_i], cols[obs_i]]
    limit = std["standard_value"].to_numpy(dtype=float)[std_i]
    kind = std["kind"].to_numpy(dtype=object)[std_i]
    margin = _margin(value, limit, kind)
    first = np.ones(len(sid), dtype=bool)
    first[1:] = (sid[1:] != sid[:-1]) | (yr[1:] != yr[:-1])
    decisive = crank < len(DECISIVE_CATEGORIES)
    out: dict[str, Any] = {
        "sid": sid,
        "year": yr.astype(np.int64),
        "value": value,
        "standard_value": limit,
    }
    for col in (
        "issuer",
        "issuer_group",
        "category",
        "kind",
        "standard_name_en",
        "standard_name_th",
    ):
        # categorical: millions of rows share a few dozen labels
        cats, codes = np.unique(std[col].to_numpy(dtype=str), return_inverse=True)
        out[col] = pd.Categorical.from_codes(codes[std_i], categories=pd.Index(cats, dtype="str"))
    out["passes"] = margin >= 0
    out["margin"] = margin
    out["margin_pct"] = np.divide(
        100 * margin, np.abs(limit), out=np.full(len(margin), np.nan), where=limit != 0
    )
    out["is_headline"] = first & decisive
    out["standard_changed_in_year"] = chg
    return out


def latest_status(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    trends: pd.DataFrame | None = None,
    panel: Panel | None = None,
) -> pd.DataFrame:
    """Status of each series' latest value: the decisive yardstick, context and a light.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long frame ``town_id, indicator_id, year, value``.
    catalogue : Catalogue
        Yardsticks with their categories and effective dates, and the plan targets.
    trends : pandas.DataFrame, optional
        Output of :func:`~analysis.stats.trend.trend_table`; its ``change`` column makes a
        passing but significantly worsening series amber.
    panel : Panel, optional
        The validated panel of ``indicators``.

    Returns
    -------
    pandas.DataFrame
        One row per town x indicator (:data:`LATEST_STATUS_COLUMNS`). For each group of
        :data:`CONTEXT_GROUPS` (``th`` legal standard, ``who`` guideline, ``asean`` award
        criterion, ``cbi`` index band, ``ref`` reference): issuer, limit, kind, pass,
        margin (NaN/NA when none is in force). ``headline_*`` describe the decisive
        yardstick (``headline_category`` ``"legal_standard"`` or ``"target"``; missing
        when the indicator has neither). ``light``: with a legal standard, ``"green"``
        (meets it), ``"amber"`` (meets it within 10 % of the limit, or is significantly
        worsening), ``"red"`` (fails it); with only a plan target, ``"green"`` (target
        met) or ``"amber"`` (not yet at target; never red, a future target is not a
        breach); ``"grey"`` with neither. Guidelines, criteria, bands and references never
        change the light.
    """
    panel = panel if panel is not None else build_panel(indicators)
    size = len(panel)
    out = latest_frame(panel)
    core = _status_core(panel, catalogue, np.arange(size), np.maximum(panel.n - 1, 0))
    sid = core["sid"]
    for group in CONTEXT_GROUPS:
        sel = np.asarray(core["issuer_group"] == group, dtype=bool)
        g_sid = sid[sel]
        keep = np.ones(len(g_sid), dtype=bool)
        keep[1:] = g_sid[1:] != g_sid[:-1]  # first of the group per series
        idx = np.flatnonzero(sel)[keep]
        for name, src in _GROUP_FIELDS.items():
            out[f"{group}_{name}"] = _scatter(size, sid[idx], np.asarray(core[src])[idx], name)
    head = np.flatnonzero(core["is_headline"])
    for name, src in _HEADLINE_FIELDS.items():
        out[f"headline_{name}"] = _scatter(size, sid[head], np.asarray(core[src])[head], name)
    changed = np.zeros(size, dtype=bool)
    changed[sid[head]] = core["standard_changed_in_year"][head]
    out["standard_changed_in_year"] = changed
    if trends is not None:
        out["change"] = align_rows(out, trends, "change")
    else:
        out["change"] = pd.Series([None] * len(out), dtype=object)
    category = out["headline_category"].to_numpy(dtype=object)
    legal = category == "legal_standard"
    target = category == "target"
    passes = out["headline_pass"].fillna(False).to_numpy(dtype=bool)
    near = out["headline_margin"].to_numpy(dtype=float) <= AMBER_SHARE * np.abs(
        out["headline_value"].to_numpy(dtype=float)
    )
    worse = (out["change"] == "worsening").to_numpy(dtype=bool)
    light = np.select(
        [legal & ~passes, legal & (near | worse), legal, target & passes, target],
        ["red", "amber", "green", "green", "amber"],
        "grey",
    )
    out["light"] = light.astype(object)
    return out.loc[:, list(LATEST_STATUS_COLUMNS)]
