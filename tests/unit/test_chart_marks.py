"""Marks drawn into chart images: the synthetic watermark and the source line."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from analysis.report import figure_block
from analysis.style import use_report_style


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Texts of every figure saved by :func:`analysis.report.figure_block.figure`, by gid."""
    use_report_style()  # Sarabun: Thai marks without tofu (a missing glyph fails the test)
    seen: list[list[str]] = []
    real_savefig = plt.Figure.savefig

    def spy(fig: plt.Figure, *args: object, **kwargs: object) -> None:
        seen.append([f"{t.get_gid()}={t.get_text()}" for t in fig.texts])
        real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(plt.Figure, "savefig", spy)
    return seen


def test_source_line_is_drawn_into_the_image_and_not_parsed_as_mathtext(captured) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    source = r"ที่มา: กรมควบคุมมลพิษ $\frac{1}{$"
    block = figure_block.figure(fig, alt="a chart", source=source, watermark="ข้อมูลสังเคราะห์")
    assert block.html.startswith('<figure class="report-figure"><img')
    assert captured == [["ecoplan-watermark=ข้อมูลสังเคราะห์", f"ecoplan-source={source}"]]


def test_no_marks_without_watermark_or_source(captured) -> None:
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    figure_block.figure(fig, alt="a chart")
    assert captured == [[]]
