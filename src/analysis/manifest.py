"""``data/raw/MANIFEST``: the sha256 and the source of every raw file.

Raw data is immutable. The manifest pins each file's bytes and says where it came from, so
an accidental edit (a spreadsheet saved over a raw file, a line-ending conversion) is caught
by the test suite and by :func:`verify_manifest` before it reaches a report.

Format: one line per file, tab-separated, sorted by path; ``#`` starts a comment::

    <sha256> TAB <path relative to data/raw> TAB <source>

Refresh it after changing raw data on purpose::

    make manifest            # = python -m analysis.manifest --write
    python -m analysis.manifest          # check only
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError
from analysis.store.atomic import atomic_write_text

__all__ = [
    "DEFAULT_SOURCES",
    "MANIFEST_MODES",
    "MANIFEST_NAME",
    "SYNTHETIC_SOURCES",
    "ManifestEntry",
    "ManifestError",
    "build_manifest",
    "check_for_ingest",
    "read_manifest",
    "record_generated",
    "render_manifest",
    "sha256_file",
    "verify_manifest",
    "write_manifest",
]

MANIFEST_NAME = "MANIFEST"

#: Files in data/raw that describe the data rather than being data.
_NOT_LISTED = frozenset({MANIFEST_NAME, "SOURCES.md"})

_BOUNDARIES = (
    "Royal Thai Survey Department / OCHA, Thailand Subnational Administrative Boundaries "
    "(COD-AB on HDX, 2022-01-22), CC BY-IGO 3.0; simplified by thai-geolocate (MIT)"
)

#: Source of a new raw file, by glob (first match wins). An entry already in the manifest
#: keeps its source, so a hand-written source survives a refresh.
DEFAULT_SOURCES: tuple[tuple[str, str], ...] = (
    ("towns.csv", "compiled by ecoplan from the sources named in its *_source columns"),
    ("geo/town_points.geojson", "GeoNames (CC BY 4.0); Nam Chiao and Mueang Mai: tambon points"),
    ("geo/licenses/*", "licence text shipped with thai-geolocate (MIT)"),
    ("geo/README.upstream.md", "notes of the boundary extract (thai-geolocate, COD-AB)"),
    ("geo/*.geojson", _BOUNDARIES),
)

#: Sources the demo generator records for the files it wrote (``ecoplan demo-data``). No
#: glob assigns them: a file is labelled synthetic only when the generator wrote its bytes.
SYNTHETIC_SOURCES: dict[str, str] = {
    "indicators": "SYNTHETIC demo data: `ecoplan demo-data` (analysis.synthetic)",
    "landuse": "SYNTHETIC demo land use: `python -m analysis.synthetic.landuse` (seeded)",
    "measures": "SYNTHETIC demo measures register: `ecoplan demo-data` (analysis.synthetic.measures)",
}

_UNKNOWN_SOURCE = "UNKNOWN: say where this file came from (data/raw/SOURCES.md)"


class ManifestError(ConfigError):
    """The raw files do not match ``data/raw/MANIFEST``.

    Parameters
    ----------
    problems : list of str
        One line per mismatching, missing or unlisted file.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "data/raw does not match data/raw/MANIFEST:\n  "
            + "\n  ".join(self.problems)
            + "\nRaw data is immutable: restore the file from git, or, if the change is "
            "deliberate, refresh the manifest with `make manifest` and record the source."
        )

    def __reduce__(self) -> tuple[type, tuple[list[str]]]:
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class ManifestEntry:
    """One raw file: its hash, path (relative to ``data/raw``, POSIX) and source."""

    sha256: str
    path: str
    source: str


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        64 lower-case hex digits.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_files(raw_dir: Path) -> list[str]:
    files = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if rel.as_posix() in _NOT_LISTED:
            continue
        files.append(rel.as_posix())
    return sorted(files)


def _default_source(rel: str) -> str:
    return next(
        (src for pattern, src in DEFAULT_SOURCES if fnmatch.fnmatch(rel, pattern)), _UNKNOWN_SOURCE
    )


def read_manifest(raw_dir: Path) -> list[ManifestEntry]:
    """Read ``raw_dir/MANIFEST``.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder.

    Returns
    -------
    list of ManifestEntry
        In file order; empty if there is no manifest.

    Raises
    ------
    ManifestError
        If a line is malformed.
    """
    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        return []
    entries = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or len(parts[0]) != 64:
            raise ManifestError([f"MANIFEST line {line_no}: expected 'sha256<TAB>path<TAB>source'"])
        entries.append(ManifestEntry(*parts))
    return entries


def build_manifest(raw_dir: Path) -> list[ManifestEntry]:
    """Hash every raw file; keep the recorded source of files already listed.

    A new file gets its default source only if it is one of the project's own reference
    files (``towns.csv``, the boundaries and their licences); any other new file, and any
    indicator or land-use file, is ``UNKNOWN`` until its source is written into the
    manifest. The demo generator's source (:data:`SYNTHETIC_SOURCES`) is kept only while the
    file still has the bytes the generator wrote (the recorded hash): real data saved over
    a demo file is never labelled synthetic. A hand-written source is always kept.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder.

    Returns
    -------
    list of ManifestEntry
        Sorted by path.
    """
    known = {e.path: e for e in read_manifest(raw_dir)}
    entries = []
    for rel in _raw_files(raw_dir):
        digest = sha256_file(raw_dir / rel)
        old = known.get(rel)
        if old is None or not old.source.strip():
            source = _default_source(rel)
        elif old.source in SYNTHETIC_SOURCES.values() and old.sha256 != digest:
            source = _UNKNOWN_SOURCE  # not the bytes the generator wrote
        else:
            source = old.source
        entries.append(ManifestEntry(digest, rel, source))
    return entries


def record_generated(raw_dir: Path, files: Sequence[Path]) -> Path:
    """Record files the demo generator has just written as SYNTHETIC, by their hash.

    The other entries are kept as they are (their hashes are not refreshed: a changed file
    still fails :func:`verify_manifest`).

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder the files were written into.
    files : sequence of pathlib.Path
        The generated files, inside ``raw_dir/indicators`` or ``raw_dir/landuse``.

    Returns
    -------
    pathlib.Path
        ``raw_dir/MANIFEST``.

    Raises
    ------
    ConfigError
        If a file is outside those two folders.
    """
    entries = {e.path: e for e in read_manifest(raw_dir)}
    for path in files:
        rel = Path(path).resolve().relative_to(raw_dir.resolve()).as_posix()
        kind = rel.split("/", 1)[0]
        if kind not in SYNTHETIC_SOURCES:
            msg = f"{rel}: the demo generator writes only into {sorted(SYNTHETIC_SOURCES)}"
            raise ConfigError(msg)
        entries[rel] = ManifestEntry(sha256_file(raw_dir / rel), rel, SYNTHETIC_SOURCES[kind])
    ordered = [entries[k] for k in sorted(entries)]
    return atomic_write_text(raw_dir / MANIFEST_NAME, render_manifest(ordered))


def render_manifest(entries: Sequence[ManifestEntry]) -> str:
    """Return the text of a manifest file.

    Parameters
    ----------
    entries : sequence of ManifestEntry
        The entries, in the order to write.

    Returns
    -------
    str
        A comment header, then one ``sha256<TAB>path<TAB>source`` line per entry.
    """
    header = (
        "# data/raw/MANIFEST: sha256 and source of every raw file (raw data is immutable).\n"
        "# Checked by tests/unit/test_manifest.py. After a deliberate change: `make manifest`.\n"
        "# sha256<TAB>path relative to data/raw<TAB>source (details: data/raw/SOURCES.md)\n"
    )
    return header + "".join(f"{e.sha256}\t{e.path}\t{e.source}\n" for e in entries)


def write_manifest(raw_dir: Path) -> Path:
    """Write ``raw_dir/MANIFEST`` from the files present (atomically) and return its path.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder.

    Returns
    -------
    pathlib.Path
        ``raw_dir/MANIFEST``.
    """
    return atomic_write_text(raw_dir / MANIFEST_NAME, render_manifest(build_manifest(raw_dir)))


def verify_manifest(raw_dir: Path, *, strict: bool = True) -> list[str]:
    """Compare the raw files with the manifest.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder.
    strict : bool, default True
        Raise :class:`ManifestError` on any problem; otherwise return the problems.

    Returns
    -------
    list of str
        Problems found (always empty when ``strict``).

    Raises
    ------
    ManifestError
        If ``strict`` and a file is changed, missing, unlisted or has no known source.
    """
    listed = {e.path: e for e in read_manifest(raw_dir)}
    problems = []
    if not listed:
        problems.append(f"{raw_dir / MANIFEST_NAME} is missing or empty")
    present = set(_raw_files(raw_dir))
    for rel in sorted(present - set(listed)):
        problems.append(f"{rel}: not in the manifest")
    for rel, entry in sorted(listed.items()):
        if rel not in present:
            problems.append(f"{rel}: listed but missing")
        elif sha256_file(raw_dir / rel) != entry.sha256:
            problems.append(f"{rel}: sha256 differs from the manifest (file changed)")
        if not entry.source.strip() or entry.source.startswith("UNKNOWN"):
            problems.append(f"{rel}: no source recorded")
    if problems and strict:
        raise ManifestError(problems)
    return problems


#: Values of ``ecoplan ingest --manifest`` (and ``$ECOPLAN_MANIFEST``).
MANIFEST_MODES = ("strict", "warn")


def check_for_ingest(raw_dir: Path, mode: str = "strict") -> list[str]:
    """Check the raw files against the manifest before an ingest.

    A changed, unlisted or missing file means the store would be built from bytes nobody
    recorded: in ``strict`` mode (the default) the ingest refuses to run; in ``warn`` mode
    (``ecoplan ingest --manifest warn`` or ``ECOPLAN_MANIFEST=warn``, for trying a file out
    before recording it) the problems are returned as warnings. A file whose source is still
    ``UNKNOWN`` is always only a warning: ``make check-data`` fails on it. A raw folder with
    no manifest at all (a scratch project) is a warning in both modes.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw-data folder.
    mode : {"strict", "warn"}
        What to do about files that do not match.

    Returns
    -------
    list of str
        Warnings to show (empty when everything matches).

    Raises
    ------
    ManifestError
        In ``strict`` mode, if a file's hash does not match, or a file is unlisted or missing.
    ConfigError
        If ``mode`` is not one of :data:`MANIFEST_MODES`.

    Examples
    --------
    >>> import tempfile
    >>> check_for_ingest(Path(tempfile.mkdtemp()))[0].endswith("run `make manifest`")
    True
    """
    if mode not in MANIFEST_MODES:
        msg = f"manifest mode {mode!r}: expected one of {', '.join(MANIFEST_MODES)}"
        raise ConfigError(msg)
    if not (raw_dir / MANIFEST_NAME).is_file():
        return [f"{raw_dir / MANIFEST_NAME} does not exist: run `make manifest`"]
    problems = verify_manifest(raw_dir, strict=False)
    unrecorded = [p for p in problems if p.endswith(": no source recorded")]
    mismatched = [p for p in problems if p not in unrecorded]
    if mismatched and mode == "strict":
        raise ManifestError(mismatched)
    return mismatched + unrecorded


if __name__ == "__main__":  # pragma: no cover - the entry point is a command
    from analysis.commands.scripts import manifest_main

    raise SystemExit(manifest_main())
