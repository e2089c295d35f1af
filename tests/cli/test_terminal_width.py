"""Tables use the whole width of the terminal they are printed in, even a "dumb" one."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")


def _run_in_terminal(args: list[str], columns: int, term: str, cwd: Path) -> str:
    """Return what ``summitry ARGS`` prints to a pseudo-terminal ``columns`` wide with ``TERM=term``."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = term
    code = "from summitry.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes once the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    assert process.returncode == 0
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8"))


@pytest.mark.parametrize("term", ["xterm", "dumb"])
def test_agenda_tables_fill_a_wide_terminal(term: str, tmp_path: Path) -> None:
    """In a 150-column terminal the agenda's tables are 150 columns wide, not 80."""
    text = _run_in_terminal(["agenda", "hanoi"], 150, term, tmp_path)
    borders = [line.rstrip("\r") for line in text.splitlines() if line.startswith("┏")]
    assert borders and all(len(line) == 150 for line in borders), [len(b) for b in borders]
