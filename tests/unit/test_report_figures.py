"""Figures: Buddhist Era year ticks in Thai, CE in English, Sarabun, and alt text."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.report import figures
from analysis.report.figure_block import figure
from analysis.synthetic.series import TownTraits, generate_series


@pytest.fixture(scope="module")
def series():
    return generate_series([TownTraits("demo")], load_catalogue(), years=range(2012, 2025))


def _years(fig) -> list[int]:
    """Year labels of the ticks inside each visible axis' view (as drawn)."""
    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        lo, hi = sorted(ax.get_xlim())
        for pos, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
            if lo <= pos <= hi and label.get_text().strip().isdigit():
                out.append(int(label.get_text()))
    return out


@pytest.mark.parametrize(("lang", "lo", "hi"), [("th", 2555, 2567), ("en", 2012, 2024)])
def test_trend_chart_years(series, lang: str, lo: int, hi: int) -> None:
    fig = figures.trend_chart(series, load_catalogue(), "air", get_translator(lang))
    years = _years(fig)
    plt.close(fig)
    assert years, "no year tick labels"
    assert all(lo - 1 <= y <= hi + 1 for y in years), years


def test_trend_chart_titles_in_thai_and_sarabun(series) -> None:
    fig = figures.trend_chart(series, load_catalogue(), "water", get_translator("th"))
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert len(titles) == 4
    assert all(any("\u0e00" <= c <= "\u0e7f" for c in t) for t in titles)
    family = fig.axes[0].title.get_fontfamily()
    plt.close(fig)
    assert "Sarabun" in family


def test_standard_step_follows_the_dates() -> None:
    ind = load_catalogue().get("pm25_24h_max")
    s = figures.standard_in_force_series(ind, [2022, 2023, 2024], "thai")
    # in force on 1 January: 37.5 (from 1 Jun 2023) applies from 2024
    assert s.tolist() == [50.0, 50.0, 37.5]
    assert figures.standard_in_force_series(ind, [2024], "asean").isna().all()


def test_projection_chart_years_are_buddhist_era() -> None:
    rows = pd.DataFrame(
        {
            "indicator_id": ["pm25_annual"] * 4,
            "year": [2020, 2024, 2030, 2037],
            "mean": [20.0, 18.0, 15.0, 12.0],
            "lo": [None, None, 12.0, 8.0],
            "hi": [None, None, 18.0, 16.0],
            "kind": ["observed", "observed", "projected", "projected"],
        }
    )
    fig = figures.projection_chart(
        rows,
        load_catalogue(),
        "air",
        get_translator("th"),
        phases=[(2023, 2027), (2028, 2032), (2033, 2037)],
    )
    years = _years(fig)
    plt.close(fig)
    assert years and min(years) >= 2560 and max(years) <= 2582


def test_coverage_heatmap_years(series) -> None:
    fig = figures.coverage_heatmap(series, load_catalogue(), get_translator("th"))
    years = _years(fig)
    plt.close(fig)
    assert years and min(years) >= 2555 and max(years) <= 2567


def test_figure_block_embeds_png_with_escaped_alt(series) -> None:
    fig = figures.trend_chart(series, load_catalogue(), "green", get_translator("en"))
    block = figure(fig, alt='a "chart" <of> green', caption="cap <x>")
    assert block.html.startswith('<figure class="report-figure"><img src="data:image/png;base64,')
    assert 'alt="a &quot;chart&quot; &lt;of&gt; green"' in block.html
    assert "<figcaption>cap &lt;x&gt;</figcaption>" in block.html
    assert not plt.fignum_exists(fig.number)


def test_projection_chart_axis_not_stretched_by_interval_and_withheld_note() -> None:
    from analysis.stats.projection import projection_table  # noqa: PLC0415

    cat = load_catalogue()
    rng = [31.0, 27.5, 24.1, 19.8, 35.2, 22.6]  # six points: withheld
    wide = pd.DataFrame(
        {
            "town_id": "t",
            "indicator_id": "pm25_24h_max",
            "year": range(2012, 2025),
            "value": [60, 90, 55, 120, 70, 40, 110, 65, 95, 50, 100, 60, 85.0],
        }
    )
    short = pd.DataFrame(
        {"town_id": "t", "indicator_id": "pm25_annual", "year": range(2019, 2025), "value": rng}
    )
    proj = projection_table(pd.concat([wide, short]), cat)
    fig = figures.projection_chart(proj, cat, "air", get_translator("en"))
    fig.canvas.draw()
    by_title = {}
    for ax in fig.axes:
        if ax.get_visible() and ax.get_title(loc="left"):
            by_title[ax.get_title(loc="left").replace("\n", " ")] = ax
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    plt.close(fig)
    assert any("Not projected: 6 values, 8 needed" in t for t in texts)
    ax_short = next(a for t, a in by_title.items() if t.startswith("PM2.5 annual"))
    lo, hi = ax_short.get_ylim()
    assert lo >= 0 and hi < 45  # data 19.8-35.2 and the target 15, padded
    ax_wide = next(a for t, a in by_title.items() if "24-hour" in t)
    p = proj[(proj["indicator_id"] == "pm25_24h_max") & (proj["kind"] == "projected")]
    lo, hi = ax_wide.get_ylim()
    assert lo >= 0 and hi < p["hi"].max()  # the interval is cut off, not the axis stretched
    assert hi >= max(p["mean"].max(), 120)


def test_projection_panel_data_is_one_row_per_year_of_what_the_panel_draws() -> None:
    ind = load_catalogue().get("pm25_annual")  # target 15.0 in 2037
    nan = float("nan")
    rows = pd.DataFrame(
        {
            "indicator_id": ["pm25_annual"] * 7 + ["other"],
            "kind": pd.Categorical(
                [
                    "observed",
                    "observed",
                    "fitted",
                    "projected",
                    "projected",
                    "withheld",
                    "observed",
                    "observed",
                ]
            ),
            "year": [2020, 2021, 2021, 2030, 2031, 2040, 2021, 2019],
            "mean": [30.0, 28.0, 28.5, 20.0, 19.0, nan, 27.0, 99.0],
            "lo": [nan, nan, nan, 15.0, 13.0, nan, nan, nan],
            "hi": [nan, nan, nan, 25.0, 26.0, nan, nan, nan],
        }
    )
    data = figures.projection_panel_data(rows, ind)
    expected = pd.DataFrame(
        {
            "year": [2020, 2021, 2030, 2031, 2037],  # withheld and other rows' years left out
            "observed": [30.0, 27.0, nan, nan, nan],  # a repeated year: the later row
            "fitted": [nan, 28.5, nan, nan, nan],
            "projected": [nan, nan, 20.0, 19.0, nan],
            "lo": [nan, nan, 15.0, 13.0, nan],
            "hi": [nan, nan, 25.0, 26.0, nan],
            "target": [nan, nan, nan, nan, 15.0],
        }
    )
    pd.testing.assert_frame_equal(data, expected, check_exact=True)
    empty = figures.projection_panel_data(rows.iloc[:0], ind)
    assert list(empty["year"]) == [2037] and list(empty["target"]) == [15.0]
    assert empty["year"].dtype == "int64"
