"""The static site: index pages (Thai/English), links to the built pages, downloads."""

from __future__ import annotations

__all__ = ["build_site"]


def __getattr__(name: str) -> object:
    if name == "build_site":
        from analysis.site.index import build_site  # noqa: PLC0415

        return build_site
    raise AttributeError(name)
