"""Editions: a town's published appendix set frozen into a dated, read-only folder.

``ecoplan release --town ID --edition 2569`` copies what is published for the town into::

    reports/releases/<town>/<edition>/
        index.html, index.en.html            the edition's cover page (lists the contents)
        towns/<town>/<lang>/...              the appendix pages, indicator pages and PDFs
        towns/<town>/form.xlsx               the data-entry form (when published)
        cross-town/<lang>.html               the cross-town page as it stood
        downloads/<town>*.csv|xlsx|gpkg      the downloads
        results/<table>.parquet              the town's rows of every results table
        results/manifest.json                the results generation's manifest
        MANIFEST.json                        every file's sha256 and size, the inputs
                                             hashes, code version and METHOD_VERSION

Paths inside the edition mirror the site, so the frozen pages' relative links keep
working (the cover page stands where the site index was). The folder is written beside
its final place and renamed into it in one step, then every file and folder is made
read-only. Nothing else writes under ``reports/releases/``: ``ecoplan build`` and
``ecoplan site`` publish into ``reports/site/`` only. An existing edition is never
overwritten.

:func:`verify_edition` checks an edition against its manifest (every file present,
unchanged, nothing added) and, when the current store and code are the ones the edition
was made from, compares it file by file with what is published now: a rebuild on the
same code and inputs must reproduce it, so any difference is listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from analysis.errors import DataError, ParameterError
from analysis.paths import ProjectPaths
from analysis.results.tables import RESULT_TABLES

__all__ = [
    "EDITION_PATTERN",
    "MANIFEST_NAME",
    "RELEASES_DIR",
    "Verification",
    "edition_dir",
    "freeze_edition",
    "list_editions",
    "verify_edition",
]

RELEASES_DIR = "releases"
MANIFEST_NAME = "MANIFEST.json"
#: An edition name: a Buddhist Era year, optionally with a suffix (``2569``, ``2569-r1``).
EDITION_PATTERN = re.compile(r"^[0-9]{4}(-[a-z0-9]{1,16})?$")


def edition_dir(reports: Path, town_id: str, edition: str) -> Path:
    """Return an edition's folder.

    Parameters
    ----------
    reports : pathlib.Path
        The reports folder.
    town_id : str
        The town.
    edition : str
        The edition name (e.g. a B.E. year).

    Returns
    -------
    pathlib.Path
        ``reports/releases/<town>/<edition>``.

    Examples
    --------
    >>> edition_dir(Path("reports"), "nan", "2569").as_posix()
    'reports/releases/nan/2569'
    """
    return reports / RELEASES_DIR / town_id / edition


def _check_edition(edition: str) -> None:
    if not EDITION_PATTERN.match(edition):
        msg = (
            f"edition {edition!r}: expected a Buddhist Era year such as 2569, optionally with "
            "a suffix of lower-case letters or digits (2569-r1)"
        )
        raise ParameterError(msg)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _site_files(site: Path, town_id: str) -> list[Path]:
    """Every published file of the town, relative to the site (sorted)."""
    from analysis.i18n import LANGS  # noqa: PLC0415

    out: list[Path] = []
    folder = site / "towns" / town_id
    if folder.is_dir():
        out += [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    downloads = site / "downloads"
    if downloads.is_dir():
        out += [
            p
            for p in downloads.iterdir()
            if p.is_file() and re.split(r"[._]", p.name, maxsplit=1)[0] == town_id
        ]
    out += [site / "cross-town" / f"{lang}.html" for lang in LANGS]
    return sorted(p.relative_to(site) for p in out if p.is_file())


def _cover(
    town_id: str, edition: str, *, names: dict[str, str], files: list[str], lang: str, created: str
) -> str:
    """Return the edition's cover page in ``lang``: what it is, when made, its contents."""
    from analysis.i18n import get_translator  # noqa: PLC0415
    from analysis.report.fmt import esc  # noqa: PLC0415

    tr = get_translator(lang)
    pages = [
        f for f in files if f.startswith(f"towns/{town_id}/{lang}/") and "/indicators/" not in f
    ]
    other = [f for f in files if f not in pages and "/indicators/" not in f]
    items = "".join(
        f'<li><a href="{esc(f)}">{esc(f.rsplit("/", 1)[-1])}</a></li>' for f in pages + other
    )
    other_index = "index.en.html" if lang == "th" else "index.html"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(names[lang])} – {esc(tr('deliver.editions.item', edition=edition))}</title>\n"
        f"</head>\n<body>\n<main>\n<h1>{esc(names[lang])}</h1>\n"
        f"<p>{esc(tr('deliver.editions.item', edition=edition))} · "
        f"{esc(tr('deliver.editions.created', date=created))}</p>\n"
        f"<p>{esc(tr('deliver.editions.frozen'))}</p>\n"
        f"<h2>{esc(tr('deliver.editions.contents'))}</h2>\n<ul>{items}"
        f'<li><a href="{MANIFEST_NAME}">{esc(tr("deliver.editions.manifest"))}</a></li></ul>\n'
        f'<p><a href="{other_index}">{"English" if lang == "th" else "ภาษาไทย"}</a></p>\n'
        "</main>\n</body>\n</html>\n"
    )


def _inputs(paths: ProjectPaths) -> dict[str, object]:
    """Return what an edition is made from: results manifest, input digests, code, method."""
    from analysis import __version__  # noqa: PLC0415
    from analysis.report.versions import code_version, library_hash  # noqa: PLC0415
    from analysis.results.store import read_manifest  # noqa: PLC0415
    from analysis.results.tables import METHOD_VERSION  # noqa: PLC0415

    manifest = read_manifest(paths.processed)
    if manifest is None:
        msg = f"no analysis results in {paths.processed}: run `ecoplan analyse` first"
        raise DataError(msg)
    ingest = paths.processed / "ingest_manifest.json"
    return {
        "ecoplan_version": __version__,
        "code_version": code_version(),
        "code_hash": library_hash(),  # the analysis package's code, committed or not
        "method_version": METHOD_VERSION,
        "results_generation": manifest.generation,
        "inputs_hash": manifest.inputs_hash,
        "inputs": dict(sorted(manifest.inputs.items())),
        "ingest_manifest_sha256": _sha256(ingest) if ingest.is_file() else None,
        "raw_manifest_sha256": _sha256(paths.raw / "MANIFEST")
        if (paths.raw / "MANIFEST").is_file()
        else None,
    }


def _make_read_only(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    folder.chmod(folder.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _write_manifest(staging: Path, header: dict[str, object]) -> None:
    """Write ``MANIFEST.json``: ``header`` and every file's sha256 and size."""
    entries = {
        p.relative_to(staging).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
        for p in sorted(staging.rglob("*"))
        if p.is_file()
    }
    (staging / MANIFEST_NAME).write_text(
        json.dumps({**header, "files": entries}, indent=1, ensure_ascii=False, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )


def freeze_edition(
    paths: ProjectPaths, town_id: str, edition: str, *, now: dt.datetime | None = None
) -> Path:
    """Copy what is published for a town into a new, read-only edition folder.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.
    town_id : str
        The town (its combined pages must be published).
    edition : str
        Edition name (:data:`EDITION_PATTERN`, e.g. the Buddhist Era year ``2569``).
    now : datetime, optional
        Creation time recorded in the manifest (default: now, UTC).

    Returns
    -------
    pathlib.Path
        The edition folder.

    Raises
    ------
    ParameterError
        For a bad edition name, or when the edition exists (never overwritten).
    DataError
        When the town has no published pages or the store has no results.
    """
    from analysis.results.store import read_result  # noqa: PLC0415
    from analysis.store.io import read_towns  # noqa: PLC0415
    from analysis.towns import validate_town_id  # noqa: PLC0415

    validate_town_id(town_id)
    _check_edition(edition)
    target = edition_dir(paths.reports, town_id, edition)
    if target.exists():
        msg = f"{target}: edition {edition} of {town_id} exists and is never overwritten; choose another edition name"
        raise ParameterError(msg)
    site = paths.site
    files = _site_files(site, town_id)
    if not any(p.name == "index.html" and p.parts[:2] == ("towns", town_id) for p in files):
        msg = f"{site / 'towns' / town_id}: no published pages of {town_id}; run `ecoplan build --town {town_id}` and `ecoplan site` first"
        raise DataError(msg)
    towns = read_towns(paths.processed)
    rec = towns[towns["town_id"].astype(str) == town_id]
    if rec.empty:
        msg = f"town {town_id!r} is not in the processed store"
        raise DataError(msg)
    names = {
        "th": str(rec.iloc[0]["name_th"] or town_id),
        "en": str(rec.iloc[0]["name_en"] or town_id),
    }
    created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    inputs = _inputs(paths)
    staging = target.parent / f".{edition}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for rel in files:
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / rel, dest)
        results = staging / "results"
        results.mkdir()
        for name in RESULT_TABLES:  # every stored results table, the town's rows
            try:
                frame = read_result(name, processed_dir=paths.processed)
            except (DataError, FileNotFoundError, OSError):
                continue
            if "town_id" in frame.columns:
                frame = frame[frame["town_id"].astype(str) == town_id]
            frame.reset_index(drop=True).to_parquet(results / f"{name}.parquet", index=False)
        result_manifest = paths.processed / "results" / "manifest.json"
        if result_manifest.is_file():
            shutil.copyfile(result_manifest, results / "manifest.json")
        listed = [r.as_posix() for r in files]
        for lang, name in (("th", "index.html"), ("en", "index.en.html")):
            (staging / name).write_text(
                _cover(
                    town_id, edition, names=names, files=listed, lang=lang, created=created[:10]
                ),
                encoding="utf-8",
            )
        _write_manifest(
            staging, {"town_id": town_id, "edition": edition, "created": created, **inputs}
        )
        os.rename(staging, target)  # noqa: PTH104 - one step; fails if the target appeared
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _make_read_only(target)
    return target


@dataclass
class Verification:
    """The outcome of :func:`verify_edition`."""

    edition: Path
    problems: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    differs_from_site: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        """No missing, changed or extra file, and no difference from the same-input site."""
        return not self.problems and not self.differs_from_site


def _file_problems(folder: Path, listed: dict[str, dict[str, object]]) -> list[str]:
    """Return the files of an edition that are missing, added, changed or writable."""
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    present.discard(MANIFEST_NAME)
    problems = [
        f"{folder / rel}: listed in the manifest but missing"
        for rel in sorted(set(listed) - present)
    ]
    problems += [
        f"{folder / rel}: not in the manifest (added after the release)"
        for rel in sorted(present - set(listed))
    ]
    for rel in sorted(set(listed) & present):
        path = folder / rel
        if _sha256(path) != listed[rel]["sha256"]:
            problems.append(f"{path}: sha256 differs from the manifest (changed after the release)")
        if path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            problems.append(f"{path}: writable (an edition is read-only)")
    return problems


def verify_edition(paths: ProjectPaths, folder: Path) -> Verification:
    """Check an edition against its manifest and, on the same inputs, against the site.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.
    folder : pathlib.Path
        The edition folder.

    Returns
    -------
    Verification
        ``problems``: files missing, changed, added or writable; ``inputs_changed``: what
        differs between the edition's inputs and the current store and code (then the
        site is not compared); ``differs_from_site``: published files that a rebuild on
        the same inputs produced differently.
    """
    result = Verification(folder)
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        result.problems.append(f"{folder / MANIFEST_NAME}: unreadable manifest ({exc})")
        return result
    listed: dict[str, dict[str, object]] = manifest.get("files", {})
    result.problems += _file_problems(folder, listed)
    try:
        now = _inputs(paths)
    except DataError as exc:
        result.inputs_changed.append(str(exc))
        return result
    for key in ("code_version", "code_hash", "method_version", "inputs_hash"):
        if now.get(key) != manifest.get(key):
            result.inputs_changed.append(f"{key}: edition {manifest.get(key)}, now {now.get(key)}")
    old_inputs: dict[str, str] = manifest.get("inputs") or {}
    new_inputs = cast("dict[str, str]", now.get("inputs") or {})
    changed = sorted(
        k for k in {*old_inputs, *new_inputs} if old_inputs.get(k) != new_inputs.get(k)
    )
    if changed:
        result.inputs_changed.append(f"inputs changed: {', '.join(changed)}")
    if result.inputs_changed:
        return result
    site = paths.site
    for rel in sorted(listed):
        live = site / rel
        if rel.startswith(("results/", "index")) or not live.is_file():
            continue
        result.compared += 1
        if _sha256(live) != listed[rel]["sha256"]:
            result.differs_from_site.append(rel)
    return result


def list_editions(reports: Path, town_id: str) -> list[dict[str, str]]:
    """Return a town's editions (newest first): name, created and cover page path.

    Parameters
    ----------
    reports : pathlib.Path
        ``reports/``.
    town_id : str
        The town.

    Returns
    -------
    list of dict
        ``edition``, ``created`` (``YYYY-MM-DD``) and ``folder`` for each edition with
        a readable manifest.
    """
    base = reports / RELEASES_DIR / town_id
    out = []
    for folder in sorted(base.iterdir() if base.is_dir() else (), reverse=True):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append(
            {
                "edition": folder.name,
                "created": str(manifest.get("created", ""))[:10],
                "folder": str(folder),
            }
        )
    return out
