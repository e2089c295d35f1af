"""Browser tests: a real ``summitry serve`` process on a free port with a temporary SQLite
database, driven by Debian's chromium through Playwright (never Playwright's own download).

Tests skip, saying why, only where chromium or Playwright is absent. Screenshots go to a
temporary folder (printed at the end of the run), or to ``$SUMMITRY_SCREENSHOTS`` when set
(that is how docs/img is refreshed).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found is None:
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's with `apt-get install -y chromium` (.ci/run does)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A ``summitry serve`` process that can be killed and started again on the same database and port."""

    def __init__(self, folder: Path) -> None:
        self.db = f"sqlite:///{folder / 'summitry.db'}"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers /healthz."""
        command = [sys.executable, "-m", "summitry", "serve", "--db", self.db, "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"summitry serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"summitry serve did not answer within 30 s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """Kill the server process at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        """Stop the server process (SIGTERM, then SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a session through the API and return the answer."""
        response = httpx.post(f"{self.url}/api/sessions", json=body, timeout=30)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def get(self, path: str, token: str) -> Any:
        """GET an API path with a token and return the JSON."""
        response = httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def act(self, session: str, token: str, action: dict[str, Any]) -> Any:
        """Send an action for the party holding ``token``."""
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": os.urandom(8).hex()}
        response = httpx.post(f"{self.url}/api/sessions/{session}/actions", json=action, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def page(self, kind: str, session: str, token: str) -> str:
        """Return the URL of a page with its token in the fragment."""
        path = {"party": "party", "observer": "observe", "debrief": "debrief"}[kind]
        return f"{self.url}/sessions/{session}/{path}#token={token}"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _chromium()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (dev extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Server]:
    """One server for a module's tests (each test makes its own sessions)."""
    running = Server(tmp_path_factory.mktemp("serve"))
    running.start()
    yield running
    running.stop()


@pytest.fixture()
def own_server(tmp_path: Path, chromium_path: str) -> Iterator[Server]:
    """A server of the test's own, which the test may kill and start again."""
    running = Server(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SUMMITRY_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own storage) that fails the test on any script error."""
    made = browser.new_context(viewport=WIDE)
    made.set_default_timeout(15_000)
    errors: list[str] = []
    made.on("weberror", lambda error: errors.append(str(error.error)))
    made.errors = errors
    yield made
    made.close()
    assert not errors, f"script errors in the pages: {errors}"
