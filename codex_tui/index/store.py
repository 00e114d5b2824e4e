"""Incremental session index in the user cache dir, keyed by path, size and mtime.

Three files: `index.json` (small per-file metadata: enough to select, sort and total
sessions), `summaries.bin` (each session's summary as JSON bytes, written once and
copied straight to `--json` output), and `parsers/` (resumable parser state per recent
rollout, see parsers.py, so an appended rollout is read from where the index stopped).
The cache is data only, checked whole on load (cachefile.py); a broken one is rebuilt
with a one-line note, and an unwritable cache dir means running without a cache.
"""
from __future__ import annotations

import mmap
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from codex_tui.index.cachefile import BrokenCache, check_index, checksum, decode_index
from codex_tui.index.parsers import ParserStore
from codex_tui.index.read import RESUMABLE_SECONDS, Indexed, read_many, summarize_parser
from codex_tui.index.workers import default_workers
from codex_tui.private_files import private_dir, write_private
from codex_tui.rollout.reader import DEFAULT_MAX_BYTES, limit_text

# 9: typed index.json with checksums (msgpack parser state), and cwd, branch and excerpts
# redacted whole before any cut; 10: no_response failures, the user's `!cmd` commands apart,
# `unanswered`; 11: rate_limited failures (cost work); 12: a cut output line says how much is left out
INDEX_VERSION = 12
# Progress is reported when a refresh reads at least this many files whole (a first index),
# in about this many steps.
PROGRESS_MIN_FILES = 24
_PROGRESS_STEPS = 25


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

    def __init__(self, cache_dir: Path | None, workers: int | None = None,
                 resumable_seconds: float = RESUMABLE_SECONDS, max_bytes: int = DEFAULT_MAX_BYTES,
                 write_behind: bool = False):
        self.cache_dir = cache_dir
        # `sessions` writes behind: a save's files are written on a thread of their own while
        # the output is (both wait on the kernel, 10-80 ms each for a first index here),
        # until flush(). The thread is no daemon: the interpreter's exit waits for it too.
        self.write_behind = write_behind
        self.resumable_seconds = resumable_seconds
        self.max_bytes = max_bytes             # a larger rollout is reported, not read
        self.notes: list[str] = []             # what went wrong with the cache, one line each
        self.workers = workers or default_workers()
        self.entries: dict[str, Any] = {}    # path -> {"size", "mtime_ns", "meta", "at", "len"}
        # summaries.bin: summaries joined by commas (mapped when loaded, bytes when made here)
        self._blob: bytes | mmap.mmap = b""
        self._view = memoryview(self._blob)
        self._fresh: dict[str, bytes] = {}     # summaries made in this process
        # search.bin: each session's search text (for the Logs view), kept apart from the
        # summaries so `sessions --json` does not copy it; read only when first asked for.
        self._search: bytes | None = None
        self._search_size = -1
        self._search_crc = -1
        self._fresh_search: dict[str, bytes] = {}
        self._parsers = ParserStore(self._folder() / "parsers" if cache_dir is not None else None)
        self._writer: threading.Thread | None = None    # a save's files being written behind
        self._notes_at_write = 0
        self.stats = RefreshStats()
        self._load()

    # ---- public ----------------------------------------------------------------------------
    def refresh(self, paths: list[str], progress=None) -> list[str]:
        """Bring the index up to date with `paths`; return those now indexed.
        `progress(done, total, ready)`, when given, is called as batches of a large read
        land (at least PROGRESS_MIN_FILES files read whole): `ready` are the paths just
        indexed, whose summaries can be read already."""
        self.flush()     # the last refresh's files are written before anything changes
        stats = RefreshStats(files=len(paths))
        wanted: dict[str, tuple[int, int]] = {}
        for path in paths:
            try:
                st = os.stat(path)
            except OSError as exc:
                stats.unreadable.append((path, exc.strerror or str(exc)))
                continue
            if not stat.S_ISREG(st.st_mode):
                stats.unreadable.append((path, "not a regular file"))
                continue
            if st.st_size > self.max_bytes:
                stats.unreadable.append((path, limit_text(self.max_bytes)))
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
        if todo_append or todo_full or removed:
            parsers = self._parsers
            for path in removed:
                self.entries.pop(path, None)
                parsers.drop(path)
            for path in todo_append:
                parser = parsers.get(path)
                if parser is None:
                    todo_full.append(path)
                    continue
                try:
                    parser.feed_file(self.max_bytes)
                except OSError as exc:
                    stats.unreadable.append((path, exc.strerror or str(exc)))
                    continue
                stats.appended += 1
                self._store(path, wanted[path], summarize_parser(parser, self.resumable_seconds),
                            parsers, parser)
            total = len(todo_full)
            if progress is None or total < PROGRESS_MIN_FILES:
                progress = None
            step = max(8, total // _PROGRESS_STEPS)
            ready: list[str] = []
            reads = read_many(todo_full, self.workers, self.resumable_seconds, self.max_bytes,
                              sizes={p: wanted[p][0] for p in todo_full})
            for done, (path, result, error) in enumerate(reads, 1):
                if result is None:
                    stats.unreadable.append((path, error or "unreadable"))
                else:
                    stats.parsed += 1
                    self._store(path, wanted[path], result, parsers)
                    if progress is not None:
                        ready.append(path)
                if progress is not None and (done % step == 0 or done == total):
                    progress(done, total, ready)
                    ready = []
            if parsers.broken:
                self._note(f"{parsers.broken} stored parser states failed their checks; "
                           "those rollouts were read again whole")
                parsers.broken = 0
            self._save()
        self.stats = stats
        return [p for p in wanted if p in self.entries]

    def meta(self, path: str) -> dict:
        return self.entries[path]["meta"]

    def summary_bytes(self, path: str) -> bytes | memoryview:
        fresh = self._fresh.get(path)
        if fresh is not None:
            return fresh
        entry = self.entries[path]
        return self._view[entry["at"]: entry["at"] + entry["len"]]

    @property
    def blob(self) -> bytes | mmap.mmap:
        """The loaded summaries.bin (every stored summary, comma-joined)."""
        return self._blob

    def stored_span(self, path: str) -> tuple[int, int] | None:
        """Where `path`'s summary lies in `blob`, as (start, length); None for one made in this
        process. Lets `sessions --json` write slices of the blob instead of copies."""
        if path in self._fresh:
            return None
        entry = self.entries[path]
        return entry["at"], entry["len"]

    def all_summaries_joined(self, paths: list[str]) -> bytes | None:
        """The comma-joined summaries of `paths` in one piece, when that is exactly what the
        cache holds (every entry, in its stored newest-first order): the warm fast path."""
        if self._fresh or len(paths) != len(self.entries) or paths != list(self.entries):
            return None
        return bytes(self._blob)

    def search_text(self, path: str) -> str:
        return self._search_bytes(path).decode()

    def _search_bytes(self, path: str) -> bytes:
        fresh = self._fresh_search.get(path)
        if fresh is not None:
            return fresh
        if self._search is None:
            self._search = self._read_search()
        entry = self.entries[path]
        at = entry.get("s_at", -1)
        if at < 0 or at + entry.get("s_len", 0) > len(self._search):
            return b""
        return self._search[at: at + entry["s_len"]]

    def _read_search(self) -> bytes:
        files = self._files()
        try:
            data = files[2].read_bytes() if files is not None else b""
        except OSError:
            data = b""
        # A missing or mismatched file: the Logs view searches prompts only until a change.
        if len(data) != self._search_size or checksum(data) != self._search_crc:
            return b""
        return data

    def summary(self, path: str) -> dict:
        return orjson.loads(self.summary_bytes(path))

    def parser_for(self, path: str):
        return self._parsers.get(path)

    # ---- parsing ---------------------------------------------------------------------------
    def _store(self, path: str, key: tuple[int, int], result: Indexed, parsers: ParserStore,
               parser=None) -> None:
        data, meta, state, search = result
        if state is not None:
            parsers.put(path, parser if parser is not None else state)
        else:
            parsers.drop(path)
        self._fresh[path] = data
        self._fresh_search[path] = search
        self.entries[path] = {"size": key[0], "mtime_ns": key[1], "meta": meta}

    # ---- persistence -----------------------------------------------------------------------
    def _folder(self) -> Path:
        assert self.cache_dir is not None    # only called with a cache dir
        return self.cache_dir / f"index-v{INDEX_VERSION}"

    def _files(self) -> tuple[Path, Path, Path] | None:
        if self.cache_dir is None:
            return None
        base = self._folder()
        return base / "index.json", base / "summaries.bin", base / "search.bin"

    def _note(self, text: str) -> None:
        self.notes.append(f"cache {self._folder()}: {text}")

    def _load(self) -> None:
        files = self._files()
        if files is None or not files[0].exists():
            return
        # summaries.bin (23 MB for 3,000 sessions) is mapped and checksummed on another thread
        # (the CRC releases the GIL) while this one decodes index.json; every check still
        # passes before anything is used, and a failure is noted as a sequential load would.
        blob_read = _BlobRead(files[1])
        early: OSError | BrokenCache | None = None
        try:
            decoded = decode_index(files[0].read_bytes(), INDEX_VERSION)
        except (OSError, BrokenCache) as exc:
            early = exc
        try:
            blob, crc = blob_read.result()
            if early is not None:
                raise early
            data = check_index(decoded, blob, crc)
        except (OSError, BrokenCache) as exc:
            why = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
            self._note(f"unreadable ({why[:200]}); rebuilt")
            return
        self.entries, self._blob = data["files"], blob
        self._search_size, self._search_crc = data["search_size"], data["search_crc"]
        self._view = memoryview(self._blob)

    def _save(self) -> None:
        # Stored newest first, as listings show them, so a full listing is one copy.
        order = sorted(self.entries, key=lambda p: (self.entries[p]["meta"]["started"] or "", p),
                       reverse=True)
        chunks, at = [], 0
        searches, s_at = [], 0
        entries = {}
        for path in order:
            entry = entries[path] = self.entries[path]
            data = self.summary_bytes(path)
            search = self._search_bytes(path)
            entry["at"], entry["len"] = at, len(data)
            entry["s_at"], entry["s_len"] = s_at, len(search)
            chunks.append(data)
            searches.append(search)
            at += len(data) + 1
            s_at += len(search)
        self.entries = entries
        self._search = search = b"".join(searches)
        self._fresh_search = {}
        self._blob = blob = b",".join(chunks)
        self._view = memoryview(blob)
        self._fresh = {}
        self._search_size, self._search_crc = len(search), checksum(search)
        files = self._files()
        if files is None:
            return
        if self.write_behind:
            self._notes_at_write = len(self.notes)
            self._writer = threading.Thread(target=self._write, args=(files, blob, search),
                                            daemon=False, name="codex-tui cache write")
            self._writer.start()
        else:
            self._write(files, blob, search)

    def _write(self, files: tuple[Path, Path, Path], blob: bytes, search: bytes) -> None:
        try:
            private_dir(files[0].parent)
            _atomic_write(files[1], blob)
            _atomic_write(files[2], search)
            self._parsers.save()
            _atomic_write(files[0], orjson.dumps({
                "version": INDEX_VERSION, "blob_size": len(blob),
                "blob_crc": checksum(blob), "search_size": self._search_size,
                "search_crc": self._search_crc, "files": self.entries}))
        except OSError as exc:
            self._note(f"cannot be written ({exc.strerror or exc}); running without a cache")
            self.cache_dir = None
            self._parsers.folder = None

    def flush(self) -> list[str]:
        """Wait until the files of a save written behind are written; the notes that writing
        added (an unwritable cache dir, say)."""
        writer, self._writer = self._writer, None
        if writer is None:
            return []
        writer.join()
        return self.notes[self._notes_at_write:]


MAP_SUMMARIES = False     # `sessions --json` sets it: map summaries.bin instead of reading it


class _BlobRead:
    """A file's bytes and their checksum, read on a thread of their own."""

    def __init__(self, path: Path):
        self._path = path
        self._value: tuple[bytes | mmap.mmap, int] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="codex-tui cache read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with open(self._path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                # Mapped, not read: no 23 MB copy, and `sessions --json` writes slices of it.
                # The cache files are only ever replaced whole (a new file renamed over the
                # old, see private_files.write_private), so the mapped inode never changes
                # after its CRC is checked; only a program truncating it in place (nothing
                # of ours) could pull pages from under the mapping.
                # Only the one-shot CLI maps (MAP_SUMMARIES): in the app a SIGBUS would leave
                # the terminal in raw mode, so it pays for the copy.
                data: bytes | mmap.mmap
                if MAP_SUMMARIES and size:
                    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                else:
                    data = handle.read()
            self._value = data, checksum(data)
        except BaseException as exc:     # raised again by result(), in the caller's thread
            self._error = exc

    def result(self) -> tuple[bytes | mmap.mmap, int]:
        """The bytes and their checksum; what reading them raised (an OSError, say) raises."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _atomic_write(path: Path, data: bytes) -> None:
    write_private(path, data)   # the index and its search text hold prompts and commands
