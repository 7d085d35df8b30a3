"""Shared helpers of the build/site/dask integration tests (no tests here)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.paths import ProjectPaths
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import TOWN_COLUMNS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "data" / "notebooks"


@dataclass(frozen=True)
class Spec:
    """Appendix spec with the same attributes as analysis.report.appendices.AppendixSpec."""

    id: str
    notebook: str
    title_key: str = ""
    per_town: bool = True


TOWN_SPECS = (Spec("a", "build_town.ipynb"),)
CROSS_SPEC = Spec("x", "build_cross.ipynb", per_town=False)
BASIC = {
    "page_renderer": "analysis.batch.worker:basic_page_html",
    "combined_renderer": "analysis.batch.worker:basic_combined_html",
    # The test notebooks need only these; the default list (seaborn, geopandas ...) is for
    # the real appendices.
    "warm_imports": ("pandas", "matplotlib.pyplot", "analysis.store.io"),
}


def town_row(town_id: str, **over: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(TOWN_COLUMNS, "")
    row.update(
        town_id=town_id,
        name_th=f"เทศบาล {town_id}",
        name_en=f"{town_id.title()} Municipality",
        population=10000,
        population_year=2023,
        area_km2=10.0,
        lat=15.0,
        lon=100.0,
        tambon_pcode="TH600101",
        district_pcode="TH6001",
        province_en="Nakhon Sawan",
    )
    row.update(over)
    return row


def write_store(
    processed: Path, town_ids: list[str], *, seed: int = 7, names: dict[str, str] | None = None
) -> pd.DataFrame:
    processed.mkdir(parents=True, exist_ok=True)
    towns = pd.DataFrame(
        [town_row(t, **({"name_en": names[t]} if names and t in names else {})) for t in town_ids]
    )
    towns.to_parquet(processed / "towns.parquet", index=False)
    cat = load_catalogue()
    ids = [i for i in cat.ids][:6]
    series = generate_series([TownTraits(t) for t in town_ids], cat, indicators=None, seed=seed)
    series = series[series["indicator_id"].isin(ids)].drop(columns=["trend_kind"])
    series["note"] = None
    series["is_synthetic"] = True
    series["src_file"] = "synthetic"
    series["src_row"] = range(2, len(series) + 2)
    series.to_parquet(processed / "indicators.parquet", index=False)
    return series


def make_project(root: Path, town_ids: list[str], monkeypatch, **kw) -> ProjectPaths:
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks").mkdir()
    for nb in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    write_store(root / "data" / "processed", town_ids, **kw)
    monkeypatch.setenv("ECOPLAN_ROOT", str(root))
    for var in ("ECOPLAN_RAW_DIR", "ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR"):
        monkeypatch.delenv(var, raising=False)
    return ProjectPaths(
        root=root,
        raw=root / "data" / "raw",
        processed=root / "data" / "processed",
        reports=root / "reports",
    )
