"""The ``values`` table: one row per indicator value any page may show.

Two kinds of value, never mixed under one id:

* **reported**: the rows of ``indicators.parquet`` (what the town's files say), with the
  raw file and row each came from;
* **map**: measured from the land-use layer by the spatial stage
  (``greenspace_summary.parquet``, ``cbi.parquet``), under the catalogue's map indicators
  (``origin: map``, e.g. ``green_area_pct_map``). The survey year of a map is stored when
  the layer states one; the demo layers do not, so ``year`` is missing for them.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import Catalogue, Indicator

__all__ = ["VALUE_COLUMNS", "map_values", "reported_values", "value_table"]

VALUE_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "year",
    "value",
    "unit",
    "origin",
    "source",
    "is_synthetic",
    "src_file",
    "src_row",
    "note",
)


def reported_values(indicators: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Return the store's reported rows of catalogue indicators as ``values`` rows.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``indicators.parquet``.
    catalogue : Catalogue
        Only its reported indicators are kept.

    Returns
    -------
    pandas.DataFrame
        :data:`VALUE_COLUMNS`, ``origin = "reported"``.
    """
    rows = indicators.loc[indicators["indicator_id"].isin(catalogue.ids)]
    return pd.DataFrame(
        {
            "town_id": rows["town_id"].astype(str).to_numpy(),
            "indicator_id": rows["indicator_id"].astype(str).to_numpy(),
            "year": pd.array(rows["year"].to_numpy(), dtype="Int64"),
            "value": rows["value"].to_numpy(dtype=float),
            "unit": rows["unit"].astype(str).to_numpy(),
            "origin": "reported",
            "source": rows["source"].astype(str).to_numpy(),
            "is_synthetic": rows["is_synthetic"].to_numpy(dtype=bool),
            "src_file": rows["src_file"].astype(str).to_numpy(),
            "src_row": pd.array(rows["src_row"].to_numpy(), dtype="Int64"),
            "note": rows["note"].astype("string").to_numpy() if "note" in rows else pd.NA,
        }
    )


def _map_rows(
    entry: Indicator,
    greenspace: pd.DataFrame | None,
    cbi: pd.DataFrame | None,
) -> pd.DataFrame:
    """Values of one map indicator from its spatial table (empty when absent)."""
    src = entry.map_source
    if src is None:
        return pd.DataFrame(columns=["town_id", "value", "is_synthetic", "note", "src_file"])
    if src.table == "greenspace_summary":
        if greenspace is None or src.column not in greenspace.columns:
            return pd.DataFrame(columns=["town_id", "value", "is_synthetic", "note", "src_file"])
        part = greenspace.loc[:, ["town_id", src.column, "is_synthetic", "note"]]
        part = part.rename(columns={src.column: "value"})
        part["src_file"] = "greenspace_summary.parquet"
    else:
        if cbi is None or cbi.empty:
            return pd.DataFrame(columns=["town_id", "value", "is_synthetic", "note", "src_file"])
        sel = (cbi["indicator"].astype(str) == src.cbi_indicator) & (
            cbi["version"].astype(str) == src.cbi_version
        )
        part = cbi.loc[sel, ["town_id", "value", "is_synthetic", "note"]].copy()
        part["src_file"] = "cbi.parquet"
    part = part.assign(value=pd.to_numeric(part["value"], errors="coerce"))
    return part.loc[part["value"].notna()]


def map_values(
    greenspace: pd.DataFrame | None,
    cbi: pd.DataFrame | None,
    catalogue: Catalogue,
    *,
    landuse_sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the values measured from the land-use map as ``values`` rows.

    Parameters
    ----------
    greenspace : pandas.DataFrame or None
        ``greenspace_summary.parquet`` (one row per town).
    cbi : pandas.DataFrame or None
        ``cbi.parquet`` (town x edition x Singapore Index indicator).
    catalogue : Catalogue
        Its ``map_indicators`` say which column or CBI indicator each id takes.
    landuse_sources : pandas.DataFrame, optional
        ``town_id, source`` of each town's land-use layer (named in ``source``).

    Returns
    -------
    pandas.DataFrame
        :data:`VALUE_COLUMNS`, ``origin = "map"``, ``year`` missing (the layers state no
        survey year), ``src_row`` missing.
    """
    layer_src = (
        dict(zip(landuse_sources["town_id"], landuse_sources["source"], strict=True))
        if landuse_sources is not None
        else {}
    )
    parts = []
    for entry in catalogue.map_indicators:
        part = _map_rows(entry, greenspace, cbi)
        if part.empty:
            continue
        towns = part["town_id"].astype(str)
        parts.append(
            pd.DataFrame(
                {
                    "town_id": towns.to_numpy(),
                    "indicator_id": entry.id,
                    "year": pd.array([pd.NA] * len(part), dtype="Int64"),
                    "value": part["value"].to_numpy(dtype=float),
                    "unit": entry.unit,
                    "origin": "map",
                    "source": [
                        "measured from the land-use layer"
                        + (f" ({layer_src[t]})" if t in layer_src else "")
                        for t in towns
                    ],
                    "is_synthetic": part["is_synthetic"].fillna(False).to_numpy(dtype=bool),
                    "src_file": part["src_file"].to_numpy(),
                    "src_row": pd.array([pd.NA] * len(part), dtype="Int64"),
                    "note": part["note"].astype("string").to_numpy(),
                }
            )
        )
    if not parts:
        return _empty()
    return pd.concat(parts, ignore_index=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "town_id": pd.Series(dtype=str),
            "indicator_id": pd.Series(dtype=str),
            "year": pd.Series(dtype="Int64"),
            "value": pd.Series(dtype=float),
            "unit": pd.Series(dtype=str),
            "origin": pd.Series(dtype=str),
            "source": pd.Series(dtype=str),
            "is_synthetic": pd.Series(dtype=bool),
            "src_file": pd.Series(dtype=str),
            "src_row": pd.Series(dtype="Int64"),
            "note": pd.Series(dtype="string"),
        }
    )


def value_table(
    indicators: pd.DataFrame,
    catalogue: Catalogue,
    *,
    greenspace: pd.DataFrame | None = None,
    cbi: pd.DataFrame | None = None,
    landuse_sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return every value the pages may show: reported rows, then map-measured rows.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``indicators.parquet``.
    catalogue : Catalogue
        The indicator catalogue.
    greenspace, cbi : pandas.DataFrame, optional
        The spatial tables (absent when the spatial stage has not run).
    landuse_sources : pandas.DataFrame, optional
        ``town_id, source`` of the land-use layers.

    Returns
    -------
    pandas.DataFrame
        :data:`VALUE_COLUMNS`, sorted by town, indicator and year.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> ind = pd.DataFrame({"town_id": "demo", "indicator_id": "pm25_annual", "year": [2024],
    ...     "value": [20.0], "unit": "ug_m3", "source": "PCD", "note": None,
    ...     "is_synthetic": False, "src_file": "indicators/demo.csv", "src_row": [2]})
    >>> value_table(ind, load_catalogue())[["indicator_id", "year", "origin"]].values.tolist()
    [['pm25_annual', 2024, 'reported']]
    """
    reported = reported_values(indicators, catalogue)
    mapped = map_values(greenspace, cbi, catalogue, landuse_sources=landuse_sources)
    frames = [f for f in (reported, mapped) if not f.empty] or [_empty()]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out = out.sort_values(["town_id", "indicator_id", "year"], kind="stable", na_position="last")
    return out.loc[:, list(VALUE_COLUMNS)].reset_index(drop=True)
