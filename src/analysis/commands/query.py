"""``ecoplan query``: run read-only SQL (DuckDB) over the tables of the processed store.

Every ``data/processed/*.parquet`` file is a view named after its stem (``indicators``,
``towns``, ``greenspace``, ``cbi``, ``zones``...), and every table of the analysis
results is ``results_<name>`` (``results_values``, ``results_plan``,
``results_projection``...). GeoParquet geometry columns are DuckDB ``GEOMETRY`` values;
the green-space inventory also carries ``lon``/``lat``.

**Read-only by default.** The views are Arrow datasets opened by this module; DuckDB
itself gets no file access at all (``enable_external_access=false``, no allowed paths,
no spill folder, configuration locked), so no statement can read, write, attach or load
a file. Only one ``SELECT``-like statement (``SELECT``, ``WITH``, ``FROM``, ``VALUES``,
``DESCRIBE``, ``SHOW``, ``SUMMARIZE``) or ``EXPLAIN`` is accepted; ``COPY``, ``ATTACH``,
``LOAD``, ``INSTALL``, ``PRAGMA``, ``SET``, ``CREATE``... are refused with one line.
Rows are fetched from a streaming result, at most ``--max-rows`` + 1 for the table, so
memory stays bounded whatever the query returns. ``--unsafe`` opens the old full DuckDB
shell (views over ``read_parquet``, every statement allowed) for maintainers.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis.errors import DataError, ParameterError
from analysis.paths import get_paths

__all__ = [
    "EXAMPLES",
    "HELP",
    "READ_ONLY_STATEMENTS",
    "add_arguments",
    "connect",
    "display_width",
    "max_rows_arg",
    "open_query",
    "run",
    "run_query",
]

HELP = (
    "Run read-only SQL (DuckDB) over the processed store's tables (one view per Parquet file); "
    "--unsafe for a full DuckDB shell."
)
EXAMPLES = """Examples:
  ecoplan query "SELECT town_id, count(*) AS n, sum(area_rai) AS rai FROM greenspace GROUP BY 1"
  ecoplan query "SELECT * FROM cbi WHERE version = '2021' AND town_id = 'takhli'"
  ecoplan query --csv "SELECT town_id, zone, area_rai FROM zone_areas" > zones.csv
  ecoplan query "SELECT town_id, plan_class, count(*) FROM results_plan GROUP BY ALL"
  ecoplan query --max-rows all "SELECT * FROM indicators"
  ecoplan query --tables

Read-only: one SELECT / WITH / FROM / VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN
statement over the store's views; no file is read or written (COPY, ATTACH, LOAD,
INSTALL, PRAGMA, SET, CREATE... are refused). Save a result with --csv and a shell
redirect. --unsafe gives the full DuckDB shell: its statements can overwrite the
store behind ingest's validation; see docs/query.md.
"""

_VIEW_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: DuckDB statement types the read-only mode runs (``DESCRIBE``/``SHOW``/``SUMMARIZE`` parse
#: as ``SELECT``).
READ_ONLY_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})
_CSV_BATCH = 10_000
_UNSAFE_NOTE = (
    "ecoplan query: --unsafe: full DuckDB shell; statements can read, overwrite or delete "
    "files (including the store)"
)


def max_rows_arg(text: str) -> int | None:
    """Parse ``--max-rows``: a positive whole number, or ``all`` (``None``: no limit).

    Parameters
    ----------
    text : str
        The option's value as typed.

    Returns
    -------
    int or None
        The row limit, or ``None`` for ``all``.

    Raises
    ------
    argparse.ArgumentTypeError
        For zero, a negative number or anything else.

    Examples
    --------
    >>> max_rows_arg("5"), max_rows_arg("all")
    (5, None)
    """
    if text.strip().lower() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"{text!r}: give a positive whole number of rows, or 'all' to show every row"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; the options are added to it.
    """
    parser.add_argument("sql", nargs="?", help="the SQL statement (quote it)")
    parser.add_argument("--csv", action="store_true", help="print every row as CSV (streamed)")
    parser.add_argument("--tables", action="store_true", help="list the views and their columns")
    parser.add_argument(
        "--max-rows",
        type=max_rows_arg,
        default=200,
        metavar="N|all",
        help="rows shown in table mode: a positive number, or 'all' (default: %(default)s)",
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="full DuckDB shell: any statement (COPY, ATTACH, LOAD, read_csv of any file...); "
        "it can overwrite the store without validation",
    )
    parser.add_argument(
        "--processed",
        "--processed-dir",
        dest="processed",
        help="store folder (default: data/processed or $ECOPLAN_PROCESSED_DIR; "
        "--processed-dir as in `ecoplan ingest`)",
    )


def _store_files(processed: Path) -> list[tuple[str, Path]]:
    """Return ``(view name, file)`` for the store's tables and the results tables."""
    files = sorted(processed.glob("*.parquet")) if processed.is_dir() else []
    if not files:
        msg = f"{processed} holds no Parquet tables: run `ecoplan ingest` first."
        raise DataError(msg)
    named = [(p.stem, p) for p in files]
    results = processed / "results"
    if results.is_dir():
        named += [(f"results_{p.stem}", p) for p in sorted(results.glob("*.parquet"))]
    return [(view, path) for view, path in named if _VIEW_NAME.match(view)]


def _unreadable(path: Path, exc: BaseException) -> DataError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    msg = f"{path} is not a readable Parquet table ({reason}): run `ecoplan ingest` again."
    return DataError(msg)


def _lock_down(con: Any) -> None:
    """Take every file-system power away from ``con`` and lock its configuration."""
    for setting in (
        "SET allowed_paths = []",
        "SET allowed_directories = []",
        "SET temp_directory = ''",  # no spill files in the working folder
        "SET python_enable_replacements = false",  # no Python variables as tables
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ):
        con.execute(setting)


def connect(processed: Path, *, unsafe: bool = False) -> Any:
    """Return an in-memory DuckDB connection with one view per table of the store.

    Parameters
    ----------
    processed : pathlib.Path
        The processed store folder.
    unsafe : bool
        ``False`` (default): read-only; the views are Arrow datasets and DuckDB has no
        file access. ``True``: views over ``read_parquet`` on an unrestricted connection.

    Returns
    -------
    duckdb.DuckDBPyConnection
        The connection (close it).

    Raises
    ------
    DataError
        If the folder holds no Parquet file or one of them is not readable.
    """
    import duckdb  # noqa: PLC0415 - heavy; only when the command runs
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.dataset as ds  # noqa: PLC0415

    named = _store_files(processed)
    con = duckdb.connect(":memory:")
    try:
        for view, path in named:
            if unsafe:
                literal = str(path).replace("'", "''")
                try:
                    con.execute(
                        f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{literal}')"
                    )
                except duckdb.Error as exc:
                    raise _unreadable(path, exc) from exc
                continue
            try:
                dataset = ds.dataset(path, format="parquet")
            except (pa.ArrowException, OSError) as exc:
                raise _unreadable(path, exc) from exc
            con.register(view, dataset)
        if not unsafe:
            _lock_down(con)
    except BaseException:
        con.close()
        raise
    return con


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _views(con: Any) -> str:
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
    ).fetchall()
    return ", ".join(r[0] for r in rows)


def _check_read_only(con: Any, sql: str) -> None:
    """Refuse anything but one read-only statement, with one line saying why."""
    import duckdb  # noqa: PLC0415

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        msg = f"bad SQL: {_first_line(exc)} (tables: {_views(con)})"
        raise ParameterError(msg) from None
    if len(statements) != 1:
        msg = (
            f"give exactly one SQL statement, not {len(statements)} "
            "(read-only mode; --unsafe runs several)"
        )
        raise ParameterError(msg)
    kind = statements[0].type.name
    if kind == "MULTI":  # DuckDB expands e.g. a PIVOT without an IN list into CREATE + SELECT
        msg = (
            "this statement runs as several (e.g. PIVOT without an IN list), which the "
            "read-only mode refuses: list the values (PIVOT t ON col IN ('a', 'b') ...) "
            "or use --unsafe"
        )
        raise ParameterError(msg)
    if kind not in READ_ONLY_STATEMENTS:
        msg = (
            f"{kind} statements are refused: `ecoplan query` is read-only (SELECT, WITH, FROM, "
            "DESCRIBE, SUMMARIZE, EXPLAIN); save results with --csv > file.csv, or use "
            "--unsafe for a full DuckDB shell"
        )
        raise ParameterError(msg)


@contextmanager
def open_query(
    sql: str, processed: Path, *, unsafe: bool = False
) -> Iterator[tuple[list[str], Any]]:
    """Run ``sql`` over the store and yield ``(columns, cursor)`` of its streaming result.

    Fetch rows with ``cursor.fetchmany(n)``; ``cursor`` is ``None`` for a statement
    without a result (``--unsafe`` only). DuckDB errors raised while fetching inside the
    ``with`` block become :class:`ParameterError` too.

    Parameters
    ----------
    sql : str
        The SQL.
    processed : pathlib.Path
        The store folder.
    unsafe : bool
        Run any statement on an unrestricted connection.

    Yields
    ------
    tuple[list[str], duckdb.DuckDBPyConnection | None]
        Column names and the cursor.

    Raises
    ------
    ParameterError
        If the statement is refused (read-only mode) or DuckDB rejects it.
    """
    import duckdb  # noqa: PLC0415

    con = connect(processed, unsafe=unsafe)
    try:
        if not unsafe:
            _check_read_only(con, sql)
        try:
            cur = con.execute(sql)
            if cur.description is None:
                yield [], None
            else:
                yield [d[0] for d in cur.description], cur
        except duckdb.PermissionException as exc:
            msg = (
                f"refused: {_first_line(exc)}; `ecoplan query` reads only the store's tables "
                f"({_views(con)}); use --unsafe for a full DuckDB shell"
            )
            raise ParameterError(msg) from None
        except duckdb.Error as exc:
            msg = f"bad SQL: {_first_line(exc)} (tables: {_views(con)})"
            raise ParameterError(msg) from None
    finally:
        con.close()


def run_query(
    sql: str, processed: Path, *, max_rows: int | None = None, unsafe: bool = False
) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` over the store and return ``(columns, rows)``.

    Parameters
    ----------
    sql : str
        One read-only statement (any statement with ``unsafe``).
    processed : pathlib.Path
        The store folder.
    max_rows : int, optional
        Fetch at most this many rows from the database (``None``: every row).
    unsafe : bool
        Unrestricted DuckDB (see :func:`connect`).

    Returns
    -------
    tuple[list[str], list[tuple]]
        Column names and rows.

    Raises
    ------
    ParameterError
        If the statement is refused or DuckDB rejects it.
    """
    with open_query(sql, processed, unsafe=unsafe) as (columns, cur):
        if cur is None:
            return [], []
        rows = cur.fetchall() if max_rows is None else cur.fetchmany(max_rows)
    return columns, rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (Thai vowel and tone marks take none).

    Parameters
    ----------
    text : str
        The text of a table cell.

    Returns
    -------
    int
        The terminal columns: combining marks count 0, wide (East Asian) characters 2, others 1.

    Examples
    --------
    >>> display_width("นครสวรรค์"), len("นครสวรรค์")
    (8, 9)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns and pad it with spaces to exactly that width."""
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def _print_table(columns: list[str], rows: list[tuple], *, more: bool) -> None:
    shown = [[_cell(v) for v in row] for row in rows]
    widths = [
        min(60, max([display_width(c), *(display_width(r[i]) for r in shown)]))
        for i, c in enumerate(columns)
    ]

    def fmt(values: list[str]) -> str:
        return " | ".join(_clip(v, w) for v, w in zip(values, widths, strict=True)).rstrip()

    print(fmt(columns))  # noqa: T201
    print("-+-".join("-" * w for w in widths))  # noqa: T201
    for r in shown:
        print(fmt(r))  # noqa: T201
    n = len(rows)
    if more:
        print(  # noqa: T201
            f"(first {n} row{'s' if n != 1 else ''}; more rows exist: "
            "use --max-rows N or all, or --csv for every row)"
        )
    else:
        print(f"({n} row{'s' if n != 1 else ''})")  # noqa: T201


def _print_tables(processed: Path) -> None:
    con = connect(processed)
    try:
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall():
            cols = con.execute(f'DESCRIBE "{name}"').fetchall()
            described = ", ".join(f"{c[0]} {str(c[1]).split('(')[0]}" for c in cols)
            print(f"{name}: {described}")  # noqa: T201
    finally:
        con.close()


def run(args: argparse.Namespace) -> int:
    """Run the query and print the result.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (the options of :func:`add_arguments`).

    Returns
    -------
    int
        The exit status, 0 (errors are raised).
    """
    processed = Path(args.processed) if args.processed else get_paths().processed
    if args.tables:
        _print_tables(processed)
        return 0
    if not args.sql:
        msg = 'give a SQL statement, e.g. ecoplan query "SELECT * FROM cbi LIMIT 5" (or --tables)'
        raise ParameterError(msg)
    unsafe = bool(getattr(args, "unsafe", False))
    if unsafe:
        print(_UNSAFE_NOTE, file=sys.stderr)  # noqa: T201
    max_rows = args.max_rows
    with open_query(args.sql, processed, unsafe=unsafe) as (columns, cur):
        if cur is None:
            return 0
        if args.csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            while batch := cur.fetchmany(_CSV_BATCH):
                writer.writerows([[_cell(v) for v in row] for row in batch])
            return 0
        rows = cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1)
    more = max_rows is not None and len(rows) > max_rows
    _print_table(columns, rows[:max_rows] if more else rows, more=more)
    return 0
