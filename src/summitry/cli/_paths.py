"""Output paths are checked before any work starts, by one rule for every command.

The rule: missing folders on the way are created (as ``--trace`` always did); a folder where a
file is expected, a file where a folder is expected or in the way of one, a place summitry may
not write, or a suffix the writer cannot honour is refused with one line naming the option and
the path — before a negotiation runs or a scenario is converted, so nothing is half done.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from summitry.errors import OutputPathError

__all__ = ["check_output_file", "check_output_folder"]


def check_output_file(path: str | os.PathLike[str], option: str, *, suffixes: Sequence[str] = ()) -> Path:
    """Return ``path`` if a file can be written there (after creating missing folders).

    Args:
        path: Where the file will be written.
        option: The option or argument naming it (``--plot``), for the message.
        suffixes: The suffixes the writer can produce (``(".png", ".svg", ".pdf")``); empty: any.

    Raises:
        OutputPathError: ``path`` is a folder, has another suffix, or its folder cannot be made
            or written.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise OutputPathError(f"{option}: {target} is a folder; expected a file name")
    if suffixes and target.suffix.lower() not in suffixes:
        got = repr(target.suffix) if target.suffix else "no suffix"
        raise OutputPathError(f"{option}: {target}: expected a file ending in {', '.join(suffixes)}, got {got}")
    _check_folder(target.parent, option)
    return target


def check_output_folder(path: str | os.PathLike[str], option: str) -> Path:
    """Return ``path`` if a folder can be written there (it exists, or can be created).

    Raises:
        OutputPathError: ``path`` is a file, or its parent cannot be made or written.
    """
    target = Path(path).expanduser()
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"{option}: {target} is a file; expected a folder")
    _check_folder(target if target.exists() else target.parent, option)
    return target


def _check_folder(folder: Path, option: str) -> None:
    probe = folder if str(folder) else Path(".")
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise OutputPathError(f"{option}: cannot make the folder {folder}: {probe} is a file")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputPathError(f"{option}: {probe}: no permission to write in this folder")
