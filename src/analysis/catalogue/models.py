"""Pydantic models of the indicator catalogue (frozen, extra keys forbidden)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.errors import CatalogueError

__all__ = ["Catalogue", "Indicator", "Standard", "Target", "UnitInfo"]

Theme = Literal["air", "water", "waste", "green", "biodiversity"]
THEMES: tuple[str, ...] = ("air", "water", "waste", "green", "biodiversity")
Issuer = Literal["TH_NEB", "TH_PCD", "TH_ONEP", "WHO", "ASEAN", "CBI"]
Reliability = Literal["SOLID", "PARTIAL", "MEMORY", "ASSUMPTION"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class UnitInfo(BaseModel):
    """Display symbols of a canonical unit."""

    model_config = _FROZEN
    symbol: str
    symbol_th: str


class Standard(BaseModel):
    """A standard, guideline or yardstick with the period it is in force.

    ``kind="max"`` means a value passes when ``value <= limit``; ``"min"`` when
    ``value >= limit``.
    """

    model_config = _FROZEN
    issuer: Issuer
    value: float
    kind: Literal["max", "min"]
    averaging: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    name_en: str
    name_th: str
    source: str
    reliability: Reliability

    def in_force_on(self, day: dt.date) -> bool:
        """Return whether the standard is in force on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def passes(self, value: float) -> bool:
        """Return whether ``value`` meets this standard."""
        return value <= self.value if self.kind == "max" else value >= self.value


class Target(BaseModel):
    """The plan target of an indicator."""

    model_config = _FROZEN
    value: float
    year: int
    source: str
    reliability: Reliability


class Indicator(BaseModel):
    """One catalogue entry."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: Theme
    name_en: str
    name_th: str
    unit: str
    unit_aliases: dict[str, float] = Field(default_factory=dict)
    direction: Literal["higher_is_better", "lower_is_better"]
    bounds: tuple[float | None, float | None] = (None, None)
    asset: bool = False
    standards: tuple[Standard, ...] = ()
    target: Target | None = None

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are better."""
        return self.direction == "higher_is_better"

    def standards_in_force(self, year: int) -> tuple[Standard, ...]:
        """Standards in force at the end of ``year`` (CE), the values a year is judged by."""
        day = dt.date(year, 12, 31)
        return tuple(s for s in self.standards if s.in_force_on(day))


class Catalogue(BaseModel):
    """The whole catalogue."""

    model_config = _FROZEN
    version: str
    units: dict[str, UnitInfo]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _check(self) -> Catalogue:
        ids = [i.id for i in self.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            msg = f"duplicate indicator ids: {dupes}"
            raise ValueError(msg)
        for ind in self.indicators:
            if ind.unit not in self.units:
                msg = f"indicator {ind.id!r} uses unit {ind.unit!r}, not declared under 'units'"
                raise ValueError(msg)
        return self

    def get(self, indicator_id: str) -> Indicator:
        """Return an indicator by id.

        Raises
        ------
        CatalogueError
            If there is no such indicator.
        """
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        known = ", ".join(i.id for i in self.indicators)
        msg = f"No indicator named {indicator_id!r} in the catalogue. Known: {known}"
        raise CatalogueError(msg)

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids in catalogue order."""
        return tuple(i.id for i in self.indicators)

    def unit_symbol(self, unit: str, lang: str = "en") -> str:
        """Display symbol of a canonical unit in ``lang`` (``"th"`` or ``"en"``)."""
        info = self.units[unit]
        return info.symbol_th if lang == "th" else info.symbol

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator (id, theme, names, unit, direction, bounds, asset, target)."""
        rows = [
            {
                "indicator_id": i.id,
                "theme": i.theme,
                "name_en": i.name_en,
                "name_th": i.name_th,
                "unit": i.unit,
                "higher_is_better": i.higher_is_better,
                "lower_bound": i.bounds[0],
                "upper_bound": i.bounds[1],
                "asset": i.asset,
                "target_value": i.target.value if i.target else None,
                "target_year": i.target.year if i.target else None,
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows)

    def standards_frame(self) -> pd.DataFrame:
        """One row per standard (indicator_id, issuer, value, kind, dates, names, source)."""
        rows = [
            {"indicator_id": i.id, **s.model_dump()} for i in self.indicators for s in i.standards
        ]
        return pd.DataFrame(rows)
