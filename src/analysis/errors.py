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
    "FileSystemError",
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


class FileSystemError(EcoplanError):
    """Reading or writing a file failed in the operating system (disk full, read-only...).

    Build it with :meth:`from_os_error`, which names the path and what to do.

    Parameters
    ----------
    path : str
        The file or folder.
    reason : str
        What went wrong and what to do.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.path, self.reason))

    @classmethod
    def from_os_error(cls, exc: OSError, path: object, doing: str = "write") -> FileSystemError:
        """Translate an :class:`OSError` into a one-line, actionable error.

        Parameters
        ----------
        exc : OSError
            The error (``errno`` decides the advice).
        path : path-like
            Used when the error itself names no file.
        doing : str
            What was being done ("write", "read"), for the message.

        Returns
        -------
        FileSystemError
            ``<path>: cannot <doing>: <strerror>; <what to do>``.
        """
        import errno  # noqa: PLC0415

        where = str(exc.filename or path)
        what = exc.strerror or type(exc).__name__
        folder = "the folder holding it"
        advice = {
            errno.ENOSPC: f"the disk is full: free space on the disk of {folder} and run again",
            errno.EDQUOT: f"the disk quota is used up: free space in {folder} and run again",
            errno.EROFS: (
                "the file system is read-only: choose a writable folder (e.g. "
                "--processed-dir or $ECOPLAN_PROCESSED_DIR) or remount it read-write"
            ),
            errno.EACCES: (
                f"permission denied: make {folder} writable for this user (chmod/chown) "
                "or choose another folder (e.g. --processed-dir)"
            ),
            errno.EPERM: (
                f"operation not permitted: make {folder} writable for this user "
                "or choose another folder (e.g. --processed-dir)"
            ),
        }.get(exc.errno or 0, "check the path, its permissions and free disk space, then run again")
        if doing != "write" and exc.errno in (errno.EACCES, errno.EPERM):
            advice = "permission denied: make it readable for this user (chmod/chown)"
        return cls(where, f"cannot {doing} ({what}): {advice}")


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
    """A geometry layer is unusable (unknown class, bad CRS, invalid geometry).

    ``code`` names the reason for a reader (one of
    :data:`analysis.spatial.checks.REFUSAL_CODES`; pages translate it as
    ``spatial.refusal.<code>``); the message keeps the located detail for the operator.
    """

    def __init__(self, message: str, *, code: str = "unusable") -> None:
        super().__init__(message)
        self.code = code


class BuildError(EcoplanError):
    """One or more notebooks failed to build."""
