"""Incremental session index in the user cache dir, keyed by path, size and mtime.

Two files: `summaries.json` (what every listing needs; loaded on every run) and
`parsers.pickle` (resumable parser state; loaded only when some file changed, so an
appended rollout is read from where the index stopped).
"""
from __future__ import annotations

import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from codex_tui.index.summary import summarize
from codex_tui.rollout.parse import RolloutParser

INDEX_VERSION = 1
_PARALLEL_MIN_FILES = 24


@dataclass
class RefreshStats:
    files: int = 0
    unchanged: int = 0
    appended: int = 0
    parsed: int = 0
    removed: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)


class SessionIndex:
    """Summaries of every rollout, re-reading only what changed since the last refresh."""

    def __init__(self, cache_dir: Path | None, workers: int | None = None):
        self.cache_dir = cache_dir
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.entries: dict[str, dict] = {}     # path -> {"size", "mtime_ns", "summary"}
        self._parsers: dict[str, RolloutParser] | None = None
        self.stats = RefreshStats()
        self._load()

    # ---- public ----------------------------------------------------------------------------
    def refresh(self, paths: list[str]) -> list[dict]:
        """Bring the index up to date with `paths`; return their summaries."""
        stats = RefreshStats(files=len(paths))
        wanted: dict[str, tuple[int, int]] = {}
        for path in paths:
            try:
                st = os.stat(path)
            except OSError as exc:
                stats.unreadable.append((path, exc.strerror or str(exc)))
                continue
            wanted[path] = (st.st_size, st.st_mtime_ns)
        todo_append, todo_full = [], []
        for path, (size, mtime_ns) in wanted.items():
            entry = self.entries.get(path)
            if entry and entry["size"] == size and entry["mtime_ns"] == mtime_ns:
                stats.unchanged += 1
            elif entry and size > entry["size"] and not path.endswith(".zst"):
                todo_append.append(path)
            else:
                todo_full.append(path)
        removed = [p for p in self.entries if p not in wanted]
        stats.removed = len(removed)
        changed = bool(todo_append or todo_full or removed)
        if changed:
            parsers = self._load_parsers()
            for path in removed:
                self.entries.pop(path, None)
                parsers.pop(path, None)
            for path in todo_append:
                parser = parsers.get(path)
                if parser is None:
                    todo_full.append(path)
                    continue
                try:
                    parser.feed_file()
                except OSError as exc:
                    stats.unreadable.append((path, exc.strerror or str(exc)))
                    continue
                stats.appended += 1
                self._store(path, wanted[path], parser, parsers)
            results = self._parse_many(todo_full)
            for path, parser, error in results:
                if error:
                    stats.unreadable.append((path, error))
                    continue
                stats.parsed += 1
                self._store(path, wanted[path], parser, parsers)
            self._save()
        self.stats = stats
        return [self.entries[p]["summary"] for p in wanted if p in self.entries]

    def parser_for(self, path: str) -> RolloutParser | None:
        return self._load_parsers().get(path)

    # ---- parsing ---------------------------------------------------------------------------
    def _parse_many(self, paths: list[str]) -> list[tuple[str, RolloutParser | None, str | None]]:
        if len(paths) < _PARALLEL_MIN_FILES or self.workers < 2:
            return [_parse_one(p) for p in paths]
        # Largest first so one big file does not finish last on an otherwise idle core.
        paths = sorted(paths, key=lambda p: -os.path.getsize(p) if os.path.exists(p) else 0)
        with ProcessPoolExecutor(self.workers) as pool:
            return list(pool.map(_parse_one, paths, chunksize=8))

    def _store(self, path: str, key: tuple[int, int], parser: RolloutParser, parsers: dict) -> None:
        parsers[path] = parser
        size, mtime_ns = key
        self.entries[path] = {"size": size, "mtime_ns": mtime_ns,
                              "summary": summarize(parser.session, mtime_ns / 1e9)}

    # ---- persistence -----------------------------------------------------------------------
    def _paths(self) -> tuple[Path, Path] | None:
        if self.cache_dir is None:
            return None
        base = self.cache_dir / f"index-v{INDEX_VERSION}"
        return base / "summaries.json", base / "parsers.pickle"

    def _load(self) -> None:
        paths = self._paths()
        if paths is None or not paths[0].exists():
            return
        try:
            data = orjson.loads(paths[0].read_bytes())
            self.entries = data["files"] if data.get("version") == INDEX_VERSION else {}
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            self.entries = {}  # a broken cache is rebuilt, never fatal

    def _load_parsers(self) -> dict[str, RolloutParser]:
        if self._parsers is None:
            self._parsers = {}
            paths = self._paths()
            if paths is not None and paths[1].exists():
                try:
                    with open(paths[1], "rb") as handle:
                        self._parsers = pickle.load(handle)
                except Exception:  # noqa: BLE001 - any unpickling problem means: rebuild
                    self._parsers = {}
            # Entries without a parser can't be resumed; they will be re-read in full.
            for path in list(self.entries):
                if path not in self._parsers:
                    self.entries[path]["size"] = -1
        return self._parsers

    def _save(self) -> None:
        paths = self._paths()
        if paths is None:
            return
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(paths[0], orjson.dumps({"version": INDEX_VERSION, "files": self.entries}))
        _atomic_write(paths[1], pickle.dumps(self._parsers, protocol=pickle.HIGHEST_PROTOCOL))


def _parse_one(path: str) -> tuple[str, RolloutParser | None, str | None]:
    try:
        return path, RolloutParser(path).feed_file(), None
    except OSError as exc:
        return path, None, exc.strerror or str(exc)
    except Exception as exc:  # noqa: BLE001 - e.g. a corrupt .zst stream: report, go on
        return path, None, f"{type(exc).__name__}: {exc}"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
