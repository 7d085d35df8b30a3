"""One headless Chromium kept running and driven over its DevTools pipe, to print PDFs.

Starting Chromium for each print (``chromium --print-to-pdf``) cost about 1.3 s of a
5 s print of a combined page; a town's PDF takes two prints (see
:mod:`analysis.batch.pdf`). :class:`ChromiumPrinter` starts the browser once, with
``--remote-debugging-pipe``, and sends it DevTools Protocol commands: load a page,
``Page.printToPDF`` with the settings the command line uses (so the PDF is the same but
for its dates), and for the second print set the contents' page numbers in the loaded
page (``Runtime.evaluate``) rather than load it again.

Chromium reads commands from its file descriptor 3 and writes replies to 4, each a JSON
message ended by a NUL byte. The process is started with :func:`os.posix_spawn`, which
puts the two pipe ends on those numbers (no shell, safe beside the build's threads).
Nothing is downloaded: the executable is Debian's (:func:`analysis.batch.pdf.find_chromium`).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from analysis.errors import BuildError

__all__ = ["PRINT_OPTIONS", "ChromiumPrinter"]

#: ``Page.printToPDF`` settings equal to ``chromium --headless --print-to-pdf
#: --no-pdf-header-footer --generate-pdf-document-outline``: the page's own ``@page``
#: size and margins, backgrounds, no header or footer, an outline from the headings.
PRINT_OPTIONS: dict[str, Any] = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "generateDocumentOutline": True,
}

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-first-run",
    "--run-all-compositor-stages-before-draw",
    "--remote-debugging-pipe",
)


def _high(fd: int) -> int:
    """Move ``fd`` to a number of 5 or more (kept from the child unless passed to it)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved


class ChromiumPrinter:
    """A headless Chromium that prints local pages to PDF, one at a time.

    Use it as a context manager (the browser is closed at the end). One printer serves
    one thread; :func:`analysis.batch.pdf.publish_pdfs` keeps one per print job.

    Parameters
    ----------
    chromium : str
        The executable.
    timeout : float, default 180
        Seconds any one step (start, load, print) may take before the browser is
        stopped and :class:`~analysis.errors.BuildError` raised.

    Raises
    ------
    BuildError
        If Chromium does not start or does not answer.
    """

    def __init__(self, chromium: str, *, timeout: float = 180) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="ecoplan-chromium-")
        cmd_read, cmd_write = os.pipe()
        out_read, out_write = os.pipe()
        cmd_read, out_write = _high(cmd_read), _high(out_write)
        argv = [chromium, *_FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self._pid = os.posix_spawn(
                chromium,
                argv,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, cmd_read, 3),
                    (os.POSIX_SPAWN_DUP2, out_write, 4),
                ],
            )
        except OSError as exc:
            for fd in (cmd_read, cmd_write, out_read, out_write):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            msg = f"Chromium ({chromium}) could not be started: {exc}"
            raise BuildError(msg) from exc
        os.close(cmd_read)
        os.close(out_write)
        self._write, self._read = cmd_write, out_read
        self._closed = False
        self._buffer = b""
        self._serial = 0
        self._events: list[dict[str, Any]] = []
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call(
                "Target.attachToTarget", {"targetId": target, "flatten": True}
            )["sessionId"]
            self._call("Page.enable", session=True)
        except BuildError:
            self.close()
            raise

    # -- protocol ---------------------------------------------------------------------

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(left, 0))
            if not ready:
                msg = f"Chromium did not answer within {self.timeout:.0f} s"
                raise BuildError(msg)
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                msg = "Chromium closed its DevTools pipe (it stopped)"
                raise BuildError(msg)
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False
    ) -> dict[str, Any]:
        self._serial += 1
        message: dict[str, Any] = {"id": self._serial, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        try:
            os.write(self._write, json.dumps(message).encode("utf-8") + b"\0")
        except OSError as exc:
            msg = f"Chromium closed its DevTools pipe: {exc}"
            raise BuildError(msg) from exc
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._serial:
                if "error" in reply:
                    msg = f"Chromium refused {method}: {reply['error'].get('message', reply['error'])}"
                    raise BuildError(msg)
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for k, seen in enumerate(self._events):
                if seen.get("method") == event and seen.get("sessionId") == self._session:
                    del self._events[: k + 1]
                    return
            self._events.append(self._message(deadline))

    # -- printing ---------------------------------------------------------------------

    def load(self, html_path: Path) -> None:
        """Open a local page and wait until it has loaded (images and fonts included).

        Parameters
        ----------
        html_path : pathlib.Path
            The page.

        Raises
        ------
        BuildError
            If Chromium fails or times out.
        """
        self._events.clear()
        self._call("Page.navigate", {"url": html_path.resolve().as_uri()}, session=True)
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the loaded page and return its (JSON) value.

        Parameters
        ----------
        expression : str
            The script.

        Returns
        -------
        Any
            The value of its last expression.

        Raises
        ------
        BuildError
            If the script throws or Chromium fails.
        """
        result = self._call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True
        )
        if "exceptionDetails" in result:
            msg = f"a script in the printed page failed: {result['exceptionDetails'].get('text')}"
            raise BuildError(msg)
        return result.get("result", {}).get("value")

    def print_pdf(self) -> bytes:
        """Print the loaded page (:data:`PRINT_OPTIONS`).

        Returns
        -------
        bytes
            The PDF.

        Raises
        ------
        BuildError
            If Chromium fails or times out.
        """
        data = self._call("Page.printToPDF", PRINT_OPTIONS, session=True).get("data", "")
        pdf = base64.b64decode(data)
        if not pdf:
            msg = "Chromium printed an empty PDF"
            raise BuildError(msg)
        return pdf

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the browser (stopped if it does not close within 5 s) and its profile."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(BuildError, OSError):
            self._call("Browser.close")
        for fd in (self._write, self._read):
            with contextlib.suppress(OSError):
                os.close(fd)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self._pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> ChromiumPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
