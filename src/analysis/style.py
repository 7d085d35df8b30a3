"""Figure style shared by every chart and map: Sarabun font, seaborn theme, BE years.

matplotlib's default fonts have no Thai glyphs, and a plain ``seaborn.set_theme()``
resets the font family to one without Thai, so Thai labels come out as tofu boxes.
:func:`use_report_style` registers the Sarabun files shipped by the PyPI package
``fontpkg-sarabun`` with matplotlib's font manager and passes ``font="Sarabun"`` to
seaborn's theme.

matplotlib is imported by the functions that style or draw, not by this module: the
page renderer reads :func:`sarabun_files` (for the web fonts) and :func:`be_year`
without loading a plotting library.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.i18n import be_year

if TYPE_CHECKING:
    from matplotlib.ticker import FuncFormatter

__all__ = [
    "FONT_FAMILY",
    "be_year",
    "be_year_formatter",
    "register_sarabun",
    "sarabun_files",
    "use_report_style",
    "warm_font_cache",
]

FONT_FAMILY = "Sarabun"


def sarabun_files() -> list[Path]:
    """Return the Sarabun TTF files shipped by ``fontpkg-sarabun``.

    Returns
    -------
    list of pathlib.Path
        The font files (regular, bold, italic ...), sorted; empty when the package has none.
    """
    import fontpkg_sarabun  # noqa: PLC0415 - optional at import time of this module

    return sorted(Path(fontpkg_sarabun.ROOT, "files").glob("Sarabun-*.ttf"))


@functools.cache
def register_sarabun() -> str:
    """Register Sarabun with matplotlib's font manager (once) and return the family name."""
    from matplotlib import font_manager  # noqa: PLC0415 - see the module docstring

    for path in sarabun_files():
        font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def use_report_style(*, context: str = "notebook") -> None:
    """Apply the report theme: seaborn whitegrid with Sarabun for Thai and Latin text.

    Mathtext is off (``text.parse_math``): every text is drawn as typed, so a ``$`` in a
    town or station name cannot break a figure.

    Parameters
    ----------
    context : str, default "notebook"
        seaborn plotting context.
    """
    import matplotlib as mpl  # noqa: PLC0415 - see the module docstring
    import seaborn as sns  # noqa: PLC0415 - heavy; imported when styling is asked for

    family = register_sarabun()
    sns.set_theme(context=context, style="whitegrid", font=family)
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["svg.fonttype"] = "none"
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 130
    # Mathtext off: town, station and source names are data, and a "$" in one
    # ("$\\frac{1}{$") must be drawn as typed, not parsed (and fail the figure).
    mpl.rcParams["text.parse_math"] = False


def warm_font_cache() -> None:
    """Draw Thai and Latin text once off-screen, so loading Sarabun is paid up front.

    The build's warm kernels call this after their imports; the first chart of every
    notebook then finds the font files parsed and cached. It leaves no figure open and
    restores the ``rcParams`` it changed.
    """
    import matplotlib as mpl  # noqa: PLC0415
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    family = register_sarabun()
    with mpl.rc_context({"font.family": family}):
        fig = Figure(figsize=(1, 1))
        FigureCanvasAgg(fig)
        for weight in ("normal", "bold"):
            fig.text(0.1, 0.5, "ภาคผนวก Appendix 2567 µg/m³", fontsize=9, weight=weight)
        fig.canvas.draw()


def be_year_formatter(lang: str = "th") -> FuncFormatter:
    """Tick formatter that labels CE-year axes in Buddhist Era (Thai) or CE (English).

    Parameters
    ----------
    lang : {"th", "en"}
        Display language.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Labels each whole-number tick with :func:`be_year` of it; other ticks get no label.
    """
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415 - see the module docstring

    return FuncFormatter(
        lambda x, _pos: f"{be_year(round(x), lang)}" if float(x).is_integer() else ""
    )
