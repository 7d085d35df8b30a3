"""Where the results live, and how a generation of them is written and read.

Layout::

    data/processed/results                  -> results.generations/<generation id>  (symlink)
    data/processed/results.generations/<id>/<table>.parquet, manifest.json

A new generation is written in full into a hidden folder, renamed into place, and then
published by replacing the ``results`` symlink (one :func:`os.replace`, atomic on POSIX).
Readers therefore always see one complete generation, never half old and half new. The
previous generation is kept (a page being built while the new one is published still
reads complete tables); older ones are removed. The mechanism is
:class:`analysis.store.atomic.Generations`, shared with the processed store; the manifest
records the store generation the results were computed from.

The *inputs hash* covers every input of the stage: the bytes of the store tables it reads,
the catalogue, the translations of the reasons, the code of :mod:`analysis.stats` and
:mod:`analysis.results`, the method version and the options (horizon, progress method).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import DataError
from analysis.manifest import sha256_file
from analysis.paths import get_paths
from analysis.store.atomic import Generations
from analysis.store.atomic import new_generation_id as _new_id

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INPUT_TABLES",
    "RESULTS_DIR",
    "ResultsManifest",
    "inputs_hash",
    "is_current",
    "manifest_path",
    "read_manifest",
    "read_result",
    "results_dir",
    "write_generation",
]

RESULTS_DIR = "results"
#: Rows per Parquet row group of a results table (see :func:`write_generation`).
ROW_GROUP_ROWS = 50_000
#: Key columns stored as plain strings, so Parquet filters on them can skip row groups.
_KEY_COLUMNS: tuple[str, ...] = ("town_id", "indicator_id")
_GENERATIONS = "results.generations"
_MANIFEST = "manifest.json"
#: Store tables the analysis stage reads (missing optional ones hash as absent).
INPUT_TABLES: tuple[str, ...] = (
    "indicators.parquet",
    "towns.parquet",
    "greenspace_summary.parquet",
    "cbi.parquet",
    "landuse.parquet",
    "measures.parquet",
)
#: Package folders whose code or data decide the results.
_CODE_DIRS: tuple[str, ...] = ("stats", "results", "catalogue", "i18n")


@dataclass(frozen=True)
class ResultsManifest:
    """What a results generation is, and what it was computed from.

    Attributes
    ----------
    generation : str
        Folder name of the generation.
    method_version : str
        :data:`analysis.results.tables.METHOD_VERSION` at computation.
    inputs_hash : str
        :func:`inputs_hash` of the inputs.
    created : str
        UTC time of computation (ISO 8601).
    horizon : int
        Projection horizon (CE).
    progress_method : str
        Progress method.
    catalogue_version : str
        Version of the indicator catalogue.
    towns : list of str
        Every town of the registry (with or without indicator data).
    towns_without_data : list of str
        Towns with no reported indicator value.
    tables : dict
        ``{table: row count}``.
    inputs : dict
        ``{input: sha256 or "absent"}``.
    warnings : list of str
        Towns or series left out, with the reason.
    store_generation : str
        The processed-store generation the results were computed from
        (:func:`analysis.store.io.store_generation`; empty for a store written before
        store generations existed).
    """

    generation: str
    method_version: str
    inputs_hash: str
    created: str
    horizon: int
    progress_method: str
    catalogue_version: str
    towns: list[str] = field(default_factory=list)
    towns_without_data: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    store_generation: str = ""

    def to_json(self) -> str:
        """Return the manifest as indented JSON.

        Returns
        -------
        str
            Indented JSON with sorted keys, Thai text unescaped, ending in a newline.
        """
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def results_dir(processed_dir: Path | None = None) -> Path:
    """Return the published results folder (``data/processed/results``).

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    pathlib.Path
        The results folder inside it.
    """
    return (processed_dir or get_paths().processed) / RESULTS_DIR


def _code_digest() -> str:
    import analysis  # noqa: PLC0415

    root = Path(analysis.__file__).parent
    digest = hashlib.sha256()
    for sub in _CODE_DIRS:
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".yaml", ".yml"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def input_digests(processed_dir: Path) -> dict[str, str]:
    """Return ``{input table: sha256 or "absent"}`` of the stage's inputs.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed store (``data/processed``).

    Returns
    -------
    dict of str to str
        Each input table name to its SHA-256, or ``"absent"``.
    """
    out = {}
    for name in INPUT_TABLES:
        path = processed_dir / name
        out[name] = sha256_file(path) if path.is_file() else "absent"
    return out


def inputs_hash(
    processed_dir: Path | None = None,
    *,
    horizon: int = 2037,
    progress_method: str = "unsd",
    digests: dict[str, str] | None = None,
) -> str:
    """Return the hash of everything the analysis stage reads and how it computes.

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store (default: the project's).
    horizon : int, default 2037
        Projection horizon.
    progress_method : str, default "unsd"
        Progress method.
    digests : dict, optional
        Precomputed :func:`input_digests`.

    Returns
    -------
    str
        Hex SHA-256.
    """
    from analysis.results.tables import METHOD_VERSION  # noqa: PLC0415

    processed = processed_dir or get_paths().processed
    parts = digests if digests is not None else input_digests(processed)
    body = json.dumps(
        {
            "inputs": parts,
            "code": _code_digest(),
            "method_version": METHOD_VERSION,
            "horizon": horizon,
            "progress_method": progress_method,
        },
        sort_keys=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def manifest_path(processed_dir: Path | None = None) -> Path:
    """Return the path of the published generation's manifest.

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    pathlib.Path
        ``results/manifest.json`` inside the store (it may not exist).
    """
    return results_dir(processed_dir) / _MANIFEST


def read_manifest(processed_dir: Path | None = None) -> ResultsManifest | None:
    """Return the manifest of the published generation, or None if there is none.

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.

    Returns
    -------
    ResultsManifest or None
        The manifest, or ``None`` when nothing has been published.

    Raises
    ------
    DataError
        If the manifest exists but cannot be read (a damaged store).
    """
    path = manifest_path(processed_dir)
    if not path.is_file():
        return None
    try:
        return ResultsManifest(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        msg = f"{path}: the results manifest is damaged ({exc}); run `ecoplan analyse`"
        raise DataError(msg) from exc


def is_current(
    processed_dir: Path | None = None, *, horizon: int = 2037, progress_method: str = "unsd"
) -> bool:
    """Return whether the published results were computed from the current inputs.

    Parameters
    ----------
    processed_dir : pathlib.Path, optional
        The processed store; default the project's.
    horizon : int
        The plan horizon (CE year) the results must have been computed for.
    progress_method : str
        The progress method they must have used.

    Returns
    -------
    bool
        True when a published manifest exists and its inputs hash matches the current
        inputs and settings.
    """
    manifest = read_manifest(processed_dir)
    if manifest is None:
        return False
    return manifest.inputs_hash == inputs_hash(
        processed_dir, horizon=horizon, progress_method=progress_method
    )


def read_result(
    name: str,
    town_id: str | Iterable[str] | None = None,
    *,
    processed_dir: Path | None = None,
) -> pd.DataFrame:
    """Read one results table (optionally one town's rows only).

    Parameters
    ----------
    name : str
        Table name (a key of :data:`analysis.results.tables.RESULT_TABLES`).
    town_id : str or iterable of str, optional
        Keep these towns' rows (read with a Parquet filter, so a national table is not
        loaded whole for one town's page).
    processed_dir : pathlib.Path, optional
        The processed store.

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    DataError
        If there are no results yet, or the table is missing.
    """
    folder = results_dir(processed_dir)
    path = folder / f"{name}.parquet"
    if not path.is_file():
        if not (folder / _MANIFEST).is_file():
            msg = f"no analysis results in {folder}: run `ecoplan analyse` after `ecoplan ingest`"
        else:
            msg = f"{path}: results table missing from the generation; run `ecoplan analyse`"
        raise DataError(msg)
    filters: list[tuple[str, str, str | list[str]]] | None = None
    if isinstance(town_id, str):
        filters = [("town_id", "==", town_id)]
    elif town_id is not None:
        filters = [("town_id", "in", list(town_id))]
    import pandas as pd  # noqa: PLC0415 - the build planner checks the manifest without it

    try:
        return pd.read_parquet(path, filters=filters)
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read the results table ({exc}); run `ecoplan analyse`"
        raise DataError(msg) from exc


def write_generation(
    processed_dir: Path, tables: dict[str, pd.DataFrame], manifest: ResultsManifest
) -> Path:
    """Write a complete generation of results and publish it atomically.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed store.
    tables : dict of str to pandas.DataFrame
        The validated tables.
    manifest : ResultsManifest
        Its ``generation`` names the folder.

    Returns
    -------
    pathlib.Path
        The published generation folder.
    """
    from analysis.store.io import store_generation  # noqa: PLC0415

    gens = Generations(processed_dir, RESULTS_DIR)
    # Which store generation the tables were computed from (the caller holds the lock,
    # so the store cannot switch under it).
    manifest = dataclasses.replace(manifest, store_generation=store_generation(processed_dir))
    tmp = gens.stage(manifest.generation)
    try:
        for name, frame in tables.items():
            path = tmp / f"{name}.parquet"
            # A page reads its town's rows with a filter: small row groups of tables
            # sorted by town, and plain-string keys (a dictionary-encoded key column
            # defeats row-group pruning: 1.1 s instead of 0.04 s for one town of 1,500).
            keys = {c: "str" for c in _KEY_COLUMNS if c in frame.columns}
            frame.astype(keys).to_parquet(path, index=False, row_group_size=ROW_GROUP_ROWS)
            _fsync(path)
        (tmp / _MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        _fsync(tmp / _MANIFEST)
        final = gens.finish(tmp, manifest.generation)
    except BaseException:
        gens.discard(tmp)
        raise
    gens.publish(manifest.generation)
    return final


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def new_generation_id(inputs: str, now: dt.datetime | None = None) -> str:
    """Return a sortable generation id: UTC time plus the start of the inputs hash.

    Parameters
    ----------
    inputs : str
        The inputs hash (its first 12 characters are used).
    now : datetime.datetime, optional
        The time to use; default now (UTC).

    Returns
    -------
    str
        The id; ids sort in the order they were made.
    """
    return _new_id(inputs[:12], now)
