"""Worker pools behind one small interface: a local process pool or a Dask cluster.

Local (default): ``N`` spawned processes, each with its own warm kernel. Dask
(``--scheduler tcp://host:8786``): tasks go to an existing cluster through
:class:`distributed.Client`; results come back to the client, which writes every output.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from collections.abc import Callable, Iterable
from typing import Any

from analysis.errors import BuildError

__all__ = ["DaskPool", "InlinePool", "LocalPool", "Pool", "WorkerLost"]


class WorkerLost(RuntimeError):
    """The worker running a task died (crash, out of memory, killed)."""


class Pool:
    """Interface: submit work, wait for some of it, read results."""

    description = ""

    def submit(self, fn: Callable[[Any], Any], task: Any, *, priority: int = 0) -> Any:
        """Schedule ``fn(task)`` and return a future.

        Parameters
        ----------
        fn : callable
            A picklable function of one argument.
        task : object
            Its argument (a picklable task).
        priority : int
            Higher runs first where the pool can order work (Dask); ignored otherwise.

        Returns
        -------
        object
            A future for :meth:`wait_any` and :meth:`result`.
        """
        raise NotImplementedError

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        """Block until at least one future is done; return the done ones.

        Parameters
        ----------
        futures : iterable of object
            Futures this pool's :meth:`submit` returned.

        Returns
        -------
        set of object
            The futures that are done (at least one).
        """
        raise NotImplementedError

    def result(self, future: Any) -> Any:
        """Return a done future's value, or raise :class:`WorkerLost`.

        Parameters
        ----------
        future : object
            A future this pool's :meth:`submit` returned, already done.

        Returns
        -------
        object
            What ``fn(task)`` returned.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the workers."""


def _init_local_worker() -> None:
    from analysis.batch import worker  # noqa: PLC0415

    worker.install_shutdown_hooks()
    _watch_parent()


def _watch_parent() -> None:
    """Exit (stopping the kernel) if the build process dies, e.g. on ``kill -9``."""
    import os  # noqa: PLC0415
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        # Do not talk to the kernel (the main thread may be using its client): kill it.
        from analysis.batch.engine import kill_warm_kernels  # noqa: PLC0415

        kill_warm_kernels()
        os._exit(1)

    threading.Thread(target=watch, name="ecoplan-parent-watch", daemon=True).start()


class LocalPool(Pool):
    """``n`` spawned worker processes (one warm kernel each)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.description = f"local:{n}"
        self._ctx = multiprocessing.get_context("spawn")
        self._executor = self._new()

    def _new(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=self.n, mp_context=self._ctx, initializer=_init_local_worker
        )

    def submit(self, fn: Callable[[Any], Any], task: Any, *, priority: int = 0) -> Any:
        """Schedule ``fn(task)``; a broken pool (dead worker) is replaced first.

        Parameters
        ----------
        fn : callable
            A picklable function of one argument.
        task : object
            Its argument (a picklable task).
        priority : int
            Higher runs first where the pool can order work (Dask); ignored otherwise.

        Returns
        -------
        concurrent.futures.Future
            The scheduled task.
        """
        try:
            return self._executor.submit(fn, task)
        except cf.process.BrokenProcessPool:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new()
            return self._executor.submit(fn, task)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        """Block until at least one future is done.

        Parameters
        ----------
        futures : iterable of object
            Futures this pool's :meth:`submit` returned.

        Returns
        -------
        set of object
            The futures that are done (at least one).
        """
        done, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
        return set(done)

    def result(self, future: Any) -> Any:
        """Return the value, or raise :class:`WorkerLost` if the worker died.

        Parameters
        ----------
        future : object
            A future this pool's :meth:`submit` returned, already done.

        Returns
        -------
        object
            What ``fn(task)`` returned.
        """
        try:
            return future.result()
        except cf.process.BrokenProcessPool as exc:
            msg = "a build worker process died (crash or out of memory)"
            raise WorkerLost(msg) from exc

    def close(self) -> None:
        """Stop the workers (their finalisers stop the kernels)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class _Done:
    """A completed future for :class:`InlinePool`."""

    def __init__(self, fn: Callable[[Any], Any], task: Any) -> None:
        self.value = fn(task)


class InlinePool(Pool):
    """Run each task immediately in this process (``jobs=0``: debugging and tests).

    The warm kernel then lives in the calling process and is reused across builds.
    """

    n = 1
    description = "inline"

    def submit(self, fn: Callable[[Any], Any], task: Any, *, priority: int = 0) -> Any:
        """Run ``fn(task)`` now.

        Parameters
        ----------
        fn : callable
            A picklable function of one argument.
        task : object
            Its argument (a picklable task).
        priority : int
            Higher runs first where the pool can order work (Dask); ignored otherwise.

        Returns
        -------
        object
            A done future holding the value.
        """
        return _Done(fn, task)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        """Every future is already done.

        Parameters
        ----------
        futures : iterable of object
            Futures this pool's :meth:`submit` returned.

        Returns
        -------
        set of object
            All of ``futures``.
        """
        return set(futures)

    def result(self, future: Any) -> Any:
        """Return the value.

        Parameters
        ----------
        future : object
            A future this pool's :meth:`submit` returned, already done.

        Returns
        -------
        object
            What ``fn(task)`` returned.
        """
        return future.value


class DaskPool(Pool):
    """Run tasks on an existing Dask cluster."""

    def __init__(self, address: str, *, timeout: float = 20) -> None:
        try:
            from distributed import Client  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - a declared dependency
            msg = "dask.distributed is not installed: pip install 'dask[distributed]'"
            raise BuildError(msg) from exc
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            msg = f"cannot reach the Dask scheduler at {address}: {exc}"
            raise BuildError(msg) from exc
        n = len(self.client.scheduler_info().get("workers", {}))
        if n == 0:
            self.client.close()
            msg = f"the Dask scheduler at {address} has no workers"
            raise BuildError(msg)
        self.n = n
        self.description = address

    def submit(self, fn: Callable[[Any], Any], task: Any, *, priority: int = 0) -> Any:
        """Schedule ``fn(task)`` on the cluster (``pure=False``: always run).

        Parameters
        ----------
        fn : callable
            A picklable function of one argument.
        task : object
            Its argument (a picklable task).
        priority : int
            Higher runs first where the pool can order work (Dask); ignored otherwise.

        Returns
        -------
        distributed.Future
            The scheduled task (retried once on a lost worker).
        """
        return self.client.submit(fn, task, pure=False, priority=priority, retries=1)

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        """Block until at least one future is done.

        Parameters
        ----------
        futures : iterable of object
            Futures this pool's :meth:`submit` returned.

        Returns
        -------
        set of object
            The futures that are done (at least one).
        """
        from distributed import wait  # noqa: PLC0415

        with self.client.as_current():
            done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def result(self, future: Any) -> Any:
        """Return the value, or raise :class:`WorkerLost`.

        Parameters
        ----------
        future : object
            A future this pool's :meth:`submit` returned, already done.

        Returns
        -------
        object
            What ``fn(task)`` returned.
        """
        try:
            return future.result()
        except Exception as exc:  # KilledWorker, CommClosedError, ...
            msg = f"the Dask task failed on its worker: {type(exc).__name__}: {exc}"
            raise WorkerLost(msg) from exc

    def close(self) -> None:
        """Disconnect from the cluster (the cluster keeps running)."""
        self.client.close()
