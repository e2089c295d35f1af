"""docs/interop.md: its complete example runs and prints exactly what the page shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytestmark = pytest.mark.negmas

DOC = Path(__file__).resolve().parents[2] / "docs" / "interop.md"


def test_the_complete_example_prints_what_the_page_shows() -> None:
    """The first Python block's output equals the block after "prints"."""
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    shown = re.search(r"```python\n.*?```\n\nprints\n\n```\n(.*?)```", text, re.S)
    assert code is not None and shown is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), str(DOC), "exec"), {})
    assert out.getvalue() == shown.group(1)
