"""Helpers of the hardening tests (no tests here): a throw-away copy of the project,
the ``ecoplan`` command run as a subprocess, tree snapshots and an HTML auditor.

The temporary project holds copies of ``data/raw`` and ``notebooks`` and is selected with
the ``ECOPLAN_*`` environment variables, so the repository's own data and reports are
never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from analysis.paths import get_paths

REPO = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- hostile text

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[click](javascript:alert(1))"
A_JS = '<a href="javascript:alert(1)">x</a>'
MD_BLOCK = "# heading\n\n| table | col |\n|---|---|\n| 1 | 2 |"
JINJA = "{{ jinja }} {{ 7*7 }} {% if 1 %}yes{% endif %} {town} {0.__class__}"
#: Spreadsheet formula injection: must stay text in CSV/XLSX downloads.
FORMULA = '=HYPERLINK("https://example.invalid/x","click")'
#: Under the ingest cell limit (10,000 characters): loads and is shown in full.
LONG_OK = "x" * (9_000 - len(SCRIPT)) + SCRIPT
#: Over the limit: ingest rejects the row (``cell_too_long``).
LONG_BAD = SCRIPT + "y" * (20_000 - len(SCRIPT))

HOSTILE: tuple[str, ...] = (SCRIPT, IMG, MD_LINK, A_JS, MD_BLOCK, JINJA, FORMULA, LONG_OK)

EVIL_TOWN = "nakhon-sawan"
EVIL_FILE = "indicators/nakhon-sawan_long_en.csv"
NAME_TH = f"เทศบาล {SCRIPT} {MD_LINK} {JINJA}"
NAME_EN = f"Evil {IMG} {A_JS} # heading | table |"


# --------------------------------------------------------------------------- project


@dataclass(frozen=True)
class Project:
    """A temporary ecoplan project and the environment that selects it."""

    root: Path
    env: dict[str, str]

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def site(self) -> Path:
        return self.reports / "site"

    def ecoplan(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """Run ``ecoplan ARGS`` in the project (cwd = root) and return the finished process."""
        return subprocess.run(
            [sys.executable, "-m", "analysis.cli", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def make_project(root: Path, *, notebooks: bool = True) -> Project:
    """Copy the repository's raw data (and notebooks) into ``root``; return the project."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(get_paths().raw, root / "data" / "raw")  # the fixture project
    if notebooks:
        (root / "notebooks").mkdir()
        for nb in (REPO / "notebooks").glob("*.ipynb"):
            shutil.copy2(nb, root / "notebooks" / nb.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOPLAN_")}
    env.update(
        ECOPLAN_ROOT=str(root),
        ECOPLAN_RAW_DIR=str(root / "data" / "raw"),
        ECOPLAN_PROCESSED_DIR=str(root / "data" / "processed"),
        ECOPLAN_REPORTS_DIR=str(root / "reports"),
        # The hostile projects change raw files on purpose: warn instead of refusing.
        ECOPLAN_MANIFEST="warn",
        # One thread per library: two cores are shared with other test runs.
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    return Project(root=root, env=env)


def poison_project(project: Project) -> None:
    """Put hostile text into the evil town's names and into its indicator file."""
    import pandas as pd  # noqa: PLC0415

    towns_csv = project.raw / "towns.csv"
    towns = pd.read_csv(towns_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    mask = towns["town_id"] == EVIL_TOWN
    assert mask.sum() == 1
    towns.loc[mask, "name_th"] = NAME_TH
    towns.loc[mask, "name_en"] = NAME_EN
    towns.to_csv(towns_csv, index=False, encoding="utf-8")

    path = project.raw / EVIL_FILE
    ind = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    indicators = sorted(ind["indicator"].unique())
    assert len(indicators) >= len(HOSTILE)
    which = {ind_id: i % len(HOSTILE) for i, ind_id in enumerate(indicators)}
    # Every indicator gets one hostile source (so each appears in the source list) and a
    # hostile note; the SYNTHETIC tag keeps the rows labelled as synthetic demo data.
    ind["source"] = [f"SYNTHETIC {HOSTILE[which[i]]}" for i in ind["indicator"]]
    ind["note"] = [HOSTILE[(which[i] + 1) % len(HOSTILE)] for i in ind["indicator"]]
    bad = ind.iloc[[0, 1]].copy()
    bad["year"] = ["1990", "1991"]
    bad.iloc[0, bad.columns.get_loc("source")] = LONG_BAD  # rejected: cell_too_long
    bad.iloc[1, bad.columns.get_loc("value")] = IMG  # rejected: not a number
    pd.concat([ind, bad]).to_csv(path, index=False, encoding="utf-8")


# --------------------------------------------------------------------------- files


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` (relative POSIX path -> (size, mtime_ns))."""
    out = {}
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            st = path.lstat()
            out[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def changed_outside(before: dict, after: dict, allowed_prefix: str = "reports/") -> list[str]:
    """Files created, changed or deleted between two snapshots outside ``allowed_prefix``."""
    keys = set(before) | set(after)
    return sorted(
        k for k in keys if before.get(k) != after.get(k) and not k.startswith(allowed_prefix)
    )


# --------------------------------------------------------------------------- HTML audit


@dataclass
class HtmlAudit:
    """What :class:`_Auditor` found in one page."""

    scripts: list[str] = field(default_factory=list)
    event_attrs: list[tuple[str, str, str]] = field(default_factory=list)
    js_urls: list[tuple[str, str, str]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    img_srcs: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def problems(self) -> list[str]:
        out = [f"<script> running {s[:60]!r}" for s in self.scripts if "alert(" in s]
        out += [f"<{t} {a}={v[:60]!r}> event handler" for t, a, v in self.event_attrs]
        out += [f"<{t} {a}={v[:60]!r}> javascript: URL" for t, a, v in self.js_urls]
        return out


_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
_WS = re.compile(r"\s+")


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.audit = HtmlAudit()
        self._raw_stack: list[str] = []
        self._script: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.audit.tags.add(tag)
        for name, raw in attrs:
            value = raw or ""
            if tag == "img" and name == "src":
                self.audit.img_srcs.append(value)
            if name.startswith("on"):
                self.audit.event_attrs.append((tag, name, value))
            # Browsers ignore control characters and whitespace inside the scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in _URL_ATTRS and squeezed.startswith(("javascript:", "vbscript:")):
                self.audit.js_urls.append((tag, name, value))
        if tag in ("script", "style"):
            self._raw_stack.append(tag)
            if tag == "script":
                self._script = []

    def handle_endtag(self, tag: str) -> None:
        if self._raw_stack and self._raw_stack[-1] == tag:
            self._raw_stack.pop()
            if tag == "script" and self._script is not None:
                self.audit.scripts.append("".join(self._script))
                self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        elif not self._raw_stack:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self.audit.text = _WS.sub(" ", " ".join(self._text))


def audit_html(markup: str) -> HtmlAudit:
    """Parse a page with :mod:`html.parser`: scripts, event handlers, JS URLs, visible text."""
    parser = _Auditor()
    parser.feed(markup)
    parser.close()
    return parser.audit


def visible(text: str) -> str:
    """``text`` with whitespace runs collapsed, as :attr:`HtmlAudit.text` shows it."""
    return _WS.sub(" ", text).strip()
