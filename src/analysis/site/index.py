"""``ecoplan site``: the static, offline site index and the per-town downloads.

Writes (under ``reports/site/``)::

    index.html, index.en.html          searchable, sortable town table (Thai / English)
    downloads/<town>.csv               the town's processed indicator rows
    downloads/<town>_results.csv       its plan table (``_``: never part of a town id)
    downloads/<town>.xlsx              both, as two sheets
    towns/<town>/form.xlsx             data-entry form (``ecoplan template``) of each town
                                       missing some catalogue indicator; its pages link it

Per-town pages and the cross-town page are written by ``ecoplan build``; the index
links only to pages that exist. No CDN, no external request: inline CSS and vanilla JS.
All data goes through Jinja2 autoescaping, so hostile text in a town name or source is
shown as text. The table rows carry the data; the script only sorts and filters rows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.catalogue.models import THEMES
from analysis.errors import DataError
from analysis.i18n import LANGS, get_translator
from analysis.paths import (
    ProjectPaths,
    cross_html,
    download_files,
    downloads_dir,
    get_paths,
    indicator_html,
    town_form,
    town_index,
    town_indicator_html,
)
from analysis.report.fmt import fmt_datetime, fmt_number, is_missing, no_data
from analysis.report.neutralise import csv_text, neutralise_worksheet
from analysis.site.deliverables import deliverable_links, mirror_editions, write_deliverables
from analysis.site.indicators import write_indicator_pages
from analysis.site.national import write_national_indicator_pages
from analysis.store.publish import OutputWriter, archive_unregistered

__all__ = ["THEMES", "SiteResult", "build_site", "index_name"]

_THEMES_OFFSET = 5  # columns before the theme scores in the table


def index_name(lang: str) -> str:
    """File name of the index page for ``lang`` (Thai is the default ``index.html``).

    Parameters
    ----------
    lang : {"th", "en"}
        Page language.

    Returns
    -------
    str
        ``index.html`` for Thai, ``index.<lang>.html`` otherwise.
    """
    return "index.html" if lang == "th" else f"index.{lang}.html"


@dataclass
class SiteResult:
    """What ``build_site`` wrote."""

    pages: list[Path] = field(default_factory=list)
    downloads: list[Path] = field(default_factory=list)
    #: Town x indicator pages and their CSV files (analysis.site.indicators).
    indicator_pages: list[Path] = field(default_factory=list)
    towns: int = 0
    warnings: list[str] = field(default_factory=list)


def _fmt(x: object, lang: str, digits: int = 0) -> tuple[str, str]:
    """Return (shown text, sort value) for a number; "no data" (and no sort value) if missing."""
    if is_missing(x):
        return no_data(lang), ""
    value = float(x)  # type: ignore[arg-type]
    return fmt_number(value, digits), f"{value:.6g}"


def _text(value: object, lang: str) -> str:
    """Return a text cell; "no data" when it is missing or empty."""
    return no_data(lang) if is_missing(value) or not str(value).strip() else str(value)


#: Results tables in each town's XLSX download, in sheet order.
DOWNLOAD_SHEETS: tuple[str, ...] = ("values", "latest", "trend", "projection", "plan", "milestones")


def _results(paths: ProjectPaths) -> tuple[dict[str, pd.DataFrame], Any]:
    """Read the stored results the index and downloads show.

    Like ``ecoplan build``, the site first runs the analysis stage when its inputs are
    newer than the published results (a no-op otherwise); it never computes a number
    itself.
    """
    from analysis.results.compute import run_analysis  # noqa: PLC0415
    from analysis.results.store import input_digests, read_manifest, read_result  # noqa: PLC0415

    if (paths.processed / "indicators.parquet").is_file():
        run_analysis(paths)
    manifest = read_manifest(paths.processed)
    if manifest is None:
        msg = f"no analysis results in {paths.processed}: run `ecoplan analyse` first"
        raise DataError(msg)
    stale = [n for n, d in input_digests(paths.processed).items() if manifest.inputs.get(n) != d]
    if stale:
        msg = (
            f"the analysis results are older than the store ({', '.join(stale)} changed): "
            "run `ecoplan analyse` (or `ecoplan build`) first"
        )
        raise DataError(msg)
    names = {"scores", "plan", "status", *DOWNLOAD_SHEETS}
    tables = {n: read_result(n, processed_dir=paths.processed) for n in names}
    for frame in tables.values():
        for col in ("town_id", "indicator_id", "theme"):
            if col in frame.columns:
                frame[col] = frame[col].astype(str)
    return tables, manifest


def _plan_counts(plan: pd.DataFrame) -> pd.DataFrame:
    from analysis.stats.plan import PLAN_CLASSES  # noqa: PLC0415

    if plan.empty:
        return pd.DataFrame(columns=["town_id", *PLAN_CLASSES])
    counts = pd.crosstab(plan["town_id"], plan["plan_class"].astype(str))
    counts = counts.reindex(columns=list(PLAN_CLASSES), fill_value=0)
    counts.columns.name = None
    return counts.reset_index()


def _build_info(paths: ProjectPaths) -> tuple[str, str]:
    from analysis import __version__  # noqa: PLC0415

    code = ""
    try:
        code = json.loads((paths.reports / "run.json").read_text(encoding="utf-8"))["code_hash"]
    except (OSError, ValueError, KeyError):
        from analysis.report.versions import library_hash  # noqa: PLC0415

        code = library_hash()
    return __version__, code[:12]


def _rel(target: Path, site: Path) -> str:
    return target.relative_to(site).as_posix()


def _downloads(
    writer: OutputWriter,
    site: Path,
    town: str,
    tables: dict[str, pd.DataFrame],
    about: pd.DataFrame,
) -> list[Path]:
    """Write a town's stored values and results as CSV and one XLSX (a sheet per table)."""
    folder = downloads_dir(site.parent)
    names = download_files(town)
    out = []
    mine = {
        name: tables[name].loc[tables[name]["town_id"] == town].reset_index(drop=True)
        for name in DOWNLOAD_SHEETS
    }
    # formula-like text (=, +, -, @ ...) is neutralised: data never becomes live
    out.append(writer.write_text(folder / names["csv"], csv_text(mine["values"])))
    results_csv = folder / names["results"]
    out.append(writer.write_text(results_csv, csv_text(mine["plan"])))
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for sheet, frame in (("about", about), *mine.items()):
            frame.to_excel(xl, sheet_name=sheet, index=False)
            neutralise_worksheet(xl.sheets[sheet])
    out.append(writer.write_bytes(folder / names["xlsx"], buf.getvalue()))
    return out


def _all_downloads(
    writer: OutputWriter,
    paths: ProjectPaths,
    *,
    towns: pd.DataFrame,
    indicators: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    about: pd.DataFrame,
) -> list[Path]:
    """Write every town's downloads and publish them as one unit, then the forms."""
    out: list[Path] = []
    for town in towns["town_id"]:
        out += _downloads(writer, paths.site, str(town), tables, about)
    out += write_deliverables(writer, paths, towns, tables, about)  # GeoPackage, Thai results
    out += mirror_editions(paths, writer)  # frozen editions, so the index's links stay inside
    writer.commit()  # the downloads folder and each edition, whole, before pages link them
    return out + _write_forms(paths, towns, _form_towns(towns, indicators))


def _archive_removed(paths: ProjectPaths, towns: pd.DataFrame) -> list[str]:
    """Move pages and downloads of towns no longer registered out of the site; say so."""
    archived = archive_unregistered(paths.reports, [str(t) for t in towns["town_id"]])
    if not archived:
        return []
    return [
        "pages and downloads of towns no longer in towns.csv moved out of the site to "
        f"{paths.reports / 'archive'}: {', '.join(archived)}"
    ]


def _form_towns(towns: pd.DataFrame, indicators: pd.DataFrame) -> list[str]:
    """Towns missing at least one catalogue indicator: their pages link a data-entry form.

    Indicators computed from daily station records (``measured_only``) are not asked for
    on the form, so they do not count as missing.
    """
    from analysis.catalogue import load_catalogue  # noqa: PLC0415

    ids = {i.id for i in load_catalogue().indicators if not i.measured_only}
    rows = indicators[indicators["indicator_id"].isin(ids) & indicators["value"].notna()]
    have = rows.groupby(rows["town_id"].astype(str))["indicator_id"].nunique()
    return [str(t) for t in towns["town_id"] if int(have.get(str(t), 0)) < len(ids)]


def _write_forms(paths: ProjectPaths, towns: pd.DataFrame, town_ids: list[str]) -> list[Path]:
    """Write ``towns/<town>/form.xlsx`` (the ``ecoplan template`` workbook) for each town."""
    from analysis.catalogue import load_catalogue  # noqa: PLC0415
    from analysis.ingest.template import write_template  # noqa: PLC0415

    cat = load_catalogue()
    registry = towns.astype({"town_id": "str"})
    return [
        write_template(town, cat, registry, town_form(paths.reports, town)) for town in town_ids
    ]


def _indicator_rows(site: Path, towns: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Rows of the index's indicator list: name, theme, search text and each town's page."""
    from analysis.catalogue import load_catalogue  # noqa: PLC0415

    tr = get_translator(lang)
    out = []
    for ind in (*load_catalogue().indicators, *load_catalogue().map_indicators):
        links = []
        for rec in towns.to_dict("records"):
            town = str(rec["town_id"])
            page = town_indicator_html(site.parent, town, lang, ind.id)
            if page.exists():
                name = str(rec.get("name_th" if lang == "th" else "name_en") or town)
                links.append({"label": name, "href": _rel(page, site)})
        if not links:
            continue
        name = ind.name_th if lang == "th" else ind.name_en
        theme = tr(f"site.theme.{ind.theme}")
        search = " ".join((ind.name_th, ind.name_en, ind.id, theme)).lower()
        national = indicator_html(site.parent, lang, ind.id)
        out.append(
            {
                "name": name,
                "theme": theme,
                "search": search,
                "links": links,
                "href": _rel(national, site) if national.exists() else "",
            }
        )
    return out


def build_site(
    paths: ProjectPaths | None = None,
    *,
    langs: Sequence[str] = LANGS,
    downloads: bool = True,
    now: datetime | None = None,
) -> SiteResult:
    """Write the site index pages and downloads from the processed store and built pages.

    Parameters
    ----------
    paths : ProjectPaths, optional
        Project directories (default :func:`analysis.paths.get_paths`).
    langs : sequence of str
        Index languages (default Thai and English).
    downloads : bool
        Also write the per-town CSV/XLSX downloads.
    now : datetime, optional
        Build date shown in the footer (default: now, UTC).

    Returns
    -------
    SiteResult
        Files written and warnings.

    Raises
    ------
    DataError
        If the processed store has not been built.
    """
    import jinja2  # noqa: PLC0415

    from analysis.store.boundaries import (  # noqa: PLC0415
        BOUNDARY_ATTRIBUTION,
        BOUNDARY_ATTRIBUTION_TH,
    )
    from analysis.store.io import read_indicators, read_towns  # noqa: PLC0415

    paths = paths or get_paths()
    site = paths.site
    towns = read_towns(paths.processed)
    indicators = read_indicators(processed_dir=paths.processed)
    tables, manifest = _results(paths)
    scores, plan = tables["scores"], tables["plan"]
    counts = _plan_counts(plan)
    warnings = [*manifest.warnings, *_archive_removed(paths, towns)]
    about = pd.DataFrame(
        {
            "item": ["generation", "inputs_hash", "method_version", "created", "horizon"],
            "value": [
                manifest.generation,
                manifest.inputs_hash,
                manifest.method_version,
                manifest.created,
                str(manifest.horizon),
            ],
        }
    )
    from analysis.stats.plan import PLAN_CLASSES  # noqa: PLC0415

    score_wide = (
        scores.pivot_table(index="town_id", columns="theme", values="score")
        if not scores.empty
        else pd.DataFrame()
    )
    counts_by_town = counts.set_index("town_id") if not counts.empty else pd.DataFrame()
    synthetic_towns = set(indicators.loc[indicators["is_synthetic"].astype(bool), "town_id"])
    from analysis.report.public import publisher, reader_sources  # noqa: PLC0415

    # Each source once, as a reader sees it (no reliability tags or repository notes).
    sources = sorted(reader_sources(indicators["source"].dropna().unique()), key=lambda s: s.text)
    reg_cols = [c for c in ("population_source", "area_source", "point_source") if c in towns]
    registry_sources = sorted(
        reader_sources(str(v) for c in reg_cols for v in towns[c].dropna() if str(v)),
        key=lambda s: s.text,
    )
    version, code = _build_info(paths)
    built_at = now or datetime.now(UTC)
    # Downloads and each town/language folder are staged and published whole (commit).
    writer = OutputWriter(site=site)
    result = SiteResult(towns=len(towns), warnings=warnings)
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    template = env.from_string(
        (files("analysis.site") / "templates" / "index.html.j2").read_text(encoding="utf-8")
    )

    if downloads:
        result.downloads += _all_downloads(
            writer, paths, towns=towns, indicators=indicators, tables=tables, about=about
        )
    result.indicator_pages += [
        *write_indicator_pages(paths, writer, tables, towns, langs=langs),
        *write_national_indicator_pages(paths, writer, tables, towns, langs=langs),
    ]
    writer.commit()  # each town/language folder, all or nothing; the index links them

    for lang in langs:
        tr = get_translator(lang)
        rows_out = []
        for rec in towns.to_dict("records"):
            town = str(rec["town_id"])
            name = str(rec.get("name_th" if lang == "th" else "name_en") or town)
            pop_text, pop_v = _fmt(rec.get("population"), lang)
            sc = score_wide.loc[town] if town in score_wide.index else None
            overall = _fmt(sc.get("overall") if sc is not None else None, lang, 1)
            page_links = []
            for link_lang in LANGS:
                page = town_index(paths.reports, town, link_lang)
                page_links.append(
                    {
                        "lang": link_lang,
                        "label": tr(f"site.link.{link_lang}"),
                        "href": _rel(page, site) if page.exists() else None,
                    }
                )
            own = town_index(paths.reports, town, lang)
            dl = []
            for label, target in (
                ("csv", downloads_dir(paths.reports) / download_files(town)["csv"]),
                ("xlsx", downloads_dir(paths.reports) / download_files(town)["xlsx"]),
                ("form", town_form(paths.reports, town)),  # data-entry form
            ):
                if target.exists():
                    dl.append({"label": tr(f"site.link.{label}"), "href": _rel(target, site)})
            rows_out.append(
                {
                    "name": name,
                    "page": _rel(own, site) if own.exists() else None,
                    "synthetic": town in synthetic_towns,
                    "province": _text(
                        rec.get("province_th" if lang == "th" else "province_en"), lang
                    ),
                    "gov_type": _text(
                        rec.get("local_gov_type_th" if lang == "th" else "local_gov_type"), lang
                    ),
                    "population": pop_text,
                    "population_v": pop_v,
                    "overall": overall[0],
                    "overall_v": overall[1],
                    "scores": [
                        dict(
                            zip(
                                ("text", "v"),
                                _fmt(sc.get(th) if sc is not None else None, lang, 1),
                                strict=True,
                            )
                        )
                        for th in THEMES
                    ],
                    "plan": [
                        dict(
                            zip(
                                ("text", "v"),
                                _fmt(
                                    counts_by_town.loc[town, pc]
                                    if town in counts_by_town.index
                                    else None,
                                    lang,
                                ),
                                strict=True,
                            )
                        )
                        for pc in PLAN_CLASSES
                    ],
                    "pages": page_links,
                    # + PDF, Thai-header results, GeoPackage and the town's editions
                    "downloads": dl + deliverable_links(paths, town, lang),
                }
            )
        cross = cross_html(paths.reports, lang)
        other = next((x for x in langs if x != lang), lang)
        html = template.render(
            t=tr,
            lang=lang,
            rows=rows_out,
            themes=THEMES,
            plan_classes=PLAN_CLASSES,
            themes_offset=_THEMES_OFFSET,
            synthetic=bool(synthetic_towns),
            cross_href=_rel(cross, site) if cross.exists() else None,
            other_index=index_name(other),
            other_lang=other,
            sources=sources,
            registry_sources=registry_sources,
            publisher=publisher(lang),
            indicator_rows=_indicator_rows(site, towns, lang),
            boundary_attribution=BOUNDARY_ATTRIBUTION_TH if lang == "th" else BOUNDARY_ATTRIBUTION,
            built=fmt_datetime(built_at, lang),
            version=version,
            code=code,
        )
        result.pages.append(writer.write_text(site / index_name(lang), html))
    return result
