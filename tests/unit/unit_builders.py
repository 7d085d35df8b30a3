"""Small input builders shared by the unit tests (imported as a top-level module)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["indicator_frame", "landuse_layer"]


def indicator_frame(
    ind: str, years: Iterable[int], values: Sequence[float] | np.ndarray, town: str = "t"
) -> pd.DataFrame:
    """Return a long indicator frame of one series (``town_id, indicator_id, year, value``)."""
    return pd.DataFrame(
        {
            "town_id": town,
            "indicator_id": ind,
            "year": list(years),
            "value": np.asarray(values, dtype=float),
        }
    )


def landuse_layer(
    rows: list[tuple], crs: int = 32647, *, synthetic: bool = True
) -> gpd.GeoDataFrame:
    """Return a normalised land-use layer of town ``"t"``.

    ``rows`` are ``(geometry, class[, protected[, tree_canopy[, barrier]]])``; missing
    flags are False.
    """
    full = [(*r, *([False] * (5 - len(r)))) for r in rows]
    geoms, cls, prot, can, bar = zip(*full, strict=True)
    return gpd.GeoDataFrame(
        {
            "town_id": "t",
            "feature_id": [str(i) for i in range(1, len(rows) + 1)],
            "lu_class": list(cls),
            "protected": list(prot),
            "tree_canopy": list(can),
            "barrier": list(bar),
            "area_m2": [g.area for g in geoms],
            "source": "SYNTHETIC test" if synthetic else "test",
            "is_synthetic": synthetic,
        },
        geometry=list(geoms),
        crs=crs,
    )
