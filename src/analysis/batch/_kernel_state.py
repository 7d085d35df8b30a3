"""Kernel-side half of the warm-kernel reset (imported *inside* the Jupyter kernel).

:func:`snapshot` records the state of a freshly started, pre-imported kernel;
:func:`reset` brings the kernel back to it between two notebooks and returns a
verification record (see :func:`verify`). The build worker refuses to reuse a kernel
whose verification fails and restarts it instead.

What is reset
-------------
* the IPython user namespace (``%reset -f``), output history and execution counter;
* matplotlib: every figure closed, ``rcParams`` restored to the snapshot;
* random state: :mod:`random` and NumPy's legacy global generator re-seeded from OS
  entropy, as in a fresh process;
* pandas options (read and set back through the public ``pd.options`` and
  ``pd.set_option``), NumPy print options and floating-point error settings;
* ``warnings`` filters, ``os.environ``, the working directory and ``sys.path``.

Speed: after the snapshot and after every reset the surviving objects are moved to
the garbage collector's permanent generation (:func:`gc.freeze`), so the full
collection that ``%reset`` runs only scans what the last notebook created (3 ms
instead of 0.2-0.5 s per notebook with pandas, matplotlib and geopandas loaded).

Imported modules stay imported (that is the point of a warm kernel); module-level
caches inside the library (``functools.cache``) therefore persist for the life of the
worker, which is safe because the processed store is read-only during a build.
"""

from __future__ import annotations

import copy
import gc
import os
import random
import sys
import warnings
from typing import Any

__all__ = ["pandas_options", "reset", "restore_pandas_options", "snapshot", "verify"]

_SNAP: dict[str, Any] = {}


def _user_names() -> list[str]:
    from IPython import get_ipython  # noqa: PLC0415

    ip = get_ipython()
    hidden = set(ip.user_ns_hidden)
    return sorted(k for k in ip.user_ns if k not in hidden and not k.startswith("_"))


def snapshot() -> None:
    """Record the baseline state of this kernel (call once, after the warm-up imports)."""
    import matplotlib as mpl  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    _SNAP["rc"] = dict(copy.deepcopy(dict(mpl.rcParams)))
    _SNAP["np_print"] = np.get_printoptions()
    _SNAP["np_err"] = np.geterr()
    _SNAP["pd_options"] = copy.deepcopy(pandas_options())
    _SNAP["warnings"] = list(warnings.filters)
    _SNAP["environ"] = dict(os.environ)
    _SNAP["cwd"] = os.getcwd()  # noqa: PTH109
    _SNAP["sys_path"] = list(sys.path)
    gc.collect()
    gc.freeze()


def reset() -> dict[str, Any]:
    """Bring the kernel back to the snapshot and return :func:`verify`'s record."""
    import matplotlib as mpl  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415
    from IPython import get_ipython  # noqa: PLC0415

    ip = get_ipython()
    ip.run_line_magic("reset", "-f")
    ip.execution_count = 1
    plt.close("all")
    mpl.rcParams.clear()  # type: ignore[attr-defined]
    dict.update(mpl.rcParams, copy.deepcopy(_SNAP["rc"]))
    random.seed()
    np.random.seed()  # noqa: NPY002 - the legacy global generator is what leaks
    np.set_printoptions(**_SNAP["np_print"])
    np.seterr(**_SNAP["np_err"])
    restore_pandas_options(_SNAP["pd_options"])
    warnings.filters[:] = _SNAP["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)  # invalidates the filter cache
    if callable(mutated):
        mutated()
    os.environ.clear()
    os.environ.update(_SNAP["environ"])
    os.chdir(_SNAP["cwd"])
    sys.path[:] = _SNAP["sys_path"]
    gc.freeze()  # %reset has just collected; what survives is long-lived (caches, modules)
    return verify()


def pandas_options() -> dict[str, Any]:
    """Return every pandas option and its value, read through the public ``pd.options`` tree.

    Returns
    -------
    dict
        ``{"display.max_rows": 60, ...}``: one entry per registered option.

    Examples
    --------
    >>> import pandas as pd
    >>> pandas_options()["display.max_rows"] == pd.get_option("display.max_rows")
    True
    """
    import pandas as pd  # noqa: PLC0415

    branch = type(pd.options)
    found: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        for name in dir(node):
            value = getattr(node, name)
            if isinstance(value, branch):
                walk(value, f"{prefix}{name}.")
            else:
                found[f"{prefix}{name}"] = value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns
        walk(pd.options, "")
    return found


def restore_pandas_options(saved: dict[str, Any]) -> None:
    """Set back, with ``pd.set_option``, every option whose value differs from ``saved``.

    Parameters
    ----------
    saved : dict
        A :func:`pandas_options` record.

    Examples
    --------
    >>> import pandas as pd
    >>> saved = pandas_options()
    >>> pd.set_option("display.max_rows", 3)
    >>> restore_pandas_options(saved)
    >>> pd.get_option("display.max_rows") == saved["display.max_rows"] != 3
    True
    """
    import pandas as pd  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # so does setting one
        for key, value in saved.items():
            if _differs(pd.get_option(key), value):
                pd.set_option(key, copy.deepcopy(value))


def verify() -> dict[str, Any]:
    """Return what is left over: user names, open figures and changed ``rcParams`` keys."""
    import matplotlib as mpl  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rc_changed = sorted(k for k, v in _SNAP["rc"].items() if _differs(mpl.rcParams.get(k), v))
    return {"names": _user_names(), "figures": plt.get_fignums(), "rc_changed": rc_changed}


def _differs(a: object, b: object) -> bool:
    try:
        return bool(a != b)
    except (ValueError, TypeError):  # array-like values
        return repr(a) != repr(b)
