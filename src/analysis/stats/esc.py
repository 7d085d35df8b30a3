"""ASEAN ESC Award screening against the rules of each award round (absolute criteria).

Per round (:mod:`analysis.catalogue.esc`), town and category:

* **eligibility** by COR size class from the town's population (the ESC Award itself
  states no size class);
* **evidence** per key indicator: the town's latest stored value and the answer band it
  falls in (1 = best), or why there is none (no data, not in the catalogue); categories
  whose criteria were not published have no key indicators and are never screened;
* a **status**: ``proposable`` when every key indicator that the catalogue can evidence
  has a value in the best answer band. The point weights of the bands were not found,
  so this is a screening, not a score.

**Nominees** follow the quota of the round: per COR category and size class at most
``cor_per_category_and_class`` towns, at most ``cor_total`` CORs in all (categories in
the order of the rules file), at most ``esc_award`` ESC nominees. When several towns are
proposable for one slot, the one with more key indicators in the best band goes first,
then the better value of the first evidenced key indicator (in the catalogue direction),
then the more recent evidence, then the town id. The relative theme score and rank
(``scores``) are attached as context only; they decide nothing.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.catalogue.esc import EscCategory, EscRound, load_rounds, resolved_key_indicators
from analysis.errors import DataError

__all__ = [
    "ELIGIBILITY_COLUMNS",
    "EVIDENCE_COLUMNS",
    "NOMINEE_COLUMNS",
    "STATUSES",
    "esc_eligibility",
    "esc_evidence",
    "esc_nominees",
]

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "round_id",
    "town_id",
    "category",
    "item",
    "role",
    "indicator_id",
    "match",
    "latest_year",
    "latest_value",
    "band",
    "band_label",
    "n_bands",
    "evidence",
)
ELIGIBILITY_COLUMNS: tuple[str, ...] = (
    "round_id",
    "town_id",
    "category",
    "award",
    "criteria",
    "population",
    "population_year",
    "size_class",
    "can_enter",
    "status",
    "n_key",
    "n_mapped",
    "n_evidence",
    "n_best",
    "context_theme",
    "context_score",
    "context_rank",
)
NOMINEE_COLUMNS: tuple[str, ...] = (
    "round_id",
    "category",
    "award",
    "size_class",
    "town_id",
    "candidate_rank",
    "nominee",
    "reason",
)
#: Screening statuses, in the order pages list them.
STATUSES: tuple[str, ...] = (
    "proposable",
    "not_in_best_band",
    "incomplete_evidence",
    "no_evidence",
    "population_unknown",
    "outside_size_classes",
    "criteria_not_published",
)
_SIZE_CLASSES = ("small", "big")


def _latest_lookup(latest: pd.DataFrame) -> dict[tuple[str, str], tuple[int, float]]:
    lat = latest.dropna(subset=["latest_value"])
    return {
        (str(t), str(i)): (int(y), float(v))
        for t, i, y, v in zip(
            lat["town_id"],
            lat["indicator_id"],
            lat["latest_year"],
            lat["latest_value"],
            strict=True,
        )
    }


def esc_evidence(
    latest: pd.DataFrame, town_ids: list[str], rounds: dict[str, EscRound] | None = None
) -> pd.DataFrame:
    """Evidence per round, town, category and key (or context) indicator.

    Parameters
    ----------
    latest : pandas.DataFrame
        The ``latest`` results table (``town_id, indicator_id, latest_year,
        latest_value``).
    town_ids : list of str
        Every town to screen (towns without data get ``no_data`` rows).
    rounds : dict of str to EscRound, optional
        Default: :func:`analysis.catalogue.esc.load_rounds`.

    Returns
    -------
    pandas.DataFrame
        :data:`EVIDENCE_COLUMNS`. ``role`` is ``key`` (``item`` = the key-indicator code,
        ``band`` 1 = best answer band) or ``context`` (``item`` = the indicator id; no
        band: context is never a criterion). ``evidence`` is ``in_band``,
        ``outside_bands``, ``no_data``, ``not_in_catalogue`` or ``context``.

    Examples
    --------
    >>> lat = pd.DataFrame({"town_id": ["a"], "indicator_id": ["aqi_unhealthy_days"],
    ...                     "latest_year": [2024], "latest_value": [12.0]})
    >>> ev = esc_evidence(lat, ["a"])
    >>> int(ev.loc[(ev["round_id"] == "2017_cor3") & (ev["item"] == "A1"), "band"].item())
    1
    """
    rounds = rounds if rounds is not None else load_rounds()
    values = _latest_lookup(latest)
    rows: list[dict[str, object]] = []
    for rnd in rounds.values():
        for cat in rnd.categories:
            keys = resolved_key_indicators(rounds, cat)
            for town in town_ids:
                base = {"round_id": rnd.id, "town_id": town, "category": cat.id}
                for k in keys:
                    hit = values.get((town, k.indicator_id)) if k.indicator_id else None
                    band = k.band_of(hit[1]) if hit else None
                    evidence = (
                        "not_in_catalogue"
                        if k.indicator_id is None
                        else "no_data"
                        if hit is None
                        else "outside_bands"
                        if band is None
                        else "in_band"
                    )
                    rows.append(
                        base
                        | {
                            "item": k.code,
                            "role": "key",
                            "indicator_id": k.indicator_id,
                            "match": k.match,
                            "latest_year": hit[0] if hit else None,
                            "latest_value": hit[1] if hit else math.nan,
                            "band": band,
                            "band_label": k.bands[band - 1].label if band else None,
                            "n_bands": len(k.bands),
                            "evidence": evidence,
                        }
                    )
                for x in cat.context_indicators:
                    hit = values.get((town, x.indicator_id))
                    rows.append(
                        base
                        | {
                            "item": x.indicator_id,
                            "role": "context",
                            "indicator_id": x.indicator_id,
                            "match": None,
                            "latest_year": hit[0] if hit else None,
                            "latest_value": hit[1] if hit else math.nan,
                            "band": None,
                            "band_label": None,
                            "n_bands": 0,
                            "evidence": "context" if hit else "no_data",
                        }
                    )
    out = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
    return out.astype(
        {
            "latest_year": "Int64",
            "latest_value": "float64",
            "band": "Int64",
            "n_bands": "int64",
        }
    )


def _status(cat: EscCategory, size_class: str, n_mapped: int, n_ev: int, n_best: int) -> str:
    if cat.criteria == "not_published":
        return "criteria_not_published"
    if cat.award == "cor" and size_class not in _SIZE_CLASSES:
        return "population_unknown" if size_class == "unknown" else "outside_size_classes"
    if n_ev == 0:
        return "no_evidence"
    if n_ev < n_mapped:
        return "incomplete_evidence"
    return "proposable" if n_best == n_mapped else "not_in_best_band"


def _number(value: object, town: str, column: str) -> float | None:
    """Return a towns-table number, or None when it is blank; anything else is an error."""
    if isinstance(value, str) and not value.strip():
        return None
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        msg = f"towns table, town {town!r}, column {column!r}: expected a number, got {value!r}"
        raise DataError(msg) from None


def _population(towns: pd.DataFrame) -> dict[str, tuple[float | None, int | None]]:
    out: dict[str, tuple[float | None, int | None]] = {}
    for t, p, y in zip(
        towns["town_id"].astype(str), towns["population"], towns["population_year"], strict=True
    ):
        year = _number(y, t, "population_year")
        out[t] = (_number(p, t, "population"), None if year is None else int(year))
    return out


def esc_eligibility(
    evidence: pd.DataFrame,
    towns: pd.DataFrame,
    *,
    scores: pd.DataFrame | None = None,
    rounds: dict[str, EscRound] | None = None,
) -> pd.DataFrame:
    """Eligibility and screening status per round, town and category.

    Parameters
    ----------
    evidence : pandas.DataFrame
        :func:`esc_evidence` output.
    towns : pandas.DataFrame
        ``town_id, population, population_year`` (the towns table).
    scores : pandas.DataFrame, optional
        The relative ``scores`` table, attached as context (never a criterion).
    rounds : dict of str to EscRound, optional
        Default: :func:`analysis.catalogue.esc.load_rounds`.

    Returns
    -------
    pandas.DataFrame
        :data:`ELIGIBILITY_COLUMNS`. ``size_class`` is ``small``, ``big``,
        ``below_smallest``, ``above_biggest`` or ``unknown`` (no population);
        ``can_enter`` is True/False, or missing when the population is unknown;
        ``status`` is one of :data:`STATUSES`.
    """
    rounds = rounds if rounds is not None else load_rounds()
    pops = _population(towns)
    key = evidence.loc[evidence["role"] == "key"]
    flags = pd.DataFrame(
        {
            "mapped": key["evidence"].ne("not_in_catalogue").to_numpy(dtype=int),
            "evidenced": key["evidence"].isin(["in_band", "outside_bands"]).to_numpy(dtype=int),
            "best": key["band"].eq(1).fillna(False).to_numpy(dtype=int),
            "n": 1,
        },
        index=pd.MultiIndex.from_frame(key[["round_id", "town_id", "category"]]),
    )
    sums = flags.groupby(level=[0, 1, 2], sort=False).sum()
    counts = {
        idx: (int(m), int(e), int(b), int(n))
        for idx, m, e, b, n in zip(
            sums.index, sums["mapped"], sums["evidenced"], sums["best"], sums["n"], strict=True
        )
    }
    ctx: dict[tuple[str, str], tuple[float, int]] = {}
    if scores is not None and not scores.empty:
        ctx = {
            (str(t), str(th)): (float(s), int(r))
            for t, th, s, r in zip(
                scores["town_id"], scores["theme"], scores["score"], scores["rank"], strict=True
            )
        }
    rows: list[dict[str, object]] = []
    for rnd in rounds.values():
        for town in sorted(pops):
            pop, year = pops[town]
            size_class = rnd.size_class_of(pop)
            for cat in rnd.categories:
                n_mapped, n_ev, n_best, n_key = counts.get((rnd.id, town, cat.id), (0, 0, 0, 0))
                if cat.award == "esc":
                    can_enter: bool | None = True
                else:
                    can_enter = None if size_class == "unknown" else size_class in _SIZE_CLASSES
                theme = cat.themes[0] if cat.themes else "overall"
                score, rank = ctx.get((town, theme), (math.nan, None))
                rows.append(
                    {
                        "round_id": rnd.id,
                        "town_id": town,
                        "category": cat.id,
                        "award": cat.award,
                        "criteria": cat.criteria,
                        "population": pop,
                        "population_year": year,
                        "size_class": size_class,
                        "can_enter": can_enter,
                        "status": _status(cat, size_class, n_mapped, n_ev, n_best),
                        "n_key": n_key,
                        "n_mapped": n_mapped,
                        "n_evidence": n_ev,
                        "n_best": n_best,
                        "context_theme": theme,
                        "context_score": score,
                        "context_rank": rank,
                    }
                )
    out = pd.DataFrame(rows, columns=list(ELIGIBILITY_COLUMNS))
    return out.astype(
        {
            "population": "float64",
            "population_year": "Int64",
            "can_enter": "boolean",
            "context_score": "float64",
            "context_rank": "Int64",
        }
    )


def _order(
    cands: pd.DataFrame,
    evidence: pd.DataFrame,
    rounds: dict[str, EscRound],
    rnd: EscRound,
    cat: EscCategory,
) -> list[str]:
    """Return the candidate towns of one slot, best first (see the module docstring)."""
    keys = [k for k in resolved_key_indicators(rounds, cat) if k.indicator_id]
    ev = evidence.loc[
        (evidence["round_id"] == rnd.id)
        & (evidence["category"] == cat.id)
        & (evidence["role"] == "key")
    ]
    first = keys[0] if keys else None
    sign = 1.0 if first is not None and first.direction == "lower_is_better" else -1.0
    lead = (
        ev.loc[ev["item"] == first.code].set_index("town_id")["latest_value"].to_dict()
        if first is not None
        else {}
    )
    years = ev.groupby("town_id")["latest_year"].max().to_dict()
    sort_rows = []
    for town, n_best in zip(cands["town_id"], cands["n_best"], strict=True):
        v = lead.get(town, math.nan)
        value = sign * float(v) if pd.notna(v) else math.inf  # no value: last
        year = years.get(town)
        sort_rows.append((-int(n_best), value, -(int(year) if pd.notna(year) else 0), town))
    return [r[-1] for r in sorted(sort_rows)]


def esc_nominees(
    eligibility: pd.DataFrame,
    evidence: pd.DataFrame,
    rounds: dict[str, EscRound] | None = None,
) -> pd.DataFrame:
    """Propose nominees per round under its quota, from the proposable towns only.

    Parameters
    ----------
    eligibility : pandas.DataFrame
        :func:`esc_eligibility` output.
    evidence : pandas.DataFrame
        :func:`esc_evidence` output (for the tie-break between candidates of one slot).
    rounds : dict of str to EscRound, optional
        Default: :func:`analysis.catalogue.esc.load_rounds`.

    Returns
    -------
    pandas.DataFrame
        :data:`NOMINEE_COLUMNS`: one row per proposable town and slot (round, category,
        size class; ``any`` for the ESC Award). ``nominee`` is True for the towns proposed
        under the quota; ``reason`` is ``proposed``, ``alternate`` (the slot is taken by a
        town ahead of it) or ``over_quota`` (the round's COR total is used up).
    """
    rounds = rounds if rounds is not None else load_rounds()
    rows: list[dict[str, object]] = []
    for rnd in rounds.values():
        cor_left = rnd.quota.cor_total
        mine = eligibility.loc[
            (eligibility["round_id"] == rnd.id) & (eligibility["status"] == "proposable")
        ]
        for cat in rnd.categories:
            cands = mine.loc[mine["category"] == cat.id]
            slots = (
                [("any", cands)]
                if cat.award == "esc"
                else [(c, cands.loc[cands["size_class"] == c]) for c in _SIZE_CLASSES]
            )
            for size_class, group in slots:
                if group.empty:
                    continue
                per_slot = (
                    rnd.quota.esc_award
                    if cat.award == "esc"
                    else rnd.quota.cor_per_category_and_class
                )
                for i, town in enumerate(_order(group, evidence, rounds, rnd, cat), start=1):
                    if i > per_slot:
                        reason = "alternate"
                    elif cat.award == "cor" and cor_left <= 0:
                        reason = "over_quota"
                    else:
                        reason = "proposed"
                        if cat.award == "cor":
                            cor_left -= 1
                    rows.append(
                        {
                            "round_id": rnd.id,
                            "category": cat.id,
                            "award": cat.award,
                            "size_class": size_class,
                            "town_id": town,
                            "candidate_rank": i,
                            "nominee": reason == "proposed",
                            "reason": reason,
                        }
                    )
    out = pd.DataFrame(rows, columns=list(NOMINEE_COLUMNS))
    return out.astype({"candidate_rank": "int64", "nominee": "bool"})
