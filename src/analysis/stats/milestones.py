"""Phase milestones: what the target requires and what the projection says, side by side.

For each National Strategy phase end (2022, 2027, 2032, 2037) after the latest year and
not after the target year, a milestone row carries two different numbers, named so:

* ``required_value``: the value on the **path to the target**, from the latest value
  to the target value in the target year (``path``: ``"linear"``, a straight line, by
  default; ``"geometric"``, a constant annual rate). When the latest value already
  meets the target, the required value is the latest value (hold the level).
* ``projected_value``: the projection table's mean at that year
  (:func:`analysis.stats.projection.projection_table`, method in ``projection_method``),
  the report's one future for the indicator. When the projection is withheld for that
  year, it is NaN and ``projection_withheld_reason`` says why (``too_few_points``,
  ``beyond_observed_span``, or ``not_projected`` when the projection table has no row
  for that year, e.g. beyond its horizon).

``on_track`` (nullable boolean) says whether the projected value meets the required
value in the desired direction (for an already-met target: whether it still meets the
target); it is missing where the projection is withheld. Notes are written in Thai
(Buddhist Era years) and English from ``i18n/*/plan.yaml`` (``plan.milestone.*``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.errors import ParameterError
from analysis.i18n import get_translator
from analysis.i18n.prose import fmt_quantity, thai_unit_order
from analysis.stats.panel import catalogue_row_for, target_for
from analysis.stats.plan import BE_OFFSET, PHASES, PathKind
from analysis.stats.progress import meets_target, nonzero
from analysis.stats.projection import FLAGS as PROJECTION_FLAGS
from analysis.stats.projection import METHOD, MIN_PROJECTION_POINTS

__all__ = ["MILESTONE_COLUMNS", "WITHHELD_REASONS", "milestone_table"]

#: ``projection_withheld_reason`` categories.
WITHHELD_REASONS: tuple[str, ...] = (
    "",
    "too_few_points",
    "beyond_observed_span",
    "not_projected",
)
MILESTONE_COLUMNS: tuple[str, ...] = (
    "town_id",
    "indicator_id",
    "phase",
    "phase_start",
    "phase_end",
    "path",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "required_value",
    "required_annual_change",
    "required_annual_rate",
    "projected_value",
    "projected_lo",
    "projected_hi",
    "projection_method",
    "projection_flag",
    "projection_withheld_reason",
    "on_track",
    "note",
    "note_en",
    "note_th",
    "projection_note_en",
    "projection_note_th",
)


def _format_many(values: np.ndarray) -> list[str]:
    """Format values for a sentence (:func:`analysis.i18n.prose.fmt_quantity`); ``-`` if NaN."""
    return [fmt_quantity(x) for x in np.asarray(values, dtype=float).tolist()]


def milestone_table(
    latest: pd.DataFrame,
    catalogue: Catalogue,
    projections: pd.DataFrame,
    *,
    path: PathKind = "linear",
    phases: tuple[tuple[int, int], ...] = PHASES,
    targets: dict[str, tuple[float, int]] | None = None,
) -> pd.DataFrame:
    """Return required (path to target) and projected values at each phase end.

    Parameters
    ----------
    latest : pandas.DataFrame
        At least ``town_id, indicator_id, latest_year, latest_value`` (e.g.
        :func:`analysis.stats.status.latest_status`).
    catalogue : Catalogue
        Targets and directions.
    projections : pandas.DataFrame
        :func:`analysis.stats.projection.projection_table` of the same data (rows of kind
        ``"projected"`` and ``"withheld"`` are used).
    path : {"linear", "geometric"}, default "linear"
        Path of ``required_value``: a straight line, or a constant annual rate, from the
        latest value to the target.
    phases : tuple of (start, end), default :data:`analysis.stats.plan.PHASES`
        Phases; a milestone is set at the end of every phase ending after the latest
        year and not after the target year.
    targets : dict, optional
        ``{indicator_id: (value, year)}`` overriding catalogue targets.

    Returns
    -------
    pandas.DataFrame
        :data:`MILESTONE_COLUMNS`, one row per town x indicator x phase.
        ``required_annual_change`` is in the indicator's unit per year (linear path:
        constant; geometric: the first year's change); ``required_annual_rate`` is the
        geometric path's relative change per year (NaN for linear). ``projected_value,
        projected_lo, projected_hi, projection_flag`` are copied from the projection
        table (``projection_method`` names its method); ``projection_withheld_reason``
        is a key of :data:`WITHHELD_REASONS`. ``note`` is ``""`` or ``"already_met"``;
        ``note_en/note_th`` say what change the target needs and
        ``projection_note_en/th`` why a projection is missing (``""`` when none is).
        Series without a target, or whose latest year is at or after the target year,
        have no rows.

    Raises
    ------
    ParameterError
        If ``path`` is not ``"linear"`` or ``"geometric"``.

    Examples
    --------
    >>> from analysis.catalogue import load_catalogue
    >>> from analysis.stats.projection import projection_table
    >>> obs = pd.DataFrame({"town_id": "demo", "indicator_id": "river_wqi",
    ...                     "year": range(2009, 2023), "value": np.linspace(43, 56, 14)})
    >>> latest = pd.DataFrame({"town_id": ["demo"], "indicator_id": ["river_wqi"],
    ...                        "latest_year": [2022], "latest_value": [56.0]})
    >>> m = milestone_table(latest, load_catalogue(), projection_table(obs, load_catalogue()))
    >>> m[["phase_end", "required_value", "projected_value"]].round(1).to_numpy().tolist()
    [[2027.0, 61.0, 61.0], [2032.0, 66.0, 66.0], [2037.0, 71.0, nan]]
    >>> m["projection_withheld_reason"].tolist()
    ['', '', 'beyond_observed_span']
    """
    if path not in ("linear", "geometric"):
        msg = f"unknown milestone path {path!r}: expected 'linear' or 'geometric'"
        raise ParameterError(msg)
    df = pd.DataFrame(
        {
            "town_id": np.asarray(latest["town_id"], dtype=object),
            "indicator_id": np.asarray(latest["indicator_id"], dtype=object),
            "latest_year": latest["latest_year"].to_numpy(dtype=np.int64),
            "latest_value": latest["latest_value"].to_numpy(dtype=float),
        }
    )
    ids = df["indicator_id"].astype(str)
    info = {}
    for u in ids.unique():
        entry = catalogue_row_for(catalogue, u)
        info[u] = (*target_for(entry, u, targets), entry.higher_is_better, entry.unit)
    df["target_value"] = ids.map({u: v[0] for u, v in info.items()}).to_numpy(dtype=float)
    df["target_year"] = ids.map({u: v[1] for u, v in info.items()}).to_numpy(dtype=float)
    df["higher"] = ids.map({u: v[2] for u, v in info.items()}).to_numpy(dtype=bool)
    keep = (
        df["target_value"].notna().to_numpy() & (df["latest_year"] < df["target_year"]).to_numpy()
    )
    df = df.loc[keep].reset_index(drop=True)
    _required_change(df, path)
    _required_notes(df, catalogue, {u: v[3] for u, v in info.items()}, path)

    ph = pd.DataFrame(phases, columns=["phase_start", "phase_end"])
    ph["phase"] = [f"{s}-{e}" for s, e in phases]
    out = df.merge(ph, how="cross")
    in_phase = (out["phase_end"] > out["latest_year"]) & (out["phase_end"] <= out["target_year"])
    out = out.loc[in_phase].reset_index(drop=True)
    frac = (out["phase_end"] - out["latest_year"]) / (out["target_year"] - out["latest_year"])
    olv, otv = out["latest_value"].to_numpy(float), out["target_value"].to_numpy(float)
    if path == "linear":
        value = olv + (otv - olv) * frac.to_numpy()
    else:
        oa, ob = nonzero(olv), nonzero(otv)
        value = oa * (ob / oa) ** frac.to_numpy()
    already = (out["note"] == "already_met").to_numpy()
    out["required_value"] = np.where(already, olv, value)
    out = _attach_projection(out, projections)
    pv = out["projected_value"].to_numpy(dtype=float)
    oh = out["higher"].to_numpy(dtype=bool)
    yardstick = np.where(already, otv, out["required_value"].to_numpy(float))
    on_track = pd.array(meets_target(pv, yardstick, oh), dtype="boolean")
    on_track[np.isnan(pv)] = pd.NA
    out["on_track"] = on_track
    out = _projection_notes(out)
    out = out.astype(
        {
            "phase_start": "int64",
            "phase_end": "int64",
            "target_year": "int64",
            "latest_year": "int64",
        }
    )
    out = out.sort_values(["town_id", "indicator_id", "phase_end"], kind="stable")
    for key in ("town_id", "indicator_id"):  # keep the input's categorical keys
        if isinstance(latest[key].dtype, pd.CategoricalDtype):
            out[key] = pd.Categorical(out[key], categories=latest[key].cat.categories)
    return out.loc[:, list(MILESTONE_COLUMNS)].reset_index(drop=True)


def _required_change(df: pd.DataFrame, path: str) -> None:
    """Add ``required_annual_change, required_annual_rate, note, path`` in place."""
    lv, tv = df["latest_value"].to_numpy(dtype=float), df["target_value"].to_numpy(dtype=float)
    ly, ty = df["latest_year"].to_numpy(dtype=float), df["target_year"].to_numpy(dtype=float)
    steps = ty - ly
    met = meets_target(lv, tv, df["higher"].to_numpy(dtype=bool))
    a, b = nonzero(lv), nonzero(tv)
    if path == "linear":
        rate = np.full(len(df), np.nan)
        change = np.where(met, 0.0, (tv - lv) / steps)
    else:
        rate = np.where(met, 0.0, (b / a) ** (1 / steps) - 1)
        change = np.where(met, 0.0, a * rate)
    df["required_annual_change"], df["required_annual_rate"] = change, rate
    df["note"] = np.where(met, "already_met", "").astype(object)
    df["path"] = path


def _attach_projection(out: pd.DataFrame, projections: pd.DataFrame) -> pd.DataFrame:
    """Add the projection table's value (or withheld reason) at each phase end."""
    fut = projections.loc[
        np.isin(np.asarray(projections["kind"], dtype=object), ["projected", "withheld"]),
        ["town_id", "indicator_id", "year", "mean", "lo", "hi", "method", "flag"]
        + [c for c in ("withheld_reason", "n_points", "span_end") if c in projections.columns],
    ]
    right = pd.DataFrame(
        {
            "town_id": np.asarray(fut["town_id"], dtype=object),
            "indicator_id": np.asarray(fut["indicator_id"], dtype=object),
            "phase_end": fut["year"].to_numpy(dtype=np.int64),
            "projected_value": fut["mean"].to_numpy(dtype=float),
            "projected_lo": fut["lo"].to_numpy(dtype=float),
            "projected_hi": fut["hi"].to_numpy(dtype=float),
            "projection_method": np.asarray(fut["method"], dtype=object),
            "projection_flag": np.asarray(fut["flag"], dtype=object),
            "_reason": np.asarray(fut["withheld_reason"], dtype=object)
            if "withheld_reason" in fut.columns
            else "",
            "_n": fut["n_points"].to_numpy(dtype=float) if "n_points" in fut.columns else np.nan,
            "_span_end": fut["span_end"].to_numpy(dtype=float)
            if "span_end" in fut.columns
            else np.nan,
        }
    )
    left = out.assign(
        town_id=np.asarray(out["town_id"], dtype=object),
        indicator_id=np.asarray(out["indicator_id"], dtype=object),
        phase_end=out["phase_end"].to_numpy(dtype=np.int64),
    )
    merged = left.merge(right, on=["town_id", "indicator_id", "phase_end"], how="left")
    missing = merged["projection_method"].isna().to_numpy()
    reason = np.where(missing, "not_projected", merged["_reason"].fillna("").astype(str))
    merged["projection_withheld_reason"] = pd.Categorical(
        reason, categories=pd.Index(WITHHELD_REASONS, dtype="str")
    )
    merged["projection_method"] = pd.Categorical(
        merged["projection_method"].fillna(METHOD).astype(str),
        categories=pd.Index(["", METHOD], dtype="str"),
    )
    merged["projection_flag"] = pd.Categorical(
        merged["projection_flag"].fillna("").astype(str),
        categories=pd.Index(PROJECTION_FLAGS, dtype="str"),
    )
    return merged.drop(columns="_reason")  # _n, _span_end are used by the notes


def _required_notes(
    df: pd.DataFrame, catalogue: Catalogue, units: dict[str, str], path: str
) -> None:
    """Add ``note_en`` and ``note_th`` (what change the target needs) to ``df`` in place."""
    for lang in ("en", "th"):
        t = get_translator(lang)
        off = BE_OFFSET if lang == "th" else 0
        sym = {u: catalogue.unit_symbol(unit, lang) for u, unit in units.items()}
        tmpl = {
            "": t.strings[f"plan.milestone.required_{path}"],
            "already_met": t.strings["plan.milestone.already_met"],
        }
        texts = [
            tmpl[note].format(
                change=ch,
                rate=rt,
                unit=sym[ind],
                year=ly + off,
                target=tv,
                target_year=ty + off,
                value=lv,
            )
            for ind, ly, lv, ty, tv, ch, rt, note in zip(
                df["indicator_id"].astype(str).tolist(),
                df["latest_year"].to_numpy(dtype=np.int64).tolist(),
                _format_many(df["latest_value"].to_numpy(dtype=float)),
                df["target_year"].to_numpy(dtype=np.int64).tolist(),
                _format_many(df["target_value"].to_numpy(dtype=float)),
                _format_many(df["required_annual_change"].to_numpy(dtype=float)),
                _format_many(100 * df["required_annual_rate"].to_numpy(dtype=float)),
                df["note"].tolist(),
                strict=True,
            )
        ]
        if lang == "th":
            texts = [thai_unit_order(x) for x in texts]
        df[f"note_{lang}"] = pd.Series(texts, index=df.index, dtype=object)


def _projection_notes(out: pd.DataFrame) -> pd.DataFrame:
    """Add ``projection_note_en/th``: why the projection at the phase end is withheld."""
    reason = out["projection_withheld_reason"].astype(str).to_numpy()
    todo = np.flatnonzero(reason != "")
    n_pts = out["_n"].to_numpy(dtype=float)
    span_end = out["_span_end"].to_numpy(dtype=float)
    phase_end = out["phase_end"].to_numpy(dtype=np.int64)
    for lang in ("en", "th"):
        t = get_translator(lang)
        off = BE_OFFSET if lang == "th" else 0
        tmpl = {
            r: t.strings[f"plan.milestone.withheld_{r}"]
            for r in ("too_few_points", "beyond_observed_span", "not_projected")
        }
        texts = np.full(len(out), "", dtype=object)
        for i in todo.tolist():
            texts[i] = tmpl[reason[i]].format(
                year=int(phase_end[i]) + off,
                n=int(n_pts[i]) if math.isfinite(n_pts[i]) else 0,
                min_points=MIN_PROJECTION_POINTS,
                span_end=int(span_end[i]) + off if math.isfinite(span_end[i]) else "-",
            )
        out[f"projection_note_{lang}"] = pd.Series(texts, index=out.index, dtype=object)
    return out.drop(columns=["_n", "_span_end"])
