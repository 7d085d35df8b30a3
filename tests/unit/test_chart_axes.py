"""Chart rules of issue 15: y-axes from zero (or a note), watermark clear, data tables.

* every chart function draws a count, share or concentration (or per-person amount) on a
  y-axis that starts at zero; any other value axis that does not start at zero gets the
  "does not start at zero" note (:func:`analysis.report.figures.axis_note`);
* the synthetic watermark and the source line never overlap a tick label, axis label,
  title or legend, for every chart kind;
* each panel of a small-multiple chart is its own image with a folded table of exactly
  the values drawn, Buddhist Era years on Thai pages;
* the plan phases of appendix C are labelled.
"""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from analysis.catalogue import load_catalogue
from analysis.i18n import get_translator
from analysis.report import air, chartgrid, figure_block, figures
from analysis.report.fmt import fmt_number
from analysis.report.params import RunParams
from analysis.site import national
from analysis.stats.projection import projection_table
from analysis.style import use_report_style
from analysis.synthetic.series import TownTraits, generate_series

PHASES = [(2023, 2027), (2028, 2032), (2033, 2037)]
NOTE = {lang: get_translator(lang)("report.axis.not_from_zero") for lang in ("th", "en")}


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    rows = generate_series([TownTraits("demo")], load_catalogue(), years=range(2012, 2025))
    return rows.assign(town_id="demo")


@pytest.fixture(scope="module")
def projections(series: pd.DataFrame) -> pd.DataFrame:
    return projection_table(series, load_catalogue())


def _value_axes(fig: Figure) -> list[plt.Axes]:
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_gid() == figures.VALUE_AXIS_GID]


def _check_rule(fig: Figure, unit: str, lang: str = "en") -> None:
    """Zero-based unit: every value axis starts at 0; otherwise a note iff it does not."""
    fig.canvas.draw()
    axes = _value_axes(fig)
    assert axes, "the chart marks no value axis"
    lows = [ax.get_ylim()[0] for ax in axes]
    note = figures.axis_note(fig, get_translator(lang))
    if figures.axis_includes_zero(unit):
        assert lows == [0.0] * len(lows), (unit, lows)
        assert note == ""
    else:
        assert (note == NOTE[lang]) == any(lo != 0 for lo in lows), (unit, lows, note)


def test_the_rule_covers_every_catalogue_unit() -> None:
    cat = load_catalogue()
    # every catalogue unit says what it measures (a required field of the catalogue)
    assert all(figures.unit_quantity(u) == info.quantity for u, info in cat.units.items())
    zero = {u for u in cat.units if figures.axis_includes_zero(u)}
    assert {"percent", "ug_m3", "mg_l", "days", "species"} <= zero
    assert not figures.axis_includes_zero("index")


def test_every_panel_follows_the_axis_rule(series, projections) -> None:
    cat = load_catalogue()
    tr = get_translator("en")
    seen_units = set()
    for ind in cat.indicators:
        if not series.loc[series["indicator_id"] == ind.id, "value"].notna().any():
            continue
        data = figures.trend_panel_data(series, ind)
        fig = figures.trend_panel(data, ind, cat, tr)
        _check_rule(fig, ind.unit)
        plt.close(fig)
        rows = projections[projections["indicator_id"].astype(str) == ind.id]
        fig = figures.projection_panel(
            figures.projection_panel_data(rows, ind), rows, ind, cat, tr, phases=PHASES
        )
        _check_rule(fig, ind.unit)
        plt.close(fig)
        seen_units.add(ind.unit)
    assert {"percent", "ug_m3", "days", "index"} <= seen_units


@pytest.mark.parametrize("theme", ["air", "water", "waste", "green", "biodiversity"])
def test_small_multiples_follow_the_axis_rule(series, projections, theme: str) -> None:
    cat = load_catalogue()
    tr = get_translator("th")
    for fig, rows, col in (
        (figures.trend_chart(series, cat, theme, tr), series, "value"),
        (
            figures.projection_chart(projections, cat, theme, tr, phases=PHASES),
            projections[projections["kind"].astype(str) == "observed"],
            "mean",
        ),
    ):
        fig.canvas.draw()
        inds = figures.panel_indicators(rows, cat, theme, column=col)
        axes = _value_axes(fig)
        assert len(axes) == len(inds)
        for ax, ind in zip(axes, inds, strict=True):
            if figures.axis_includes_zero(ind.unit):
                assert ax.get_ylim()[0] == 0.0, (theme, ind.id)
        plt.close(fig)


def _daily(days: int = 400) -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=days, freq="D")
    values = 30 + 20 * np.sin(np.arange(days) / 58.0) + np.arange(days) % 7
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "value": values})


def test_seasonal_chart_starts_at_zero_and_its_table_is_the_box_plot() -> None:
    tr = get_translator("th")
    daily = _daily()
    fig = air.seasonal_chart(daily, "pm25", tr)
    _check_rule(fig, "ug_m3", "th")
    boxes = fig.axes[0].lines  # medians are drawn as lines: check one month against the table
    plt.close(fig)
    data = air.seasonal_chart_data(daily, "pm25", tr)
    assert len(data) == 14 and data["days"].sum() == 400  # Jan 2023 .. Feb 2024
    jan = daily[daily["date"].str.startswith("2023-01")]["value"]
    assert data["med"].iloc[0] == pytest.approx(float(jan.median()))
    assert data["month"].iloc[0].endswith("2566")  # Buddhist Era
    assert data["standard"].iloc[0] == 50.0  # the 24-hour standard in force that month
    assert data["standard"].iloc[-1] == 37.5  # ... and from 1 June 2023
    assert boxes


def _national_figures(monkeypatch: pytest.MonkeyPatch, towns: int, unit_key: str) -> Figure:
    saved: list[Figure] = []
    real = Figure.savefig

    def spy(fig: Figure, *args: object, **kwargs: object) -> None:
        fig.canvas.draw()
        saved.append(fig)
        real(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    rng = np.random.default_rng(1)
    values = pd.DataFrame(
        [
            {"town_id": f"t{k}", "year": y, "value": 60 + 10 * rng.random()}
            for k in range(towns)
            for y in range(2018, 2025)
        ]
    )
    html = national._chart(
        values,
        {f"t{k}": f"เมือง {k}" for k in range(towns)},
        lang="th",
        title="ดัชนี",
        unit="ดัชนี",
        mark="ข้อมูลสังเคราะห์",
        unit_key=unit_key,
    )
    assert '<div class="chart-data"><details><summary>' in html
    assert '<span class="chart-data-label">ตารางข้อมูลของแผนภูมิ</span>' in html
    assert "2567" in html and "2024" not in html
    return saved[0], html


@pytest.mark.parametrize("towns", [3, 15])  # one line per town; median and middle half
def test_national_chart_follows_the_axis_rule(monkeypatch, towns: int) -> None:
    fig, html = _national_figures(monkeypatch, towns, "percent")
    assert fig.axes[0].get_ylim()[0] == 0.0
    assert NOTE["th"] not in html
    fig, html = _national_figures(monkeypatch, towns, "index")
    assert fig.axes[0].get_ylim()[0] > 0
    assert html.count(NOTE["th"]) == 2  # alt text and caption


def _chart_kinds(series: pd.DataFrame, projections: pd.DataFrame) -> dict[str, Figure]:
    cat = load_catalogue()
    tr = get_translator("th")
    ind = cat.get("pm25_annual")
    rows = projections[projections["indicator_id"].astype(str) == ind.id]
    scores = pd.DataFrame(
        [
            {"town_id": t, "theme": th, "score": s}
            for t, s in (("a", 10.0), ("b", 90.0))
            for th in ("air", "water", "overall")
        ]
    )
    return {
        "trend_panel": figures.trend_panel(figures.trend_panel_data(series, ind), ind, cat, tr),
        "projection_panel": figures.projection_panel(
            figures.projection_panel_data(rows, ind), rows, ind, cat, tr, phases=PHASES
        ),
        "trend_chart": figures.trend_chart(series, cat, "air", tr),
        "projection_chart": figures.projection_chart(projections, cat, "air", tr, phases=PHASES),
        "coverage_heatmap": figures.coverage_heatmap(series, cat, tr),
        "score_heatmap": figures.score_heatmap(scores, {"a": "เมือง ก", "b": "เมือง ข"}, tr),
        "seasonal_chart": air.seasonal_chart(_daily(), "pm25", tr),
    }


def _labels(fig: Figure, renderer: object) -> list[tuple[str, object]]:
    """Extents of every tick label, axis label, title and legend of the figure."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            out.append((f"{axis.axis_name}label", axis.label.get_window_extent(renderer)))
            out += [
                (f"{axis.axis_name}tick", t.get_window_extent(renderer))
                for t in axis.get_ticklabels()
                if t.get_visible() and t.get_text()
            ]
        for title in (ax.title, ax._left_title, ax._right_title):
            if title.get_text():
                out.append(("title", title.get_window_extent(renderer)))
        if ax.get_legend() is not None:
            out.append(("legend", ax.get_legend().get_window_extent(renderer)))
    out += [("figlegend", leg.get_window_extent(renderer)) for leg in fig.legends]
    return out


def test_watermark_and_source_never_overlap_labels(series, projections) -> None:
    use_report_style()
    for kind, fig in _chart_kinds(series, projections).items():
        figure_block.add_marks(fig, watermark="ข้อมูลสังเคราะห์เพื่อการสาธิต", source="ที่มา: กรมควบคุมมลพิษ")
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        marks = {t.get_gid(): t.get_window_extent(renderer) for t in fig.texts if t.get_gid()}
        assert set(marks) == {"ecoplan-watermark", "ecoplan-source"}, kind
        figure_box = fig.bbox
        for gid, box in marks.items():
            assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1 + 1, (kind, gid)
            assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1 + 1, (kind, gid)
            for what, other in _labels(fig, renderer):
                assert not box.overlaps(other), (kind, gid, what)
        plt.close(fig)


def _marks(rows: pd.DataFrame, mark: str) -> dict[str, str]:
    return dict.fromkeys(rows["indicator_id"].astype(str).unique(), mark)


def _drawn_marks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the watermark drawn into each image, in page order."""
    drawn: list[str] = []
    real = figure_block.add_marks

    def spy(
        fig: Figure, *, watermark: str = "", source: str = "", mark_strip: bool = False
    ) -> None:
        drawn.append(watermark)
        real(fig, watermark=watermark, source=source, mark_strip=mark_strip)

    monkeypatch.setattr(figure_block, "add_marks", spy)
    return drawn


@pytest.mark.parametrize("grid", ["trend", "projection"])
def test_each_panel_carries_its_own_indicators_watermark(
    series, projections, monkeypatch, grid: str
) -> None:
    """A real indicator's panel has no synthetic mark on a page whose other panels do."""
    cat = load_catalogue()
    rows = series if grid == "trend" else projections
    column = "value" if grid == "trend" else "mean"
    observed = rows if grid == "trend" else rows[rows["kind"].astype(str) == "observed"]
    inds = [i.id for i in figures.panel_indicators(observed, cat, "air", column=column)]
    assert len(inds) >= 2
    real = inds[1]
    marks = {**_marks(rows, "synthetic"), real: ""}
    drawn = _drawn_marks(monkeypatch)
    run = RunParams(lang="en")

    def sizes(marks: dict[str, str]) -> list[tuple[int, int]]:
        if grid == "trend":
            html = chartgrid.trend_grid(rows, run, "air", caption="cap", marks=marks).html
        else:
            html = chartgrid.projection_grid(
                rows, run, "air", phases=PHASES, caption="cap", marks=marks
            ).html
        pngs = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
        return [Image.open(io.BytesIO(base64.b64decode(p))).size for p in pngs]

    mixed = sizes(marks)
    assert drawn == ["" if i == real else "synthetic" for i in inds]
    # the unmarked panel keeps an empty strip: each panel is as tall as when all are marked
    assert mixed == sizes(_marks(rows, "synthetic"))
    assert mixed != sizes(_marks(rows, ""))


def test_chart_marks_follow_each_indicators_rows(series, monkeypatch) -> None:
    """Real rows only: no mark; any synthetic row: the mark; no rows: the page's mark."""
    from analysis.report import sections  # noqa: PLC0415 - the module under test

    rows = series.assign(is_synthetic=True)
    rows.loc[rows["indicator_id"] == "pm25_annual", "is_synthetic"] = False
    mixed = rows.index[rows["indicator_id"] == "green_space_per_capita"][:1]
    rows.loc[rows["indicator_id"] == "green_space_per_capita", "is_synthetic"] = False
    rows.loc[mixed, "is_synthetic"] = True
    rows = rows[rows["indicator_id"] != "river_wqi"]
    monkeypatch.setattr(sections, "rows_for", lambda run: rows)
    run = RunParams(lang="en")
    label = run.tr("report.synthetic_short")
    marks = sections.chart_marks(run)
    assert set(marks) >= set(load_catalogue().ids)
    assert marks["pm25_annual"] == ""
    assert marks["green_space_per_capita"] == label
    assert marks["river_wqi"] == label  # no rows: the page's (synthetic) mark
    monkeypatch.setattr(sections, "rows_for", lambda run: rows.assign(is_synthetic=False))
    assert set(sections.chart_marks(run).values()) == {""}


def test_trend_grid_has_one_image_and_one_table_per_panel(series) -> None:
    cat = load_catalogue()
    run = RunParams(lang="th")
    marks = _marks(series, "ข้อมูลสังเคราะห์")
    html = chartgrid.trend_grid(series, run, "air", caption="cap", marks=marks).html
    inds = figures.panel_indicators(series, cat, "air")
    assert html.startswith(
        '<figure class="report-figure figure-grid-wrap"><div class="figure-grid">'
    )
    assert html.count('<figure class="report-figure chart-panel"><img') == len(inds)
    assert html.count('<span class="chart-data-label">ตารางข้อมูลของแผนภูมิ</span>') == len(inds)
    tables = re.findall(r"<details.*?</details>", html, flags=re.S)
    for ind, table in zip(inds, tables, strict=True):
        data = figures.trend_panel_data(series, ind)
        assert table.count("<tr><td>") == len(data)
        first = data.iloc[0]
        assert f"<tr><td>{int(first['year']) + 543}</td>" in table  # Buddhist Era
        assert f'<td class="num">{fmt_number(first["value"])}</td>' in table
        assert ind.name_th in table


def test_projection_grid_notes_an_axis_that_does_not_start_at_zero(projections) -> None:
    run = RunParams(lang="en")
    html = chartgrid.projection_grid(
        projections, run, "water", phases=PHASES, caption="cap", marks=_marks(projections, "")
    ).html
    name = load_catalogue().get("river_wqi").name_en
    wqi = next(p for p in html.split('<figure class="report-figure chart-panel">') if name in p)
    assert f'{NOTE["en"]}">' in wqi  # the end of the alt text
    assert f'<p class="axis-note">{NOTE["en"]}</p>' in wqi
    assert "<figcaption>" not in wqi.split("</figure>")[0]  # pdf.py numbers the grid's caption
    assert "Lower end of the 95% interval" in wqi


def test_phase_bands_are_labelled(projections) -> None:
    cat = load_catalogue()
    ind = cat.get("pm25_annual")
    rows = projections[projections["indicator_id"].astype(str) == ind.id]
    data = figures.projection_panel_data(rows, ind)
    fig = figures.projection_panel(data, rows, ind, cat, get_translator("th"), phases=PHASES)
    fig.canvas.draw()
    ax = _value_axes(fig)[0]
    labels = [t for t in ax.texts if t.get_gid() == "ecoplan-phase-label"]
    assert [t.get_text() for t in labels] == ["ระยะที่ 1", "ระยะที่ 2", "ระยะที่ 3"]
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    assert all(axes_box.contains(*t.get_window_extent(renderer).p0) for t in labels)
    plt.close(fig)


def test_heatmaps_have_their_drawn_values_as_tables(series) -> None:
    run = RunParams(lang="th")
    html = chartgrid.coverage_table(series, run)
    assert html.startswith('<div class="chart-data"><details>')
    present = series.drop_duplicates(["indicator_id", "year"])
    assert html.count(">✓</td>") == len(present)
    assert '<th scope="col">2567</th>' in html and ">2024<" not in html
    scores = pd.DataFrame(
        {
            "town_id": ["a", "a", "b", "b"],
            "theme": ["air", "overall"] * 2,
            "score": [12.4, 33, 97.6, 88],
        }
    )
    html = chartgrid.score_table(scores, {"a": "เมือง ก", "b": "เมือง ข"}, run)
    assert html.index("เมือง ข") < html.index("เมือง ก")  # by overall score, as drawn
    assert '<td class="num">98</td>' in html and '<td class="num">12</td>' in html


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_tick_labels_of_an_axis_never_overlap_each_other(series, projections) -> None:
    """Year and value ticks stay readable: no two labels of one axis touch (13 years here)."""
    use_report_style()
    for kind, fig in _chart_kinds(series, projections).items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            for axis in (ax.xaxis, ax.yaxis):
                boxes = [
                    t.get_window_extent(renderer)
                    for t in axis.get_ticklabels()
                    if t.get_visible() and t.get_text()
                ]
                for i, a in enumerate(boxes):
                    for b in boxes[i + 1 :]:
                        assert not _overlaps(a, b), f"{kind}: {axis.axis_name} tick labels overlap"
        plt.close(fig)
