"""The town registry (``data/raw/towns.csv``): validated town records and slug rules."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import ConfigError, ParameterError
from analysis.store.schema import TOWN_ID_PATTERN, columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROVINCE_HEADERS",
    "TOWN_COLUMNS",
    "TOWN_ID_PATTERN",
    "TownResolver",
    "load_towns",
    "name_key",
    "validate_town_id",
]

#: Columns of the registry, as stored in ``towns.parquet`` (:mod:`analysis.store.schema`).
TOWN_COLUMNS: tuple[str, ...] = columns("towns.parquet")


def validate_town_id(town_id: object) -> str:
    """Return ``town_id`` if it is a safe slug, else raise.

    A town id becomes part of file names, so it must be a strict ASCII slug:
    lowercase ``a-z``, digits and inner hyphens, 1-64 characters. Path separators,
    ``..``, absolute paths, whitespace and Unicode look-alikes are rejected.

    Parameters
    ----------
    town_id : object
        The candidate id.

    Returns
    -------
    str
        The same id.

    Raises
    ------
    ParameterError
        If it is not a valid slug.

    Examples
    --------
    >>> validate_town_id("nakhon-sawan")
    'nakhon-sawan'
    """
    if not isinstance(town_id, str) or not TOWN_ID_PATTERN.fullmatch(town_id):
        shown = repr(town_id)
        if isinstance(town_id, str):
            shown += _non_ascii_hint(town_id)
        msg = (
            f"invalid town_id {shown}: expected a slug of lowercase a-z, 0-9 and '-' "
            "(1-64 characters, no leading/trailing '-'), e.g. 'nakhon-sawan'"
        )
        raise ParameterError(msg)
    return town_id


def _non_ascii_hint(text: str) -> str:
    """Return a hint naming the non-ASCII characters of ``text`` ("" if there are none).

    Look-alikes such as Cyrillic 'а' print exactly like ASCII letters, so the message
    must say which character is wrong.
    """
    odd = list(dict.fromkeys(c for c in text if not c.isascii()))
    if not odd:
        return ""
    names = ", ".join(
        f"{c!r} U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in odd[:5]
    )
    more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
    kind = (
        "Unicode look-alike characters"
        if any(
            unicodedata.normalize("NFKC", c).isascii()
            or unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK"))
            for c in odd
        )
        else "non-ASCII characters"
    )
    return f" (contains {kind}: {names}{more})"


def load_towns(path: Path | str) -> pd.DataFrame:
    """Read and validate the town registry.

    Parameters
    ----------
    path : path-like
        ``towns.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per town, indexed by position, with typed numeric columns.

    Raises
    ------
    ConfigError
        If columns are missing, ids are invalid or duplicated.
    """
    import numpy as np  # noqa: PLC0415 - the build planner imports this module without them
    import pandas as pd  # noqa: PLC0415

    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        msg = f"{path}: cannot read the town registry: {exc}"
        raise ConfigError(msg) from exc
    missing = [c for c in TOWN_COLUMNS if c not in df.columns]
    if missing:
        msg = f"{path}: missing columns {missing}"
        raise ConfigError(msg)
    for row_no, town_id in enumerate(df["town_id"], start=2):
        try:
            validate_town_id(town_id)
        except ParameterError as exc:
            msg = f"{path}, row {row_no}, column town_id: {exc}"
            raise ConfigError(msg) from exc
    dupes = df["town_id"][df["town_id"].duplicated()].tolist()
    if dupes:
        msg = f"{path}: duplicate town_id {dupes}"
        raise ConfigError(msg)
    for col in ("population", "population_year", "area_km2", "lat", "lon"):
        text = df[col].str.strip()
        values = pd.to_numeric(text.mask(text == ""), errors="coerce")
        whole = col in ("population", "population_year")
        bad = (values.isna() & (text != "")) | ~np.isfinite(values.fillna(0))
        if whole:
            bad |= values.notna() & (values.fillna(0) % 1 != 0)
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            kind = "a whole number" if whole else "a number"
            msg = (
                f"{path}, row {pos + 2}, column {col}: expected {kind} (or an empty cell), "
                f"got {df[col].iloc[pos]!r}"
            )
            raise ConfigError(msg)
        df[col] = values.astype("Int64") if whole else values.astype("float64")
    return df


# --------------------------------------------------------------------------- name lookup

#: Headers of an optional province column in indicator files (compared after :func:`name_key`).
PROVINCE_HEADERS: frozenset[str] = frozenset(
    {"province", "province_th", "province_en", "จังหวัด", "ชื่อจังหวัด", "จ."}
)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Thai marks stacked on one consonant, in the order a keyboard or font does not enforce:
# vowel marks above/below first, then tone marks, then thanthakhat/nikhahit/yamakkan.
_THAI_MARK_RANK = {
    **dict.fromkeys("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47", 0),
    **dict.fromkeys("\u0e48\u0e49\u0e4a\u0e4b", 1),
    **dict.fromkeys("\u0e4c\u0e4d\u0e4e", 2),
}
_PROVINCE_PREFIXES = ("จังหวัด", "จ.", "province of ")


def name_key(text: object) -> str:
    """Return the comparison key of a town or province name.

    NFKC (so ``ำ`` becomes ``ํ`` + ``า``), Thai digits as ASCII, invisible characters
    removed, whitespace collapsed, casefolded, and the Thai marks above and below each
    consonant put in one canonical order (vowel, tone, other), because ``น้ำ`` typed as
    ``นํ้า`` looks identical but is a different string. ``เเ`` (two sara e) is read as ``แ``.

    Parameters
    ----------
    text : object
        A name (converted with ``str``).

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> name_key("เทศบาลตำบลน้ำเชี่ยว") == name_key("เทศบาลตําบลนํ้าเชี่ยว")
    True
    >>> name_key("  Nan  Town ")
    'nan town'
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(_THAI_DIGITS).translate(_INVISIBLE)
    s = " ".join(s.split()).casefold().replace("\u0e40\u0e40", "\u0e41")
    out: list[str] = []
    run: list[str] = []
    for ch in s:
        if ch in _THAI_MARK_RANK:
            run.append(ch)
            continue
        if run:
            out.extend(sorted(run, key=_THAI_MARK_RANK.__getitem__))
            run = []
        out.append(ch)
    out.extend(sorted(run, key=_THAI_MARK_RANK.__getitem__))
    return "".join(out)


def _province_key(text: object) -> str:
    key = name_key(text)
    for prefix in _PROVINCE_PREFIXES:
        key = key.removeprefix(prefix).strip()
    return key.removesuffix(" province").strip()


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text)


@dataclass(frozen=True)
class TownResolver:
    """Resolve a town cell (``town_id``, Thai or English name) to one ``town_id``.

    A name resolves only when it is unambiguous: Thai municipality names repeat across
    provinces, so a name shared by two towns is an error naming both, unless the row's
    province (an optional ``province``/``จังหวัด`` column) picks one. A ``town_id`` is
    always unambiguous. Build it with :meth:`from_frame`.

    Attributes
    ----------
    ids : frozenset of str
        The registered town ids.
    by_name : Mapping[str, tuple of str]
        :func:`name_key` of each Thai/English name -> the towns with that name.
    provinces : Mapping[str, frozenset of str]
        ``town_id`` -> keys of its province (Thai and English).
    labels : Mapping[str, str]
        ``town_id`` -> how messages show it (id, Thai name, province).
    spellings : Mapping[str, str]
        Name key -> the name as written in ``towns.csv`` (for "did you mean").
    examples : str
        An example of a valid cell.
    """

    ids: frozenset[str]
    by_name: Mapping[str, tuple[str, ...]]
    provinces: Mapping[str, frozenset[str]]
    labels: Mapping[str, str]
    spellings: Mapping[str, str]
    examples: str = ""

    @classmethod
    def from_frame(cls, towns: pd.DataFrame) -> TownResolver:
        """Build the resolver from the town registry.

        Parameters
        ----------
        towns : pandas.DataFrame
            ``town_id``, ``name_th``, ``name_en`` and, when present, ``province_th`` and
            ``province_en``.

        Returns
        -------
        TownResolver
        """
        by_name: dict[str, list[str]] = {}
        provinces: dict[str, frozenset[str]] = {}
        labels: dict[str, str] = {}
        spellings: dict[str, str] = {}
        for rec in towns.to_dict("records"):
            town_id = str(rec["town_id"])
            for name in (rec.get("name_th"), rec.get("name_en")):
                if isinstance(name, str) and name.strip():
                    ids = by_name.setdefault(name_key(name), [])
                    if town_id not in ids:
                        ids.append(town_id)
                    spellings.setdefault(name_key(name), name.strip())
            prov = [rec.get("province_th"), rec.get("province_en")]
            provinces[town_id] = frozenset(
                _province_key(p) for p in prov if isinstance(p, str) and p.strip()
            )
            where = next((p for p in prov if isinstance(p, str) and p.strip()), "")
            name = str(rec.get("name_th") or rec.get("name_en") or "")
            labels[town_id] = f"{town_id!r} ({name}{', ' + where if where else ''})"
        first = towns.iloc[0] if len(towns) else None
        examples = f"e.g. {first['town_id']!r} or {first['name_th']!r}" if first is not None else ""
        return cls(
            ids=frozenset(labels),
            by_name={k: tuple(v) for k, v in by_name.items()},
            provinces=provinces,
            labels=labels,
            spellings=spellings,
            examples=examples,
        )

    def resolve(self, value: object, province: object = None) -> str:
        """Return the ``town_id`` of a town cell.

        Parameters
        ----------
        value : object
            The town cell: a ``town_id``, or a Thai or English name (any case or spacing,
            Thai digits, Thai marks in any order).
        province : object, optional
            The row's province cell (Thai or English name, ``จังหวัด`` prefix optional);
            ``None`` when the file has no province column.

        Returns
        -------
        str
            The ``town_id``.

        Raises
        ------
        analysis.ingest.normalise.CellError
            ``missing_town``, ``unknown_town``, ``ambiguous_town`` (a name shared by
            several towns; the reason names them and how to choose) or
            ``town_province_mismatch`` (the province cell names another province).
        """
        from analysis.ingest.normalise import CellError, cell_text, is_blank  # noqa: PLC0415

        if is_blank(value):
            msg = "missing town (empty cell)"
            raise CellError(msg, "missing_town")
        text = str(value).strip()
        key = name_key(text)
        if key in self.ids:  # a town id, in any case: never ambiguous
            candidates: tuple[str, ...] = (key,)
        else:
            candidates = self.by_name.get(key, ())
        shown = cell_text(value, 80)
        if not candidates:
            msg = (
                f"unknown town {shown!r}: expected a town_id or the Thai/English name in "
                f"data/raw/towns.csv ({self.examples}).{self._suggest(text)}"
            )
            raise CellError(msg, "unknown_town")
        has_province = province is not None and not is_blank(province)
        if has_province:
            key = _province_key(province)
            within = tuple(t for t in candidates if key in self.provinces.get(t, frozenset()))
            if not within:
                where = "; ".join(self.labels[t] for t in candidates)
                msg = (
                    f"town {shown!r} is not in province {cell_text(province, 80)!r}: "
                    f"data/raw/towns.csv has {where}; correct the town or the province cell"
                )
                raise CellError(msg, "town_province_mismatch")
            candidates = within
        if len(candidates) == 1:
            return candidates[0]
        both = " and ".join(self.labels[t] for t in candidates)
        how = (
            f"write the town_id (e.g. {candidates[0]!r}) in the town column instead of the name"
            if has_province
            else (
                f"write the town_id (e.g. {candidates[0]!r}) in the town column, or add a "
                "province/จังหวัด column with each row's province"
                if province is None
                else f"write the town_id (e.g. {candidates[0]!r}) or fill the province cell"
            )
        )
        msg = f"ambiguous town name {shown!r}: it matches {len(candidates)} towns, {both}; {how}"
        raise CellError(msg, "ambiguous_town")

    def _suggest(self, text: str) -> str:
        """Return " Did you mean ...?" for a close registry name ("" if none).

        When the suggestion contains the same characters as the input (so the two look
        alike on screen), the code points of both are shown to make the difference visible.
        """
        import difflib  # noqa: PLC0415

        key = name_key(text)
        close = difflib.get_close_matches(key, list(self.spellings), n=1, cutoff=0.75)
        if not close:
            return ""
        spelling = self.spellings[close[0]]
        hint = f" Did you mean {spelling!r}?"
        if sorted(unicodedata.normalize("NFC", text)) == sorted(
            unicodedata.normalize("NFC", spelling)
        ) or unicodedata.normalize("NFKC", text) == unicodedata.normalize("NFKC", spelling):
            hint += (
                f" They look alike but differ in the order or form of characters: "
                f"you wrote {_code_points(text)}, the registry has {_code_points(spelling)}."
            )
        return hint
