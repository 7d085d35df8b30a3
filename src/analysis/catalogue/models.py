"""Pydantic models of the indicator catalogue (frozen, extra keys forbidden)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analysis.errors import CatalogueError
from analysis.store.schema import INDICATOR_ID_PATTERN  # the id pattern is defined there

__all__ = [
    "CATEGORIES",
    "INDICATOR_ID_PATTERN",
    "THAI_ISSUERS",
    "Catalogue",
    "Indicator",
    "MapSource",
    "Standard",
    "Target",
    "UnitInfo",
]

Theme = Literal["air", "water", "waste", "green", "biodiversity"]
THEMES: tuple[str, ...] = ("air", "water", "waste", "green", "biodiversity")
#: Who published a yardstick. ``OTHER``: no identifiable issuer (a commonly cited figure).
Issuer = Literal["TH_NEB", "TH_PCD", "TH_ONEP", "WHO", "ASEAN", "CBI", "OTHER"]
#: Thai issuers: only these may publish a ``legal_standard``.
THAI_ISSUERS: tuple[str, ...] = ("TH_NEB", "TH_PCD", "TH_ONEP")
#: What a yardstick is (issue 12, item 4). Only ``legal_standard`` (and the plan target)
#: decides pass/fail; the others are shown as context.
Category = Literal["legal_standard", "guideline", "award_criterion", "index_band", "reference"]
CATEGORIES: tuple[str, ...] = (
    "legal_standard",
    "guideline",
    "award_criterion",
    "index_band",
    "reference",
)
Reliability = Literal["SOLID", "PARTIAL", "MEMORY", "ASSUMPTION"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class UnitInfo(BaseModel):
    """Display symbols of a canonical unit, and where each stands next to its number.

    ``th_position`` says where the Thai symbol is written: ``"prefix"`` for a word read
    before the number (``ร้อยละ 45``), ``"suffix"`` for a symbol after it
    (``25 มคก./ลบ.ม.``). ``en_attached`` says whether the English symbol is written
    against the number without a space (``45%``) rather than after one (``25 µg/m³``).
    :func:`analysis.report.fmt.fmt_quantity` applies both. ``quantity`` says what the unit
    measures (``concentration``, ``share``, ``count``, ``amount`` per person, ``level`` on
    a logarithmic scale such as decibels, or ``index``); the charts' y-axis rule
    (:func:`analysis.report.figures.axis_includes_zero`) reads it.
    """

    model_config = _FROZEN
    symbol: str
    symbol_th: str
    quantity: Literal["concentration", "share", "count", "amount", "level", "index"]
    th_position: Literal["prefix", "suffix"] = "suffix"
    en_attached: bool = False


class Standard(BaseModel):
    """A yardstick (legal standard, guideline, criterion, band, reference) and its period.

    ``kind="max"`` means a value passes when ``value <= limit``; ``"min"`` when
    ``value >= limit``. ``category`` says what the yardstick is: ``legal_standard`` (Thai
    law: an NEB/PCD notification, its instrument in the name), ``guideline`` (WHO AQG),
    ``award_criterion`` (ASEAN ESC), ``index_band`` (a band of an index: Singapore Index,
    PCD WQI) or ``reference`` (a commonly cited figure, context only). A
    ``legal_standard`` must have a Thai issuer.
    """

    model_config = _FROZEN
    issuer: Issuer
    category: Category
    value: float
    kind: Literal["max", "min"]
    averaging: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    name_en: str
    name_th: str
    source: str
    reliability: Reliability

    @model_validator(mode="after")
    def _check_category(self) -> Standard:
        if self.category == "legal_standard" and self.issuer not in THAI_ISSUERS:
            msg = (
                f"{self.name_en!r}: category 'legal_standard' needs a Thai issuer "
                f"({', '.join(THAI_ISSUERS)}), not {self.issuer!r}"
            )
            raise ValueError(msg)
        if self.effective_to is not None and self.effective_to < self.effective_from:
            msg = f"{self.name_en!r}: effective_to is before effective_from"
            raise ValueError(msg)
        return self

    def in_force_on(self, day: dt.date) -> bool:
        """Return whether the standard is in force on ``day``.

        Parameters
        ----------
        day : datetime.date
            The day.

        Returns
        -------
        bool
            True when ``day`` lies between the standard's effective dates (inclusive;
            no end date means still in force).
        """
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def passes(self, value: float) -> bool:
        """Return whether ``value`` meets this standard.

        Parameters
        ----------
        value : float
            The indicator value, in the standard's unit.

        Returns
        -------
        bool
            True when ``value`` is at most a maximum standard, or at least a minimum
            one.
        """
        return value <= self.value if self.kind == "max" else value >= self.value


class Target(BaseModel):
    """The plan target of an indicator (category ``"target"``: a plan's aim, with its year)."""

    model_config = _FROZEN
    category: Literal["target"] = "target"
    value: float
    year: int
    source: str
    reliability: Reliability


class MapSource(BaseModel):
    """Where a value measured from the land-use map comes from in the spatial store.

    ``table="greenspace_summary"`` takes ``column`` of that table; ``table="cbi"`` takes
    the ``value`` of Singapore Index indicator ``cbi_indicator`` (edition ``cbi_version``).
    """

    model_config = _FROZEN
    table: Literal["greenspace_summary", "cbi"]
    column: str | None = None
    cbi_indicator: str | None = None
    cbi_version: str = "2021"

    @model_validator(mode="after")
    def _check(self) -> MapSource:
        if (self.table == "cbi") != (self.cbi_indicator is not None) or (
            self.table == "greenspace_summary" and self.column is None
        ):
            msg = "a map source names a greenspace_summary column or a cbi indicator"
            raise ValueError(msg)
        return self


class Indicator(BaseModel):
    """One catalogue entry.

    ``origin`` says where the values come from: ``"reported"`` (the town's files, read on
    ingest) or ``"map"`` (measured from the land-use layer by the spatial stage, with
    ``map_source``). ``counterpart`` links a reported indicator and the map-measured one
    of the same quantity, so pages can show both with a reconciliation line.
    ``measured_only`` marks an indicator computed from daily station records (PCD
    workbooks, ``analysis.ingest.air``): towns without such records are not listed as
    missing it.
    """

    model_config = _FROZEN
    id: str = Field(pattern=INDICATOR_ID_PATTERN)
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
    origin: Literal["reported", "map"] = "reported"
    counterpart: str | None = None
    map_source: MapSource | None = None
    measured_only: bool = False

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are better."""
        return self.direction == "higher_is_better"

    def standards_in_force(self, year: int) -> tuple[Standard, ...]:
        """Yardsticks in force on 1 January of ``year`` (CE), the ones a year is judged by.

        A standard that starts during a year applies from the next (first full) calendar
        year; the one it replaces still applies to the year of the change. An annual value
        (or a year's highest 24-hour mean) may describe days before the new standard
        existed, so it is not judged against it.

        Parameters
        ----------
        year : int
            CE year.

        Returns
        -------
        tuple of Standard
            The yardsticks in force on 1 January of ``year``, in catalogue order (may
            be empty).
        """
        day = dt.date(year, 1, 1)
        return tuple(s for s in self.standards if s.in_force_on(day))


class Catalogue(BaseModel):
    """The whole catalogue."""

    model_config = _FROZEN
    version: str
    units: dict[str, UnitInfo]
    indicators: tuple[Indicator, ...]
    #: Indicators measured from the land-use map (``origin: map``); not read on ingest.
    map_indicators: tuple[Indicator, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Catalogue:
        ids = [i.id for i in (*self.indicators, *self.map_indicators)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            msg = f"duplicate indicator ids: {dupes}"
            raise ValueError(msg)
        for ind in (*self.indicators, *self.map_indicators):
            if ind.unit not in self.units:
                msg = f"indicator {ind.id!r} uses unit {ind.unit!r}, not declared under 'units'"
                raise ValueError(msg)
        for ind in self.map_indicators:
            if ind.origin != "map" or ind.map_source is None:
                msg = f"map indicator {ind.id!r} needs origin: map and a map_source"
                raise ValueError(msg)
        for ind in self.indicators:
            if ind.origin != "reported":
                msg = f"indicator {ind.id!r} is listed under 'indicators' but has origin map"
                raise ValueError(msg)
        known = set(ids)
        for ind in (*self.indicators, *self.map_indicators):
            if ind.counterpart is not None and ind.counterpart not in known:
                msg = (
                    f"indicator {ind.id!r}: counterpart {ind.counterpart!r} is not in the catalogue"
                )
                raise ValueError(msg)
        return self

    def get(self, indicator_id: str) -> Indicator:
        """Return an indicator by id.

        Parameters
        ----------
        indicator_id : str
            A reported or map indicator id.

        Returns
        -------
        Indicator
            The catalogue entry.

        Raises
        ------
        CatalogueError
            If there is no such indicator.
        """
        for ind in (*self.indicators, *self.map_indicators):
            if ind.id == indicator_id:
                return ind
        known = ", ".join(i.id for i in (*self.indicators, *self.map_indicators))
        msg = f"No indicator named {indicator_id!r} in the catalogue. Known: {known}"
        raise CatalogueError(msg)

    @property
    def ids(self) -> tuple[str, ...]:
        """Ids of the reported indicators in catalogue order (what ingest accepts)."""
        return tuple(i.id for i in self.indicators)

    def counterpart_of(self, indicator_id: str) -> str | None:
        """Return the id of the other-origin indicator of the same quantity, if any.

        A map indicator names its reported counterpart; the reverse link is found here.

        Parameters
        ----------
        indicator_id : str
            A reported or map indicator id.

        Returns
        -------
        str or None
            The id of the indicator of the same quantity from the other origin, or
            ``None``.
        """
        entry = self.get(indicator_id)
        if entry.counterpart is not None:
            return entry.counterpart
        for other in self.map_indicators:
            if other.counterpart == indicator_id:
                return other.id
        return None

    @property
    def map_ids(self) -> tuple[str, ...]:
        """Ids of the indicators measured from the land-use map."""
        return tuple(i.id for i in self.map_indicators)

    def unit_symbol(self, unit: str, lang: str = "en") -> str:
        """Display symbol of a canonical unit in ``lang`` (``"th"`` or ``"en"``).

        Parameters
        ----------
        unit : str
            A canonical unit key of the catalogue (e.g. ``ug_m3``).
        lang : {"th", "en"}
            Display language.

        Returns
        -------
        str
            The unit's symbol in ``lang`` (e.g. ``µg/m³``, ``ร้อยละ``).
        """
        info = self.units[unit]
        return info.symbol_th if lang == "th" else info.symbol

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator (id, theme, names, unit, direction, bounds, asset, target).

        Returns
        -------
        pandas.DataFrame
            One row per reported indicator, in catalogue order; target columns are
            missing for an indicator without a target.
        """
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
                "target_source": i.target.source if i.target else None,
                "target_reliability": i.target.reliability if i.target else None,
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows)

    def standards_frame(self) -> pd.DataFrame:
        """One row per yardstick: indicator_id, issuer, category, value, kind, dates, source.

        Returns
        -------
        pandas.DataFrame
            One row per yardstick of every reported indicator: ``indicator_id`` and the
            standard's fields.
        """
        rows = [
            {"indicator_id": i.id, **s.model_dump()} for i in self.indicators for s in i.standards
        ]
        return pd.DataFrame(rows)
