"""Render a matplotlib figure to PNG bytes, and write them atomically where asked."""

from __future__ import annotations

import io
import os
from typing import Any

from summitry.formats.atomic import write_bytes

__all__ = ["png_bytes"]


def png_bytes(figure: Any, path: str | os.PathLike[str] | None = None) -> bytes:
    """Return ``figure`` as PNG bytes; also write them to ``path`` (atomically) when given."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    if path is not None:
        write_bytes(path, data, make_parents=False)
    return data
