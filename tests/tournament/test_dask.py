"""The same tournament on a Dask LocalCluster and on a real `dask scheduler` + two `dask worker` processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from summitry.tournament import DaskBackend, InProcessBackend, load_tournament_spec, open_results, run_tournament

from .conftest import comparable, write_spec

pytestmark = pytest.mark.slow


def _records(folder: Path) -> list[dict[str, object]]:
    results = open_results(folder)
    try:
        return list(results.store.records(results.digest))
    finally:
        results.store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `dask scheduler` and two `dask worker` processes on loopback, stopped afterwards."""
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    if dask is None:
        pytest.skip("the `dask` command is not installed (pip install distributed)")
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = [(folder / name).open("w") for name in ("scheduler.log", "worker0.log", "worker1.log")]
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0", "--no-show"],
            stdout=subprocess.DEVNULL,
            stderr=logs[0],
            env=env,
            cwd=folder,
        )
    ]
    try:
        _wait_for_port(port)
        for number in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                        "--local-directory",
                        str(folder / f"w{number}"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=logs[1 + number],
                    env=env,
                    cwd=folder,
                )
            )
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the dask scheduler did not listen on port {port} within 60 s")


def _wait_for_workers(backend: DaskBackend, count: int) -> None:
    backend._client.wait_for_workers(count, timeout=60)
    backend.workers = count


def test_local_cluster_and_real_scheduler_give_the_in_process_results(
    spec_folder: Path, tmp_path: Path, scheduler: str
) -> None:
    agents = ["boulware", "misbehaving.py:Spinner", "misbehaving.py:Raiser"]
    spec = load_tournament_spec(write_spec(spec_folder, agents=agents, timeout=0.5))
    run_tournament(spec, tmp_path / "here", InProcessBackend())
    local = DaskBackend("local", 1)
    try:
        run_tournament(spec, tmp_path / "local", local)
    finally:
        local.close()
    remote = DaskBackend(scheduler, 1)
    try:
        _wait_for_workers(remote, 2)
        run_tournament(spec, tmp_path / "remote", remote)
        workers = remote._client.run(os.getpid)
    finally:
        remote.close()
    here = comparable(_records(tmp_path / "here"))
    assert len(here) == 6 and all(r["failed_party"] is not None for r in here)
    assert sum("NegotiationHung" in str(r["failure"]) for r in here) >= 2  # hangs are stopped on Dask threads too
    assert comparable(_records(tmp_path / "local")) == here
    assert comparable(_records(tmp_path / "remote")) == here
    assert len(set(workers.values())) == 2


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    from summitry.errors import TournamentError

    with pytest.raises(TournamentError, match=r"--dask tcp://127.0.0.1:\d+: cannot reach the scheduler"):
        DaskBackend(f"tcp://127.0.0.1:{_free_port()}", 1, timeout=1.0)
