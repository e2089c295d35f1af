"""Atomic writes: a file or a folder of files appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["file_stem", "write_files", "write_text"]


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename it.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return path


def write_files(folder: Path, files: Mapping[str, str]) -> list[Path]:
    """Write ``{file name: text}`` into ``folder``.

    A new folder is built under a temporary name and renamed into place; in an existing
    folder each file is replaced atomically (other files there are left alone).

    Returns:
        The paths written, in the order given.
    """
    folder = Path(folder)
    if folder.exists():
        return [write_text(folder / name, text) for name, text in files.items()]
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, text in files.items():
            (temp / name).write_text(text, encoding="utf-8", newline="\n")
        os.replace(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return [folder / name for name in files]


def file_stem(name: str) -> str:
    """Return ``name`` made safe as a file name (letters, digits, ``.``, ``_``, ``-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario"
