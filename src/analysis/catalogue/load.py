"""Load and validate the catalogue YAML."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import ValidationError

from analysis.catalogue.models import Catalogue
from analysis.errors import CatalogueError
from analysis.yamltext import load_yaml

__all__ = ["DEFAULT_CATALOGUE", "load_catalogue"]

DEFAULT_CATALOGUE = Path(str(files("analysis.catalogue") / "indicators.yaml"))


@functools.cache
def _load_cached(path: Path) -> Catalogue:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        msg = f"{path}: cannot read the indicator catalogue: {exc}"
        raise CatalogueError(msg) from exc
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        msg = f"{path}: the indicator catalogue is invalid:\n{exc}"
        raise CatalogueError(msg) from exc


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Load the indicator catalogue.

    Parameters
    ----------
    path : path-like, optional
        A catalogue YAML; default is the one shipped with the package.

    Returns
    -------
    Catalogue
        The validated, frozen catalogue (cached per path).

    Raises
    ------
    CatalogueError
        If the file cannot be read or does not validate.

    Examples
    --------
    >>> cat = load_catalogue()
    >>> cat.get("pm25_annual").unit
    'ug_m3'
    """
    return _load_cached(Path(path) if path else DEFAULT_CATALOGUE)
