"""Spatial layer: land use, green-space inventory, CBI indicators, eco-landscape zoning, maps.

Data flow: ``data/raw/landuse/<town_id>.gpkg`` -> :func:`read_landuse` (normalised classes,
repaired geometries, metric UTM CRS) -> :func:`choose_analysis_area` and :func:`clip_landuse`
(the municipal area, see :mod:`analysis.spatial.area`) -> :func:`greenspace_inventory`,
:func:`cbi_table`, :func:`zoning` -> :func:`check_town_results` ->
``data/processed/{landuse,greenspace,cbi,zones,zone_areas,...}.parquet`` via
:func:`build_spatial` (called by ``ecoplan ingest``; one town's bad layer fails that town only). Maps: :func:`plot_location_map`,
:func:`plot_landuse_map`, :func:`plot_greenspace_map`, :func:`plot_zoning_map`.

The names are listed once, in the stub ``__init__.pyi``, and imported lazily from their
modules (:func:`lazy_loader.attach_stub`), so ``import analysis.spatial`` stays cheap
(matplotlib is loaded only when a map function is used).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
