"""Plausibility checks on one town's spatial results before they are written to the store.

:func:`check_town_results` refuses results that cannot be right, with a message naming the
land-use file, the table and the value: a share outside 0-100 % (green share, the CBI
percentages, zone shares), zone or green totals larger than the analysis area, or land-use
polygons whose area inside the analysis area exceeds it (overlapping polygons count
twice). The analysis area itself agrees with appendix A by construction
(:mod:`analysis.spatial.area`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.errors import SpatialInputError

__all__ = ["AREA_TOLERANCE", "REFUSAL_CODES", "SHARE_TOLERANCE_PCT", "check_town_results"]

#: Why a town's land-use layer was refused, as :attr:`SpatialInputError.code`; each has a
#: reader's sentence ``spatial.refusal.<code>`` in Thai and English (the page shows that,
#: the located English message stays in the build log and the ingest manifest).
REFUSAL_CODES: tuple[str, ...] = (
    "unreadable",  # the file cannot be read
    "empty",  # the layer has no features
    "crs",  # no CRS, or one that cannot place the layer in Thailand
    "geometry",  # empty, non-polygon or invalid geometry
    "attributes",  # no class column, an unknown class, a bad flag value
    "coverage",  # the layer covers too little of the town's analysis area
    "boundary",  # the town's area cannot be drawn (boundary file, tambon, town point)
    "implausible",  # the results fail a plausibility check (shares, area totals)
    "unusable",  # any other reason
)

#: Rounding slack on shares, in percentage points.
SHARE_TOLERANCE_PCT = 0.05

#: Relative slack on area totals (polygon snapping in overlays).
AREA_TOLERANCE = 0.002


def _share(src: str, what: str, value: float) -> None:
    if math.isnan(value):
        return
    if not -SHARE_TOLERANCE_PCT <= value <= 100.0 + SHARE_TOLERANCE_PCT:
        msg = (
            f"{src}: {what} is {value:.1f} %; expected 0-100 % "
            "(overlapping land-use polygons, or a layer larger than the town?)"
        )
        raise SpatialInputError(msg, code="implausible")


def check_town_results(
    *,
    src: str,
    analysis_area_m2: float,
    coverage_pct: float,
    greenspace_summary: pd.DataFrame,
    cbi: pd.DataFrame,
    zone_areas: pd.DataFrame,
) -> None:
    """Raise when one town's spatial results are implausible.

    Parameters
    ----------
    src : str
        The land-use file, for messages.
    analysis_area_m2 : float
        The town's analysis area.
    coverage_pct : float
        Share of the analysis area the clipped land use covers
        (:func:`analysis.spatial.area.clip_landuse`).
    greenspace_summary, cbi, zone_areas : pandas.DataFrame
        The town's tables.

    Raises
    ------
    SpatialInputError
        The first implausible value, located (file, table, value, expected range).
    """
    _share(src, "the land-use area inside the analysis area", coverage_pct)
    for row in greenspace_summary.itertuples():
        _share(
            src, "the green share (greenspace_summary.green_share_pct)", float(row.green_share_pct)
        )
        if row.green_area_m2 > analysis_area_m2 * (1 + AREA_TOLERANCE):
            msg = (
                f"{src}: green area {row.green_area_m2 / 1e6:.2f} km² exceeds the analysis "
                f"area {analysis_area_m2 / 1e6:.2f} km²; expected at most the analysis area"
            )
            raise SpatialInputError(msg, code="implausible")
    pct = cbi[cbi["unit"].astype(str) == "percent"]
    for row in pct.itertuples():
        _share(src, f"CBI {row.indicator} ({row.version})", float(row.value))
    total = float(zone_areas["area_m2"].sum()) if len(zone_areas) else 0.0
    if total > analysis_area_m2 * (1 + AREA_TOLERANCE):
        msg = (
            f"{src}: zones total {total / 1e6:.2f} km² but the analysis area is "
            f"{analysis_area_m2 / 1e6:.2f} km²; expected at most the analysis area"
        )
        raise SpatialInputError(msg, code="implausible")
    for row in zone_areas.itertuples():
        _share(src, f"the {row.zone} zone share", float(row.share_pct))
