"""SQLite writers queue on one lock: the threads of a process, and processes sharing the file (serve --workers)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from summitry.store.engine import WriteLock, make_engine

TRY_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("held")
else:
    print("free")
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="flock: checked on Linux")


def other_process_finds(lock_file: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(lock_file)], capture_output=True, text=True
    ).stdout.strip()


def test_a_writer_of_a_sqlite_file_holds_it_against_other_processes_until_it_is_done(tmp_path: Path) -> None:
    lock = WriteLock(make_engine(f"sqlite:///{tmp_path / 'shared.db'}"))
    lock_file = tmp_path / "shared.db-summitry.lock"
    with lock:
        assert other_process_finds(lock_file) == "held"
    assert other_process_finds(lock_file) == "free"
    with lock:  # again, on the same descriptor
        assert other_process_finds(lock_file) == "held"


def test_threads_of_one_process_take_the_lock_one_at_a_time(tmp_path: Path) -> None:
    lock = WriteLock(make_engine(f"sqlite:///{tmp_path / 'shared.db'}"))
    inside, most = 0, 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(50):
            with lock:
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0002)  # another thread would come in now, without the lock
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_an_in_memory_database_needs_no_lock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with WriteLock(create_engine("sqlite://")):
        pass
    assert list(tmp_path.iterdir()) == []


HOLD_LOCK = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.readline()
"""


def test_trying_the_lock_never_waits_for_another_thread_or_process(tmp_path: Path) -> None:
    lock = WriteLock(make_engine(f"sqlite:///{tmp_path / 'shared.db'}"))
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "shared.db-summitry.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "holding"
        assert lock.try_acquire() is False  # another process writes
        assert lock._thread_lock.acquire(blocking=False)  # nothing of it kept by the failed try
        lock._thread_lock.release()
    finally:
        other.communicate("done\n", timeout=30)
    assert lock.try_acquire() is True
    try:
        assert other_process_finds(tmp_path / "shared.db-summitry.lock") == "held"
        taken: list[bool] = []
        thread = threading.Thread(target=lambda: taken.append(lock.try_acquire()))
        thread.start()
        thread.join()
        assert taken == [False]  # another thread of this process
    finally:
        lock.__exit__(None, None, None)
    assert other_process_finds(tmp_path / "shared.db-summitry.lock") == "free"
