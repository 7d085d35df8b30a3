"""Process start-up for the build: skip an optional import nothing here uses.

``jsonschema`` (behind nbformat, Papermill and nbconvert) imports ``rfc3987_syntax``
whenever it is installed, only to offer the ``iri`` and ``iri-reference`` format checks.
That module compiles an Earley grammar with lark at import time: about 2 s in every
process that reads a notebook (measured with ``python -X importtime -c "import
nbformat"`` on the 2-core machine; python-jsonschema/jsonschema#1428). It is installed
because JupyterLab's ``jupyter-events`` asks for ``jsonschema[format-nongpl]``.

The build never checks those formats: nbformat validates notebooks without a format
checker, and no nbformat schema uses ``iri``. :func:`skip_iri_format_checks` marks the
module absent for this process (a ``None`` entry in :data:`sys.modules`, which Python's
import system documents as "not importable"), so ``jsonschema`` leaves the two checks
out, as it does when the package is not installed. JupyterLab's own server is a
separate process and keeps them.
"""

from __future__ import annotations

import sys

__all__ = ["SKIPPED_MODULES", "skip_iri_format_checks"]

#: Modules the build's processes never import.
SKIPPED_MODULES: tuple[str, ...] = ("rfc3987_syntax",)


def skip_iri_format_checks() -> bool:
    """Keep ``jsonschema`` from importing ``rfc3987_syntax`` in this process.

    Call it before the first import of nbformat, Papermill or nbconvert. It does nothing
    when the module is already imported.

    Returns
    -------
    bool
        Whether the module is now kept out (``False`` if it was already imported).

    Examples
    --------
    >>> import sys
    >>> skip_iri_format_checks() or "rfc3987_syntax" in sys.modules
    True
    """
    skipped = True
    for name in SKIPPED_MODULES:
        if sys.modules.get(name, None) is not None:
            skipped = False
            continue
        sys.modules[name] = None  # type: ignore[assignment]  # "absent" for the import system
    return skipped
