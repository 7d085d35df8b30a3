"""Execute every appendix notebook for one demo town in Thai and English and check the pages.

The store is built once per module from ``data/raw`` into a temporary directory
(``ECOPLAN_PROCESSED_DIR``); each notebook runs through Papermill with the real
``python3`` kernel, then is rendered with :mod:`analysis.report.render`.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
import yaml

from analysis.i18n import flatten
from analysis.ingest.pipeline import run_ingest
from analysis.paths import get_paths
from analysis.report.appendices import APPENDICES, CROSS_TOWN, AppendixSpec
from analysis.report.narrative import LANGUAGE_TAGS, language_pair_problems
from analysis.report.render import CHROMIUM, html_to_pdf, render_appendix_html, render_combined_html
from analysis.results.compute import run_analysis
from analysis.spatial.pipeline import build_spatial

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "tests" / "artifacts"
TOWN = "nakhon-sawan"
LANGS = ("th", "en")
SPECS: tuple[AppendixSpec, ...] = (*APPENDICES, CROSS_TOWN)
HOSTILE = '<script>alert("rejected")</script><img src=x onerror=alert(1)>'


# ---------------------------------------------------------------- thin-notebook rules (fast)


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_notebook_is_thin(spec: AppendixSpec) -> None:
    """Parameters cell, one validating call, then one ``report.*`` call per cell."""
    nb = nbformat.read(NOTEBOOKS / spec.notebook, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "ecoplan"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    params = ast.parse(code[0].source)
    names = {t.id for node in params.body for t in node.targets}  # type: ignore[attr-defined]
    assert "lang" in names
    assert ("town_id" in names) == spec.per_town
    assert "validate_params" in code[1].source
    for cell in code[2:]:
        tree = ast.parse(cell.source)
        assert len(tree.body) == 1, f"{spec.notebook}: more than one statement in {cell.source!r}"
        node = tree.body[0]
        assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call), cell.source
        func = node.value.func
        assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name), cell.source
        assert func.value.id == "report", cell.source
    for cell in nb.cells:
        assert not re.search(r"^\s*(def|class|for|while|with)\b", cell.source, flags=re.M), (
            cell.source
        )
    for cell in (c for c in nb.cells if c.cell_type == "markdown"):
        tags = set(cell.metadata.get("tags", []))
        assert tags & {"remove_cell", *LANGUAGE_TAGS}, (
            "visible markdown is narrative written in one language: tag it `th` or `en` "
            "(and give it its pair), or `remove_cell` for notes to researchers"
        )
    assert language_pair_problems(nb) == []


# ---------------------------------------------------------------- executed notebooks (slow)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("processed")
    paths = dataclasses.replace(get_paths(), processed=out)
    run_ingest(paths)
    build_spatial(paths)
    rejected = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame(
        [
            {
                "file": f"indicators/{TOWN}_long_en.csv",
                "row": "9",
                "column": "value",
                "value": HOSTILE,
                "reason": "not a number",
            }
        ]
    )
    pd.concat([rejected, extra], ignore_index=True).to_csv(out / "rejected.csv", index=False)
    run_analysis(paths)
    old = os.environ.get("ECOPLAN_PROCESSED_DIR")
    os.environ["ECOPLAN_PROCESSED_DIR"] = str(out)
    yield out
    if old is None:
        os.environ.pop("ECOPLAN_PROCESSED_DIR", None)
    else:
        os.environ["ECOPLAN_PROCESSED_DIR"] = old


@pytest.fixture(scope="module")
def executed(
    store: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], nbformat.NotebookNode]:
    """Every notebook x language, three kernels at a time (no ``cwd``: papermill would chdir)."""
    out = tmp_path_factory.mktemp("executed")
    jobs = [(spec, lang) for lang in LANGS for spec in SPECS]

    def run(job: tuple[AppendixSpec, str]) -> nbformat.NotebookNode:
        spec, lang = job
        params = {"town_id": TOWN, "lang": lang} if spec.per_town else {"lang": lang}
        return pm.execute_notebook(
            str(NOTEBOOKS / spec.notebook),
            str(out / f"{spec.id}_{lang}.ipynb"),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
        )

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, jobs))
    return {(spec.id, lang): nb for (spec, lang), nb in zip(jobs, results, strict=True)}


@pytest.fixture(scope="module")
def pages(executed: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("html")
    result = {}
    for (aid, lang), nb in executed.items():
        spec = next(s for s in SPECS if s.id == aid)
        html = render_appendix_html(nb, lang=lang, town_id=TOWN if spec.per_town else None)
        result[aid, lang] = out / f"{aid}_{lang}.html"
        result[aid, lang].write_text(html, encoding="utf-8")
    for lang in LANGS:
        combined = render_combined_html(
            [(s, executed[s.id, lang]) for s in APPENDICES], lang=lang, town_id=TOWN
        )
        result["index", lang] = out / f"index_{lang}.html"
        result["index", lang].write_text(combined, encoding="utf-8")
    return result


class _Text(HTMLParser):
    """Visible text of a page, without <style>, and without data values (class="data").

    Text marked as another language (``lang="en"`` on a Thai page, e.g. the language
    switch, which names the other language in that language) is left out too.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._page_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        a = dict(attrs)
        if tag == "html":
            self._page_lang = a.get("lang")
        classes = (a.get("class") or "").split()
        foreign = (
            bool(a.get("lang")) and self._page_lang is not None and a["lang"] != self._page_lang
        )
        hidden = tag in {"style", "script", "title"} or "data" in classes or foreign or self._skip
        if hidden and tag not in {"img", "br", "meta"}:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _parse(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _english_only_phrases() -> list[str]:
    """Literal fragments of English UI strings that differ from their Thai translation."""
    root = REPO / "src" / "analysis" / "i18n"
    out = set()
    for en_file in (root / "en").glob("*.yaml"):
        en = flatten(yaml.safe_load(en_file.read_text(encoding="utf-8")))
        th = flatten(yaml.safe_load((root / "th" / en_file.name).read_text(encoding="utf-8")))
        for key, value in en.items():
            if th.get(key) == value:
                continue
            for raw in re.split(r"\{[^}]*\}", value):
                fragment = raw.strip(" .,:;()")
                if len(fragment) >= 6 and re.search(r"[A-Za-z]{4,}", fragment):
                    out.add(fragment)
    return sorted(out)


@pytest.mark.slow
def test_notebooks_ran_cleanly(executed: dict) -> None:
    for (aid, lang), nb in executed.items():
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] in {"display_data", "execute_result"}, (
                    f"{aid}/{lang}: unexpected {output['output_type']} output: {output.get('text', '')[:300]}"
                )


@pytest.mark.slow
def test_pages_hide_code_and_parameters(pages: dict) -> None:
    for key, path in pages.items():
        html = path.read_text(encoding="utf-8")
        assert "validate_params" not in html, key
        assert "report.page_header" not in html, key
        assert 'town_id = "' not in html, key
        assert "jp-InputArea" not in html and "input_prompt" not in html, key


@pytest.mark.slow
def test_pages_are_self_contained_and_small(pages: dict) -> None:
    for key, path in pages.items():
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html), key
        assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", html), key
        assert "<script" not in html.lower(), key
        parser = _parse(path)
        for tag, attrs in parser.tags:
            if tag == "img":
                assert (attrs.get("alt") or "").strip(), f"{key}: image without alt text"
                assert (attrs.get("src") or "").startswith("data:image/"), key
            assert not any(a.startswith("on") for a in attrs), f"{key}: event handler on <{tag}>"
    for lang in LANGS:
        size = pages["index", lang].stat().st_size
        assert size <= 5 * 1024 * 1024, f"combined {lang} page is {size / 1e6:.1f} MB"


@pytest.mark.slow
def test_every_page_shows_synthetic_banner_and_provenance(pages: dict) -> None:
    for key, path in pages.items():
        html = path.read_text(encoding="utf-8")
        assert 'class="synthetic-banner"' in html, key
        assert 'class="provenance"' in html, key
        assert "2026.11.0" in html or "catalogue" in html, key  # catalogue version shown
        assert re.search(r"\d+\.\d+\.\d+\+(\w+|unknown)", html), f"{key}: no code version"


@pytest.mark.slow
def test_thai_pages_are_thai_with_buddhist_era_years(pages: dict) -> None:
    phrases = _english_only_phrases()
    assert len(phrases) > 50
    for aid in [*(s.id for s in SPECS), "index"]:
        text = " ".join(_parse(pages[aid, "th"]).parts)
        assert re.search("[\u0e00-\u0e7f]{20}", text), aid
        # A phrase inside a longer Latin run is part of a proper name (e.g. "UNSD Progress
        # Chart 2023", a method's title), not an untranslated label.
        leaked = [
            p
            for p in phrases
            if re.search(
                rf"(?<![A-Za-z][ -])(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])(?! [A-Za-z])", text
            )
        ]
        assert not leaked, f"{aid}: English labels on the Thai page: {leaked[:10]}"
        ce_years = re.findall(r"(?<![\d,.])(?<![A-Za-z] )20[0-4]\d(?![\d,])", text)
        assert not ce_years, f"{aid}: CE years on the Thai page: {ce_years[:10]}"
        assert re.search(r"25[5-8]\d", text), f"{aid}: no Buddhist Era year"


@pytest.mark.slow
def test_english_pages_use_ce_years(pages: dict) -> None:
    text = " ".join(_parse(pages["b", "en"]).parts)
    assert "Appendix B" in text
    assert "2024" in text
    for aid in [*(s.id for s in SPECS), "index"]:
        text = " ".join(_parse(pages[aid, "en"]).parts)
        thai = re.findall(r"\S*[\u0e00-\u0e7f]+\S*", text)
        assert not thai, f"{aid}: Thai words on the English page: {thai[:10]}"


@pytest.mark.slow
def test_rejected_rows_of_the_town_are_summarised_without_cell_text(pages: dict) -> None:
    html = pages["a", "th"].read_text(encoding="utf-8")
    assert "alert(" not in html  # the rejected cell's text is not published (issue 16 item 7)
    assert "<script>alert" not in html
    assert f"indicators/{TOWN}_long_en.csv" in html  # counted for its file


@pytest.mark.slow
def test_combined_page_has_every_chapter(pages: dict) -> None:
    html = pages["index", "th"].read_text(encoding="utf-8")
    for spec in APPENDICES:
        assert f'href="#chapter-{spec.id}"' in html
        assert f'id="appendix-{spec.id}"' in html
    # the executive summary opens the page, then one chapter per appendix
    assert 'id="chapter-summary"' in html
    assert html.index('id="chapter-summary"') < html.index('id="appendix-a"')
    assert html.count('class="chapter-wrap"') == len(APPENDICES) + 1


def _chromium() -> str:
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not exe:
        pytest.skip(
            f"Chromium not installed at {CHROMIUM} (apt-get install chromium); CI installs it"
        )
    return exe


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_page_renders_in_chromium_without_console_errors(
    pages: dict, lang: str, tmp_path: Path
) -> None:
    exe = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{TOWN}_{lang}_index.png"
    proc = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            f"--screenshot={shot}",
            "--window-size=1200,3000",
            pages["index", lang].as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 50_000
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "net::ERR" in line]
    assert not console, console
    assert "Failed to load resource" not in proc.stderr


@pytest.mark.slow
@pytest.mark.browser
def test_combined_page_prints_to_a4_pdf(pages: dict) -> None:
    _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = html_to_pdf(pages["index", "th"], ARTIFACTS / f"{TOWN}_th.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    n_pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 15 <= n_pages <= 120, n_pages
