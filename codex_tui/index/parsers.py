"""Resumable parser state, one small pickle per rollout, loaded only when needed.

One file per rollout means a refresh after one session grew writes one small file, not
the state of every recent session (a single pickle of them took 0.3 s on 3,000 sessions).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from codex_tui.private_files import private_dir, write_private


class ParserStore:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self._loaded: dict[str, object | None] = {}
        self._changed: set[str] = set()
        self._dropped: set[str] = set()
        self.touched = False        # whether anything was read from disk

    def get(self, path: str):
        if path in self._loaded:
            return self._loaded[path]
        parser = None
        if self.folder is not None:
            self.touched = True
            try:
                with open(self._file(path), "rb") as handle:
                    parser = pickle.load(handle)
            except FileNotFoundError:
                pass
            except Exception:  # noqa: BLE001 - any unpickling problem means: read the file again
                parser = None
            if parser is not None and getattr(parser.session, "path", None) != path:
                parser = None
        self._loaded[path] = parser
        return parser

    def put(self, path: str, parser) -> None:
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
                _atomic_pickle(self._file(path), self._loaded[path])
            for path in self._dropped:
                try:
                    os.unlink(self._file(path))
                except FileNotFoundError:
                    pass
        self._changed.clear()
        self._dropped.clear()

    def _file(self, path: str) -> Path:
        return self.folder / (hashlib.sha1(path.encode()).hexdigest()[:24] + ".pickle")


def _atomic_pickle(target: Path, obj) -> None:
    write_private(target, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))   # parsed prompts
