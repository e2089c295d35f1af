"""The layer contracts of DESIGN §4 hold (import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.fail("lint-imports is missing: install the dev extra (make test does)")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_summitry_help_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "summitry", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "summitry" in result.stdout


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.fail("ruff is missing: install the dev extra (make test does)")
    result = subprocess.run(
        [str(ruff), "check", "src", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
