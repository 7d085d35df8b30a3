"""No source folder may carry a name that tools treat as build output."""

from __future__ import annotations

from pathlib import Path

import analysis

SKIPPED_BY_TOOLS = {"build", "dist", "node_modules", "venv"}


def test_no_package_folder_is_named_like_build_output() -> None:
    root = Path(analysis.__file__).parent
    named = [p for p in root.rglob("*") if p.is_dir() and p.name in SKIPPED_BY_TOOLS]
    assert named == [], f"rename these folders (pytest and ignore templates skip them): {named}"
