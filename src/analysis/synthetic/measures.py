"""Synthetic measures registers (แผนงาน / โครงการ) for the demo towns.

Every register is labelled SYNTHETIC (its ``แหล่งที่มา`` column and its descriptions say
so): the measures, agencies' roles, budgets and KPI targets illustrate the register's
format and are not any town's plan. They are nevertheless consistent with the demo
series: each town's measures target the indicators the plan framework classes as
``solve`` or ``prevent`` for that town (:func:`analysis.stats.summary.analyse_all` on the
same seeded series the demo indicator files hold), grouped per theme, plus its
opportunities. One problem per town is deliberately left without a measure, so appendix
E shows how an unaddressed problem is flagged. A KPI's target is the indicator's plan
target from the catalogue (else its decisive standard), never an invented figure; the
budgets are synthetic round amounts drawn from the seed.

The files are ``data/raw/measures/<town_id>_measures.csv`` (UTF-8 with BOM, Thai headers
in row 1 and English in row 2, years in B.E.), written by ``ecoplan demo-data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.store.atomic import atomic_path
from analysis.synthetic.series import TownTraits, generate_series

__all__ = ["SYNTHETIC_MEASURE_SOURCE", "demo_measures", "write_demo_measures"]

SYNTHETIC_MEASURE_SOURCE = "ข้อมูลสังเคราะห์ (SYNTHETIC) ตัวอย่างทะเบียนแผนงาน/โครงการของ ecoplan"

#: (theme, plan class) -> name, description, lead agency, partner agencies.
_TEXT: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("air", "solve"): (
        "ลดฝุ่นละอองจากการเผาในที่โล่งและการจราจร",
        "ประชาสัมพันธ์งดเผา ตรวจจับควันดำ และล้างถนนในช่วงฤดูฝุ่น",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "ที่ทำการปกครองอำเภอ; สถานีตำรวจภูธร; สำนักงานเกษตรอำเภอ",
    ),
    ("air", "prevent"): (
        "เฝ้าระวังคุณภาพอากาศและแจ้งเตือนประชาชน",
        "ติดตั้งเครื่องวัดฝุ่นขนาดเล็กและแจ้งเตือนผ่านช่องทางของเทศบาล",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "สำนักงานสิ่งแวดล้อมภาค; โรงเรียนในเขตเทศบาล",
    ),
    ("water", "solve"): (
        "ปรับปรุงระบบรวบรวมและบำบัดน้ำเสียชุมชน",
        "ขยายท่อรวบรวมน้ำเสียและซ่อมบำรุงระบบบำบัดน้ำเสียรวม",
        "กองช่าง",
        "องค์การจัดการน้ำเสีย; กองสาธารณสุขและสิ่งแวดล้อม",
    ),
    ("water", "prevent"): (
        "ป้องกันน้ำเสียลงแหล่งน้ำสาธารณะ",
        "ตรวจบ่อดักไขมันของร้านอาหารและตลาด และเฝ้าระวังคุณภาพน้ำรายไตรมาส",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด",
    ),
    ("waste", "solve"): (
        "คัดแยกขยะต้นทางและจัดการขยะอย่างถูกหลักวิชาการ",
        "ธนาคารขยะ ถังขยะเปียกในครัวเรือน และปรับปรุงการกำจัดขยะ",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "ชุมชนในเขตเทศบาล; โรงเรียน; ภาคเอกชน",
    ),
    ("waste", "prevent"): (
        "ลดปริมาณขยะต่อคนด้วยหลัก 3R",
        "รณรงค์ลดใช้พลาสติกครั้งเดียวในตลาดและงานประเพณี",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "หอการค้าจังหวัด; ชุมชนในเขตเทศบาล",
    ),
    ("green", "solve"): (
        "เพิ่มพื้นที่สีเขียวและสวนสาธารณะ",
        "ปลูกต้นไม้ริมถนนและพัฒนาที่ว่างของรัฐเป็นสวนหย่อม",
        "กองช่าง",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด; ชุมชนในเขตเทศบาล",
    ),
    ("green", "prevent"): (
        "คุ้มครองต้นไม้ใหญ่และพื้นที่สีเขียวเดิม",
        "ทำทะเบียนต้นไม้ใหญ่และกำหนดแนวทางดูแลรักษา",
        "กองช่าง",
        "รุกขกรอาสา; ชุมชนในเขตเทศบาล",
    ),
    ("green", "opportunity"): (
        "เส้นทางสีเขียวเพื่อการท่องเที่ยวเชิงนิเวศ",
        "เชื่อมสวนสาธารณะด้วยทางเดินและทางจักรยาน ส่งเสริมรายได้ชุมชน",
        "สำนักปลัดเทศบาล",
        "การท่องเที่ยวและกีฬาจังหวัด; วิสาหกิจชุมชน",
    ),
    ("biodiversity", "solve"): (
        "ฟื้นฟูพื้นที่ธรรมชาติและแหล่งน้ำ",
        "ฟื้นฟูริมตลิ่งและพื้นที่ชุ่มน้ำด้วยพืชพื้นถิ่น",
        "กองช่าง",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด",
    ),
    ("biodiversity", "prevent"): (
        "เฝ้าระวังความหลากหลายทางชีวภาพในเมือง",
        "สำรวจนกและพืชพื้นถิ่นร่วมกับโรงเรียนทุกปี",
        "กองการศึกษา",
        "สถาบันอุดมศึกษาในพื้นที่; ชมรมดูนก",
    ),
    ("biodiversity", "opportunity"): (
        "ส่งเสริมการเรียนรู้ธรรมชาติและอัตลักษณ์ท้องถิ่น",
        "จัดเส้นทางศึกษาธรรมชาติและกิจกรรมดูนกสำหรับนักเรียนและนักท่องเที่ยว",
        "กองการศึกษา",
        "วิสาหกิจชุมชน; โรงเรียนในเขตเทศบาล",
    ),
}
_BUDGET_SOURCES = (
    "เทศบัญญัติงบประมาณรายจ่ายประจำปี",
    "เงินอุดหนุนเฉพาะกิจ",
    "กองทุนสิ่งแวดล้อม",
)
#: plan class -> (phase, start BE, end BE) of the synthetic measures.
_TIMING = {"solve": (2, 2569, 2570), "prevent": (3, 2571, 2575), "opportunity": (3, 2571, 2580)}
_CLASS_TH = {"solve": "แก้ไขปัญหา", "prevent": "ป้องกันปัญหา", "opportunity": "สร้างโอกาส"}


def _kpi(row: pd.Series, catalogue: Catalogue) -> tuple[str, float, str]:
    """KPI text, target value and unit of a measure: its first indicator's plan target."""
    ind = catalogue.get(str(row["indicator_id"]))
    unit = catalogue.units[ind.unit].symbol_th
    target = row["target_value"] if pd.notna(row["target_value"]) else row["headline_value"]
    if pd.isna(target):
        target = row["latest_value"]
    word = "ไม่เกิน" if ind.direction == "lower_is_better" else "ไม่น้อยกว่า"
    return f"{ind.name_th} {word}ค่าเป้าหมาย", float(target), unit


def demo_measures(
    towns: Sequence[TownTraits], catalogue: Catalogue, *, seed: int = 20261126
) -> pd.DataFrame:
    """Return the synthetic measures of the demo towns (one row per measure).

    Parameters
    ----------
    towns : sequence of TownTraits
        The demo towns (:data:`analysis.synthetic.demo_files.DEMO_TOWNS`).
    catalogue : Catalogue
        The indicator catalogue.
    seed : int
        Seed of the series (the same as the demo indicator files) and of the budgets.

    Returns
    -------
    pandas.DataFrame
        ``town_id`` and the register columns under their Thai headers
        (:data:`analysis.ingest.measures.MEASURE_FIELDS`), years in B.E.
    """
    from analysis.ingest.measures import MEASURE_FIELDS  # noqa: PLC0415
    from analysis.stats.summary import analyse_all  # noqa: PLC0415

    series = generate_series(towns, catalogue, seed=seed)
    plan = analyse_all(series[["town_id", "indicator_id", "year", "value"]], catalogue).plan
    plan = plan.assign(
        town_id=plan["town_id"].astype(str), indicator_id=plan["indicator_id"].astype(str)
    )
    theme = {i.id: i.theme for i in catalogue.indicators}
    order = {i: k for k, i in enumerate(catalogue.ids)}
    rng = np.random.default_rng(seed)
    th = {f.name: f.th for f in MEASURE_FIELDS}
    records: list[dict[str, object]] = []
    for traits in towns:
        sub = plan[plan["town_id"] == traits.town_id].copy()
        sub["theme"] = sub["indicator_id"].map(theme)
        sub["_o"] = sub["indicator_id"].map(order)
        sub = sub.sort_values("_o")
        problems = sub[sub["plan_class"].isin(["solve", "prevent"])]
        if len(problems) > 1:  # leave the last problem unaddressed: appendix E flags it
            sub = sub.drop(index=problems.index[-1])
        n = 0
        for (cls, th_name), grp in sub.groupby(["plan_class", "theme"], sort=False):
            if (th_name, cls) not in _TEXT:
                continue
            n += 1
            name, desc, lead, partners = _TEXT[(th_name, cls)]
            phase, start, end = _TIMING[str(cls)]
            budget = float(rng.integers(5, 60) * 50_000)
            kpi, target, unit = _kpi(grp.iloc[0], catalogue)
            records.append(
                {
                    "town_id": traits.town_id,
                    th["code"]: f"M{n:02d}",
                    th["kind"]: "แผนงาน" if len(grp) > 1 else "โครงการ",
                    th["name"]: name,
                    th["description"]: f"{desc} (ตัวอย่างสังเคราะห์)",
                    th["plan_class"]: _CLASS_TH[str(cls)],
                    th["indicators"]: "; ".join(grp["indicator_id"]),
                    th["lead_agency"]: lead,
                    th["partner_agencies"]: partners,
                    th["budget_baht"]: f"{budget:,.0f}",
                    th["budget_source"]: _BUDGET_SOURCES[n % len(_BUDGET_SOURCES)],
                    th["start_year"]: start,
                    th["end_year"]: end,
                    th["phase"]: phase,
                    th["kpi"]: kpi,
                    th["kpi_target"]: f"{target:g}",
                    th["kpi_unit"]: unit,
                    th["source"]: SYNTHETIC_MEASURE_SOURCE,
                    th["note"]: "",
                }
            )
    return pd.DataFrame(records)


def write_demo_measures(
    out_dir: Path,
    catalogue: Catalogue,
    towns: pd.DataFrame,
    demo: Sequence[TownTraits],
    *,
    seed: int = 20261126,
) -> list[Path]:
    """Write ``<town_id>_measures.csv`` for every demo town in the registry.

    Parameters
    ----------
    out_dir : pathlib.Path
        Usually ``data/raw/measures``.
    catalogue : Catalogue
        The indicator catalogue.
    towns : pandas.DataFrame
        The town registry (for the Thai names in the town column).
    demo : sequence of TownTraits
        The demo towns.
    seed : int
        Random seed.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from analysis.ingest.measures import MEASURE_FIELDS  # noqa: PLC0415

    names = towns.set_index("town_id")["name_th"]
    present = [t for t in demo if t.town_id in names.index]
    frame = demo_measures(present, catalogue, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    headers = [f.th for f in MEASURE_FIELDS]
    english = {f.th: f.en for f in MEASURE_FIELDS}
    written = []
    for traits in present:
        part = frame[frame["town_id"] == traits.town_id].drop(columns="town_id")
        part.insert(0, "เทศบาล", names[traits.town_id])
        part = part.reindex(columns=headers)
        body = pd.concat([pd.DataFrame([english]), part], ignore_index=True)
        target = out_dir / f"{traits.town_id}_measures.csv"
        with atomic_path(target) as tmp:
            body.to_csv(tmp, index=False, encoding="utf-8-sig")
        written.append(target)
    return written
