"""``summitry serve`` on an address it cannot listen on: one error line and exit code 2, before anything starts.

A server already on the port (an earlier ``summitry serve`` left running, say) used to get the
banner printed first and uvicorn's own error after it (exit code 3); under ``--workers`` the
supervisor took the other server's ``/healthz`` for its worker's and kept starting the worker again.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

from .._served import free_ports

summitry.cli._register()
runner = CliRunner()


@pytest.fixture
def listening() -> Iterator[int]:
    """A port P with P taken by a listening socket (as a running server holds it) and P+1 free."""
    port = free_ports(2)
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        yield port


def _refused(tmp_path: Path, *args: str) -> str:
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["serve", "--db", f"sqlite:///{db}", *args])
    assert result.exit_code == 2, (result.output, result.exception)
    assert "serving" not in result.output  # no banner
    assert not db.exists()  # nothing written: the store is not even opened
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_port_another_server_listens_on_is_refused_before_the_banner(tmp_path: Path, listening: int) -> None:
    line = _refused(tmp_path, "--port", str(listening))
    assert line.startswith(f"error: cannot listen on 127.0.0.1:{listening}: the address is in use")
    assert "choose another --port" in line


def test_a_worker_whose_port_is_taken_is_named_before_any_worker_starts(tmp_path: Path, listening: int) -> None:
    line = _refused(tmp_path, "--port", str(listening - 1), "--workers", "2")
    assert line.startswith(f"error: worker 1: cannot listen on 127.0.0.1:{listening}: the address is in use")


def test_an_unknown_host_is_refused_by_name(tmp_path: Path) -> None:
    line = _refused(tmp_path, "--host", "no-such-host.invalid", "--port", str(free_ports(1)))
    assert line.startswith("error: cannot listen on no-such-host.invalid:")
    assert "unknown address" in line
