"""Appendix D: the sentence that says which area the spatial tables and maps cover.

Reads ``spatial_status.parquet`` (written by :func:`analysis.spatial.pipeline.build_spatial`):
for a town with results it names the analysis area (method and km², with the registered
area of appendix A); for a town whose land use could not be used it gives the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.report.blocks import HtmlBlock, paragraph
from analysis.report.data import spatial_table, town_record
from analysis.report.fmt import fmt_number, is_missing
from analysis.report.params import TownParams, town_params

if TYPE_CHECKING:
    from analysis.i18n import Translator

__all__ = ["analysis_area_note", "analysis_area_summary", "refusal_reason"]

_M2_PER_RAI = 1600.0


def _number(value: object) -> float | None:
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def refusal_reason(status_row: pd.Series, tr: Translator) -> str:
    """Return why a town's land-use layer was refused, in the translator's language.

    Parameters
    ----------
    status_row : pandas.Series
        The town's row of ``spatial_status`` (``status == "failed"``).
    tr : Translator
        The page's translator.

    Returns
    -------
    str
        The reader's sentence of the row's ``error_code``
        (:data:`analysis.spatial.checks.REFUSAL_CODES`); a store written before the codes
        existed, or an unknown code, gives the general one. The located English message
        (file, feature, value) stays in the build log and the ingest manifest: it names
        files and is written for whoever supplies the data, not for a page.

    Examples
    --------
    >>> from analysis.i18n import get_translator
    >>> refusal_reason(pd.Series({"error_code": "crs"}), get_translator("en"))
    'the layer declares no coordinate system, or one that places it outside Thailand'
    >>> refusal_reason(pd.Series({"error": "x.gpkg: ..."}), get_translator("th"))
    'ข้อมูลไม่ผ่านการตรวจสอบ'
    """
    code = status_row.get("error_code")
    key = f"spatial.refusal.{code}" if isinstance(code, str) else ""
    return tr(key) if key and tr.has(key) else tr("spatial.refusal.unusable")


def analysis_area_note(run: TownParams) -> HtmlBlock:
    """Say which area appendix D's zoning, green inventory and CBI are computed on.

    Parameters
    ----------
    run : TownParams
        The validated notebook parameters (a town page).

    Returns
    -------
    HtmlBlock
        One paragraph: the analysis area (km², rai, how it was obtained, the registered
        area of appendix A), or "no land-use data could be used: <reason>" (in the page
        language, :func:`refusal_reason`) for a town whose land-use layer was refused; empty when the store has no spatial status for the town.
    """
    run = town_params(run, "report.analysis_area_note")
    tr = run.tr
    status = spatial_table("spatial_status", run.town_id)
    if status is None or status.empty:
        return HtmlBlock("")
    row = status.iloc[0]
    if str(row["status"]) == "failed":
        return paragraph(
            tr("spatial.area.failed", reason=refusal_reason(row, tr)), css_class="muted"
        )
    if str(row["status"]) != "ok":
        return HtmlBlock("")
    rec = town_record(run.town_id)
    km2 = float(row["analysis_area_km2"])
    registered = _number(row["registered_area_km2"])
    method = str(row["analysis_area_method"])
    key = method
    if method == "municipal_boundary" and registered is None:
        key = "municipal_boundary_unknown"
    if method == "tambon":
        key = "tambon_unknown" if registered is None else "tambon"
        if registered is not None and round(registered, 2) > round(km2, 2):
            key = "tambon_larger"
    radius = None
    areas = spatial_table("analysis_areas", run.town_id)
    source = ""
    if areas is not None and not areas.empty:
        radius = _number(areas["radius_m"].iloc[0])
        source = str(areas["source"].iloc[0])
    text = tr(
        f"spatial.area.{key}",
        km2=fmt_number(km2, 2),
        rai=fmt_number(km2 * 1e6 / _M2_PER_RAI, 0),
        registered=fmt_number(registered, 2) if registered is not None else "",
        tambon=str(rec.get(f"tambon_{run.lang}") or rec.get("tambon_en") or ""),
        radius=fmt_number(radius / 1000.0, 2) if radius is not None else "",
        source=source,
    )
    return paragraph(text, css_class="analysis-area")


def analysis_area_summary(town_id: str, lang: str) -> tuple[float, str] | None:
    """Return the analysis area of appendix D (km²) and a short label of how it was obtained.

    Appendix A shows it next to the registered area, so a reader sees both figures where
    the town is profiled (they differ when the town is larger than its tambon).

    Parameters
    ----------
    town_id : str
        The town.
    lang : {"th", "en"}
        Language of the label.

    Returns
    -------
    tuple of (float, str) or None
        ``(km², label)``; ``None`` when the store has no usable spatial result for the town.
    """
    from analysis.i18n import get_translator  # noqa: PLC0415

    status = spatial_table("spatial_status", town_id)
    if status is None or status.empty or str(status["status"].iloc[0]) != "ok":
        return None
    row = status.iloc[0]
    method = str(row["analysis_area_method"])
    tr = get_translator(lang)
    key = f"spatial.area.method.{method}"
    label = tr(key) if tr.has(key) else method
    return float(row["analysis_area_km2"]), label
