"""The code in docs/writing-agents.md runs as written (so the guide stays true)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summitry.agents import REGISTRY

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-agents.md"


def test_the_guide_example_runs_registers_and_passes_the_checker(capsys: pytest.CaptureFixture[str]) -> None:
    """Every python block runs in order: the agent negotiates with a built-in, registers and conforms."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
        printed = capsys.readouterr().out.split()
        assert printed[0] in {"agreed", "deadline", "ended"}
        assert "split-the-difference" in REGISTRY
    finally:
        REGISTRY.pop("split-the-difference", None)
