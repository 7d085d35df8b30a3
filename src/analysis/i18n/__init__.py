"""Translations: every user-visible string comes from ``i18n/<lang>/<domain>.yaml``.

Each domain file (``report.yaml``, ``plan.yaml``, ``site.yaml`` ...) is a nested mapping;
keys are addressed with dots (``"status.pass"``). Both languages must define the same keys
(a test checks this). Values may hold ``str.format`` fields: ``t("trend.slope", slope=1.2)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml

from analysis.errors import ConfigError, ParameterError
from analysis.yamltext import load_yaml

__all__ = ["BE_OFFSET", "LANGS", "Translator", "be_year", "flatten", "get_translator"]

LANGS: tuple[str, ...] = ("th", "en")
#: Buddhist Era year = CE year + BE_OFFSET (the one definition; Thai pages show B.E. years).
BE_OFFSET = 543


def be_year(year: int, lang: str = "th") -> int:
    """Return ``year`` (CE) as shown in ``lang``: Buddhist Era in Thai, CE in English.

    Parameters
    ----------
    year : int
        CE year.
    lang : {"th", "en"}
        Display language.

    Returns
    -------
    int
        ``year + 543`` in Thai, ``year`` in English.

    Examples
    --------
    >>> be_year(2024)
    2567
    >>> be_year(2024, "en")
    2024
    """
    return int(year) + BE_OFFSET if lang == "th" else int(year)


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten a nested mapping into ``{"a.b": value}``.

    Parameters
    ----------
    tree : dict of str to Any
        A nested mapping, as loaded from YAML.
    prefix : str
        Put before every key (used in the recursion).

    Returns
    -------
    dict of str to str
        Dotted keys to their values as text.
    """
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{full}."))
        else:
            out[full] = str(value)
    return out


@functools.cache
def _load(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        msg = f"unknown language {lang!r}: expected one of {', '.join(LANGS)}"
        raise ParameterError(msg)
    merged: dict[str, str] = {}
    folder = files("analysis.i18n") / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            tree = load_yaml(entry.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            msg = f"i18n/{lang}/{entry.name}: invalid YAML: {exc}"
            raise ConfigError(msg) from exc
        domain = entry.name.removesuffix(".yaml")
        merged.update(flatten(tree, f"{domain}."))
    return merged


@dataclass(frozen=True)
class Translator:
    """Look up strings for one language.

    Keys are ``"<domain>.<path>"``, e.g. ``"report.status.pass"`` for
    ``i18n/<lang>/report.yaml`` -> ``status: {pass: ...}``.
    """

    lang: str
    strings: dict[str, str] = field(repr=False)

    def __call__(self, key: str, /, **fields: object) -> str:
        """Return the string for ``key``, formatted with ``fields``.

        Raises
        ------
        ConfigError
            If the key is missing (a missing translation is a bug, not a fallback).
        """
        try:
            text = self.strings[key]
        except KeyError:
            msg = f"missing translation {key!r} for language {self.lang!r}"
            raise ConfigError(msg) from None
        return text.format(**fields) if fields else text

    def has(self, key: str) -> bool:
        """Return whether ``key`` is defined.

        Parameters
        ----------
        key : str
            A dotted key, e.g. ``"report.doc_title"``.

        Returns
        -------
        bool
            True when the language's YAML files define ``key``.
        """
        return key in self.strings


def get_translator(lang: str) -> Translator:
    """Return the translator for ``lang`` (``"th"`` or ``"en"``).

    Parameters
    ----------
    lang : {"th", "en"}
        Language.

    Returns
    -------
    Translator
        Looks up the language's strings by dotted key.

    Examples
    --------
    >>> get_translator("en").lang
    'en'
    """
    return Translator(lang, _load(lang))
