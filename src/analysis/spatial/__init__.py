"""Spatial layer: land use, green-space inventory, CBI indicators, eco-landscape zoning, maps.

Data flow: ``data/raw/landuse/<town_id>.gpkg`` -> :func:`read_landuse` (normalised classes,
repaired geometries, metric UTM CRS) -> :func:`choose_analysis_area` and :func:`clip_landuse`
(the municipal area, see :mod:`analysis.spatial.area`) -> :func:`greenspace_inventory`,
:func:`cbi_table`, :func:`zoning` -> :func:`check_town_results` ->
``data/processed/{landuse,greenspace,cbi,zones,zone_areas,...}.parquet`` via
:func:`build_spatial` (called by ``ecoplan ingest``; one town's bad layer fails that town only). Maps: :func:`plot_location_map`,
:func:`plot_landuse_map`, :func:`plot_greenspace_map`, :func:`plot_zoning_map`.

The names below are imported lazily from their modules, so ``import analysis.spatial``
stays cheap (matplotlib is loaded only when a map function is used).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "read_landuse": "landuse",
    "normalise_landuse": "landuse",
    "apply_canopy_layer": "landuse",
    "CLASSES": "landuse",
    "greenspace_inventory": "greenspace",
    "greenspace_summary": "greenspace",
    "YARDSTICKS": "greenspace",
    "cbi_table": "cbi",
    "cbi_values": "cbi",
    "connectivity": "cbi",
    "natural_connectivity": "cbi",
    "score": "cbi",
    "zoning": "zoning",
    "assign_zones": "zoning",
    "zone_area_table": "zoning",
    "habitat_gaps": "zoning",
    "load_zoning_rules": "zoning",
    "plot_location_map": "maps",
    "plot_landuse_map": "maps",
    "plot_greenspace_map": "maps",
    "plot_zoning_map": "maps",
    "build_spatial": "pipeline",
    "AnalysisArea": "area",
    "choose_analysis_area": "area",
    "clip_landuse": "area",
    "clip_to_area": "area",
    "read_municipal_boundaries": "area",
    "check_town_results": "checks",
    "analyse_town": "pipeline",
    "town_area": "pipeline",
    "utm_epsg_for_lon": "crs",
}

__all__ = sorted(_EXPORTS)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module on first use."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        msg = f"module 'analysis.spatial' has no attribute {name!r}"
        raise AttributeError(msg) from None
    return getattr(importlib.import_module(f"analysis.spatial.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
