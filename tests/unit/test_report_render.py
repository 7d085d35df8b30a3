"""HTML rendering: no inputs, no network references, hostile data escaped, provenance shown."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import nh3
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.core.formatters import DisplayFormatter
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from analysis import report
from analysis.catalogue import load_catalogue
from analysis.errors import DataError
from analysis.i18n import get_translator
from analysis.paths import get_paths
from analysis.report import appendices, render
from analysis.report.blocks import HtmlBlock
from analysis.report.narrative import select_language
from analysis.report.pagemeta import PAGE_MIME, PageMeta
from analysis.report.params import validate_params
from analysis.results.compute import run_analysis
from analysis.store.io import write_table
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import load_towns

REPO = Path(__file__).resolve().parents[2]
HOSTILE = (
    '<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">y</a>'
)


@pytest.fixture
def hostile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose town name, sources, notes and rejected rows carry markup."""
    towns = load_towns(get_paths().towns_csv)
    towns.loc[towns["town_id"] == "takhli", "name_th"] = "ตาคลี " + HOSTILE
    towns.loc[towns["town_id"] == "takhli", "name_en"] = "Takhli " + HOSTILE
    towns.loc[towns["town_id"] == "takhli", "population_source"] = HOSTILE
    write_table(towns, "towns.parquet", tmp_path)
    df = generate_series([TownTraits("takhli")], load_catalogue()).drop(columns="trend_kind")
    df["source"] = df["source"] + " " + HOSTILE
    df["note"] = HOSTILE
    df["is_synthetic"] = True
    df["src_file"] = "indicators/takhli_x.csv"
    df["src_row"] = range(2, len(df) + 2)
    write_table(df, "indicators.parquet", tmp_path)
    pd.DataFrame(
        {
            "file": ["indicators/takhli_x.csv"],
            "row": [7],
            "column": [HOSTILE],
            "value": [HOSTILE],
            "reason": ["not a number"],
        }
    ).to_csv(tmp_path / "rejected.csv", index=False)
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(tmp_path))
    run_analysis(dataclasses.replace(get_paths(), processed=tmp_path))
    return tmp_path


def _notebook(outputs: list[str], lang: str = "th") -> nbformat.NotebookNode:
    """An executed notebook with these HTML outputs and the page metadata of Takhli's A."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["ecoplan"] = PageMeta("Profile", "Takhli", False, lang, "a", "takhli").to_json()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('town_id = "takhli"\nlang = "th"')
    params.metadata["tags"] = ["parameters"]
    params.outputs = [nbformat.v4.new_output("stream", name="stdout", text="PARAMS-OUTPUT")]
    injected = nbformat.v4.new_code_cell('# Parameters\ntown_id = "takhli"')
    injected.metadata["tags"] = ["injected-parameters"]
    note = nbformat.v4.new_markdown_cell("developer note")
    note.metadata["tags"] = ["remove_cell"]
    cells = [note, params, injected]
    for html in outputs:
        cell = nbformat.v4.new_code_cell("report.something(run)  # SOURCE-CODE-MARKER")
        cell.outputs = [
            nbformat.v4.new_output(
                "execute_result", data={"text/html": html, "text/plain": "x"}, execution_count=1
            )
        ]
        cells.append(cell)
    warn = nbformat.v4.new_code_cell("import warnings")
    warn.outputs = [nbformat.v4.new_output("stream", name="stderr", text="SOME-WARNING")]
    cells.append(warn)
    nb.cells = cells
    return nb


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _TagCollector()
    parser.feed(html)
    return parser.tags


def _visible(html: str) -> str:
    html = re.sub(r"<style.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_sanitise_removes_active_content() -> None:
    clean = render.sanitise_html(
        HOSTILE + '<p style="x" onclick="y">ok</p><img src="http://evil/x.png">'
    )
    assert "<script" not in clean
    assert "onerror" not in clean
    assert "onclick" not in clean
    assert "javascript:" not in clean
    assert "http://" not in clean
    assert "<p>ok</p>" in clean


def test_sanitise_keeps_embedded_png_and_alt() -> None:
    img = '<figure class="report-figure"><img src="data:image/png;base64,iVBORw0K" alt="a chart"></figure>'
    assert render.sanitise_html(img) == img


def _nh3_alone(markup: str) -> str:
    """What :func:`render.sanitise_html` returned before it lifted image payloads out."""
    return nh3.clean(
        markup,
        tags=render._TAGS,
        attributes=render._ATTRS,
        url_schemes={"data"},
        attribute_filter=render._filter_attr,
        link_rel=None,
        strip_comments=True,
    )


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a"><img src="data:image/png;base64,AAAA" alt="b">',
        '<img src="data:image/png;base64,iVBORw0K" onerror="alert(1)" alt="x">',
        '<a src="data:image/png;base64,iVBORw0K" href="javascript:x">link</a>',
        '<p> src="data:image/png;base64,QUJD"</p><img src="data:image/png;base64,QUJD">',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg is not allowed">',
        '<img src="data:image/png;base64,iVBO Rw0K" alt="whitespace: left to nh3">',
        "<p>ECOPLANIMG0x0ECOPLANIMG and ECOPLANIMG</p>" + HOSTILE,
        '<img alt="q" src="data:image/jpeg;base64,/9j/4AAQ"><!-- src="data:image/png;base64,QQ" -->',
    ],
)
def test_sanitise_gives_what_nh3_alone_gives(markup: str) -> None:
    assert render.sanitise_html(markup) == _nh3_alone(markup)


def test_sanitise_of_real_chart_outputs_is_nh3_alone(hostile_store: Path) -> None:
    """Appendix outputs with charts (and markup in every data text) clean the same."""
    run = validate_params(town_id="takhli", lang="th")
    outputs = [
        report.page_header(run, "b").html,
        *(report.trend_chart(run, theme).html for theme in ("air", "water", "waste")),
    ]
    assert sum(o.count("data:image/png;base64,") for o in outputs) >= 3
    for html in outputs:
        assert render.sanitise_html(html) == _nh3_alone(html)


def test_hostile_data_is_escaped_everywhere(hostile_store: Path) -> None:
    run = validate_params(town_id="takhli", lang="th")
    blocks = [
        report.page_header(run, "a"),
        report.profile_table(run),
        report.sources_table(run),
        report.quality_table(run),
        report.rejected_table(run),
        report.provenance(run),
    ]
    for block in blocks:
        assert "<script" not in block.html
        assert "<img src=x" not in block.html
    html = render.render_appendix_html(
        _notebook([b.html for b in blocks]), lang="th", town_id="takhli"
    )
    tags = _tags(html)
    assert not [t for t, _ in tags if t in {"script", "iframe", "object", "embed"}]
    attrs = [(t, k, v or "") for t, a in tags for k, v in a]
    assert not [a for a in attrs if a[1].startswith("on")], "an element carries an event handler"
    assert not [a for a in attrs if a[1] in {"href", "src"} and "javascript:" in a[2].lower()]
    assert "&lt;script&gt;" in html  # shown as text, not executed
    assert "synthetic-banner" in html


def test_page_has_no_inputs_prompts_or_noise(hostile_store: Path) -> None:
    html = render.render_appendix_html(
        _notebook(["<p>hello</p>"]), lang="th", town_id="takhli", title="T"
    )
    assert "SOURCE-CODE-MARKER" not in html
    assert "PARAMS-OUTPUT" not in html
    assert "SOME-WARNING" not in html
    assert "developer note" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert "<p>hello</p>" in html
    assert '<html lang="th">' in html
    assert "<title>T</title>" in html


def test_page_is_self_contained(hostile_store: Path) -> None:
    html = render.render_appendix_html(_notebook(["<p>x</p>"], "en"), lang="en", town_id="takhli")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    assert "require.js" not in html and "mathjax" not in html.lower()
    assert "@font-face" in html and "data:font/woff;base64," in html


def test_running_header_escapes_town_name_in_css(hostile_store: Path) -> None:
    html = render.render_appendix_html(_notebook(["<p>x</p>"], "en"), lang="en", town_id="takhli")
    style = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL).group(1)
    assert "</" not in style
    assert "@top-left" in style


def test_combined_page_has_table_of_contents(hostile_store: Path) -> None:
    pages = [(spec, _notebook([f"<p>chapter {spec.id}</p>"])) for spec in appendices.APPENDICES[:3]]
    html = render.render_combined_html(pages, lang="th", town_id="takhli")
    for spec in appendices.APPENDICES[:3]:
        assert f'href="#chapter-{spec.id}"' in html
        assert f'id="chapter-{spec.id}"' in html
        assert f"chapter {spec.id}" in html
    assert "สารบัญ" in _visible(html)
    assert "ภาคผนวก ก" in _visible(html)


def test_appendix_specs() -> None:
    ids = [s.id for s in appendices.APPENDICES]
    assert ids == ["a", "b", "c", "d", "e"]
    for spec in (*appendices.APPENDICES, appendices.CROSS_TOWN):
        assert (REPO / "notebooks" / spec.notebook).is_file()
    assert appendices.get_appendix("x").per_town is False
    with pytest.raises(KeyError, match="No appendix named 'z'"):
        appendices.get_appendix("z")


def test_combined_page_from_ready_fragments_equals_rendering_the_notebooks(
    hostile_store: Path,
) -> None:
    nb_a, nb_b = _notebook(["<p>first</p>"], "en"), _notebook(["<p>second</p>"], "en")
    page = render.render_appendix_page(nb_a, lang="en", town_id="takhli", title="T")
    assert page.html == render.render_appendix_html(nb_a, lang="en", town_id="takhli", title="T")
    assert "<p>first</p>" in page.fragment and page.fragment in page.html
    specs = [appendices.get_appendix("a"), appendices.get_appendix("b")]
    from_notebooks = render.render_combined_html(
        list(zip(specs, [nb_a, nb_b], strict=True)), lang="en", town_id="takhli"
    )
    reused = render.render_combined_html(
        [(specs[0], page.fragment), (specs[1], nb_b)], lang="en", town_id="takhli"
    )
    assert reused == from_notebooks


def _synthetic_running_head(lang: str) -> str:
    """The printed running head that marks a page as synthetic demonstration data."""
    return (
        "@top-right { content: "
        + f'"{render._css_string(get_translator(lang)("report.synthetic_short"))}"'
    )


def _header_output(meta: PageMeta, html: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data", data={"text/html": html, PAGE_MIME: meta.to_json()}
    )


def test_page_metadata_wins_over_a_misleading_chapter_title() -> None:
    nb = _notebook(['<h1 class="chapter-title" id="appendix-c">Wrong title</h1>'], "en")
    nb.metadata["ecoplan"] = PageMeta("Right", "Somewhere", True, "en", "b", "takhli").to_json()
    page = render.render_appendix_page(nb, lang="en", town_id="takhli")
    assert "<title>Right – Somewhere</title>" in page.html
    assert "Wrong title" in page.fragment  # the chapter itself is shown as it is
    assert _synthetic_running_head("en") in page.html  # the flag came from the metadata


def test_page_metadata_is_read_from_the_header_output_and_not_shown() -> None:
    nb = _notebook([], "en")
    del nb.metadata["ecoplan"]
    meta = PageMeta("Trends", "Takhli", False, "en", "c", "takhli")
    nb.cells[3].outputs = [_header_output(meta, "<header>visible header</header>")]
    page = render.render_appendix_page(nb, lang="en", town_id="takhli")
    assert "<title>Trends – Takhli</title>" in page.html
    assert "visible header" in page.html and "vnd.ecoplan" not in page.html
    assert nb.metadata["ecoplan"] == meta.to_json()  # lifted into the notebook metadata
    assert _synthetic_running_head("en") not in page.html


def test_a_notebook_without_page_metadata_fails_with_a_clear_error() -> None:
    nb = _notebook(['<h1 class="chapter-title" id="appendix-b">Status</h1>'])
    del nb.metadata["ecoplan"]
    with pytest.raises(DataError, match=r"no page metadata.*report\.page_header"):
        render.render_appendix_html(nb, lang="th", town_id="takhli")


def test_page_metadata_for_another_language_or_town_is_refused() -> None:
    with pytest.raises(DataError, match="lang='en'"):
        render.render_appendix_html(_notebook(["<p>x</p>"], "en"), lang="th", town_id="takhli")
    with pytest.raises(DataError, match="town_id='takhli'"):
        render.render_appendix_html(_notebook(["<p>x</p>"]), lang="th", town_id="nam-chiao")


def test_malformed_page_metadata_names_the_problem() -> None:
    nb = _notebook(["<p>x</p>"])
    nb.metadata["ecoplan"] = {**nb.metadata["ecoplan"], "synthetic": "yes"}
    with pytest.raises(DataError, match="synthetic = 'yes' has the wrong type"):
        render.render_appendix_html(nb, lang="th", town_id="takhli")
    del nb.metadata["ecoplan"]["title"]
    with pytest.raises(DataError, match=r"missing \['title'\]"):
        render.render_appendix_html(nb, lang="th", town_id="takhli")


def test_page_header_output_carries_the_page_metadata(hostile_store: Path) -> None:
    block = report.page_header(validate_params(town_id="takhli", lang="en"), "b")
    meta = PageMeta.from_json(block._repr_mimebundle_()[PAGE_MIME])
    assert meta.title == validate_params(town_id="takhli", lang="en").tr("report.b.title")
    assert meta.town_name.startswith("Takhli") and meta.synthetic is True
    assert (meta.lang, meta.appendix, meta.town_id) == ("en", "b", "takhli")
    cross = report.page_header(validate_params(lang="th", require_town=False), "x")
    assert PageMeta.from_json(cross._repr_mimebundle_()[PAGE_MIME]).town_id is None


def test_combined_page_reads_town_and_synthetic_flag_from_chapter_metadata(
    hostile_store: Path,
) -> None:
    """Ready fragments travel with their page metadata; the store is not read back."""
    nb = _notebook(["<p>first</p>"], "en")
    nb.metadata["ecoplan"] = PageMeta("A", "Metadata Town", True, "en", "a", "takhli").to_json()
    page = render.render_appendix_page(nb, lang="en", town_id="takhli", title="T")
    assert page.meta is not None and page.meta.town_name == "Metadata Town"
    spec = appendices.get_appendix("a")
    html = render.render_combined_html([(spec, page)], lang="en", town_id="takhli", summary=False)
    assert "<title>" in html and "Metadata Town</title>" in html
    assert _synthetic_running_head("en") in html
    # a bare fragment has no metadata: the cover falls back to the store's town record
    bare = render.render_combined_html(
        [(spec, page.fragment)], lang="en", town_id="takhli", summary=False
    )
    assert "Metadata Town</title>" not in bare


def _stock_chapter(nb: nbformat.NotebookNode) -> str:
    stock = HTMLExporter(
        template_name="ecoplan",
        extra_template_basedirs=[str(render._TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    stock.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(render.REMOVED_CELL_TAGS), enabled=True),
        enabled=True,
    )
    stock.register_preprocessor(render._SanitiseOutputs(enabled=True), enabled=True)
    html, _ = stock.from_notebook_node(select_language(nb, "th"))
    return html


_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_the_chapter_is_what_stock_nbconvert_makes_without_its_reparse() -> None:
    """Skipping HTMLExporter's BeautifulSoup pass changes the serialisation, not the page.

    The stock exporter, given the same template and preprocessors, parses its output
    again (to add alt text and tabindex to JupyterLab classes this template never
    writes). Parsing the chapter the same way gives exactly the stock output, so the two
    differ only in how unchanged elements are written (``<img ...>`` for ``<img .../>``).
    """
    nb = _notebook(
        [
            f'<figure><img src="data:image/png;base64,{_PNG}" alt="ภาพ &amp; \'x\'"></figure>',
            "<p>ฝุ่น &lt;PM2.5&gt; &amp; O&#x27;Brien</p><table><tr><td>1</td></tr></table>",
            '<img alt="" src="data:image/png;base64,AAAA">',
        ]
    )
    nb.cells.append(nbformat.v4.new_markdown_cell("**ข้อความ** of a researcher"))
    expected = _stock_chapter(nb)
    chapter = render.chapter_fragment(nb, "th")
    assert chapter != expected  # the re-parse is skipped ...
    assert str(BeautifulSoup(chapter, features="html.parser")) == expected  # ... nothing else


def test_an_image_without_alt_gets_the_stock_pass() -> None:
    nb = _notebook([f'<p>a researcher\'s image</p><img src="data:image/png;base64,{_PNG}">'])
    chapter = render.chapter_fragment(nb, "th")
    assert chapter == _stock_chapter(nb)
    assert "No description has been provided for this image" in chapter


@pytest.mark.parametrize("lang", ["th", "en", None])
def test_rendering_a_chapter_leaves_the_notebook_as_it_was(lang: str | None) -> None:
    """The language selection shares cells with the notebook; nbconvert works on a copy."""
    nb = _notebook(['<p onclick="x">ฝุ่น</p><img src="data:image/png;base64,AAAA" alt="a">'])
    nb.cells += [
        nbformat.v4.new_markdown_cell("ไทย", metadata={"tags": ["th"]}),
        nbformat.v4.new_markdown_cell("English", metadata={"tags": ["en"]}),
    ]
    before = nbformat.writes(nb)
    chapter = render.chapter_fragment(nb, lang)
    assert nbformat.writes(nb) == before
    assert "onclick" not in chapter
    if lang is not None:
        assert ("ไทย" in chapter, "English" in chapter) == (lang == "th", lang == "en")


def test_a_block_is_stored_once_as_html_and_summarised_as_text() -> None:
    """Jupyter keeps every output's plain-text form beside its HTML: a block's is a
    one-line summary, so an executed notebook holds each chart's PNG once, not twice."""
    markup = "<p>" + "x" * 200_000 + "</p>"
    data, _meta = DisplayFormatter().format(HtmlBlock(markup))
    assert data["text/html"] == markup
    assert data["text/plain"] == "<HTML block: 200,007 characters>"
