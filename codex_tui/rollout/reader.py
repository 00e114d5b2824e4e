"""Open rollout files, plain or zstd-compressed (`.jsonl.zst`), and only regular files.

A FIFO named like a rollout would block every reader forever, and a symlink to /dev/zero
or /dev/urandom never ends: so a rollout is opened non-blocking, checked with fstat to be
a regular file, and read up to a size limit (setting `max_rollout_mb`).
"""
from __future__ import annotations

import errno
import io
import os
import stat
from typing import Iterator

import orjson

ZST_SUFFIX = ".zst"
DEFAULT_MAX_BYTES = 1024 * 1048576   # the default of the max_rollout_mb setting


def limit_text(max_bytes: int) -> str:
    return f"larger than the {max_bytes / 1048576:g} MB limit (setting max_rollout_mb)"


def open_regular(path: str) -> io.BufferedReader:
    """`open(path, "rb")`, refusing anything but a regular file without blocking on it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind(mode)})", path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_rollout(path: str) -> io.BufferedIOBase:
    raw = open_regular(path)
    if not path.endswith(ZST_SUFFIX):
        return raw
    import zstandard

    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))


def rollout_objects(path: str, wanted: tuple[bytes, ...]) -> Iterator[dict]:
    """The JSON objects of a rollout's lines that hold one of `wanted` (a byte scan before any
    decoding: the small readers that need a few line kinds). Broken lines and non-objects are
    skipped; the file is opened as every rollout is (regular files only, .zst read through)."""
    with open_rollout(path) as handle:
        for raw in handle:
            if not any(w in raw for w in wanted):
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                yield obj


def read_rollout(path: str, offset: int = 0, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a rollout from `offset` (decompressed for .zst); OSError(EFBIG) when the
    file, or what it decompresses to, is larger than `max_bytes`."""
    with open_rollout(path) as handle:
        if not path.endswith(ZST_SUFFIX):
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise OSError(errno.EFBIG, limit_text(max_bytes), path)
            handle.seek(offset)
            data = handle.read()
        else:
            chunks, size = [], 0
            while size <= max_bytes and (chunk := handle.read(1 << 22)):
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    if len(data) + offset > max_bytes:   # grew past the limit while read, or a .zst bomb
        raise OSError(errno.EFBIG, limit_text(max_bytes), path)
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a file"
