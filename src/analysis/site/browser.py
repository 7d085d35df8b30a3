"""Look at the built site in a real browser: Debian chromium driven by Selenium.

Used by the browser tests (``tests/integration/test_site_browser.py``) and by
``make screenshots``, which writes screenshots of one page of each kind at phone and
laptop width under ``reports/screenshots/``::

    python -m analysis.site.browser reports/site reports/screenshots

The browser and its driver are Debian's (``apt-get install chromium chromium-driver``):
the driver's path is always given, so Selenium Manager never runs and nothing is
downloaded. Selenium is a development dependency; it is imported only here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis.errors import BuildError

__all__ = [
    "CHROMEDRIVER",
    "WIDTHS",
    "browser",
    "overflowing_elements",
    "sample_pages",
    "write_screenshots",
]

CHROMEDRIVER = os.environ.get("ECOPLAN_CHROMEDRIVER", "/usr/bin/chromedriver")
#: Viewport widths checked: a phone (390 px) and a laptop (1280 px).
WIDTHS: tuple[int, ...] = (390, 1280)

# Elements wider than the viewport, or reaching past its edges, that are not inside a box
# that scrolls horizontally (overflow-x auto/scroll). Elements moved off-screen on purpose
# (the skip link) and invisible ones are ignored.
_OVERFLOW_JS = """
const vw = document.documentElement.clientWidth;
const out = [];
const scrolls = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll') return true;
  }
  return false;
};
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('.skip-link')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if ((r.right > vw + 1 || r.left < -1) && !scrolls(el)) {
    const cls = typeof el.className === 'string' ? el.className : '';
    out.push(`${el.tagName.toLowerCase()}.${cls} ${Math.round(r.left)}..${Math.round(r.right)} > ${vw}`);
  }
}
return {vw: vw, scrollWidth: document.documentElement.scrollWidth, bad: out.slice(0, 25)};
"""


def _chromium() -> str:
    from analysis.report.render import CHROMIUM  # noqa: PLC0415

    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe or not Path(CHROMEDRIVER).exists():
        msg = (
            f"Chromium ({CHROMIUM}) or its driver ({CHROMEDRIVER}) is missing: "
            "apt-get install chromium chromium-driver"
        )
        raise BuildError(msg)
    return exe


@contextmanager
def browser(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """Start headless Debian chromium under Selenium, with a ``width`` x ``height`` viewport.

    Parameters
    ----------
    width, height : int
        Viewport size in CSS pixels.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver; it quits when the block ends.

    Raises
    ------
    BuildError
        If chromium or chromedriver is not installed.
    """
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    exe = _chromium()
    with tempfile.TemporaryDirectory(prefix="ecoplan-selenium-") as profile:
        opts = webdriver.ChromeOptions()
        opts.binary_location = exe
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ):
            opts.add_argument(arg)
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
        try:
            # --window-size sets the outer window; make the layout viewport exactly `width`.
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            yield driver
        finally:
            driver.quit()


def overflowing_elements(driver: Any) -> dict[str, Any]:
    """Return the viewport width, the page's scroll width and elements wider than the viewport.

    Only elements outside a horizontally scrolling box count (a wide table inside its
    ``.table-wrap`` is fine; the box itself must fit).

    Parameters
    ----------
    driver : selenium.webdriver.Remote
        A browser with the page loaded.

    Returns
    -------
    dict of str to Any
        ``vw`` (viewport width), ``scrollWidth`` (the page's, CSS pixels) and ``bad``: up to 25
        descriptions of elements that stick out.
    """
    return dict(driver.execute_script(_OVERFLOW_JS))


def sample_pages(site: Path) -> dict[str, Path]:
    """Return one page of each kind of a built site, by kind (Thai and English).

    Parameters
    ----------
    site : pathlib.Path
        The built site (``reports/site``).

    Returns
    -------
    dict of str to pathlib.Path
        Kind (``index-th``, ``cross-town-en``, ``town-b-th``, ``indicator-en`` ...) to the page;
        kinds the site lacks are left out. Town pages are those of the first town, by id.
    """
    pages: dict[str, Path] = {}
    for lang, index in (("th", "index.html"), ("en", "index.en.html")):
        if (site / index).exists():
            pages[f"index-{lang}"] = site / index
        cross = site / "cross-town" / f"{lang}.html"
        if cross.exists():
            pages[f"cross-town-{lang}"] = cross
    towns = sorted(p for p in (site / "towns").glob("*/th/b.html"))
    if towns:
        town_dir = towns[0].parent.parent
        for lang in ("th", "en"):
            folder = town_dir / lang
            for name in ("index", "a", "b", "c", "d", "e"):
                if (folder / f"{name}.html").exists():
                    pages[f"town-{name}-{lang}"] = folder / f"{name}.html"
            indicators = sorted((folder / "indicators").glob("*.html"))
            if indicators:
                pages[f"indicator-{lang}"] = indicators[0]
    return pages


def write_screenshots(
    site: Path, out: Path, *, widths: Sequence[int] = WIDTHS, kinds: Sequence[str] | None = None
) -> list[Path]:
    """Write full-page PNG screenshots of one page of each kind at each width.

    Parameters
    ----------
    site : Path
        The built site (``reports/site``).
    out : Path
        Folder for ``<kind>-<width>.png``.
    widths : sequence of int
        Viewport widths.
    kinds : sequence of str, optional
        Page kinds of :func:`sample_pages` to take (default: all).

    Returns
    -------
    list of Path
        The screenshots written.
    """
    pages = sample_pages(site)
    if kinds is not None:
        pages = {k: v for k, v in pages.items() if k in kinds}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for width in widths:
        with browser(width) as driver:
            for kind, page in pages.items():
                driver.get(page.resolve().as_uri())
                height = int(driver.execute_script("return document.documentElement.scrollHeight"))
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {
                        "width": width,
                        "height": min(max(height, 600), 12000),
                        "deviceScaleFactor": 1,
                        "mobile": width < 600,
                    },
                )
                target = out / f"{kind}-{width}.png"
                driver.save_screenshot(str(target))
                written.append(target)
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
                )
    return written


if __name__ == "__main__":  # pragma: no cover - the entry point is a command
    from analysis.commands.scripts import screenshots_main

    raise SystemExit(screenshots_main())
