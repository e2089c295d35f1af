"""Render a matplotlib figure to PNG bytes, and write them atomically where asked."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from summitry.formats.atomic import write_bytes

__all__ = ["FILE_FORMATS", "png_bytes"]


FILE_FORMATS = (".png", ".svg", ".pdf")
"""The suffixes a figure can be written as (matplotlib's formats of the same names)."""


def png_bytes(figure: Any, path: str | os.PathLike[str] | None = None) -> bytes:
    """Return ``figure`` as PNG bytes; also write it to ``path`` (atomically) when given.

    The file is written in the format its suffix names: PNG, SVG or PDF.

    Raises:
        ValueError: ``path`` ends in another suffix (nothing is written).
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    if path is not None:
        suffix = Path(path).suffix.lower().lstrip(".")
        if f".{suffix}" not in FILE_FORMATS:
            raise ValueError(f"{os.fspath(path)}: a figure is written as .png, .svg or .pdf, got {suffix!r}")
        if suffix == "png":
            write_bytes(path, data)
        else:
            other = io.BytesIO()
            figure.savefig(other, format=suffix)
            write_bytes(path, other.getvalue())
    return data
