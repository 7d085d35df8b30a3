"""The ordered set of master-plan appendices and the cross-town page.

The build stage (:mod:`analysis.batch`) imports :data:`APPENDICES` and
:data:`CROSS_TOWN` to know which notebooks to run, in which order, and how to title
them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["APPENDICES", "CROSS_TOWN", "AppendixSpec", "get_appendix"]


@dataclass(frozen=True)
class AppendixSpec:
    """One appendix notebook.

    Attributes
    ----------
    id : str
        Short id (``"a"`` .. ``"e"``, ``"x"`` for the cross-town page); also the
        output file stem.
    notebook : str
        File name under ``notebooks/``.
    title_key : str
        Translation key of the chapter title.
    per_town : bool
        Whether the notebook takes a ``town_id`` parameter.
    """

    id: str
    notebook: str
    title_key: str
    per_town: bool = True

    @property
    def label_key(self) -> str:
        """Translation key of the appendix label ("ภาคผนวก ก" / "Appendix A")."""
        return f"report.{self.id}.label"


APPENDICES: tuple[AppendixSpec, ...] = (
    AppendixSpec("a", "a_profile.ipynb", "report.a.title"),
    AppendixSpec("b", "b_status.ipynb", "report.b.title"),
    AppendixSpec("c", "c_trends.ipynb", "report.c.title"),
    AppendixSpec("d", "d_green.ipynb", "report.d.title"),
    AppendixSpec("e", "e_strategy.ipynb", "report.e.title"),
)

CROSS_TOWN = AppendixSpec("x", "x_cross_town.ipynb", "report.x.title", per_town=False)


def get_appendix(appendix_id: str) -> AppendixSpec:
    """Return the spec of an appendix by id.

    Parameters
    ----------
    appendix_id : str
        ``"a"`` .. ``"e"``, or ``"x"`` for the cross-town page.

    Returns
    -------
    AppendixSpec
        Its notebook, title key and kind.

    Raises
    ------
    KeyError
        With the known ids, if there is no such appendix.

    Examples
    --------
    >>> get_appendix("b").notebook
    'b_status.ipynb'
    """
    for spec in (*APPENDICES, CROSS_TOWN):
        if spec.id == appendix_id:
            return spec
    known = ", ".join(s.id for s in (*APPENDICES, CROSS_TOWN))
    msg = f"No appendix named {appendix_id!r}. Known: {known}"
    raise KeyError(msg)
