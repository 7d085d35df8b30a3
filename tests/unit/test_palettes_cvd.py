"""Colour-blind safety of every categorical palette and the score colour map.

Each palette is simulated under full deuteranopia, protanopia and tritanopia
(Machado et al. 2009, as implemented by colorspacious) and every pair of colours must stay
at least :data:`MIN_DELTA_E` apart in CAM02-UCS, the perceptually uniform space in which a
distance of about 1 is a just-noticeable difference. Sequential maps must keep a monotone
lightness under every simulation, so higher values stay darker (or lighter) for every reader.
"""

from __future__ import annotations

import itertools
import re
from importlib import resources

import colorspacious
import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_rgb

from analysis.report.figures import LIGHT_COLOURS, SCORE_CMAP
from analysis.spatial.maps import CLASS_COLORS
from analysis.spatial.zoning import load_zoning_rules

#: Smallest CAM02-UCS distance between two colours of one palette, for every simulated reader.
MIN_DELTA_E = 15.0
SIMULATIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")


def _css_lights() -> dict[str, str]:
    css = (resources.files("analysis.report") / "static" / "report.css").read_text("utf-8")
    return dict(re.findall(r"--(green|amber|red|grey):\s*(#[0-9a-fA-F]{6})", css))


PALETTES: dict[str, dict[str, str]] = {
    "status lights (figures)": LIGHT_COLOURS,
    "status lights (report.css)": _css_lights(),
    "zoning": dict(load_zoning_rules()["colors"]),
    "land use": CLASS_COLORS,
}


def _simulate(rgb: np.ndarray, cvd: str | None) -> np.ndarray:
    if cvd is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0.0, 1.0)


def min_pairwise_delta_e(palette: dict[str, str], cvd: str | None) -> tuple[float, str, str]:
    """Smallest CAM02-UCS distance between two colours of ``palette`` as seen under ``cvd``."""
    keys = list(palette)
    rgb = _simulate(np.array([to_rgb(palette[k]) for k in keys]), cvd)
    ucs = colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    return min(
        (float(np.linalg.norm(ucs[i] - ucs[j])), keys[i], keys[j])
        for i, j in itertools.combinations(range(len(keys)), 2)
    )


def test_css_lights_match_figure_lights() -> None:
    css = _css_lights()
    assert css == {
        "green": LIGHT_COLOURS["green"],
        "amber": LIGHT_COLOURS["amber"],
        "red": LIGHT_COLOURS["red"],
        "grey": LIGHT_COLOURS["none"],
    }


@pytest.mark.parametrize("cvd", SIMULATIONS)
@pytest.mark.parametrize("name", sorted(PALETTES))
def test_palette_stays_distinguishable(name: str, cvd: str | None) -> None:
    distance, first, second = min_pairwise_delta_e(PALETTES[name], cvd)
    assert distance >= MIN_DELTA_E, (
        f"{name}: {first} and {second} are only {distance:.1f} apart under {cvd or 'normal vision'}"
    )


def test_the_old_zoning_palette_fails_the_check() -> None:
    """The check is sharp enough to catch the palette the issue reported (dark green vs brown)."""
    old = {
        "conservation": "#1b7837",
        "restoration": "#e08214",
        "sustainable_use": "#d9ef8b",
        "development": "#8c510a",
    }
    distance, first, second = min_pairwise_delta_e(old, "deuteranomaly")
    assert distance < MIN_DELTA_E
    assert {first, second} == {"conservation", "development"}


@pytest.mark.parametrize("cvd", SIMULATIONS)
def test_score_colour_map_lightness_is_monotone(cvd: str | None) -> None:
    cmap = colormaps[SCORE_CMAP]
    rgb = _simulate(np.array([cmap(x)[:3] for x in np.linspace(0.0, 1.0, 32)]), cvd)
    lightness = colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")[:, 0]
    steps = np.diff(lightness)
    assert (steps < 0).all() or (steps > 0).all()
    assert abs(lightness[-1] - lightness[0]) >= 40
