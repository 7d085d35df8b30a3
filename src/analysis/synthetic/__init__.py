"""Seeded generators of clearly labelled synthetic demo data."""

__all__: list[str] = []
