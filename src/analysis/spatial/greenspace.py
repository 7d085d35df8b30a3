"""The green-space inventory (one row per green area) and per-town green-space summaries.

A *green area* is a contiguous patch of one green land-use class (``park``, ``forest``,
``wetland``: the classes flagged ``green`` in ``landuse_classes.yaml``): touching polygons of
the same class are merged. *Public* green space per person (the parks: forest and wetland
are green but not public green space) is compared with the yardsticks of the
catalogue's ``green_space_per_capita`` (:data:`YARDSTICKS`): the plan target, ONEP's at
least 15 m² of public green space per person by 2037 (Sustainable Green Urban Management
guideline, 2018; domain.md s8.2), and the commonly cited 9 m²/person, attributed to WHO
although WHO has no such guideline (a reference, context only; domain.md s2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.catalogue import Catalogue, load_catalogue
from analysis.spatial.landuse import M2_PER_RAI, class_flags

__all__ = [
    "GREENSPACE_COLUMNS",
    "YARDSTICKS",
    "Yardstick",
    "area_mismatch_note",
    "catalogue_yardsticks",
    "greenspace_inventory",
    "greenspace_summary",
]


#: Columns of the inventory (plus ``geometry``, the area's polygon).
GREENSPACE_COLUMNS: tuple[str, ...] = (
    "green_id",
    "town_id",
    "type",
    "area_m2",
    "area_rai",
    "protected",
    "tree_canopy_share",
    "lon",
    "lat",
    "source",
    "is_synthetic",
)


@dataclass(frozen=True)
class Yardstick:
    """A green-space-per-capita yardstick and how trustworthy its origin is.

    Attributes
    ----------
    key : str
        Identifier; the summary column is ``meets_<key>``.
    m2_per_capita : float
        The figure.
    provenance : str
        How to cite it (the catalogue's English name or source).
    category : str
        ``"target"`` (the plan target) or a catalogue yardstick category (``"reference"``);
        its label is the translation ``spatial.yardstick.<category>``.
    year : int or None
        The target year (targets only).
    """

    key: str
    m2_per_capita: float
    provenance: str
    category: str = "reference"
    year: int | None = None


def catalogue_yardsticks(catalogue: Catalogue | None = None) -> tuple[Yardstick, ...]:
    """Yardsticks of ``green_space_per_capita`` in the catalogue: target first, then the rest.

    Keys: ``onep_<value>_target`` for the plan target, ``<category>_<value>`` otherwise
    (e.g. ``onep_15_target``, ``reference_9``).

    Parameters
    ----------
    catalogue : Catalogue, optional
        Default: the packaged catalogue.

    Returns
    -------
    tuple of Yardstick
        The plan target (if any) first, then the standards in catalogue order.
    """
    ind = (catalogue or load_catalogue()).get("green_space_per_capita")
    out = []
    if ind.target is not None:
        t = ind.target
        out.append(Yardstick(f"onep_{t.value:g}_target", t.value, t.source, "target", t.year))
    out.extend(
        Yardstick(f"{s.category}_{s.value:g}", s.value, s.name_en, s.category)
        for s in ind.standards
    )
    return tuple(out)


#: The catalogue's green-space-per-person yardsticks (ONEP target, 9 m² reference).
YARDSTICKS: tuple[Yardstick, ...] = catalogue_yardsticks()


def greenspace_inventory(landuse: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the green-space inventory of one town's normalised land use.

    Parameters
    ----------
    landuse : geopandas.GeoDataFrame
        Output of :func:`analysis.spatial.landuse.read_landuse` (metric CRS, one town).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`GREENSPACE_COLUMNS` and ``geometry`` (same CRS as the input), one
        row per contiguous green patch, largest first; ``green_id`` is
        ``<town_id>-G0001``...; ``lon``/``lat`` are the WGS 84 coordinates of a point
        inside the patch; ``tree_canopy_share`` is the share of the patch under canopy.
    """
    green = landuse[landuse["lu_class"].isin(class_flags("green"))]
    town_id = str(landuse["town_id"].iloc[0]) if len(landuse) else ""
    rows: list[gpd.GeoDataFrame] = []
    for cls, grp in green.groupby("lu_class", sort=True):
        geoms = grp.geometry.to_numpy()
        merged = shapely.get_parts(shapely.union_all(geoms))
        merged = merged[shapely.area(merged) > 0]
        if len(merged) == 0:
            continue
        # attribute flags of the merged patches from their member polygons
        tree = shapely.STRtree(merged)
        member, patch = tree.query(shapely.point_on_surface(geoms), predicate="intersects")
        area = shapely.area(merged)
        member_area = grp["area_m2"].to_numpy()
        canopy = np.bincount(
            patch,
            weights=member_area[member] * grp["tree_canopy"].to_numpy()[member],
            minlength=len(merged),
        )
        protected = (
            np.bincount(
                patch,
                weights=grp["protected"].to_numpy()[member].astype(float),
                minlength=len(merged),
            )
            > 0
        )
        source = grp["source"].iloc[0]
        rows.append(
            gpd.GeoDataFrame(
                {
                    "type": str(cls),
                    "area_m2": area,
                    "protected": protected,
                    "tree_canopy_share": np.clip(canopy / area, 0.0, 1.0),
                    "source": source,
                    "is_synthetic": bool(grp["is_synthetic"].any()),
                },
                geometry=merged,
                crs=landuse.crs,
            )
        )
    if not rows:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in GREENSPACE_COLUMNS}, geometry=[], crs=landuse.crs
        )
    inv = gpd.GeoDataFrame(pd.concat(rows, ignore_index=True), crs=landuse.crs)
    inv = inv.sort_values(["area_m2", "type"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    pts = gpd.GeoSeries(shapely.point_on_surface(inv.geometry.to_numpy()), crs=landuse.crs).to_crs(
        4326
    )
    inv["green_id"] = [f"{town_id}-G{i:04d}" for i in range(1, len(inv) + 1)]
    inv["town_id"] = town_id
    inv["area_rai"] = inv["area_m2"] / M2_PER_RAI
    inv["lon"] = pts.x.round(6).to_numpy()
    inv["lat"] = pts.y.round(6).to_numpy()
    for col in ("green_id", "town_id", "type", "source"):
        inv[col] = inv[col].astype("string")
    return inv[[*GREENSPACE_COLUMNS, "geometry"]]


def area_mismatch_note(tambon_area_m2: float, registered_area_km2: float | None) -> str:
    """Return a warning when the analysis area differs from the registered area by > 25 %.

    Parameters
    ----------
    tambon_area_m2 : float
        Area the figures are computed on (the analysis area, e.g. a tambon polygon).
    registered_area_km2 : float or None
        The municipality's registered area (None when unknown).

    Returns
    -------
    str
        The note, or ``""`` when the areas agree or the registered area is unknown.

    Examples
    --------
    >>> area_mismatch_note(195.2e6, 16.0)[:40]
    'analysis area 195.2 km² vs registered mu'
    >>> area_mismatch_note(28e6, 27.87)
    ''
    """
    if registered_area_km2 is None or not registered_area_km2 > 0:
        return ""
    tambon_km2 = tambon_area_m2 / 1e6
    if abs(tambon_km2 - registered_area_km2) <= 0.25 * registered_area_km2:
        return ""
    return (
        f"analysis area {tambon_km2:.1f} km² vs registered municipal area "
        f"{registered_area_km2:g} km²: per-person figures set the municipality's population "
        "against land that is not the municipality's and are indicative only"
    )


def greenspace_summary(
    inventory: gpd.GeoDataFrame,
    *,
    town_id: str,
    town_area_m2: float,
    population: int | None,
    registered_area_km2: float | None = None,
) -> pd.DataFrame:
    """Summarise a town's green space against the per-capita yardsticks of the catalogue.

    Parameters
    ----------
    inventory : geopandas.GeoDataFrame
        Output of :func:`greenspace_inventory`.
    town_id : str
        The town.
    town_area_m2 : float
        Town area: its analysis area (:mod:`analysis.spatial.area`).
    population : int or None
        Registered population; None when unknown (per-capita figures are then NaN and
        ``note`` says so).
    registered_area_km2 : float, optional
        The municipality's registered area (``towns.csv`` area_km2). When the analysis
        area differs from it by more than 25 %, ``note`` warns that the per-capita figures
        set the municipality's population against green space of other land.

    Returns
    -------
    pandas.DataFrame
        One row: ``town_id, green_area_m2, green_area_rai, park_area_m2, town_area_m2,
        green_share_pct, population, green_m2_per_capita, park_m2_per_capita`` and for each
        yardstick of :data:`YARDSTICKS` ``meets_<key>`` (nullable boolean:
        ``meets_onep_15_target``, ``meets_reference_9``), plus ``is_synthetic`` and
        ``note``.
    """
    green = float(inventory["area_m2"].sum()) if len(inventory) else 0.0
    park = (
        float(inventory.loc[inventory["type"] == "park", "area_m2"].sum())
        if len(inventory)
        else 0.0
    )
    pop = float(population) if population is not None and population > 0 else None
    known = pop is not None
    per_cap = green / pop if pop is not None else float("nan")
    row: dict[str, object] = {
        "town_id": town_id,
        "green_area_m2": green,
        "green_area_rai": green / M2_PER_RAI,
        "park_area_m2": park,
        "town_area_m2": float(town_area_m2),
        "green_share_pct": 100.0 * green / town_area_m2 if town_area_m2 > 0 else float("nan"),
        "population": population if known else pd.NA,
        "green_m2_per_capita": per_cap,
        "park_m2_per_capita": park / pop if pop is not None else float("nan"),  # public
    }
    park_per_cap = park / pop if pop is not None else float("nan")
    for ys in YARDSTICKS:  # ONEP's target is about *public* green space: the parks
        row[f"meets_{ys.key}"] = (park_per_cap >= ys.m2_per_capita) if known else pd.NA
    row["is_synthetic"] = bool(inventory["is_synthetic"].any()) if len(inventory) else False
    notes = [] if known else ["population not known: per-capita figures not computed"]
    mismatch = area_mismatch_note(town_area_m2, registered_area_km2)
    if mismatch and known:
        notes.append(mismatch)
    row["note"] = "; ".join(notes)
    out = pd.DataFrame([row])
    out["population"] = out["population"].astype("Int64")
    for ys in YARDSTICKS:
        out[f"meets_{ys.key}"] = out[f"meets_{ys.key}"].astype("boolean")
    out["town_id"] = out["town_id"].astype("string")
    out["note"] = out["note"].astype("string")
    return out
