"""The indicator catalogue: indicators, units, standards and targets as validated data."""

from analysis.catalogue.load import load_catalogue
from analysis.catalogue.models import Catalogue, Indicator, MapSource, Standard, Target, UnitInfo

__all__ = [
    "Catalogue",
    "Indicator",
    "MapSource",
    "Standard",
    "Target",
    "UnitInfo",
    "load_catalogue",
]
