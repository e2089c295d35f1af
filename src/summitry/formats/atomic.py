"""Atomic writes: a file or a folder of files appears whole or not at all.

Every module that writes files (formats, plots, the report) goes through these functions.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path

from summitry.errors import ScenarioFormatError

__all__ = ["file_stem", "unique_name", "write_bytes", "write_files", "write_scenario_folder", "write_text"]


def write_bytes(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    With ``make_parents=False`` a missing folder is an error rather than created.

    Returns:
        The path written.

    Raises:
        FileNotFoundError: the folder does not exist and ``make_parents`` is False.
    """
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; expected a file name", str(path))
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise FileNotFoundError(2, "no such folder to write into", str(folder))
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a written file respects the umask
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike[str], text: str, *, make_parents: bool = True) -> Path:
    r"""Write ``text`` (UTF-8, ``\n`` line ends) to ``path`` atomically; see :func:`write_bytes`."""
    return write_bytes(path, text.encode("utf-8"), make_parents=make_parents)


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
        os.chmod(temp, 0o777 & ~_umask())  # mkdtemp makes 0700; a written folder respects the umask
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


def unique_name(stem: str, suffix: str, taken: Collection[str]) -> str:
    """Return ``stem + suffix``, or ``stem-2 + suffix``, ``stem-3 + suffix``... — the first not in ``taken``."""
    name, k = f"{stem}{suffix}", 2
    while name in taken:
        name, k = f"{stem}-{k}{suffix}", k + 1
    return name


def write_scenario_folder(folder: str | os.PathLike[str], files: Mapping[str, str], *, kind: str) -> list[Path]:
    """Write one scenario's ``{file name: text}`` into ``folder`` (see :func:`write_files`).

    A folder holds one scenario: a folder that already has other files of the same type
    (suffix) is refused, so that reading it back would not mix two scenarios.

    Raises:
        ScenarioFormatError: the folder holds another scenario's files; nothing is written.
    """
    folder = Path(folder)
    suffixes = {Path(name).suffix for name in files}
    others = (
        sorted(p.name for p in folder.iterdir() if p.suffix in suffixes and p.name not in files)
        if folder.is_dir()
        else []
    )
    if others:
        label = "/".join(sorted(s.lstrip(".").upper() for s in suffixes))
        raise ScenarioFormatError(
            f"{folder}: already holds other {label} files {others[:5]}; a {kind} folder holds one scenario, "
            "so write to a new or empty folder"
        )
    return write_files(folder, files)
