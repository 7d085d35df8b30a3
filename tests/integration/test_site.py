"""`ecoplan site`: escaping, page weight, languages, downloads and link integrity."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from test_build_support import BASIC, CROSS_SPEC, TOWN_SPECS, make_project

from analysis.batch.engine import shutdown_warm_kernels
from analysis.batch.executor import BuildOptions, build
from analysis.cli import main
from analysis.site.index import build_site

HOSTILE = '<script>alert("x")</script>'


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def crawl(site: Path) -> list[str]:
    """Return every relative href/src in the site's HTML that does not resolve to a file."""
    broken = []
    for page in site.rglob("*.html"):
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#") or not parts.path:
                assert parts.scheme in ("", "data", "https", "http", "mailto"), link
                assert parts.scheme != "http" or "localhost" not in link
                continue
            if not (page.parent / parts.path).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def test_site_escapes_hostile_text_and_stays_light_for_100_towns(tmp_path, monkeypatch):
    ids = [f"town-{i:03d}" for i in range(99)] + ["evil"]
    paths = make_project(tmp_path, ids, monkeypatch, names={"evil": HOSTILE})
    ind = pd.read_parquet(paths.processed / "indicators.parquet")
    ind.loc[ind["town_id"] == "evil", "source"] = '<img src=x onerror="alert(1)">'
    ind.to_parquet(paths.processed / "indicators.parquet", index=False)

    result = build_site(paths)
    en = paths.site / "index.en.html"
    th = paths.site / "index.html"
    assert result.pages == [th, en]
    html_en = en.read_text(encoding="utf-8")
    assert HOSTILE not in html_en and "<img src=x" not in html_en
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html_en
    assert _parse(en).scripts == 1  # only our own inline script
    assert en.stat().st_size <= 1_000_000 and th.stat().st_size <= 1_000_000
    # Thai/English switch, synthetic banner, attribution, no external resources.
    assert 'href="index.html"' in html_en and 'href="index.en.html"' in th.read_text(
        encoding="utf-8"
    )
    assert "synthetic" in html_en.lower()
    assert "HDX" in html_en
    assert "cdn" not in html_en.lower()
    for town in ("town-000", "evil"):
        assert (paths.site / "downloads" / f"{town}.csv").exists()
        assert (paths.site / "downloads" / f"{town}.xlsx").exists()
    back = pd.read_csv(paths.site / "downloads" / "town-001.csv")
    assert set(back["town_id"]) == {"town-001"} and len(back) > 0
    assert not crawl(paths.site)


@pytest.mark.slow
def test_all_site_links_resolve_after_build(tmp_path, monkeypatch, capsys):
    paths = make_project(tmp_path, ["alpha", "beta"], monkeypatch)
    report = build(
        BuildOptions(
            specs=TOWN_SPECS,
            cross_spec=CROSS_SPEC,
            jobs=0,
            progress=False,
            code_hash="pinned",
            **BASIC,
        ),
        paths,
    )
    assert report.totals.failed == 0
    assert main(["site"]) == 0
    index = (paths.site / "index.en.html").read_text(encoding="utf-8")
    assert 'href="towns/alpha/en/index.html"' in index
    assert 'href="towns/beta/th/index.html"' in index
    assert 'href="cross-town/en.html"' in index
    assert not crawl(paths.site)
    assert "2 towns" in capsys.readouterr().out


@pytest.fixture(scope="module", autouse=True)
def _stop_inline_kernels():
    yield
    shutdown_warm_kernels()
