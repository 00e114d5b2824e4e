"""The typed shape of the index cache files, checked whole before any of it is used.

`index.json` is decoded against these TypedDicts (so a list where the files belong, an
entry without `meta`, or a string where a number belongs fails the load), and carries
the size and CRC-32 of `summaries.bin` and `search.bin`, so a flipped byte in either is
caught too. Anything that fails is a broken cache: discarded and rebuilt, never fatal.
"""
from __future__ import annotations

import mmap
import zlib
from typing import TypedDict

import msgspec


class Tokens(TypedDict):
    input: int
    cached_input: int
    output: int
    reasoning: int
    total: int


class Meta(TypedDict):
    started: str | None
    status: str
    mtime: float
    tokens: Tokens
    turns: int
    commands: int
    failed: int
    kinds: dict[str, int]
    skipped: int
    corrupt: list[int]
    corrupt_count: int
    invalid: list[int]
    invalid_count: int
    invalid_reason: str


class Entry(TypedDict):
    size: int
    mtime_ns: int
    meta: Meta
    at: int
    len: int
    s_at: int
    s_len: int


class IndexFile(TypedDict):
    version: int
    blob_size: int
    blob_crc: int
    search_size: int
    search_crc: int
    files: dict[str, Entry]


_DECODER = msgspec.json.Decoder(IndexFile)


class BrokenCache(ValueError):
    """The cache cannot be trusted; the message says why, in a few words."""


def checksum(data: bytes | mmap.mmap) -> int:
    return zlib.crc32(data)


def load_index(raw: bytes, blob: bytes, version: int) -> IndexFile:
    """`index.json` checked against its shape, its version and `summaries.bin`."""
    return check_index(decode_index(raw, version), blob, checksum(blob))


def decode_index(raw: bytes, version: int) -> IndexFile:
    """`index.json` checked against its shape and its version (the first half of load_index)."""
    try:
        data = _DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise BrokenCache(f"index.json: {exc}") from None
    if data["version"] != version:
        raise BrokenCache(f"index.json: version {data['version']}, expected {version}")
    return data


def check_index(data: IndexFile, blob: bytes | mmap.mmap, blob_crc: int) -> IndexFile:
    """The decoded `index.json` checked against `summaries.bin` (`blob_crc`: its checksum) and
    every entry against the files' sizes (the second half of load_index)."""
    if data["blob_size"] != len(blob) or data["blob_crc"] != blob_crc:
        raise BrokenCache("summaries.bin does not match index.json")
    for path, entry in data["files"].items():
        if not (0 <= entry["at"] and entry["at"] + entry["len"] <= len(blob) and entry["len"] > 0
                and 0 <= entry["s_at"] and entry["s_len"] >= 0
                and entry["s_at"] + entry["s_len"] <= data["search_size"]):
            raise BrokenCache("index.json: an entry points outside its file")
    return data
