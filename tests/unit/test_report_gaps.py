"""Partial data (issue 12, item 7) and relative scores (item 6): panels, no-data tables, markers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from analysis.batch.runinfo import JobRecord, RunTotals
from analysis.batch.worker import notebook_warnings
from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.report import figures, gaps
from analysis.report.params import RunParams
from analysis.report.render import sanitise_html

NAN_ROWS = pd.DataFrame(
    {
        "town_id": "mueang-nan",
        "indicator_id": ["pm25_annual"] * 3 + ["pm25_24h_max", "pm10_annual"],
        "year": [2021, 2022, 2023, 2022, 2022],
        "value": [24.0, 26.7, 29.5, 121.0, float("nan")],  # pm10: a row without a value
    }
)


def _visible(fig) -> list[plt.Axes]:
    return [ax for ax in fig.axes if ax.get_visible()]


def _texts(ax: plt.Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


# ------------------------------------------------------------------ panel selection


def test_panel_indicators_are_those_with_a_value_in_catalogue_order() -> None:
    cat = load_catalogue()
    ids = [i.id for i in figures.panel_indicators(NAN_ROWS, cat, "air")]
    assert ids == ["pm25_annual", "pm25_24h_max"]  # pm10 has a row but no value
    assert figures.panel_indicators(NAN_ROWS, cat, "water") == []
    assert figures.panel_indicators(NAN_ROWS.iloc[0:0], cat, "air") == []


def test_projection_rows_select_panels_by_their_observed_mean() -> None:
    proj = pd.DataFrame(
        {
            "indicator_id": ["river_bod", "river_bod", "river_do"],
            "kind": ["observed", "projected", "projected"],
            "mean": [3.0, 2.9, 5.0],
        }
    )
    observed = proj[proj["kind"] == "observed"]
    ids = [
        i.id for i in figures.panel_indicators(observed, load_catalogue(), "water", column="mean")
    ]
    assert ids == ["river_bod"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_trend_chart_draws_only_panels_with_data(lang: str) -> None:
    fig = figures.trend_chart(NAN_ROWS, load_catalogue(), "air", get_translator(lang))
    axes = _visible(fig)
    not_published = get_translator(lang)("report.not_published")
    try:
        assert len(axes) == 2  # the air theme has 4 indicators, 2 with data
        for ax in axes:
            assert not_published not in _texts(ax)
            data_lines = [
                ln for ln in ax.get_lines() if len(ln.get_xdata()) and ln.get_marker() == "o"
            ]
            assert data_lines, f"panel {ax.get_title(loc='left')!r} has no data line"
    finally:
        plt.close(fig)


def test_trend_chart_one_year_panel_has_a_readable_axis_and_its_standards() -> None:
    fig = figures.trend_chart(NAN_ROWS, load_catalogue(), "air", get_translator("en"))
    one_year = _visible(fig)[1]  # pm25_24h_max: only 2022
    try:
        lo, hi = one_year.get_xlim()
        assert 2020 <= lo < 2022 < hi <= 2024  # not matplotlib's default +-100 years
        assert len(one_year.get_lines()) >= 2  # the value and at least the Thai limit
        top = one_year.get_ylim()[1]
        assert top >= 121  # the point is inside the axis
    finally:
        plt.close(fig)


def test_trend_chart_without_any_panel_raises() -> None:
    with pytest.raises(ValueError, match="nothing to chart"):
        figures.trend_chart(NAN_ROWS, load_catalogue(), "water", get_translator("en"))


def test_small_multiples_refuses_zero_panels() -> None:
    with pytest.raises(ValueError, match="at least one panel"):
        figures.small_multiples(0)


# ------------------------------------------------------------------ no-data table


def test_indicators_without_data_lists_the_rest_of_the_theme() -> None:
    # the catalogue's air indicators, in catalogue order, less the two with values (pm10
    # has a row without a value, so it counts as missing); a researcher may add more
    air = [i.id for i in load_catalogue().indicators if i.theme == "air" and not i.measured_only]
    rest = [i for i in air if i not in {"pm25_annual", "pm25_24h_max"}]
    assert {"pm10_annual", "aqi_unhealthy_days"} <= set(rest)
    assert gaps.indicators_without_data(NAN_ROWS, "air") == rest
    assert gaps.indicators_without_data(NAN_ROWS, "air", drawn=["pm10_annual"]) == [
        i for i in rest if i != "pm10_annual"
    ]
    water = [i.id for i in load_catalogue().indicators if i.theme == "water"]
    assert gaps.indicators_without_data(NAN_ROWS, "water") == water


@pytest.mark.parametrize("lang", ["th", "en"])
def test_no_data_table_names_indicators_needs_and_form_link(lang: str) -> None:
    run = RunParams(town_id="mueang-nan", lang=lang)
    html = gaps.no_data_table(run, "air", ["pm10_annual", "aqi_unhealthy_days"]).html
    cat = load_catalogue()
    for ind_id in ("pm10_annual", "aqi_unhealthy_days"):
        ind = cat.get(ind_id)
        assert (ind.name_th if lang == "th" else ind.name_en) in html
    assert html.count("<tr>") == 3  # header + one row per indicator: compact
    needed = gaps.needed_text(run)
    assert str(gaps.min_trend_points()) in needed and str(gaps.min_projection_points()) in needed
    assert f'href="{gaps.FORM_HREF}"' in html
    assert "ecoplan template --town mueang-nan" in html
    assert "no-data-yet" in html
    assert "<!-- ecoplan-warning: no data yet (air): pm10_annual, aqi_unhealthy_days -->" in html
    # the form link survives the page sanitiser, the marker does not reach the page
    clean = sanitise_html(html)
    assert f'href="{gaps.FORM_HREF}"' in clean and "ecoplan-warning" not in clean


def test_no_data_table_is_empty_without_missing_indicators() -> None:
    assert gaps.no_data_table(RunParams(town_id="x", lang="en"), "air", []).html == ""


def test_needed_text_uses_the_stats_constants() -> None:
    from analysis.stats.panel import MIN_POINTS  # noqa: PLC0415

    assert gaps.min_trend_points() == MIN_POINTS
    assert gaps.min_projection_points() >= MIN_POINTS
    text = gaps.needed_text(RunParams(town_id="x", lang="en"))
    assert f"at least {MIN_POINTS} years a trend" in text


def test_sanitiser_still_drops_other_relative_links() -> None:
    assert "href" not in sanitise_html('<a href="../other.xlsx">x</a>')


# ------------------------------------------------------------------ build warnings


def test_warning_markers_are_collected_from_html_outputs_only() -> None:
    nb = nbformat.v4.new_notebook()
    marker = gaps.warning_marker("no data yet (air): pm10_annual")
    out = nbformat.v4.new_output("display_data", data={"text/html": marker, "text/plain": marker})
    again = nbformat.v4.new_output("display_data", data={"text/html": [marker]})
    nb.cells.append(nbformat.v4.new_code_cell("report.trend_chart(run, 'air')", outputs=[out]))
    nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[again]))
    nb.cells.append(nbformat.v4.new_code_cell(f"print({marker!r})"))  # source is not output
    assert notebook_warnings(nb) == ["no data yet (air): pm10_annual"]
    assert notebook_warnings(nbformat.v4.new_notebook()) == []


def test_warning_marker_cannot_close_the_comment_early() -> None:
    marker = gaps.warning_marker("a --> <b>")
    assert marker.count("-->") == 1 and "<b>" not in marker


def test_run_json_schema_has_built_with_warnings() -> None:
    rec = JobRecord(
        town_id="takhli",
        lang="en",
        appendix="b",
        status="built_with_warnings",
        seconds=1.0,
        cell_seconds=0.5,
        input_hash="x",
        warnings=["no indicator data for this town"],
    )
    assert rec.model_dump()["warnings"] == ["no indicator data for this town"]
    totals = RunTotals(jobs=1, built=1, skipped=0, failed=0, towns=1, towns_failed=0)
    assert totals.warnings == 0  # older run.json files stay valid


# ------------------------------------------------------------------ relative scores (item 6)


def test_score_heatmap_is_neutral_and_labelled_relative() -> None:
    scores = pd.DataFrame(
        {
            "town_id": ["a", "a", "b", "b"],
            "theme": ["air", "overall", "air", "overall"],
            "score": [100.0, 100.0, 13.0, 13.0],
        }
    )
    tr = get_translator("en")
    fig = figures.score_heatmap(scores, {"a": "A", "b": "B"}, tr)
    try:
        mesh = fig.axes[0].collections[0]
        assert mesh.get_cmap().name == figures.SCORE_CMAP
        assert figures.SCORE_CMAP not in {"RdYlGn", "RdYlGn_r", "RdYlBu", "RdBu"}
        cbar_title = mesh.colorbar.ax.get_title(loc="left").replace("\n", " ")
        assert "Relative" in cbar_title and "2 towns" in cbar_title and "not a grade" in cbar_title
    finally:
        plt.close(fig)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_score_strings_say_relative_not_grade(lang: str) -> None:
    tr = get_translator(lang)
    word = "เชิงเปรียบเทียบ" if lang == "th" else "Relative"
    assert word.lower() in tr("report.x.heatmap_caption", n=5).lower()
    assert word.lower() in tr("report.e.col_score").lower()
    assert word.lower() in tr("site.col.scores").lower()
    assert "5" in tr("report.e.score_note", n=5)
