"""The C YAML parser reads every shipped YAML file exactly as the pure-Python one does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.yamltext import SAFE_LOADER, load_yaml

SRC = Path(__file__).resolve().parents[2] / "src" / "analysis"
SHIPPED = sorted(SRC.rglob("*.yaml"))


def test_libyaml_is_used_here() -> None:
    """The lock's PyYAML wheel has libyaml; losing it would cost 0.3 s per process."""
    assert SAFE_LOADER is yaml.CSafeLoader


def test_every_shipped_file_is_covered() -> None:
    names = {p.relative_to(SRC).parts[0] for p in SHIPPED}
    assert {"catalogue", "i18n"} <= names
    assert len(SHIPPED) >= 20


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SRC)))
def test_same_data_as_the_pure_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_bad_yaml_raises_a_yaml_error() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2\nb: 3")


def test_no_python_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
