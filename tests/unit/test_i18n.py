"""Translation files: the same keys and the same format fields in Thai and English."""

from __future__ import annotations

import re
import string
from importlib.resources import files

import pytest
import yaml

from analysis.i18n import LANGS, flatten, get_translator

DOMAINS = sorted(
    entry.name.removesuffix(".yaml")
    for entry in (files("analysis.i18n") / "th").iterdir()
    if entry.name.endswith(".yaml")
)


def _tree(lang: str, domain: str) -> dict[str, str]:
    text = (files("analysis.i18n") / lang / f"{domain}.yaml").read_text(encoding="utf-8")
    return flatten(yaml.safe_load(text) or {})


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("domain", DOMAINS)
def test_same_keys_in_both_languages(domain: str) -> None:
    th, en = _tree("th", domain), _tree("en", domain)
    assert set(th) == set(en), f"{domain}: only th {set(th) - set(en)}, only en {set(en) - set(th)}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_same_format_fields_in_both_languages(domain: str) -> None:
    th, en = _tree("th", domain), _tree("en", domain)
    diff = {
        k: (_fields(th[k]), _fields(en[k])) for k in th if _fields(th[k]) != _fields(en.get(k, ""))
    }
    assert not diff, f"{domain}: format fields differ: {diff}"


def test_report_keys_are_strings_and_not_empty() -> None:
    for lang in LANGS:
        tree = _tree(lang, "report")
        # YAML 1.1 turns bare yes/no/on/off keys into booleans: keys must stay strings.
        assert all(isinstance(k, str) and k not in {"True", "False"} for k in tree), tree.keys()
        assert all(str(v).strip() for v in tree.values())


def test_thai_report_strings_are_thai() -> None:
    """Every Thai report string with letters holds Thai script (no English left behind)."""
    th = _tree("th", "report")
    allowed_latin = {"none", "groups_short.who", "list_sep"}
    untranslated = []
    for key, value in th.items():
        text = re.sub(r"\{[^}]*\}", "", value)  # format fields are not text
        has_letters = any(c.isalpha() for c in text)
        if (
            key not in allowed_latin
            and has_letters
            and not any("\u0e00" <= c <= "\u0e7f" for c in text)
        ):
            untranslated.append(key)
    assert not untranslated, untranslated


def test_translator_formats_and_fails_loudly() -> None:
    tr = get_translator("th")
    assert tr("report.a.f_population_value", value="1,000", year="2567") == "1,000 คน (พ.ศ. 2567)"
    with pytest.raises(Exception, match="missing translation"):
        tr("report.no.such.key")
