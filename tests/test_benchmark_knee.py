"""The server benchmark names its knee: the first number of sessions whose p99 passes 100 ms."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "server_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("server_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_knee_is_the_first_n_whose_p99_passes_the_limit(bench: ModuleType) -> None:
    line = bench.knee([(50, 40.0), (100, 99.9), (150, 100.1), (200, 90.0)])
    assert line.startswith("knee: N=150 ")
    assert "the N before it, 100: 99.9 ms" in line


def test_no_knee_when_every_p99_is_under_the_limit(bench: ModuleType) -> None:
    assert bench.knee([(10, 12.0), (200, 99.0)]) == "knee: none (p99 under 100 ms at every N run, up to 200)"


def test_the_first_n_run_can_be_the_knee(bench: ModuleType) -> None:
    assert bench.knee([(200, 150.0)]) == "knee: N=200 (p99 150.0 ms > 100 ms)"
