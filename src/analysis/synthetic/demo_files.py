"""Write the committed demo raw files in the layouts municipal offices really send.

The six pilot towns' synthetic series are spread over files that exercise every ingest
path: long and wide layouts, English and Thai headers, CE and Buddhist Era years, Thai
digits, unit aliases, UTF-8, UTF-8 with BOM, Thai Windows encoding (cp874) and XLSX.
Run ``ecoplan demo-data --force`` to regenerate them (the output is deterministic).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.catalogue import Catalogue, Indicator
from analysis.i18n import BE_OFFSET as _BE_OFFSET
from analysis.store.atomic import atomic_path
from analysis.synthetic.series import TownTraits, generate_series

__all__ = ["DEMO_TOWNS", "write_demo_files"]

DEMO_TOWNS: tuple[TownTraits, ...] = (
    TownTraits("nakhon-sawan"),
    TownTraits("nam-chiao", rural=True),
    TownTraits("mueang-mai", north=True, rural=True),
    TownTraits("takhli"),
    TownTraits("mueang-nan", north=True),
    TownTraits("phitsanulok"),
)

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_THAI_UNIT = {
    "ug_m3": "มคก./ลบ.ม.",
    "mg_l": "มก./ล.",
    "percent": "ร้อยละ",
    "kg_cap_day": "กก./คน/วัน",
    "m2_cap": "ตร.ม./คน",
    "days": "วัน",
    "index": "ดัชนี",
    "species": "ชนิด",
}
_EN_UNIT = {
    "ug_m3": "ug/m3",
    "mg_l": "mg/L",
    "percent": "%",
    "kg_cap_day": "kg/person/day",
    "m2_cap": "m2/person",
    "days": "days",
    "index": "index",
    "species": "species",
}


def _fmt(value: float) -> str:
    return f"{value:g}"


def write_demo_files(
    out_dir: Path, catalogue: Catalogue, towns: pd.DataFrame, *, seed: int = 20261126
) -> list[Path]:
    """Generate the demo series and write one raw file per town.

    Parameters
    ----------
    out_dir : pathlib.Path
        Usually ``data/raw/indicators``.
    catalogue : Catalogue
        The indicator catalogue.
    towns : pandas.DataFrame
        The town registry (for Thai and English names).
    seed : int
        Random seed.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    df = generate_series(DEMO_TOWNS, catalogue, seed=seed).drop(columns="trend_kind")
    names = towns.set_index("town_id")
    ind = {i.id: i for i in catalogue.indicators}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(frame: pd.DataFrame, name: str, *, encoding: str = "", sheet: str = "") -> None:
        target = out_dir / name
        with atomic_path(target) as tmp:
            if sheet:
                frame.to_excel(tmp, index=False, sheet_name=sheet, engine="openpyxl")
            else:
                frame.to_csv(tmp, index=False, encoding=encoding)
        written.append(target)

    def part(town_id: str) -> pd.DataFrame:
        return df[df["town_id"] == town_id].reset_index(drop=True)

    # 1. Nakhon Sawan: long, English headers, ids, CE years, UTF-8.
    save(_long_en(part("nakhon-sawan")), "nakhon-sawan_long_en.csv", encoding="utf-8")

    # 2. Nam Chiao: long, Thai headers, Thai names, Buddhist Era years, cp874.
    nc = part("nam-chiao")
    nc_out = pd.DataFrame(
        {
            "เทศบาล": names.loc["nam-chiao", "name_th"],
            "ตัวชี้วัด": nc["indicator_id"].map(lambda i: ind[i].name_th),
            "ปี พ.ศ.": nc["year"] + _BE_OFFSET,
            "ค่า": nc["value"].map(_fmt),
            "หน่วย": nc["unit"].map(_THAI_UNIT),
            "แหล่งข้อมูล": "ข้อมูลสังเคราะห์ (SYNTHETIC) " + nc["source"],
            "หมายเหตุ": "",
        }
    )
    save(nc_out, "nam-chiao_long_th_cp874.csv", encoding="cp874")

    # 3. Mueang Mai: wide XLSX, English headers, names in English, CE year columns.
    mm = _wide(part("mueang-mai"), ind, names, lang="en")
    save(mm, "mueang-mai_wide_en.xlsx", sheet="indicators")

    # 4. Takhli: wide CSV, Thai headers, BE year columns, UTF-8 with BOM.
    tk = _wide(part("takhli"), ind, names, lang="th")
    save(tk, "takhli_wide_th_bom.csv", encoding="utf-8-sig")

    # 5. Nan: long, English headers, Thai digits and unit aliases (waste in g/person/day).
    nn = part("mueang-nan")
    waste = nn["indicator_id"] == "waste_per_capita"
    values = (
        nn["value"]
        .where(~waste, nn["value"] * 1000)
        .map(lambda v: f"{v:,.2f}".rstrip("0").rstrip("."))
    )
    nn_out = pd.DataFrame(
        {
            "town": names.loc["mueang-nan", "name_en"],
            "indicator": nn["indicator_id"],
            "year": (nn["year"] + _BE_OFFSET).astype(str).str.translate(_THAI_DIGITS),
            "value": values.str.translate(_THAI_DIGITS),
            "unit": nn["unit"].map(_EN_UNIT).where(~waste, "g/person/day"),
            "source": nn["source"],
            "note": "",
        }
    )
    save(nn_out, "mueang-nan_long_thai_digits.csv", encoding="utf-8-sig")

    # 6. Phitsanulok: long XLSX, English headers.
    save(_long_en(part("phitsanulok")), "phitsanulok_long_en.xlsx", sheet="data")
    return written


def _long_en(part: pd.DataFrame) -> pd.DataFrame:
    """Return one town's rows in the long English layout (ids, CE years)."""
    out = part.assign(unit=part["unit"].map(_EN_UNIT))
    out = out.rename(columns={"town_id": "town", "indicator_id": "indicator"})
    return out[["town", "indicator", "year", "value", "unit", "source"]]


def _wide(
    part: pd.DataFrame, ind: dict[str, Indicator], names: pd.DataFrame, *, lang: str
) -> pd.DataFrame:
    """Return one town's rows in the wide layout: a column per year (BE in Thai)."""
    keys = ["town_id", "indicator_id", "unit", "source"]
    wide = part.pivot_table(index=keys, columns="year", values="value").reset_index()
    wide.columns.name = None
    town_id = part["town_id"].iloc[0]
    if lang == "th":
        out = pd.DataFrame(
            {
                "เทศบาล": names.loc[town_id, "name_th"],
                "ตัวชี้วัด": wide["indicator_id"].map(lambda i: ind[i].name_th),
                "หน่วย": wide["unit"].map(_THAI_UNIT),
                "แหล่งข้อมูล": wide["source"],
            }
        )
    else:
        out = pd.DataFrame(
            {
                "town": names.loc[town_id, "name_en"],
                "indicator": wide["indicator_id"].map(lambda i: ind[i].name_en),
                "unit": wide["unit"].map(_EN_UNIT),
                "source": wide["source"],
            }
        )
    offset = _BE_OFFSET if lang == "th" else 0
    for year in (c for c in wide.columns if c not in keys):
        out[str(int(year) + offset)] = wide[year]
    return out
