"""Reuse the figure of a one-panel chart: the same picture for about 40 % less time.

Appendices B and C draw one image per indicator, about forty per page. Most of a small
chart's cost is matplotlib building its axes and their ticks (each tick is three lines
and two texts), not drawing the data: a fresh empty axes took about 50 ms to draw at
130 dpi, a whole trend panel about 110 ms. A figure taken from this pool keeps its axes
and tick objects from the previous panel, and only what a panel draws is removed.

:func:`take` hands out a figure with one axes at a fixed geometry (the legend rows
decide its height), reset to the state a new one has; :func:`analysis.report.figure_block.figure`
gives it back with :func:`release` once the PNG is written. A figure that is taken and
not given back is simply not reused. The figures are not pyplot's (no
``plt.figure``), so a notebook never shows one by itself.

The reset covers what the panel functions of :mod:`analysis.report.figures` change; a
test draws every panel of several towns, in both languages and in varied orders, both
ways and checks the PNG pixels are identical (``tests/unit/test_panel_pool.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator, NullFormatter, NullLocator, ScalarFormatter
from matplotlib.transforms import Bbox

from analysis.report.agg_text import ShapedTextCanvasAgg

__all__ = ["clear", "is_pooled", "release", "take"]


@dataclass(frozen=True)
class _Pristine:
    """What a pooled figure looked like when it was made."""

    key: object
    size: tuple[float, float]
    position: Bbox
    #: Tick label sizes (points) of the x and y axes.
    labelsizes: tuple[float, float]


#: Free figures by key (one per key: panels are saved one at a time).
_FREE: dict[object, Figure] = {}
_ATTR = "_ecoplan_panel_pool"


def take(key: object, make: Callable[[], tuple[Figure, Axes]]) -> tuple[Figure, Axes]:
    """Return a one-panel figure for ``key``: a free one reset, else a new one from ``make``.

    Parameters
    ----------
    key : hashable
        The geometry (figures with the same key have the same size and layout).
    make : callable
        Returns a new ``(figure, axes)``; the figure must not be pyplot's.

    Returns
    -------
    (Figure, Axes)
        The figure and its one axes, in the state ``make`` returns.
    """
    fig = _FREE.pop(key, None)
    if fig is not None and _reset(fig):
        return fig, fig.axes[0]
    fig, ax = make()
    ShapedTextCanvasAgg(fig)
    sizes = (_labelsize(ax.xaxis), _labelsize(ax.yaxis))
    position = ax.get_position(original=True).frozen()
    setattr(fig, _ATTR, _Pristine(key, tuple(fig.get_size_inches()), position, sizes))
    return fig, ax


def _labelsize(axis: Any) -> float:
    return float(axis.get_major_ticks(1)[0].label1.get_fontsize())


def is_pooled(fig: Figure) -> bool:
    """Whether ``fig`` came from :func:`take`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure.

    Returns
    -------
    bool
        ``True`` for a pool figure.
    """
    return isinstance(getattr(fig, _ATTR, None), _Pristine)


def release(fig: Figure) -> bool:
    """Give a figure back to the pool once its image is written.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from :func:`take` (any other figure is ignored).

    Returns
    -------
    bool
        Whether the figure went back to the pool.
    """
    pristine = getattr(fig, _ATTR, None)
    if not isinstance(pristine, _Pristine):
        return False
    _FREE[pristine.key] = fig
    return True


def clear() -> None:
    """Forget every free figure (a kernel reset, or a test)."""
    _FREE.clear()


def _reset(fig: Figure) -> bool:
    """Remove what a panel drew and restore the new figure's geometry and axes state.

    Returns ``False`` (the figure is then dropped) when the figure has more than its one
    axes, which no panel function makes.
    """
    pristine: _Pristine = getattr(fig, _ATTR)
    if len(fig.axes) != 1:
        return False
    ax = fig.axes[0]
    for artist in (
        *ax.lines,
        *ax.collections,
        *ax.patches,
        *ax.texts,
        *ax.images,
        *ax.artists,
        *ax.tables,
        *fig.legends,
        *fig.texts,
        *fig.images,
        *fig.patches,
        *fig.lines,
        *fig.artists,
    ):
        artist.remove()
    ax.containers.clear()
    if ax.legend_ is not None:
        ax.legend_.remove()
    fig.set_size_inches(*pristine.size)
    ax.set_position(pristine.position, which="both")
    for loc in ("left", "center", "right"):
        ax.set_title("", loc=loc)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_gid(None)
    # Tick labels back to their first size (a panel sets 8.5 pt): the tick locator's
    # number of ticks depends on it.
    ax.tick_params(axis="x", which="major", labelsize=pristine.labelsizes[0])
    ax.tick_params(axis="y", which="major", labelsize=pristine.labelsizes[1])
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(AutoLocator())
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
        axis.isDefault_majloc = axis.isDefault_majfmt = True
        axis.isDefault_minloc = axis.isDefault_minfmt = True
    # A new axes' view limits: a patch in axes-fraction coordinates (``axvspan``) reaches
    # the data limits through the view transform, so old limits change its last digit.
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.relim()
    ax.autoscale(enable=True)
    ax.set_xmargin(ax.get_xmargin())  # requests an autoscale with the current margins
    return True
