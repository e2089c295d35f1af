"""The package façade: every advertised name resolves, and importing summitry loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import pytest

import summitry


@pytest.mark.parametrize("name", sorted(summitry.__all__))
def test_every_facade_name_resolves(name: str) -> None:
    assert getattr(summitry, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'negociate'"):
        summitry.negociate  # noqa: B018


def test_import_does_not_load_io_libraries() -> None:
    heavy = "('pydantic', 'yaml', 'matplotlib', 'typer')"
    code = f"import sys, summitry; print(sorted(m for m in {heavy} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
