"""The ``ecoplan`` command line.

Each sub-command lives in its own module under :mod:`analysis.commands` exposing
``HELP`` (one line), ``EXAMPLES`` (text), ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported only when their command runs, so ``ecoplan --help`` is fast.
Errors derived from :class:`analysis.errors.EcoplanError` are printed as one clear
message (no traceback) and exit with status 2; so is any :class:`OSError` (a full disk,
a read-only or unwritable folder...), as one line naming the path and what to do.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import re
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.errors import EcoplanError, FileSystemError

__all__ = ["COMMANDS", "main", "os_error_message"]

#: sub-command name -> module in analysis.commands
COMMANDS: dict[str, str] = {
    "ingest": "ingest",
    "analyse": "analyse",
    "build": "build",
    "site": "site",
    "query": "query",
    "template": "template",
    "doctor": "doctor",
    "demo-data": "demo_data",
    "release": "release",
}

_HELP = {
    "ingest": "Validate raw files and write the processed store (indicators, towns, boundaries).",
    "analyse": "Compute every statistic once and store the results the pages read.",
    "build": "Execute the appendix notebooks per town with Papermill and render HTML.",
    "site": "Write the static site index (reports/site/index.html).",
    "query": "Run SQL (DuckDB) over the processed store's Parquet tables.",
    "template": "Write an XLSX data-entry form for a town.",
    "doctor": "Check the environment (fonts, kernel, chromium, folders) and say how to fix problems.",
    "demo-data": "Regenerate the synthetic demo raw files (deterministic).",
    "release": "Freeze a town's published appendix set into a dated, read-only edition.",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecoplan",
        description=(
            "ecoplan turns municipal environmental indicator data into the appendices of "
            "each town's 20-year community environmental master plan."
        ),
        epilog="Quick start: `ecoplan ingest && ecoplan build --all && ecoplan site`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ecoplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"analysis.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analysis.commands.{module_name}":
                continue  # command not installed in this build
            raise
        p = sub.add_parser(
            name,
            help=getattr(module, "HELP", _HELP.get(name, "")),
            description=getattr(module, "HELP", _HELP.get(name, "")),
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


#: errno values that mean "cannot write here" (the advice then speaks of writing)
_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
)
_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def os_error_message(exc: OSError) -> str:
    """Return the one-line message for an operating-system error: path, cause, what to do.

    Parameters
    ----------
    exc : OSError
        The error. Its ``filename`` (and ``filename2``) name the path; an error from a
        library that only puts ``[errno N]`` in its text (pyarrow) is read from the text.

    Returns
    -------
    str
        E.g. ``reports/site/index.html: cannot write (No space left on device): the disk
        is full: free space ... and run again``.

    Examples
    --------
    >>> os_error_message(OSError(errno.EROFS, "Read-only file system", "/mnt/x"))[:40]
    '/mnt/x: cannot write (Read-only file sys'
    """
    code = exc.errno
    if code is None and (found := _ERRNO_IN_TEXT.search(str(exc))):
        code = int(found.group(1))
    where: object = exc.filename if exc.filename is not None else "(the system named no file)"
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    copy = OSError(code, exc.strerror or str(exc) or type(exc).__name__)
    doing = "write" if code in _WRITE_ERRNOS else "read or write"
    return str(FileSystemError.from_os_error(copy, where, doing=doing))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``ecoplan``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: the command's own (0 on success), 2 for a reported error, 130 when
        interrupted.
    """
    from analysis.batch.startup import skip_iri_format_checks  # noqa: PLC0415

    skip_iri_format_checks()  # nbformat's jsonschema: about 2 s of unused grammar
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except EcoplanError as exc:
        print(f"ecoplan {args.command}: error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    except KeyboardInterrupt:
        print("ecoplan: interrupted", file=sys.stderr)  # noqa: T201
        return 130
    except BrokenPipeError:
        # the reader went away (`ecoplan query ... | head`): stop quietly, like other tools
        import os  # noqa: PLC0415

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # after BrokenPipeError, which is one
        print(f"ecoplan {args.command}: error: {os_error_message(exc)}", file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
