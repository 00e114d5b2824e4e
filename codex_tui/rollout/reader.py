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
    fd, _ = _regular_fd(path)
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _regular_fd(path: str) -> tuple[int, os.stat_result]:
    """A descriptor of `path` for reading and its fstat; OSError(EINVAL) for anything but a
    regular file. Opened non-blocking, so a FIFO named like a rollout does not block it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})", path)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


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
    return read_rollout_stamped(path, offset, max_bytes)[0]


def read_rollout_stamped(path: str, offset: int = 0,
                         max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, float]:
    """read_rollout, with the file's mtime as it was opened. A plain file is read whole
    through its descriptor (one fstat for the checks, the size and the mtime), without the
    buffered file object that line-by-line readers need: this runs for every rollout of a
    first index."""
    if path.endswith(ZST_SUFFIX):
        with open_rollout(path) as handle:
            mtime = os.stat(path).st_mtime
            chunks, size = [], 0
            while size <= max_bytes and (chunk := handle.read(1 << 22)):
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    else:
        fd, info = _regular_fd(path)
        try:
            if info.st_size > max_bytes:
                raise OSError(errno.EFBIG, limit_text(max_bytes), path)
            if offset:
                os.lseek(fd, offset, os.SEEK_SET)
            # One read of what fstat says is there, and a byte more: a short read is the end
            # (O_NONBLOCK is no matter to a file). All of it back means it grew meanwhile:
            # then on to its end, as a read to the end would have gone.
            want = max(info.st_size - offset, 0) + 1
            data = os.read(fd, want)
            if len(data) == want:
                parts = [data]
                while part := os.read(fd, 1 << 20):
                    parts.append(part)
                data = b"".join(parts)
        finally:
            os.close(fd)
        mtime = info.st_mtime
    if len(data) + offset > max_bytes:   # grew past the limit while read, or a .zst bomb
        raise OSError(errno.EFBIG, limit_text(max_bytes), path)
    return data, mtime


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a file"
