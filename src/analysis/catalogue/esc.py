"""ASEAN ESC Award rules per award round, as data (``catalogue/esc_rounds/<round>.yaml``).

One YAML file per award round states the categories, the COR city-size classes, the
nomination quota and, where they were published, the key indicators with their answer
bands; every fact carries its source and reliability tag (``domain.md`` sections 1 and
8.1). These are award criteria, not legal standards. A category whose criteria were not
found says ``criteria: not_published`` and is never scored; ``criteria: earlier_round``
borrows the key indicators of a named earlier round, labelled as an assumption.
"""

from __future__ import annotations

import functools
import math
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analysis.catalogue.models import Catalogue
from analysis.errors import CatalogueError
from analysis.yamltext import load_yaml

__all__ = [
    "DEFAULT_ROUNDS_DIR",
    "Band",
    "ContextIndicator",
    "EscCategory",
    "EscRound",
    "KeyIndicator",
    "Quota",
    "SizeClass",
    "load_rounds",
    "resolved_key_indicators",
]

DEFAULT_ROUNDS_DIR = Path(str(files("analysis.catalogue") / "esc_rounds"))
#: Reliability tags of the domain research; ``NOT_FOUND``: searched for and not found.
Reliability = Literal["SOLID", "PARTIAL", "ASSUMPTION", "NOT_FOUND"]
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class _Sourced(BaseModel):
    model_config = _FROZEN
    source: str = Field(min_length=1)
    reliability: Reliability


class Band(BaseModel):
    """One answer band of a key indicator (``lower <= v < upper`` unless told otherwise)."""

    model_config = _FROZEN
    label: str
    lower: float = -math.inf
    upper: float = math.inf
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, value: float) -> bool:
        """Return whether ``value`` falls in the band.

        Parameters
        ----------
        value : float
            The indicator value.

        Returns
        -------
        bool
            True when ``value`` lies between the band's bounds, each bound included or
            excluded as the band says.
        """
        above = value >= self.lower if self.lower_inclusive else value > self.lower
        below = value <= self.upper if self.upper_inclusive else value < self.upper
        return above and below


class KeyIndicator(_Sourced):
    """A key indicator of a category, its answer bands (best first) and its catalogue match.

    ``indicator_id`` is the catalogue indicator that gives the town's evidence, or None
    when the catalogue has no defensible match (the evidence must then be collected).
    """

    code: str
    name_en: str
    name_th: str
    unit: str
    direction: Literal["higher_is_better", "lower_is_better"]
    indicator_id: str | None = None
    match: Literal["direct", "proxy"] | None = None
    match_note_en: str = ""
    match_note_th: str = ""
    bands: tuple[Band, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> KeyIndicator:
        if (self.indicator_id is None) != (self.match is None):
            msg = f"key indicator {self.code}: give indicator_id and match together"
            raise ValueError(msg)
        for i, a in enumerate(self.bands):
            for b in self.bands[i + 1 :]:
                lo, hi = max(a.lower, b.lower), min(a.upper, b.upper)
                if lo < hi or (lo == hi and a.contains(lo) and b.contains(lo)):
                    msg = f"key indicator {self.code}: bands {a.label!r} and {b.label!r} overlap"
                    raise ValueError(msg)
        return self

    def band_of(self, value: float) -> int | None:
        """Return the 1-based band of ``value`` (1 = best), or None if no band holds it.

        Parameters
        ----------
        value : float
            The indicator value.

        Returns
        -------
        int or None
            The 1-based band number (1 = best), or ``None`` when no band holds
            ``value``.
        """
        for i, band in enumerate(self.bands, start=1):
            if band.contains(value):
                return i
        return None


class ContextIndicator(_Sourced):
    """A catalogue indicator shown next to a category as context, never as a criterion."""

    indicator_id: str
    note_en: str
    note_th: str


class EscCategory(_Sourced):
    """An award category of a round (the ESC Award itself or a Certificate of Recognition)."""

    id: str
    award: Literal["esc", "cor"]
    themes: tuple[str, ...] = ()
    criteria: Literal["published", "earlier_round", "not_published"]
    criteria_round: str | None = None
    key_indicators: tuple[KeyIndicator, ...] = ()
    context_indicators: tuple[ContextIndicator, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> EscCategory:
        if (self.criteria == "earlier_round") != (self.criteria_round is not None):
            msg = f"category {self.id}: criteria_round goes with criteria: earlier_round"
            raise ValueError(msg)
        if (self.criteria == "published") != bool(self.key_indicators):
            msg = f"category {self.id}: key_indicators are given exactly when criteria: published"
            raise ValueError(msg)
        return self


class SizeClass(_Sourced):
    """A COR city-size class: ``lower <= population < upper``."""

    id: Literal["small", "big"]
    lower: int
    upper: int


class Quota(_Sourced):
    """How many towns one member state may nominate."""

    esc_award: int = Field(ge=0)
    cor_total: int = Field(ge=0)
    cor_per_category_and_class: int = Field(ge=0)
    note_en: str = ""
    note_th: str = ""


class EscRound(_Sourced):
    """The rules of one award round."""

    id: str = Field(pattern=r"^[0-9]{4}_[a-z0-9_]+$")
    year: int
    name_en: str
    name_th: str
    size_classes: tuple[SizeClass, ...]
    quota: Quota
    categories: tuple[EscCategory, ...]

    @model_validator(mode="after")
    def _check(self) -> EscRound:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            msg = f"round {self.id}: duplicate category ids {ids}"
            raise ValueError(msg)
        return self

    def size_class_of(self, population: float | None) -> str:
        """Return ``small`` / ``big``, ``below_smallest``, ``above_biggest`` or ``unknown``.

        Parameters
        ----------
        population : float or None
            The town's population; ``None`` or a non-finite number is unknown.

        Returns
        -------
        str
            The id of the size class that holds ``population``, else
            ``below_smallest``, ``above_biggest`` or ``unknown``.
        """
        if population is None or not math.isfinite(population):
            return "unknown"
        for cls in self.size_classes:
            if cls.lower <= population < cls.upper:
                return cls.id
        if population < min(c.lower for c in self.size_classes):
            return "below_smallest"
        return "above_biggest"


def resolved_key_indicators(
    rounds: dict[str, EscRound], category: EscCategory
) -> tuple[KeyIndicator, ...]:
    """Return the key indicators a category is screened with (borrowed ones resolved).

    Parameters
    ----------
    rounds : dict of str to EscRound
        All rounds, by id.
    category : EscCategory
        A category of one of them.

    Returns
    -------
    tuple of KeyIndicator
        Empty when the criteria were not published.
    """
    if category.criteria == "published":
        return category.key_indicators
    if category.criteria == "earlier_round":
        other = rounds[str(category.criteria_round)]  # the link is checked on load
        return next(c.key_indicators for c in other.categories if c.id == category.id)
    return ()


def _check_links(rounds: dict[str, EscRound], catalogue: Catalogue, path: Path) -> None:
    for r in rounds.values():
        for c in r.categories:
            where = f"{path / (r.id + '.yaml')}: category {c.id}"
            if c.criteria == "earlier_round":
                other = rounds.get(c.criteria_round or "")
                if other is None or not any(
                    o.id == c.id and o.criteria == "published" for o in other.categories
                ):
                    msg = f"{where}: criteria_round {c.criteria_round!r} has no published {c.id} criteria"
                    raise CatalogueError(msg)
            for k in c.key_indicators:
                if k.indicator_id is None:
                    continue
                ind = catalogue.get(k.indicator_id)
                if ind.unit != k.unit or ind.direction != k.direction:
                    msg = (
                        f"{where}: key indicator {k.code} is in {k.unit} ({k.direction}) but "
                        f"{k.indicator_id} is in {ind.unit} ({ind.direction})"
                    )
                    raise CatalogueError(msg)
            for x in c.context_indicators:
                catalogue.get(x.indicator_id)


@functools.cache
def _load_cached(folder: Path) -> dict[str, EscRound]:
    from analysis.catalogue.load import load_catalogue  # noqa: PLC0415

    rounds: dict[str, EscRound] = {}
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        msg = f"{folder}: no ASEAN ESC round files (*.yaml)"
        raise CatalogueError(msg)
    for path in paths:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
            rnd = EscRound.model_validate(data)
        except (OSError, yaml.YAMLError) as exc:
            msg = f"{path}: cannot read the ASEAN ESC round file: {exc}"
            raise CatalogueError(msg) from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            msg = f"{path}: {loc}: {first['msg']} ({exc.error_count()} error(s))"
            raise CatalogueError(msg) from exc
        if rnd.id != path.stem:
            msg = f"{path}: id {rnd.id!r} differs from the file name {path.stem!r}"
            raise CatalogueError(msg)
        rounds[rnd.id] = rnd
    _check_links(rounds, load_catalogue(), folder)
    return dict(sorted(rounds.items(), key=lambda kv: (kv[1].year, kv[0])))


def load_rounds(folder: Path | str | None = None) -> dict[str, EscRound]:
    """Load and validate every award round file, oldest first.

    Parameters
    ----------
    folder : path-like, optional
        A folder of round files; default is the one shipped with the package.

    Returns
    -------
    dict of str to EscRound
        By round id, in order of award year (the last one is the current round).

    Raises
    ------
    CatalogueError
        Naming the file and the field when a file does not validate, a borrowed round
        is missing, or a key indicator's unit or direction differs from its catalogue
        indicator's.

    Examples
    --------
    >>> rounds = load_rounds()
    >>> [c.id for c in rounds["2017_cor3"].categories][:2]
    ['esc_award', 'clean_air']
    """
    return _load_cached(Path(folder) if folder else DEFAULT_ROUNDS_DIR)
