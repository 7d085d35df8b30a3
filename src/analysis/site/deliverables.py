"""The per-town deliverables ``ecoplan site`` adds to the downloads folder.

``downloads/<town>.gpkg`` (:mod:`analysis.site.gis`) and ``downloads/<town>.th.csv``,
``downloads/<town>.th.xlsx`` (:mod:`analysis.site.results_th`). The names start with
the town id and a dot, so every download file names its town
(:func:`analysis.store.publish.archive_unregistered`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.paths import ProjectPaths, downloads_dir, town_pdf
from analysis.report.neutralise import csv_text
from analysis.store.publish import OutputWriter

__all__ = ["deliverable_files", "deliverable_links", "mirror_editions", "write_deliverables"]


def deliverable_files(town_id: str) -> dict[str, str]:
    """Return the deliverable file names of a town (in ``site/downloads/``).

    Parameters
    ----------
    town_id : str
        The town.

    Returns
    -------
    dict of str to str
        ``gpkg``, ``th_csv`` and ``th_xlsx`` to their file names.

    Examples
    --------
    >>> deliverable_files("nan")
    {'gpkg': 'nan.gpkg', 'th_csv': 'nan.th.csv', 'th_xlsx': 'nan.th.xlsx'}
    """
    return {
        "gpkg": f"{town_id}.gpkg",
        "th_csv": f"{town_id}.th.csv",
        "th_xlsx": f"{town_id}.th.xlsx",
    }


def write_deliverables(
    writer: OutputWriter,
    paths: ProjectPaths,
    towns: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    about: pd.DataFrame,
) -> list[Path]:
    """Write every town's GeoPackage and Thai-header results into ``site/downloads``.

    Parameters
    ----------
    writer : OutputWriter
        The site's writer (the downloads folder is published as one unit).
    paths : ProjectPaths
        Project directories.
    towns : pandas.DataFrame
        The registry (``towns.parquet``).
    tables : dict
        The stored results tables (``plan`` and ``values`` are used).
    about : pandas.DataFrame
        ``item``/``value`` rows naming the results generation (written as the note).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from analysis.report.versions import build_date  # noqa: PLC0415
    from analysis.site.gis import read_gis_layers, town_layers, write_gpkg  # noqa: PLC0415
    from analysis.site.results_th import results_th, values_th, write_xlsx  # noqa: PLC0415

    folder = downloads_dir(paths.reports)
    layers = read_gis_layers(paths.processed)
    date = build_date().isoformat()
    note = "ตัวเลขทั้งหมดมาจากตารางผลการวิเคราะห์ที่จัดเก็บไว้ (ปีเป็นพุทธศักราช): " + "; ".join(
        f"{r['item']} = {r['value']}" for r in about.to_dict("records")
    )
    out: list[Path] = []
    for town in (str(t) for t in towns["town_id"]):
        names = deliverable_files(town)
        results = results_th(tables["plan"], tables["values"], town)
        yearly = values_th(tables["values"], town)
        out.append(
            writer.write_bytes(folder / names["th_csv"], csv_text(results).encode("utf-8-sig"))
        )
        out.append(writer.write_bytes(folder / names["th_xlsx"], write_xlsx(results, yearly, note)))
        gis = town_layers(layers, town)
        if gis:
            out.append(writer.write_bytes(folder / names["gpkg"], write_gpkg(gis, date)))
    return out


def mirror_editions(paths: ProjectPaths, writer: OutputWriter) -> list[Path]:
    """Copy every frozen edition into ``site/releases/<town>/<edition>/``.

    Editions live in ``reports/releases/`` (never touched by builds); the site carries a
    copy so that the index's links to them keep working when only ``reports/site/`` is
    put on a web host. Each edition is published whole, like a town/language folder.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.
    writer : OutputWriter
        The site build's writer (staged units, committed together).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from analysis.site.editions import RELEASES_DIR  # noqa: PLC0415

    source = paths.reports / RELEASES_DIR
    out: list[Path] = []
    if not source.is_dir():
        return out
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        if len(rel.parts) < 3 or rel.parts[0].startswith(".") or rel.parts[1].startswith("."):
            continue  # a staging folder of an edition being written
        out.append(writer.write_bytes(paths.site / RELEASES_DIR / rel, path.read_bytes()))
    return out


def deliverable_links(paths: ProjectPaths, town_id: str, lang: str) -> list[dict[str, str]]:
    """Return the site index's links to a town's deliverables that exist, and its editions.

    Parameters
    ----------
    paths : ProjectPaths
        Project directories.
    town_id : str
        The town.
    lang : {"th", "en"}
        The index language.

    Returns
    -------
    list of dict
        ``label`` and ``href`` (relative to ``site/``) of the PDF (in the index's
        language), the Thai-header results, the GeoPackage and each edition.
    """
    import os  # noqa: PLC0415

    from analysis.i18n import get_translator  # noqa: PLC0415
    from analysis.site.editions import RELEASES_DIR, list_editions  # noqa: PLC0415

    tr = get_translator(lang)
    site = paths.site
    names = deliverable_files(town_id)
    candidates = [
        ("deliver.pdf.link", town_pdf(paths.reports, town_id, lang)),
        ("deliver.results_th.xlsx", downloads_dir(paths.reports) / names["th_xlsx"]),
        ("deliver.gis.link", downloads_dir(paths.reports) / names["gpkg"]),
    ]
    out = [
        {"label": tr(key), "href": target.relative_to(site).as_posix()}
        for key, target in candidates
        if target.is_file()
    ]
    cover = "index.html" if lang == "th" else "index.en.html"
    for ed in list_editions(paths.reports, town_id):
        page = site / RELEASES_DIR / town_id / ed["edition"] / cover  # see mirror_editions
        rel = os.path.relpath(page, site).replace(os.sep, "/")
        label = f"{tr('deliver.editions.heading')}: {tr('deliver.editions.item', edition=ed['edition'])}"
        out.append({"label": label, "href": rel})
    return out
