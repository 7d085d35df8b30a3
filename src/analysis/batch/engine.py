"""A Papermill engine that reuses one pre-imported ("warm") kernel per worker.

Starting a kernel and importing pandas, seaborn, statsmodels and geopandas costs about
two seconds; an appendix notebook itself often runs in less. :class:`WarmKernelEngine`
(registered with Papermill as ``"ecoplan-warm"``) keeps one kernel alive per worker
thread, pays the imports once, and before every notebook resets the kernel to the
state recorded right after warm-up (see :mod:`analysis.batch._kernel_state`): empty
namespace, no figures, default ``rcParams``, fresh random state, default pandas/NumPy
options, original ``warnings`` filters, environment, working directory and ``sys.path``.
The reset is verified; a kernel that fails verification, dies, or times out is
replaced by a fresh one, so a notebook never sees another notebook's state.

Papermill stays the execution API::

    papermill.execute_notebook(nb, out, parameters=..., engine_name="ecoplan-warm")
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

from jupyter_client.manager import KernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

__all__ = [
    "ENGINE_NAME",
    "WARM_IMPORTS",
    "KernelStateError",
    "WarmKernel",
    "WarmKernelEngine",
    "get_warm_kernel",
    "kill_warm_kernels",
    "register",
    "shutdown_warm_kernels",
]

ENGINE_NAME = "ecoplan-warm"

#: Imported once per kernel; every notebook then finds them in ``sys.modules``. Only what
#: the appendix notebooks' cells import: rendering (nbconvert, nbformat and the
#: ``jsonschema`` behind them, about 2.9 s) happens in the worker process, and the trend
#: statistics (``pymannkendall``) in the analysis stage, so the kernel imports neither.
#: Nor ``statsmodels.api`` (0.65 s): pages read stored results, and seaborn imports only
#: the light top-level ``statsmodels`` package to check it is there
#: (``tests/unit/test_warm_imports.py``).
WARM_IMPORTS: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pyarrow",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "geopandas",
    "shapely",
    "analysis.style",
    "analysis.catalogue",
    "analysis.store.io",
    "analysis.i18n",
    "analysis.report.params",
    "analysis.report.sections",
    "analysis.report.profile",
    "analysis.report.trends",
    "analysis.report.green",
    "analysis.report.strategy",
    "analysis.report.cross",
    "analysis.stats",
    "analysis.spatial",
    "analysis.spatial.maps",
)

_WARMUP = """
import importlib as _il
for _m in {mods!r}:
    try:
        _il.import_module(_m)
    except ImportError:
        pass
import matplotlib.pyplot as _plt
try:
    import analysis.style as _st
    _st.warm_font_cache()
except ImportError:
    pass
import analysis.batch._kernel_state as _ks
_ks.snapshot()
_ks.reset()
"""

_RESET = "import analysis.batch._kernel_state as _ks\n_ks.reset()"
#: The kernel answers with a JSON string (the ``text/plain`` repr of a ``str``), parsed
#: with ``ast.literal_eval`` + ``json.loads``: nothing the kernel sends is evaluated.
_VERIFY = (
    "__import__('json').dumps("
    "__import__('analysis.batch._kernel_state', fromlist=['verify']).verify())"
)


def parse_state(text_plain: str) -> dict[str, Any]:
    """Parse the kernel's answer to :data:`_VERIFY` (the repr of a JSON string).

    Parameters
    ----------
    text_plain : str
        The ``text/plain`` of the ``user_expressions`` result.

    Returns
    -------
    dict
        ``names``, ``figures`` and ``rc_changed``.

    Raises
    ------
    KernelStateError
        If the answer is not a JSON object in a string literal.

    Examples
    --------
    >>> parse_state(repr('{"names": [], "figures": [1], "rc_changed": []}'))
    {'names': [], 'figures': [1], 'rc_changed': []}
    >>> parse_state("__import__('os').getcwd()")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    analysis.batch.engine.KernelStateError: unexpected kernel state answer
    """
    try:
        decoded = ast.literal_eval(text_plain)
        state = json.loads(decoded) if isinstance(decoded, str) else None
    except (ValueError, SyntaxError, json.JSONDecodeError):
        state = None
    if not isinstance(state, dict):
        msg = f"unexpected kernel state answer: {text_plain[:200]!r}"
        raise KernelStateError(msg)
    return state


class KernelStateError(RuntimeError):
    """The warm kernel could not be brought back to a clean state."""


class WarmKernel:
    """One long-lived kernel with its client, reset between notebooks.

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel spec name.
    cwd : str, optional
        Working directory of the kernel (default: the current one).
    startup_timeout : float
        Seconds to wait for the kernel to start.
    """

    def __init__(self, kernel_name: str, *, cwd: str | None = None, startup_timeout: float = 120):
        self.kernel_name = kernel_name
        self.cwd = cwd or os.getcwd()  # noqa: PTH109
        self.startup_timeout = startup_timeout
        self.km: KernelManager | None = None
        self.kc: Any = None
        self.notebooks_run = 0
        self.starts = 0
        self.warm_imports: tuple[str, ...] = WARM_IMPORTS
        self._ipc_dir: str | None = None
        #: Seconds the last :meth:`session` spent starting (``"start"``) or resetting
        #: (``"reset"``) the kernel before the notebook ran (per-phase timings).
        self.last_setup: dict[str, float] = {}

    @property
    def pid(self) -> int | None:
        """Process id of the kernel, if running."""
        if self.km is None or not self.km.has_kernel:
            return None
        provisioner = self.km.provisioner
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def start(self) -> None:
        """Start the kernel and run the warm-up imports."""
        self.shutdown()
        # IPC sockets: local only, faster than TCP, nothing listening on the network.
        self._ipc_dir = tempfile.mkdtemp(prefix="ecoplan-kernel-")
        km = KernelManager(
            kernel_name=self.kernel_name,
            transport="ipc",
            ip=os.path.join(self._ipc_dir, "k"),  # noqa: PTH118
            # the connection file (with the HMAC key) beside the sockets, in the 0700 dir
            connection_file=os.path.join(self._ipc_dir, "kernel.json"),  # noqa: PTH118
        )
        # No IPython history database: nothing to read or lock at start-up, and parallel
        # kernels do not contend for ~/.ipython/profile_default/history.sqlite.
        km.start_kernel(cwd=self.cwd, extra_arguments=["--HistoryManager.enabled=False"])
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            raise
        self.km, self.kc = km, kc
        self.starts += 1
        state = self._run(_WARMUP.format(mods=self.warm_imports))
        if state["names"] or state["figures"] or state["rc_changed"]:
            msg = f"freshly started kernel is not clean: {state}"
            raise KernelStateError(msg)

    def _run(self, code: str) -> dict[str, Any]:
        """Execute ``code`` silently; return the ``user_expressions`` result of ``_ks.verify()``."""
        reply = self.kc.execute_interactive(
            code,
            silent=True,
            store_history=False,
            user_expressions={"state": _VERIFY},
            timeout=self.startup_timeout,
            output_hook=lambda _msg: None,
        )
        content = reply["content"]
        if content.get("status") != "ok":
            msg = f"kernel set-up code failed: {content.get('ename')}: {content.get('evalue')}"
            raise KernelStateError(msg)
        state = content.get("user_expressions", {}).get("state", {})
        if state.get("status") != "ok":
            msg = f"cannot verify kernel state: {state.get('evalue')}"
            raise KernelStateError(msg)
        return parse_state(state["data"]["text/plain"])

    def reset(self) -> None:
        """Reset the kernel to its post-warm-up state, or restart it if that fails."""
        if self.km is None or not self.km.is_alive():
            self.start()
            return
        try:
            state = self._run(_RESET)
        except (KernelStateError, TimeoutError, RuntimeError):
            self.start()
            return
        if state["names"] or state["figures"] or state["rc_changed"]:
            self.start()  # pragma: no cover - the reset is verified by the leak test

    def shutdown(self) -> None:
        """Stop the kernel (idempotent)."""
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        if self.km is not None:
            with contextlib.suppress(Exception):
                self.km.shutdown_kernel(now=True)
        self.km = self.kc = None
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    @contextlib.contextmanager
    def session(self) -> Iterator[WarmKernel]:
        """Yield the reset kernel for one notebook; restart it if the notebook broke it."""
        t0, starts = time.perf_counter(), self.starts
        if self.km is None:
            self.start()  # the warm-up ends with a verified reset
        elif self.notebooks_run:
            self.reset()
        phase = "kernel_start" if self.starts != starts else "kernel_reset"
        self.last_setup = {phase: time.perf_counter() - t0}
        ok = False
        try:
            yield self
            ok = True
        finally:
            self.notebooks_run += 1
            if not ok:
                # Timeout, dead kernel or interrupted: never reuse a kernel in an unknown state.
                self.shutdown()


_local = threading.local()
_all_kernels: list[WarmKernel] = []
_all_lock = threading.Lock()


def get_warm_kernel(kernel_name: str) -> WarmKernel:
    """Return this thread's warm kernel for ``kernel_name`` (created on first use).

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel spec name.

    Returns
    -------
    WarmKernel
        The calling thread's kernel of that name (not started until used).
    """
    kernels: dict[str, WarmKernel] = getattr(_local, "kernels", None) or {}
    _local.kernels = kernels
    if kernel_name not in kernels:
        kernels[kernel_name] = WarmKernel(kernel_name)
        with _all_lock:
            _all_kernels.append(kernels[kernel_name])
    return kernels[kernel_name]


def kill_warm_kernels() -> None:
    """SIGKILL every warm kernel of this process without talking to it (emergency exit)."""
    import signal  # noqa: PLC0415

    for kernel in list(_all_kernels):
        pid = kernel.pid
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def shutdown_warm_kernels() -> None:
    """Stop every warm kernel of this process."""
    with _all_lock:
        for kernel in _all_kernels:
            kernel.shutdown()
        _all_kernels.clear()
    _local.kernels = {}


class WarmKernelEngine(NBClientEngine):
    """Papermill engine running notebooks on this worker's warm kernel."""

    @classmethod
    def execute_managed_notebook(  # noqa: PLR0917 - Papermill's engine signature
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute ``nb_man``'s notebook on the warm kernel (see Papermill's engine API).

        Parameters
        ----------
        nb_man : papermill.engines.NotebookExecutionManager
            Papermill's wrapper of the notebook being run.
        kernel_name : str
            Jupyter kernel spec name (selects this thread's warm kernel).
        log_output : bool
            Log the cells' output as they run.
        stdout_file : file, optional
            Where the cells' standard output is copied.
        stderr_file : file, optional
            Where the cells' standard error is copied.
        start_timeout : float
            Seconds to wait for the kernel to be ready.
        execution_timeout : float, optional
            Seconds a cell may run (default: Papermill's ``timeout`` keyword, else no limit).
        **kwargs
            Further Papermill engine keywords; ``input_path`` and ``km`` are ignored.

        Returns
        -------
        papermill.engines.NotebookExecutionManager
            ``nb_man``, its notebook executed.
        """
        kwargs.pop("input_path", None)
        kwargs.pop("km", None)
        kernel = get_warm_kernel(kernel_name)
        with kernel.session():
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                timeout=execution_timeout or kwargs.pop("timeout", None),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kernel.kc
            return client.execute()


def register() -> None:
    """Register :class:`WarmKernelEngine` with Papermill as ``"ecoplan-warm"`` (idempotent)."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


register()
