"""Open rollout files, plain or zstd-compressed (`.jsonl.zst`)."""
from __future__ import annotations

import io

ZST_SUFFIX = ".zst"


def open_rollout(path: str) -> io.BufferedIOBase:
    raw = open(path, "rb")
    if not path.endswith(ZST_SUFFIX):
        return raw
    import zstandard

    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
