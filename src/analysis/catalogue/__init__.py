"""The indicator catalogue: indicators, units, standards and targets as validated data."""

from analysis.catalogue.models import Catalogue, Indicator, Standard, Target, UnitInfo
from analysis.catalogue.load import load_catalogue

__all__ = ["Catalogue", "Indicator", "Standard", "Target", "UnitInfo", "load_catalogue"]
