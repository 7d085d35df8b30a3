"""A pooled panel figure draws exactly the image a new figure draws (issue 18).

:mod:`analysis.report.panelpool` reuses the figure of a one-panel chart. Every trend and
projection panel of three synthetic towns (a long series, a short one with gaps, a
one-year series), in both languages and in two orders, is drawn twice: once on a new
figure each time and once on the pool's. The embedded PNGs must be byte-identical.
"""

from __future__ import annotations

import random

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.report import figure_block, figures, panelpool
from analysis.stats.projection import projection_table
from analysis.synthetic.series import TownTraits, generate_series

PHASES = [(2023, 2027), (2028, 2032), (2033, 2037)]


@pytest.fixture(scope="module")
def panels() -> list[tuple[str, str, pd.DataFrame, pd.DataFrame]]:
    """(kind, indicator id, data, projection rows) of every panel of three towns."""
    cat = load_catalogue()
    long = generate_series([TownTraits("long", north=True)], cat, years=range(2008, 2025))
    short = generate_series([TownTraits("short", rural=True)], cat, years=range(2019, 2025))
    short = short[short["year"] != 2021]  # a gap
    one = generate_series([TownTraits("one")], cat, years=[2024])
    out = []
    for town, raw in (("long", long), ("short", short), ("one", one)):
        series = raw.assign(town_id=town)
        projections = projection_table(series, cat)
        for ind in cat.indicators:
            if not series.loc[series["indicator_id"] == ind.id, "value"].notna().any():
                continue
            out.append(("trend", ind.id, figures.trend_panel_data(series, ind), projections))
            rows = projections[projections["indicator_id"].astype(str) == ind.id]
            if (rows["kind"].astype(str) == "observed").any():
                out.append(("projection", ind.id, figures.projection_panel_data(rows, ind), rows))
    return out


def _image(kind: str, ind_id: str, data: pd.DataFrame, rows: pd.DataFrame, lang: str) -> str:
    cat = load_catalogue()
    ind, tr = cat.get(ind_id), get_translator(lang)
    if kind == "trend":
        fig = figures.trend_panel(data, ind, cat, tr)
    else:
        fig = figures.projection_panel(data, rows, ind, cat, tr, phases=PHASES)
    note = figures.axis_note(fig, tr)
    block = figure_block.figure(
        fig, alt=note, trim=False, watermark="synthetic", source="source: x"
    )
    return str(block)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_pooled_figure_draws_the_same_png_as_a_new_one(panels, lang: str) -> None:
    assert {k for k, *_ in panels} == {"trend", "projection"}
    fresh = []
    for panel in panels:
        panelpool.clear()  # a new figure every time
        fresh.append(_image(*panel, lang))
    for order in (
        list(range(len(panels))),
        random.Random(18).sample(range(len(panels)), len(panels)),
    ):
        panelpool.clear()
        pooled = {k: _image(*panels[k], lang) for k in order}
        differ = [panels[k][:2] for k in order if pooled[k] != fresh[k]]
        assert not differ, f"{len(differ)} of {len(panels)} panels differ, e.g. {differ[:3]}"


def test_the_pool_reuses_and_never_hands_out_a_figure_twice() -> None:
    panelpool.clear()
    first, _ = figures.one_panel(2)
    second, _ = figures.one_panel(2)  # the first is still in use
    assert first is not second
    assert panelpool.release(first) and panelpool.release(second)
    again, _ = figures.one_panel(2)
    assert again in (first, second) and panelpool.is_pooled(again)
    assert not panelpool.release(plt.figure())  # not a pool figure: ignored
    plt.close("all")


def test_pool_figures_are_not_pyplot_figures() -> None:
    """A notebook shows pyplot's open figures after each cell: a pooled one must not be."""
    panelpool.clear()
    plt.close("all")
    fig, _ = figures.one_panel(1)
    assert plt.get_fignums() == []
    figure_block.figure(fig, alt="x", trim=False)
    assert plt.get_fignums() == []
    assert panelpool.is_pooled(figures.one_panel(1)[0])
