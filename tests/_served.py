"""Real `summitry serve` processes for tests, on 127.0.0.1 and a given database: one server on a free port
(killable), or `summitry serve --workers K` on a run of K free ports."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A `summitry serve` process on a database and a port, started and killed on request."""

    def __init__(self, db: str, port: int, log: Path, extra: tuple[str, ...] = ()) -> None:
        self.db, self.port, self.log, self.extra = db, port, log, extra
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "summitry", "serve", "--db", self.db, "--port", str(self.port), *self.extra],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"summitry serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("summitry serve did not answer within 60 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def serving(db: str, tmp_path: Path, *extra: str) -> Iterator[Server]:
    """Yield a started server on ``db`` (``extra``: more ``summitry serve`` options), stopped afterwards."""
    server = Server(db, free_port(), tmp_path / "serve.log", extra)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def free_ports(count: int) -> int:
    """Return a port P with P..P+count-1 all free on 127.0.0.1."""
    for _ in range(200):
        first = free_port()
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError("no run of free ports")


class Workers:
    """`summitry serve --workers K` as a process."""

    def __init__(self, db: str, count: int, log: Path) -> None:
        self.db, self.count, self.log = db, count, log
        self.port = free_ports(count)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "summitry", "serve", "--db", self.db, "--port", str(self.port),
                 "--workers", str(self.count)],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        for port in range(self.port, self.port + self.count):
            wait_for(f"http://127.0.0.1:{port}/healthz", self.process, self.log)

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(c) for c in children]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"summitry serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 60 s")


def serving_workers(db: str, tmp_path: Path, count: int) -> Iterator[Workers]:
    """Yield a started `summitry serve --workers count` on ``db``, stopped afterwards."""
    served = Workers(db, count, tmp_path / "serve.log")
    served.start()
    try:
        yield served
    finally:
        served.stop()


def envoy(url: str, session: dict[str, Any], party: str, agent: str, *extra: str) -> subprocess.Popen[str]:
    """Start `summitry envoy --json` for ``party`` of ``session`` (as created) at ``url``."""
    return subprocess.Popen(
        [sys.executable, "-m", "summitry", "envoy", url, "--session", session["id"], "--token",
         session["party_tokens"][party], "--agent", agent, "--json", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def logged_events(url: str, session: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every public event of ``session`` (as created) at ``url``, read with its observer token."""
    answer = httpx.get(
        f"{url}/api/sessions/{session['id']}/events",
        headers={"Authorization": f"Bearer {session['observer_token']}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["events"])
