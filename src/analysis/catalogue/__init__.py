"""The indicator catalogue: indicators, units, standards and targets as validated data."""

from analysis.catalogue.load import load_catalogue
from analysis.catalogue.models import Catalogue, Indicator, Standard, Target, UnitInfo

__all__ = ["Catalogue", "Indicator", "Standard", "Target", "UnitInfo", "load_catalogue"]
