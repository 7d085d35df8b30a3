"""Generated narrative reads as written (issue 15, item 5).

Every narrative function and template is rendered over many generated cases (counts 0-5
per status group, all themes, both languages, tiny and large slopes, lists of 1-4 names)
and over the analysis of a small store; no sentence may contain a forbidden pattern: a
zero-count clause ("0 ตัว", " 0 "), a number rounded to "0.00", doubled spaces, an
untranslated id or placeholder, a wrong English plural, or an English word in Thai text.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import random
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import load_catalogue
from analysis.catalogue.models import THEMES
from analysis.i18n import get_translator
from analysis.i18n.prose import count_key, fmt_quantity, join_list, thai_unit_order
from analysis.paths import get_paths
from analysis.report import gaps, sections, trends
from analysis.report.data import town_analysis
from analysis.report.params import RunParams
from analysis.results.compute import run_analysis
from analysis.stats import milestones as ms
from analysis.stats import plan as plan_mod
from analysis.store.io import write_table
from analysis.synthetic.series import TownTraits, generate_series
from analysis.towns import load_towns

LANGS = ("th", "en")
REPO = Path(__file__).resolve().parents[2]
CSS = REPO / "src" / "analysis" / "report" / "static" / "report.css"

_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")  # pm25_annual, city_municipality
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_LATIN = re.compile(r"[A-Za-z][A-Za-z]+")
_BAD_PLURAL = re.compile(r"\b1 (indicators|meet|are|have|fail)\b|\bof 1 indicators\b")


def _thai_latin_allowed() -> frozenset[str]:
    """Latin words Thai text may carry: those the Thai strings and catalogue names use."""
    tr = get_translator("th")
    words: set[str] = set()
    for text in tr.strings.values():
        words.update(_LATIN.findall(text))
    cat = load_catalogue()
    for ind in cat.indicators:
        words.update(_LATIN.findall(ind.name_th))
        for std in ind.standards:
            words.update(_LATIN.findall(str(std.name_th)))
    return frozenset(words)


_THAI_LATIN = _thai_latin_allowed()


def problems(text: str, lang: str, *, zero_values_ok: bool = False) -> list[str]:
    """Return the forbidden patterns found in a rendered sentence (HTML allowed)."""
    plain = html.unescape(_TAG.sub(" ", text)).strip()
    found = []
    if not zero_values_ok and re.search(r"(^|\s)0(\s|$)", plain):
        found.append("zero-count clause ' 0 '")
    if re.search(r"(?<![\d.,])0 ตัว", plain):
        found.append("'0 ตัว'")
    if lang == "th" and re.search(r"\d ตัวชี้วัด", plain):
        found.append("a number runs into 'ตัวชี้วัด'")
    if re.search(r"(?<![\d.])-?0\.00(?!\d*[1-9])", plain):
        found.append("'0.00'")
    if "  " in plain:
        found.append("doubled or stray spaces")
    if m := _ID.search(plain):
        found.append(f"untranslated id {m.group(0)!r}")
    if m := _PLACEHOLDER.search(plain):
        found.append(f"placeholder {m.group(0)!r}")
    if re.search(r"\b(None|nan|NaN|NaT)\b", plain):
        found.append("missing value printed")
    if re.search(r"\s[,.;:]", plain):
        found.append("space before punctuation")
    if lang == "en" and (m := _BAD_PLURAL.search(plain)):
        found.append(f"wrong plural {m.group(0)!r}")
    if lang == "th":
        stray = sorted(set(_LATIN.findall(plain)) - _THAI_LATIN)
        if stray:
            found.append(f"English words in Thai text: {stray}")
        if re.search(r"\d ร้อยละ", plain):
            found.append("number before 'ร้อยละ'")
    return found


def assert_clean(text: str, lang: str, **kw: bool) -> None:
    assert not problems(text, lang, **kw), (problems(text, lang, **kw), text)


def test_the_checker_rejects_the_old_sentences() -> None:
    old_en = (
        "Air quality: 4 indicators; 1 meet the standard, 1 are on watch, "
        "2 fail the standard and 0 have no standard."
    )
    old_th = "ด้านคุณภาพอากาศมีตัวชี้วัด 4 ตัว ผ่านมาตรฐาน 0 ตัว improving (0.00 ร้อยละ ต่อปี)"
    assert problems(old_en, "en")
    assert {"'0 ตัว'", "'0.00'", "number before 'ร้อยละ'"} <= set(problems(old_th, "th"))
    assert any("English" in p for p in problems(old_th, "th"))
    assert problems("pm25_annual rose", "en") and problems("{names} rose", "en")
    assert problems("two  spaces", "en")


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_lists_follow_each_languages_convention(lang: str, k: int) -> None:
    tr = get_translator(lang)
    cat = load_catalogue()
    names = [i.name_th if lang == "th" else i.name_en for i in cat.indicators[:k]]
    text = join_list(names, tr)
    assert_clean(text, lang)
    for name in names:
        assert name in text
    if k == 1:
        assert text == names[0]
    elif lang == "th":
        assert text.endswith(f" และ {names[-1]}") and "," not in text.replace(", ", "", 0)
    else:
        assert text.endswith(f" and {names[-1]}")
        assert text.count(", ") >= k - 2


def test_the_list_joiners_come_from_the_translations() -> None:
    for lang in LANGS:
        tr = get_translator(lang)
        assert tr.has("report.list_join") and tr.has("report.list_join_last")
    assert get_translator("th")("report.list_join_last", head="ก", item="ข") == "ก และ ข"


@pytest.mark.parametrize(
    "x", [0.0, 1e-7, -4.2e-5, 0.0042, 0.004999, 0.005, 0.01, 0.5, 1.234, 12.34, 123.4, 98765.4]
)
def test_small_slopes_keep_significant_digits(x: float) -> None:
    text = fmt_quantity(x)
    assert text == "0" if x == 0 else not re.fullmatch(r"-?0(\.0*)?", text)
    if x:
        assert abs(float(text.replace(",", "")) - x) <= 0.06 * abs(x) + 0.5 * (abs(x) >= 100)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("value", [45.0, -3.25, 0.0042, 1234.5, None])
def test_page_sentences_with_a_unit_read_in_the_languages_order(
    lang: str, value: float | None
) -> None:
    """The page templates that print a value with its unit, over every catalogue unit."""
    from analysis.report.fmt import fmt_number, place_unit  # noqa: PLC0415
    from analysis.report.fmt import fmt_quantity as page_quantity  # noqa: PLC0415

    tr = get_translator(lang)
    for unit in load_catalogue().units:
        shown = page_quantity(value, unit, lang)
        number = place_unit(fmt_number(value) or "1", unit, lang)
        texts = [
            tr("report.e.milestone_step", end="2580", value=number),
            tr("site.indicator.projection", year="2580", value=number),
            tr("air.incomplete_status", rule=page_quantity(75, "percent", lang)),
            f"ค่าล่าสุด {shown}" if lang == "th" else f"latest {shown}",
        ]
        for text in texts:
            assert_clean(text, lang, zero_values_ok=True)
        if lang == "th" and unit == "percent" and value is not None:
            assert shown.startswith("ร้อยละ ")


def test_thai_percent_is_written_before_its_number() -> None:
    assert thai_unit_order("(0.12 ร้อยละ ต่อปี)") == "(ร้อยละ 0.12 ต่อปี)"
    assert thai_unit_order("ปี พ.ศ. 2566 มีค่า 1,234.5 ร้อยละ") == "ปี พ.ศ. 2566 มีค่าร้อยละ 1,234.5"
    assert thai_unit_order("ไม่เกิน 25 มคก./ลบ.ม.") == "ไม่เกิน 25 มคก./ลบ.ม."


def test_narrative_css_is_not_justified() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "text-align: justify" not in css and "text-align:justify" not in css


# ------------------------------------------------------------------ appendix B: theme heading


def _status_cases() -> list[dict[str, int]]:
    """Counts 0-5 per status group: each group alone, pairs, and seeded random mixes."""
    groups = sections.NARRATIVE_GROUPS
    cases = [{g: k} for g in groups for k in range(1, 6)]
    pairs = itertools.combinations(groups, 2)
    cases += [{a: ka, b: kb} for a, b in pairs for ka, kb in ((1, 1), (2, 3))]
    rng = random.Random(15)
    for _ in range(60):
        mix = {g: rng.randint(0, 5) for g in groups}
        if sum(mix.values()):
            cases.append(mix)
    return cases


_CHANGES = ("improving", "worsening", "no_trend", "insufficient", None)


def _status_frame(theme: str, counts: dict[str, int], seed: int) -> pd.DataFrame:
    ids = [i.id for i in load_catalogue().indicators if i.theme == theme]
    rng = random.Random(seed)
    rows = []
    for group, k in counts.items():
        light, _, kind = group.partition("_")
        category = {"target": "target", "legal": "legal_standard"}.get(kind)
        if light == "red":
            category = "legal_standard"
        for _ in range(k):
            rows.append(
                {
                    "indicator_id": ids[len(rows) % len(ids)],
                    "theme": theme,
                    "light": light,
                    "headline_category": category,
                    "change": rng.choice(_CHANGES),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def fake_town(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gaps, "town_has_data", lambda town_id: True)
    monkeypatch.setattr(gaps, "theme_has_data", lambda town_id, theme: True)


@pytest.mark.usefixtures("fake_town")
@pytest.mark.parametrize("lang", LANGS)
def test_theme_heading_over_generated_status_counts(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunParams(town_id="takhli", lang=lang)
    tr = run.tr
    rendered = 0
    for k, counts in enumerate(_status_cases()):
        theme = THEMES[k % len(THEMES)]
        frame = _status_frame(theme, counts, seed=k)
        monkeypatch.setattr(sections, "_latest", lambda run, frame=frame: frame)
        text = sections.theme_heading(run, theme).html
        para = text.split("</h2>", 1)[1]
        assert_clean(para, lang)
        total = sum(counts.values())
        assert (f"{total} " in para) or total == 1
        for group, n in counts.items():
            if n and total > 1:
                assert tr(count_key(f"report.b.cnt_{group}", n), n=n) in html.unescape(para)
        # a target-only indicator is never said to "meet the standard"
        if lang == "en" and not any(counts.get(g) for g in ("green_legal", "amber_legal", "red")):
            assert "standard" not in para.replace("no legal standard", "")
        rendered += 1
    assert rendered > 100


def test_theme_heading_examples_read_as_written(
    fake_town: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _status_frame("air", {"green_legal": 1, "amber_target": 1, "red": 2}, seed=1)
    frame["change"] = None
    monkeypatch.setattr(sections, "_latest", lambda run: frame)
    en = html.unescape(sections.theme_heading(RunParams(town_id="takhli", lang="en"), "air").html)
    assert (
        "Air quality: 4 indicators; 1 meets the legal standard, 1 is not yet at its plan target "
        "and 2 fail the legal standard." in en
    )
    th = html.unescape(sections.theme_heading(RunParams(town_id="takhli", lang="th"), "air").html)
    assert (
        "มีตัวชี้วัด 4 ตัว โดยผ่านมาตรฐานตามกฎหมาย 1 ตัว ยังไม่ถึงค่าเป้าหมายของแผน 1 ตัว "
        "และ ไม่ผ่านมาตรฐานตามกฎหมาย 2 ตัว" in th
    )


# ------------------------------------------------------------------ appendix C: theme title

_PROGRESS = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "stagnation_or_regression",
    "deterioration",
    "insufficient",
)


@pytest.mark.usefixtures("fake_town")
@pytest.mark.parametrize("lang", LANGS)
def test_theme_title_over_generated_progress_counts(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunParams(town_id="takhli", lang=lang)
    cat = load_catalogue()
    rng = random.Random(3)
    cases = [{c: k} for c in _PROGRESS for k in range(1, 6)]
    cases += [{c: rng.randint(0, 5) for c in _PROGRESS} for _ in range(40)]
    for k, counts in enumerate(cases):
        theme = THEMES[k % len(THEMES)]
        ids = [i.id for i in cat.indicators if i.theme == theme]
        cats = [c for c, n in counts.items() for _ in range(n)]
        prog = pd.DataFrame(
            {"indicator_id": [ids[j % len(ids)] for j in range(len(cats))], "category": cats}
        )
        monkeypatch.setattr(
            trends, "_analysis", lambda run, prog=prog: SimpleNamespace(progress=prog)
        )
        text = trends.theme_title(run, theme).html
        para = text.split("</h2>", 1)[1]
        if not cats:
            assert para == ""
            continue
        assert_clean(para, lang)
        for c, n in counts.items():
            label = run.tr(f"plan.progress.{c}")
            assert (label in html.unescape(para)) == bool(n)


# ------------------------------------------------------------------ plan reasons, milestones

_SLOPES = (1e-6, -3.3e-4, 0.0042, -0.004, 0.03, -0.6, 2.5, -48.0, 1234.0)


def _plan_frame(ind_ids: list[str], keys: list[str]) -> pd.DataFrame:
    n = len(keys)
    rng = np.random.default_rng(15)
    cat = load_catalogue()
    slope = np.resize(np.array(_SLOPES), n)
    return pd.DataFrame(
        {
            "indicator_id": [ind_ids[j % len(ind_ids)] for j in range(n)],
            "reason_key": keys,
            "latest_value": rng.uniform(0.5, 500, n),
            "headline_value": rng.uniform(1, 300, n),
            "headline_margin": rng.uniform(-50, 50, n),
            "sen_slope": slope,
            "projected_at_target": rng.uniform(1, 300, n),
            "required_annual_change": slope[::-1].copy(),
            "latest_year": rng.integers(2015, 2024, n),
            "breach_year": pd.array(rng.integers(2025, 2037, n), dtype="Int64"),
            "target_year": pd.array(np.full(n, 2030), dtype="Int64"),
            "headline_kind": ["max" if j % 2 else "min" for j in range(n)],
            "headline_name_en": [cat.get(ind_ids[j % len(ind_ids)]).name_en for j in range(n)],
            "headline_name_th": [cat.get(ind_ids[j % len(ind_ids)]).name_th for j in range(n)],
        }
    )


def test_every_plan_reason_over_tiny_and_large_slopes() -> None:
    cat = load_catalogue()
    keys = sorted(
        k.removeprefix("plan.reason.")
        for k in get_translator("en").strings
        if k.startswith("plan.reason.")
    )
    ids = [i.id for i in cat.indicators]
    all_keys = [k for k in keys for _ in range(len(_SLOPES))]
    df = _plan_frame(ids, all_keys)
    plan_mod._reason_texts(df, cat, {i: cat.get(i).unit for i in ids})
    for lang in LANGS:
        for text in df[f"reason_{lang}"]:
            assert_clean(text, lang, zero_values_ok=True)


@pytest.mark.parametrize("path", ["linear", "geometric"])
def test_every_milestone_note_over_tiny_and_large_changes(path: str) -> None:
    cat = load_catalogue()
    ids = [i.id for i in cat.indicators if i.target is not None] or [cat.indicators[0].id]
    n = 4 * len(_SLOPES)
    slope = np.resize(np.array(_SLOPES), n)
    df = pd.DataFrame(
        {
            "indicator_id": [ids[j % len(ids)] for j in range(n)],
            "latest_year": np.full(n, 2022),
            "latest_value": np.linspace(0.7, 700, n),
            "target_year": np.full(n, 2030),
            "target_value": np.linspace(1, 90, n),
            "required_annual_change": slope,
            "required_annual_rate": slope / 100,
            "note": ["already_met" if j % 4 == 0 else "" for j in range(n)],
        }
    )
    ms._required_notes(df, cat, {i: cat.get(i).unit for i in ids}, path)
    for lang in LANGS:
        for text in df[f"note_{lang}"]:
            assert_clean(text, lang, zero_values_ok=True)


# ------------------------------------------------------------------ a small analysed store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    processed = tmp_path_factory.mktemp("narrative")
    write_table(load_towns(get_paths().towns_csv), "towns.parquet", processed)
    df = generate_series([TownTraits("takhli"), TownTraits("mueang-nan")], load_catalogue()).drop(
        columns="trend_kind"
    )
    df["note"] = None  # every column of indicators.parquet (analysis.store.schema)
    df["is_synthetic"] = True
    df["src_file"] = "indicators/narrative_x.csv"
    df["src_row"] = range(2, len(df) + 2)
    write_table(df, "indicators.parquet", processed)
    pd.DataFrame(columns=["file", "row", "column", "value", "reason"]).to_csv(
        processed / "rejected.csv", index=False
    )
    run_analysis(dataclasses.replace(get_paths(), processed=processed))
    return processed


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("town_id", ["takhli", "mueang-nan"])
def test_narrative_of_an_analysed_store(
    store: Path, lang: str, town_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECOPLAN_PROCESSED_DIR", str(store))
    run = RunParams(town_id=town_id, lang=lang)
    for theme in THEMES:
        for block in (sections.theme_heading(run, theme), trends.theme_title(run, theme)):
            body = block.html.split("</h2>", 1)[-1]
            assert_clean(body, lang)
    a = town_analysis(town_id, run.horizon)
    for text in a.plan[f"reason_{lang}"].dropna():
        assert_clean(str(text), lang, zero_values_ok=True)
    for col in (f"note_{lang}", f"projection_note_{lang}"):
        if col in a.milestones:
            for text in a.milestones[col].dropna():
                if str(text):
                    assert_clean(str(text), lang, zero_values_ok=True)
