"""A town's indicator results with Thai column headers and Buddhist Era years.

``ecoplan site`` writes, beside the English-keyed downloads::

    downloads/<town>.th.csv    one row per indicator: latest value, headline yardstick,
                               plan class and reason, target, projection (UTF-8 with BOM,
                               so Excel shows the Thai text)
    downloads/<town>.th.xlsx   the same sheet ("ผลตัวชี้วัด") and every yearly value
                               ("ค่ารายปี"), with a note on the source of the figures

Every number comes from the stored results tables (:mod:`analysis.results`); this module
only selects, renames and converts years (CE + 543). Headers are Thai with the unit or
calendar in brackets; rows marked synthetic say so in their own column.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from analysis.i18n import BE_OFFSET, get_translator
from analysis.report.neutralise import neutralise_worksheet

__all__ = ["RESULT_COLUMNS", "VALUE_COLUMNS", "results_th", "values_th", "write_xlsx"]


#: ``plan`` column -> Thai header of the results sheet (in order).
RESULT_COLUMNS: dict[str, str] = {
    "indicator_id": "รหัสตัวชี้วัด",
    "name_th": "ตัวชี้วัด",
    "theme_th": "ด้าน",
    "unit": "หน่วย",
    "latest_year": "ปีล่าสุด (พ.ศ.)",
    "latest_value": "ค่าล่าสุด",
    "headline_issuer": "เกณฑ์อ้างอิงหลัก (ผู้กำหนด)",
    "headline_value": "ค่าเกณฑ์",
    "headline_pass": "ผ่านเกณฑ์",
    "plan_class_th": "กลุ่มในกรอบแผน",
    "reason_th": "เหตุผล",
    "target_value": "ค่าเป้าหมายของแผน",
    "target_year": "ปีเป้าหมาย (พ.ศ.)",
    "projected_at_target": "ค่าคาดการณ์ ณ ปีเป้าหมาย",
    "breach_year": "ปีที่คาดว่าจะไม่ผ่านเกณฑ์ (พ.ศ.)",
    "sen_slope": "ความชันแนวโน้ม Sen (หน่วยต่อปี)",
    "is_synthetic": "ข้อมูลสังเคราะห์",
}
#: ``values`` column -> Thai header of the yearly sheet (in order).
VALUE_COLUMNS: dict[str, str] = {
    "indicator_id": "รหัสตัวชี้วัด",
    "name_th": "ตัวชี้วัด",
    "year": "ปี (พ.ศ.)",
    "value": "ค่า",
    "unit": "หน่วย",
    "origin": "ที่มาของค่า",
    "source": "แหล่งข้อมูล",
    "is_synthetic": "ข้อมูลสังเคราะห์",
}
_YEARS = ("latest_year", "target_year", "breach_year", "year")


def _be(series: pd.Series) -> pd.Series:
    """Return CE years as Buddhist Era years (``Int64``; missing stays missing)."""
    return pd.to_numeric(series, errors="coerce").astype("Int64") + BE_OFFSET


def _yes_no_cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "ใช่" if bool(value) else "ไม่ใช่"


def _yes_no(series: pd.Series) -> pd.Series:
    return series.map(_yes_no_cell)


def _catalogue() -> pd.DataFrame:
    from analysis.catalogue import load_catalogue  # noqa: PLC0415

    tr = get_translator("th")
    cat = load_catalogue()
    rows = [
        {
            "indicator_id": i.id,
            "name_th": i.name_th,
            "theme_th": tr(f"site.theme.{i.theme}"),
            "unit": cat.units[i.unit].symbol_th if i.unit in cat.units else i.unit,
        }
        for i in (*cat.indicators, *cat.map_indicators)
    ]
    return pd.DataFrame(rows)


def results_th(plan: pd.DataFrame, values: pd.DataFrame, town_id: str) -> pd.DataFrame:
    """Return a town's per-indicator results with Thai headers and BE years.

    Parameters
    ----------
    plan : pandas.DataFrame
        The ``plan`` results table (all towns).
    values : pandas.DataFrame
        The ``values`` results table (for the synthetic flag of each indicator).
    town_id : str
        The town.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` (Thai headers), one row per indicator.
    """
    tr = get_translator("th")
    mine = plan[plan["town_id"].astype(str) == town_id].copy()
    mine["indicator_id"] = mine["indicator_id"].astype(str)
    mine = mine.merge(_catalogue(), on="indicator_id", how="left")
    mine["plan_class_th"] = mine["plan_class"].map(lambda c: tr(f"plan.class.{c}"))
    vals = values[values["town_id"].astype(str) == town_id]
    synthetic = vals.groupby(vals["indicator_id"].astype(str))["is_synthetic"].any()
    mine["is_synthetic"] = mine["indicator_id"].map(synthetic)
    for col in ("latest_year", "target_year", "breach_year"):
        mine[col] = _be(mine[col])
    mine["headline_pass"] = _yes_no(mine["headline_pass"])
    mine["is_synthetic"] = _yes_no(mine["is_synthetic"])
    out = mine.reindex(columns=list(RESULT_COLUMNS)).rename(columns=RESULT_COLUMNS)
    return out.reset_index(drop=True)


def values_th(values: pd.DataFrame, town_id: str) -> pd.DataFrame:
    """Return a town's yearly values with Thai headers and BE years.

    Parameters
    ----------
    values : pandas.DataFrame
        The ``values`` results table (all towns).
    town_id : str
        The town.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VALUE_COLUMNS` (Thai headers).
    """
    mine = values[values["town_id"].astype(str) == town_id].copy()
    mine["indicator_id"] = mine["indicator_id"].astype(str)
    names = _catalogue()[["indicator_id", "name_th", "unit"]].rename(columns={"unit": "unit_th"})
    mine = mine.merge(names, on="indicator_id", how="left")
    mine["unit"] = mine["unit_th"].fillna(mine["unit"])
    mine["year"] = _be(mine["year"])
    mine["origin"] = mine["origin"].map({"reported": "เทศบาลรายงาน", "map": "วัดจากแผนที่"})
    mine["is_synthetic"] = _yes_no(mine["is_synthetic"])
    out = mine.sort_values(["indicator_id", "year"]).reindex(columns=list(VALUE_COLUMNS))
    return out.rename(columns=VALUE_COLUMNS).reset_index(drop=True)


def write_xlsx(results: pd.DataFrame, yearly: pd.DataFrame, note: str) -> bytes:
    """Return the Thai-header workbook: results, yearly values and a note sheet.

    Parameters
    ----------
    results, yearly : pandas.DataFrame
        From :func:`results_th` and :func:`values_th`.
    note : str
        Where the figures come from (results generation, inputs hash, method version).

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for sheet, frame in (
            ("ผลตัวชี้วัด", results),
            ("ค่ารายปี", yearly),
            ("หมายเหตุ", pd.DataFrame({"หมายเหตุ": [note]})),
        ):
            frame.to_excel(xl, sheet_name=sheet, index=False)
            neutralise_worksheet(xl.sheets[sheet])  # data that looks like a formula stays text
    return buf.getvalue()
