"""Resumable parser state, one small file per rollout, loaded only when needed.

One file per rollout means a refresh after one session grew writes one small file, not
the state of every recent session. Each file is data, never code: a magic tag, a checksum
and `RolloutParser.to_state()` (versioned, typed msgpack). A file that fails any check is
dropped and its rollout read again whole.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from codex_tui.private_files import private_dir, write_private

MAGIC = b"codex-tui parser state\n"
_DIGEST = 16


def pack(state: bytes) -> bytes:
    import hashlib   # in each function: a warm `sessions --json` touches no parser state

    return MAGIC + hashlib.blake2b(state, digest_size=_DIGEST).digest() + state


def unpack(data: bytes) -> bytes:
    """The state inside a stored file; ValueError when the tag or checksum is wrong."""
    head = len(MAGIC) + _DIGEST
    if not data.startswith(MAGIC) or len(data) < head:
        raise ValueError("not a codex-tui parser state file")
    import hashlib

    state = data[head:]
    if hashlib.blake2b(state, digest_size=_DIGEST).digest() != data[len(MAGIC):head]:
        raise ValueError("checksum mismatch")
    return state


class ParserStore:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self._loaded: dict[str, Any] = {}    # path -> parser, its state bytes, or None
        self._changed: set[str] = set()
        self._dropped: set[str] = set()
        self.touched = False        # whether anything was read from disk
        self.broken = 0             # stored states that failed a check (read again whole)

    def get(self, path: str):
        """The parser to go on reading `path` with, or None (read it whole)."""
        from codex_tui.rollout.parse import RolloutParser

        known = self._loaded.get(path, b"")
        if known is None or isinstance(known, RolloutParser):
            return known
        parser, state = None, known
        try:
            if not state and self.folder is not None:
                self.touched = True
                with open(self._file(path), "rb") as handle:
                    state = unpack(handle.read())
            if state:
                parser = RolloutParser.from_state(state)
                if parser.session.path != path:
                    raise ValueError("state of another rollout")
        except FileNotFoundError:
            parser = None
        except (OSError, ValueError):
            parser = None
            self.broken += 1
            self.drop(path)
        self._loaded[path] = parser
        return parser

    def put(self, path: str, parser) -> None:
        """Keep a parser, or its `resume_state()` bytes (decoded only if asked for)."""
        self._loaded[path] = parser
        self._changed.add(path)
        self._dropped.discard(path)

    def drop(self, path: str) -> None:
        self._loaded[path] = None
        self._dropped.add(path)
        self._changed.discard(path)

    def save(self) -> None:
        if self.folder is not None:
            private_dir(self.folder)
            for path in self._changed:
                value = self._loaded[path]
                state = value if isinstance(value, bytes) else value.resume_state()
                _atomic_write(self._file(path), pack(state))
            # A first index drops every rollout that is not resumable: look the names up in
            # one listing instead of one failed unlink each (3,252 on the bench corpus).
            present = set(os.listdir(self.folder)) if self._dropped else set()
            for path in self._dropped:
                name = _name(path)
                if name in present:
                    try:
                        os.unlink(self.folder / name)
                    except FileNotFoundError:
                        pass
        self._changed.clear()
        self._dropped.clear()

    def _file(self, path: str) -> Path:
        assert self.folder is not None    # only called with a cache folder
        return self.folder / _name(path)


def _name(path: str) -> str:
    """The state file's name for a rollout path."""
    import hashlib

    return hashlib.sha1(path.encode()).hexdigest()[:24] + ".state"


def _atomic_write(target: Path, data: bytes) -> None:
    write_private(target, data)   # parser state holds parsed prompts: 0600
