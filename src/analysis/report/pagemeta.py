"""What the renderer needs to know about an appendix page, carried by the notebook itself.

The chapter header cell of every appendix notebook (:func:`analysis.report.sections.page_header`)
displays a block whose output also holds a :class:`PageMeta` as JSON, under the media type
:data:`PAGE_MIME`. The renderer reads it with :func:`page_meta` (``metadata.ecoplan`` of the
notebook wins when a runner has set it), so it neither scrapes the rendered HTML for the
title or the synthetic-data flag nor reads the store again for the town's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from analysis.errors import DataError
from analysis.report.blocks import HtmlBlock

__all__ = ["METADATA_KEY", "PAGE_MIME", "PageHeaderBlock", "PageMeta", "page_meta"]

#: Media type of the page metadata in the chapter header's output.
PAGE_MIME = "application/vnd.ecoplan.page+json"
#: Key of the page metadata in a notebook's ``metadata``.
METADATA_KEY = "ecoplan"


@dataclass(frozen=True)
class PageMeta:
    """The facts about an appendix page that its frame (title, banner, links) shows.

    Attributes
    ----------
    title : str
        The chapter title, e.g. "Indicator status" (the page ``<title>`` adds the town).
    town_name : str
        The town's name in the page language (the cross-town subtitle for ``x``).
    synthetic : bool
        Whether the page's indicator rows include synthetic demonstration data.
    lang : str
        Page language, ``"th"`` or ``"en"``.
    appendix : str
        Appendix id, ``"a"`` .. ``"e"`` or ``"x"`` (the cross-town page).
    town_id : str or None
        The town; ``None`` for the cross-town page.
    """

    title: str
    town_name: str
    synthetic: bool
    lang: str
    appendix: str
    town_id: str | None

    def to_json(self) -> dict[str, Any]:
        """Return the metadata as a JSON-ready dict.

        Returns
        -------
        dict
            One key per attribute.
        """
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, where: str = "notebook") -> PageMeta:
        """Read metadata written by :meth:`to_json`, checking every key and type.

        Parameters
        ----------
        data : mapping
            The JSON object.
        where : str
            Where it was found, for the error message.

        Returns
        -------
        PageMeta
            The page metadata.

        Raises
        ------
        DataError
            If a key is missing or unknown, or a value has the wrong type.
        """
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in data]
        unknown = sorted(set(data) - set(names))
        if missing or unknown:
            msg = f"page metadata in the {where}: missing {missing}, unknown {unknown}"
            raise DataError(msg)
        expected = {"synthetic": (bool,), "town_id": (str, type(None))}
        for name in names:
            if not isinstance(data[name], expected.get(name, (str,))):
                msg = f"page metadata in the {where}: {name} = {data[name]!r} has the wrong type"
                raise DataError(msg)
        return cls(**{n: data[n] for n in names})


@dataclass(frozen=True)
class PageHeaderBlock(HtmlBlock):
    """The chapter header: shown as HTML, and carrying the page's :class:`PageMeta`.

    Attributes
    ----------
    meta : PageMeta
        What the renderer reads back (:func:`page_meta`).
    """

    meta: PageMeta | None = None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/html": self.html}
        if self.meta is not None:
            bundle[PAGE_MIME] = self.meta.to_json()
        return bundle


def page_meta(nb: Any) -> PageMeta:
    """Return the page metadata of an executed appendix notebook.

    ``nb.metadata["ecoplan"]`` is used when present; otherwise the output of the chapter
    header cell (media type :data:`PAGE_MIME`), which is then also stored in
    ``nb.metadata["ecoplan"]``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    PageMeta
        Title, town name, synthetic flag, language, appendix and town of the page.

    Raises
    ------
    DataError
        If the notebook carries no page metadata (its header cell did not run
        ``report.page_header``), more than one set, or a malformed one.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.metadata["ecoplan"] = {"title": "Status", "town_name": "Takhli", "synthetic": False,
    ...                           "lang": "en", "appendix": "b", "town_id": "takhli"}
    >>> page_meta(nb).title
    'Status'
    """
    stored = nb.metadata.get(METADATA_KEY)
    if stored is not None:
        return PageMeta.from_json(stored, where="notebook metadata")
    found = [
        out["data"][PAGE_MIME]
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        for out in cell.get("outputs", [])
        if PAGE_MIME in out.get("data", {})
    ]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)} sets of"
        msg = (
            f"the notebook carries {what} page metadata ({PAGE_MIME} output or "
            f"metadata.{METADATA_KEY}): its header cell must call report.page_header(run, ...) "
            "once, and the notebook must have been executed"
        )
        raise DataError(msg)
    meta = PageMeta.from_json(found[0], where="page header output")
    nb.metadata[METADATA_KEY] = meta.to_json()
    return meta
