"""``ecoplan query``: run SQL (DuckDB) over the Parquet tables of the processed store.

Every ``data/processed/*.parquet`` file is registered as a view named after its stem
(``indicators``, ``towns``, ``greenspace``, ``cbi``, ``zones``...), and every table of the
analysis results as ``results_<name>`` (``results_values``, ``results_plan``,
``results_projection``...). GeoParquet geometry
columns are plain WKB blobs to DuckDB; the green-space inventory also carries ``lon``/``lat``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path

from analysis.errors import DataError, ParameterError
from analysis.paths import get_paths

__all__ = ["EXAMPLES", "HELP", "add_arguments", "connect", "display_width", "run", "run_query"]

HELP = "Run SQL (DuckDB) over the processed store's Parquet tables (one view per file)."
EXAMPLES = """Examples:
  ecoplan query "SELECT town_id, count(*) AS n, sum(area_rai) AS rai FROM greenspace GROUP BY 1"
  ecoplan query "SELECT * FROM cbi WHERE version = '2021' AND town_id = 'takhli'"
  ecoplan query --csv "SELECT town_id, zone, area_rai FROM zone_areas" > zones.csv
  ecoplan query "SELECT town_id, plan_class, count(*) FROM results_plan GROUP BY ALL"
  ecoplan query --tables
"""

_VIEW_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options."""
    parser.add_argument("sql", nargs="?", help="the SQL statement (quote it)")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    parser.add_argument("--tables", action="store_true", help="list the views and their columns")
    parser.add_argument(
        "--max-rows", type=int, default=200, help="rows shown in table mode (default: %(default)s)"
    )
    parser.add_argument(
        "--processed",
        "--processed-dir",
        dest="processed",
        help="store folder (default: data/processed or $ECOPLAN_PROCESSED_DIR; "
        "--processed-dir as in `ecoplan ingest`)",
    )


def connect(processed: Path):
    """Return an in-memory DuckDB connection with one view per ``*.parquet`` in ``processed``.

    Raises
    ------
    DataError
        If the folder holds no Parquet file.
    """
    import duckdb  # noqa: PLC0415 - heavy; only when the command runs

    files = sorted(processed.glob("*.parquet")) if processed.is_dir() else []
    if not files:
        msg = f"{processed} holds no Parquet tables: run `ecoplan ingest` first."
        raise DataError(msg)
    results = processed / "results"
    named = [(p.stem, p) for p in files]
    if results.is_dir():
        named += [(f"results_{p.stem}", p) for p in sorted(results.glob("*.parquet"))]
    con = duckdb.connect(":memory:")
    for view, path in named:
        if not _VIEW_NAME.match(view):
            continue
        literal = str(path).replace("'", "''")
        try:
            con.execute(f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{literal}')")
        except duckdb.Error as exc:
            con.close()
            reason = str(exc).splitlines()[0]
            msg = f"{path} is not a readable Parquet table ({reason}): run `ecoplan ingest` again."
            raise DataError(msg) from exc
    return con


def run_query(sql: str, processed: Path):
    """Run ``sql`` over the store and return ``(columns, rows)``.

    Raises
    ------
    ParameterError
        If DuckDB rejects the SQL (syntax error, unknown table or column...).
    """
    import duckdb  # noqa: PLC0415

    con = connect(processed)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        views = ", ".join(
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        msg = f"bad SQL: {first} (tables: {views})"
        raise ParameterError(msg) from None
    finally:
        con.close()
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


def _print_table(columns: list[str], rows: list[tuple], max_rows: int) -> None:
    shown = [[_cell(v) for v in row] for row in rows[:max_rows]]
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
    more = f" (showing {max_rows}; use --csv for all)" if len(rows) > max_rows else ""
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})")  # noqa: T201


def run(args: argparse.Namespace) -> int:
    """Run the query and print the result."""
    processed = Path(args.processed) if args.processed else get_paths().processed
    if args.tables:
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
        return 0
    if not args.sql:
        msg = 'give a SQL statement, e.g. ecoplan query "SELECT * FROM cbi LIMIT 5" (or --tables)'
        raise ParameterError(msg)
    columns, rows = run_query(args.sql, processed)
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif columns:
        _print_table(columns, rows, args.max_rows)
    return 0
