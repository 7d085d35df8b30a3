"""Seeded generators of clearly labelled synthetic demo data."""
