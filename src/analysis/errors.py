"""The project's exception hierarchy.

Every error a user can cause derives from :class:`EcoplanError`; the command line
catches it and prints its message (never a traceback). Errors carry structured
context so callers can report *where* something went wrong.
"""

from __future__ import annotations

__all__ = [
    "BuildError",
    "CatalogueError",
    "ConfigError",
    "DataError",
    "EcoplanError",
    "InputFileError",
    "ParameterError",
    "SeriesError",
    "SpatialInputError",
]


class EcoplanError(Exception):
    """Base class of every error ecoplan reports to a user."""


class ConfigError(EcoplanError):
    """The project or its configuration files are missing or malformed."""


class CatalogueError(ConfigError):
    """The indicator catalogue is invalid, or an indicator/unit is not in it."""


class ParameterError(EcoplanError, ValueError):
    """A notebook or command parameter is unknown or has a bad value."""


class DataError(EcoplanError, ValueError):
    """Processed data is missing or inconsistent."""


class InputFileError(EcoplanError):
    """A raw input file cannot be read at all.

    Parameters
    ----------
    path : str
        The file, as the user knows it (relative to the project when possible).
    reason : str
        What is wrong and, where possible, how to fix it.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.path, self.reason))


class SeriesError(EcoplanError, ValueError):
    """An indicator series cannot be analysed (empty, NaN, duplicate years...).

    Parameters
    ----------
    town_id, indicator_id : str
        The series.
    reason : str
        What is wrong.
    """

    def __init__(self, town_id: str, indicator_id: str, reason: str) -> None:
        self.town_id = town_id
        self.indicator_id = indicator_id
        self.reason = reason
        super().__init__(f"{town_id} / {indicator_id}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (type(self), (self.town_id, self.indicator_id, self.reason))


class SpatialInputError(EcoplanError, ValueError):
    """A geometry layer is unusable (unknown class, bad CRS, invalid geometry)."""


class BuildError(EcoplanError):
    """One or more notebooks failed to build."""
