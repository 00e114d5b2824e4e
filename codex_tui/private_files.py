"""The one way codex-tui writes a file that may hold user text (job run files, reports, evidence,
scan reports, caches, exports): the file is 0600 from its first byte and its folder 0700, so no
other user on the machine can read a prompt, a task or a command's output. Writes are atomic: a
reader sees the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike) -> Path:
    """Make `path` and any missing parents, each new one 0700 (existing folders are left as
    they are: they may be the user's own, shared ones)."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass
    return path


def write_private(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write `data` to `path` atomically (a temp file beside it, then a rename), mode 0600."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")   # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def open_private_append(path: str | os.PathLike, *, binary: bool = False):
    """Open `path` for appending (O_APPEND: safe beside other writers), created 0600."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    if binary:
        return os.fdopen(fd, "ab", buffering=0)
    return os.fdopen(fd, "a", encoding="utf-8")
