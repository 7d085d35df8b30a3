"""Narrative in the notebook: markdown cells written in one language.

A researcher writes prose where they work, in the appendix notebook, as a pair of
markdown cells tagged ``th`` and ``en`` (cell tags, next to each other, either order).
A page in Thai shows the ``th`` cell and drops the ``en`` one, and the other way round;
untagged markdown cells are shown on both. The generated narrative (library calls that
read ``i18n/<lang>/*.yaml``) stays available and is unaffected.

:func:`language_pair_problems` is what the tests run over every notebook: a tagged cell
without its other-language partner is an error, so no page silently lacks a paragraph.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["LANGUAGE_TAGS", "cell_language", "language_pair_problems", "select_language"]

#: The language tags a markdown cell may carry.
LANGUAGE_TAGS: tuple[str, ...] = ("th", "en")


def cell_language(cell: Any) -> str | None:
    """Return the language tag of a markdown cell, or None for a cell shown in every language.

    Parameters
    ----------
    cell : nbformat.NotebookNode or dict
        A notebook cell.

    Returns
    -------
    str or None
        ``"th"`` or ``"en"`` for a markdown cell tagged with exactly that language.

    Examples
    --------
    >>> cell_language({"cell_type": "markdown", "metadata": {"tags": ["en"]}, "source": ""})
    'en'
    >>> cell_language({"cell_type": "code", "metadata": {"tags": ["en"]}, "source": ""}) is None
    True
    """
    if cell.get("cell_type") != "markdown":
        return None
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in LANGUAGE_TAGS]
    return tags[0] if len(tags) == 1 else None


def select_language(nb: Any, lang: str, *, deep: bool = True) -> Any:
    """Return a copy of a notebook without the markdown cells written in another language.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The (executed) notebook.
    lang : {"th", "en"}
        The page language.
    deep : bool, default True
        Copy the cells too. ``False`` shares them with ``nb`` (only the notebook and its
        list of cells are new): for a caller that copies the notebook anyway, as
        nbconvert's exporters do before preprocessing it.

    Returns
    -------
    nbformat.NotebookNode
        The copy; the input is not changed.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell(s, metadata={"tags": [t]})
    ...             for s, t in (("ไทย", "th"), ("English", "en"))]
    >>> [c.source for c in select_language(nb, "en").cells]
    ['English']
    """
    out = copy.deepcopy(nb) if deep else copy.copy(nb)
    out.cells = [c for c in out.cells if cell_language(c) in (None, lang)]
    return out


def language_pair_problems(nb: Any) -> list[str]:
    """List the language-tagged markdown cells that lack their other-language partner.

    Consecutive language-tagged markdown cells form a run; a run must hold as many ``th``
    cells as ``en`` cells (one pair, or several pairs in a row). A markdown cell tagged
    with both languages is refused too (tag it with neither to show it on every page).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    list of str
        One message per problem, naming the cell number (1-based) and its first words.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("Only English", metadata={"tags": ["en"]})]
    >>> language_pair_problems(nb)
    ["cell 1 ('Only English'): tagged 'en' but has no 'th' partner next to it"]
    """
    problems: list[str] = []
    run: list[tuple[int, Any, str]] = []

    def close() -> None:
        counts = {lang: sum(1 for _, _, tag in run if tag == lang) for lang in LANGUAGE_TAGS}
        if run and len(set(counts.values())) > 1:
            short = min(counts, key=lambda k: counts[k])
            for i, cell, tag in run:
                if tag != short:
                    first = " ".join(str(cell.get("source", "")).split())[:40]
                    problems.append(
                        f"cell {i} ({first!r}): tagged {tag!r} but has no {short!r} partner "
                        "next to it"
                    )
                    break
        run.clear()

    for i, cell in enumerate(nb.cells, start=1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "markdown" and tags >= set(LANGUAGE_TAGS):
            problems.append(f"cell {i}: tagged with both languages; tag it with one or none")
        lang = cell_language(cell)
        if lang is None:
            close()
        else:
            run.append((i, cell, lang))
    close()
    return problems
