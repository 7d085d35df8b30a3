"""Every appendix notebook runs in a real Jupyter server, as a researcher runs it in JupyterLab.

The test starts ``jupyter server`` headless on 127.0.0.1 (free port, random token) from the
project's environment, opens each notebook through the REST API (contents + sessions),
executes its code cells with their default parameters over the kernel websocket, and
asserts that no cell raised. The processed store is built first into a temporary folder
(``ecoplan ingest``); ``ECOPLAN_PROCESSED_DIR`` and ``ECOPLAN_REPORTS_DIR`` reach the
kernel through the server's environment. The server is always stopped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import websocket  # websocket-client, a dependency of jupyter_server

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p for p in (REPO / "notebooks").glob("*.ipynb"))
BIN = Path(sys.executable).parent

#: Seconds allowed for the server to answer, and for one cell to finish.
SERVER_START_TIMEOUT = 90
CELL_TIMEOUT = 600

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``jupyter server``: base URL, token and process."""

    url: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the REST API; return the decoded JSON body (None for 204)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            payload = resp.read()
        return json.loads(payload) if payload else None

    def log_tail(self, n: int = 40) -> str:
        """Return the last lines of the server log, for failure messages."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Build the processed store and the results (``ecoplan ingest``, ``analyse``)."""
    tmp = tmp_path_factory.mktemp("jupyter-store")
    env = os.environ | {
        "ECOPLAN_PROCESSED_DIR": str(tmp / "processed"),
        "ECOPLAN_REPORTS_DIR": str(tmp / "reports"),
    }
    for command in ("ingest", "analyse"):
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.cli", command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert proc.returncode == 0, f"ecoplan {command} failed:\n{proc.stdout}\n{proc.stderr}"
    return {k: env[k] for k in ("ECOPLAN_PROCESSED_DIR", "ECOPLAN_REPORTS_DIR")}


@pytest.fixture(scope="module")
def server(store: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start ``jupyter server`` on the repository; stop it however the tests end."""
    jupyter = BIN / "jupyter"
    if not jupyter.exists():
        jupyter = Path(shutil.which("jupyter") or "jupyter")
    home = tmp_path_factory.mktemp("jupyter-home")
    env = (
        os.environ
        | store
        | {
            # Keep the user's Jupyter config and runtime files out of the test.
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "MPLBACKEND": "Agg",
        }
    )
    srv = None
    try:
        # A free port can be taken between choosing it and binding it: try another one.
        for attempt in range(3):
            srv = _start_server(jupyter, env, home / f"server-{attempt}.log")
            if srv is not None:
                break
        if srv is None:
            pytest.fail("jupyter server could not bind a free port in 3 attempts")
        yield srv
    finally:
        if srv is not None:
            _stop_server(srv)


def _start_server(jupyter: Path, env: dict[str, str], log: Path) -> Server | None:
    """Start the server and wait until it answers; None if its port was taken meanwhile."""
    port, token = _free_port(), secrets.token_hex(16)
    with log.open("wb") as log_fh:
        proc = subprocess.Popen(
            [
                str(jupyter),
                "server",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={REPO}",
                "--ServerApp.allow_remote_access=False",
                # CI runs as root; Jupyter refuses that unless told.
                *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            ],
            cwd=REPO,
            env=env,
            stdout=log_fh,
            stderr=subprocess.STDOUT,
        )
    srv = Server(f"http://127.0.0.1:{port}", token, proc, log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            if "already in use" in srv.log_tail():
                return None
            pytest.fail(f"jupyter server exited with {proc.returncode}:\n{srv.log_tail()}")
        try:
            srv.request("GET", "/api/status")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                _stop_server(srv)
                pytest.fail(f"jupyter server did not answer in time:\n{srv.log_tail()}")
            time.sleep(0.5)
        else:
            return srv


def _stop_server(srv: Server) -> None:
    """Ask the server to shut down (it stops its kernels); terminate, then kill, if it hangs."""
    try:
        srv.request("POST", "/api/shutdown")
        srv.proc.wait(timeout=30)
    except (urllib.error.URLError, ConnectionError, subprocess.TimeoutExpired):
        srv.proc.terminate()
        try:
            srv.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
            srv.proc.wait(timeout=15)


def _message(session: str, code: str) -> dict[str, Any]:
    msg_id = uuid.uuid4().hex
    return {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": session,
            "username": "ecoplan-test",
            "version": "5.3",
            "date": "2026-01-01T00:00:00.000000Z",
        },
        "parent_header": {},
        "metadata": {},
        "channel": "shell",
        "buffers": [],
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    }


def _execute(ws: websocket.WebSocket, session: str, code: str) -> list[dict[str, Any]]:
    """Run one cell; return its iopub outputs once the kernel is idle and has replied."""
    request = _message(session, code)
    msg_id = request["header"]["msg_id"]
    ws.send(json.dumps(request))
    outputs: list[dict[str, Any]] = []
    replied = idle = False
    deadline = time.monotonic() + CELL_TIMEOUT
    while not (replied and idle):
        if time.monotonic() > deadline:
            pytest.fail(f"cell did not finish in {CELL_TIMEOUT} s:\n{code[:500]}")
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "execute_reply":
            replied = True
            if msg["content"].get("status") == "error":
                outputs.append({"output_type": "error", **msg["content"]})
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
        elif kind in {"stream", "display_data", "execute_result", "error"}:
            outputs.append({"output_type": kind, **msg["content"]})
    return outputs


def _kernel_for(server: Server, nb: nbformat.NotebookNode) -> str:
    specs = server.request("GET", "/api/kernelspecs")["kernelspecs"]
    wanted = nb.metadata.get("kernelspec", {}).get("name", "")
    for name in (wanted, "ecoplan", "python3"):
        if name in specs:
            return name
    return str(server.request("GET", "/api/kernelspecs")["default"])


def test_there_are_notebooks_to_run() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_jupyter_server(server: Server, path: Path) -> None:
    rel = path.relative_to(REPO).as_posix()
    model = server.request("GET", f"/api/contents/{rel}?content=1&type=notebook")
    assert model["type"] == "notebook"
    nb = nbformat.from_dict(model["content"])
    session = server.request(
        "POST",
        "/api/sessions",
        {
            "path": rel,
            "name": path.name,
            "type": "notebook",
            "kernel": {"name": _kernel_for(server, nb)},
        },
    )
    kernel_id = session["kernel"]["id"]
    ws = websocket.create_connection(
        f"{server.url.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
        f"?session_id={session['id']}",
        header=[f"Authorization: token {server.token}"],
        timeout=CELL_TIMEOUT,
    )
    try:
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        assert code_cells, f"{path.name} has no code cells"
        assert any("parameters" in c.metadata.get("tags", []) for c in code_cells), (
            f"{path.name} has no cell tagged 'parameters'"
        )
        for index, cell in enumerate(code_cells):
            outputs = _execute(ws, session["id"], cell.source)
            errors = [o for o in outputs if o["output_type"] == "error"]
            assert not errors, (
                f"{path.name}, code cell {index}: {errors[0].get('ename')}: "
                f"{errors[0].get('evalue')}\n--- cell ---\n{cell.source}"
            )
    finally:
        ws.close()
        server.request("DELETE", f"/api/sessions/{session['id']}")


def test_kernels_run_over_ipc_without_the_tcp_warning(server: Server) -> None:
    """`make setup` installs jupyter/jupyter_server_config.json: kernels use local sockets.

    ipykernel warns "Kernel is running over TCP without encryption" at every TCP start;
    the notebooks above started kernels through this server, so its log would show it.
    """
    installed = BIN.parent / "etc" / "jupyter" / "jupyter_server_config.json"
    assert json.loads(installed.read_text(encoding="utf-8")) == json.loads(
        (REPO / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8")
    )
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "Kernel started" in log, server.log_tail()  # the notebooks above started kernels
    assert "without encryption" not in log, server.log_tail()
