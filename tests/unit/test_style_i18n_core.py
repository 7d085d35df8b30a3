import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager

from analysis.style import be_year, be_year_formatter, register_sarabun, use_report_style


def test_sarabun_registered_and_used_for_thai():
    register_sarabun()
    names = {f.name for f in font_manager.fontManager.ttflist}
    assert "Sarabun" in names
    use_report_style()
    assert (
        mpl.rcParams["font.family"][0] == "Sarabun" or "Sarabun" in mpl.rcParams["font.sans-serif"]
    )
    path = font_manager.findfont(
        font_manager.FontProperties(family="Sarabun"), fallback_to_default=False
    )
    assert "Sarabun" in path


def test_be_years():
    assert be_year(2024, "th") == 2567
    assert be_year(2024, "en") == 2024
    fig, ax = plt.subplots()
    ax.plot([2010, 2024], [1, 2])
    ax.xaxis.set_major_formatter(be_year_formatter("th"))
    ax.set_xticks([2010, 2024])
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2553", "2567"]
    plt.close(fig)
