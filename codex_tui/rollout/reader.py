"""Read rollout files line by line, from any offset, plain or zstd-compressed.

A rollout being written may end in a half-written line: that is not an error, and the
returned offset stops before it so the next read starts there.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

ZST_SUFFIX = ".zst"
_CHUNK = 1 << 20


@dataclass(slots=True)
class RawLine:
    number: int        # 1-based line number in the file
    data: bytes        # without the trailing newline
    complete: bool     # False only for a last line with no newline yet


def open_rollout(path: str) -> io.BufferedReader:
    raw = open(path, "rb")
    if not path.endswith(ZST_SUFFIX):
        return raw
    import zstandard

    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))


def iter_lines(path: str, offset: int = 0, first_line: int = 1) -> Iterator[RawLine]:
    """Yield lines from byte `offset` (plain files only; .zst always reads from 0)."""
    number = first_line
    with open_rollout(path) as handle:
        if offset and not path.endswith(ZST_SUFFIX):
            handle.seek(offset)
        pending = bytearray()  # grows in place, so a 50 MB line is not copied per chunk
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            end = chunk.rfind(b"\n")
            if end < 0:
                pending += chunk
                continue
            pending += chunk[:end]
            for part in bytes(pending).split(b"\n"):
                yield RawLine(number, part, True)
                number += 1
            pending = bytearray(chunk[end + 1:])
        if pending:
            yield RawLine(number, bytes(pending), False)
