"""Validated notebook parameters.

Every appendix notebook hands its ``parameters`` cell to :func:`validate_params` in
its first code cell. Unknown or mistyped parameter names, bad values and towns that
are not in the processed store fail here, with one clear message, before any work.

The result's type says which kind of page runs: :class:`TownParams` (a town's appendix,
``town_id`` is a town) or :class:`CrossTownParams` (the cross-town page, no town). A
section that describes one town is typed to take :class:`TownParams` and calls
:func:`town_params`, so running it on a cross-town page fails with a
:class:`~analysis.errors.ParameterError` that names the ``town_id`` parameter.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal, overload

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from analysis.errors import ParameterError
from analysis.i18n import LANGS, Translator, get_translator
from analysis.style import use_report_style
from analysis.towns import validate_town_id

__all__ = ["CrossTownParams", "RunParams", "TownParams", "town_params", "validate_params"]


class RunParams(BaseModel):
    """The parameters of one notebook run (frozen; unknown keys are rejected).

    Attributes
    ----------
    town_id : str or None
        The town (a slug in the store's town registry); ``None`` for cross-town pages.
    lang : {"th", "en"}
        Page language; Thai pages show Buddhist Era years.
    horizon : int
        Last year (CE) of the 20-year plan (default 2037, the end of the National Strategy).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    town_id: str | None = None
    lang: str = "th"
    horizon: int = 2037

    @field_validator("town_id")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        return None if value is None else validate_town_id(value)

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in LANGS:
            msg = f"lang must be one of {', '.join(map(repr, LANGS))}, got {value!r}"
            raise ValueError(msg)
        return value

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, value: int) -> int:
        if not 2025 <= value <= 2100:
            msg = f"horizon must be a CE year between 2025 and 2100, got {value}"
            raise ValueError(msg)
        return value

    @property
    def tr(self) -> Translator:
        """Translator for this run's language."""
        return get_translator(self.lang)


class TownParams(RunParams):
    """The parameters of a town's appendix page: ``town_id`` names the town.

    Attributes
    ----------
    town_id : str
        The town (a slug in the store's town registry).
    """

    town_id: str


class CrossTownParams(RunParams):
    """The parameters of the cross-town page: there is no town.

    Attributes
    ----------
    town_id : None
        Always ``None``.
    """

    town_id: None = None


def town_params(run: RunParams, section: str = "this section") -> TownParams:
    """Return ``run`` as the parameters of a town page, or say why it is not one.

    Parameters
    ----------
    run : RunParams
        Validated parameters (:func:`validate_params`).
    section : str
        The section asking, named in the error.

    Returns
    -------
    TownParams
        ``run`` itself when it is already :class:`TownParams`.

    Raises
    ------
    ParameterError
        If ``run`` is cross-town (no ``town_id``).

    Examples
    --------
    >>> town_params(CrossTownParams(lang="en"), "report.profile_table")
    ...     # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    analysis.errors.ParameterError: report.profile_table describes one town ...
    """
    if isinstance(run, TownParams):
        return run
    if run.town_id is not None:  # a plain RunParams naming a town
        return TownParams(**run.model_dump())
    msg = (
        f"{section} describes one town, but this notebook runs the cross-town page: "
        "give the notebook parameter town_id (e.g. town_id='nakhon-sawan') and validate it "
        "with report.validate_params(town_id=town_id, lang=lang), or leave the section out "
        "of the cross-town notebook"
    )
    raise ParameterError(msg)


def _known_towns() -> list[str]:
    from analysis.report.data import read_towns_cached  # noqa: PLC0415 - avoids a cycle

    return read_towns_cached()["town_id"].tolist()


@overload
def validate_params(
    *, require_town: Literal[True] = True, style: bool = True, **params: Any
) -> TownParams: ...
@overload
def validate_params(
    *, require_town: bool, style: bool = True, **params: Any
) -> TownParams | CrossTownParams: ...


def validate_params(
    *, require_town: bool = True, style: bool = True, **params: Any
) -> TownParams | CrossTownParams:
    """Validate notebook parameters and apply the report figure style.

    Parameters
    ----------
    require_town : bool, default True
        Whether ``town_id`` must be given (cross-town pages pass ``False``).
    style : bool, default True
        Apply the figure style (:func:`analysis.style.use_report_style`), so a
        researcher's own chart in a notebook looks like the library's. Code that draws
        nothing (the combined page's summary in a build worker) passes ``False`` and does
        not import seaborn: its import, with SciPy's statistics, cost 1.8 s per process.
        Every library chart applies the style itself.
    **params
        The notebook's parameters: ``town_id``, ``lang`` and optional ``horizon``.

    Returns
    -------
    TownParams or CrossTownParams
        The frozen, validated parameters: :class:`TownParams` when ``town_id`` names a
        town, :class:`CrossTownParams` for the cross-town page.

    Raises
    ------
    ParameterError
        If a name is unknown (with a suggestion), a value has the wrong type or is out
        of range, or ``town_id`` is not in the processed store.
    DataError
        If the processed store has not been built.

    Examples
    --------
    >>> validate_params(twon_id="nan")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    analysis.errors.ParameterError: unknown notebook parameter 'twon_id' (did you mean 'town_id'?)
    """
    known = list(RunParams.model_fields)
    unknown = [name for name in params if name not in known]
    if unknown:
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"{name!r}{hint}")
        msg = f"unknown notebook parameter {', '.join(parts)}; expected only: {', '.join(known)}"
        raise ParameterError(msg)
    try:
        run = RunParams(**params)  # one set of rules and messages for both kinds
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'parameters'}: {err['msg']}"
            + f" (got {err.get('input')!r})"
            for err in exc.errors()
        )
        msg = f"invalid notebook parameters: {problems}"
        raise ParameterError(msg) from None
    if run.town_id is None and require_town:
        msg = "the notebook parameter town_id is required, e.g. town_id='nakhon-sawan'"
        raise ParameterError(msg)
    if run.town_id is not None:
        towns = _known_towns()
        if run.town_id not in towns:
            close = difflib.get_close_matches(run.town_id, towns, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = (
                f"town_id {run.town_id!r} is not in the processed store{hint}; "
                f"known towns: {', '.join(towns)}"
            )
            raise ParameterError(msg)
    if style:
        use_report_style()
    if run.town_id is None:
        return CrossTownParams(**run.model_dump())
    return TownParams(**run.model_dump())
