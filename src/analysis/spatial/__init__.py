"""Spatial layer: land use, green-space inventory, CBI indicators, eco-landscape zoning, maps.

Data flow: ``data/raw/landuse/<town_id>.gpkg`` -> :func:`analysis.spatial.landuse.read_landuse`
(normalised classes, repaired geometries, metric UTM CRS) -> inventory, indicators and zones
-> ``data/processed/{landuse,greenspace,cbi,zones,zone_areas}.parquet`` via
:func:`analysis.spatial.pipeline.build_spatial`.
"""
