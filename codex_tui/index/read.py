"""The index's read stage: one rollout file in, one typed record out (`Indexed`). It parses
(rollout/), summarises (index/summary.py, classification included) and cuts the index
metadata; the store (store.py) calls down into it and only keeps what it returns. Runs in
worker processes for a first index, so a record holds bytes and plain values only.

The pipeline, each stage calling down, never back: discover.py (which files) -> read.py
(parse + summarise) -> store.py (cache, keyed by size and mtime) -> query.py (select).
"""
from __future__ import annotations

import os
import time
from datetime import datetime
from functools import partial
from typing import Iterator, NamedTuple

import orjson

from codex_tui.heap import collector_paused
from codex_tui.index.workers import pool
from codex_tui.rollout.reader import DEFAULT_MAX_BYTES

PARALLEL_MIN_FILES = 24
# Resumable parser state is kept for sessions active this recently: those are the ones
# still being appended. An older rollout that grows (a resume weeks later) is re-read whole.
RESUMABLE_SECONDS = 2 * 86400


class Indexed(NamedTuple):
    """What the store keeps of one rollout."""

    summary: bytes           # the summary as JSON, copied straight to `--json` output
    meta: dict               # what selection, sorting and totals need (meta_of)
    state: bytes | None      # resumable parser state, for a rollout still being written
    search: bytes            # its search text (the Logs view)


class Read(NamedTuple):
    """A file read whole: its record, or why it could not be read."""

    path: str
    indexed: Indexed | None
    error: str | None


def meta_of(summary: dict) -> dict:
    """What selection, sorting, totals and warnings need, without the whole summary."""
    kinds: dict[str, int] = {}
    for failure in summary["failures"]:
        kinds[failure["kind"]] = kinds.get(failure["kind"], 0) + 1
    return {"started": summary["started_at"], "status": summary["status"], "mtime": summary["mtime"],
            "tokens": summary["tokens"], "turns": summary["turns"], "commands": summary["commands"],
            "failed": summary["failed_commands"], "kinds": kinds, "skipped": summary["skipped_lines"],
            "corrupt": summary["corrupt_lines"], "corrupt_count": summary["corrupt_count"],
            "invalid": summary["invalid_lines"], "invalid_count": summary["invalid_count"],
            "invalid_reason": summary["invalid_reason"]}


def summarize_parser(parser, resumable_seconds: float) -> Indexed:
    """(summary JSON, index metadata, the parser if worth keeping, search text) for one file.
    Runs in the worker process, so only small results cross back to the parent."""
    from codex_tui.index.summary import summarize

    mtime = parser.mtime if parser.mtime is not None else os.stat(parser.session.path).st_mtime
    summary = summarize(parser.session, mtime)
    search = summary.pop("search_text").encode()
    # (last_activity is at most the mtime: an older file is not recent, whatever its times)
    now = time.time()
    recent = now - mtime < resumable_seconds and not parser.session.path.endswith(".zst") \
        and now - last_activity(parser.session.ended_at, mtime) < resumable_seconds
    state = parser.resume_state() if recent else None   # bytes: all that crosses processes
    return Indexed(orjson.dumps(summary), meta_of(summary), state, search)


def last_activity(ended_at: str | None, mtime: float) -> float:
    """When the session last did something: its last event, else the file's mtime."""
    if ended_at:
        try:
            return min(mtime, datetime.fromisoformat(ended_at.replace("Z", "+00:00")).timestamp())
        except ValueError:
            pass
    return mtime


def read_one(path: str, resumable_seconds: float = RESUMABLE_SECONDS,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """One file read and summarised, with the cyclic garbage collector paused meanwhile:
    parsing makes ~100,000 objects a second and no reference cycles (what it makes is freed
    by reference counting), and the collector's passes over them were 14% of a cold index."""
    with collector_paused():
        return _read_one(path, resumable_seconds, max_bytes)


def _read_one(path: str, resumable_seconds: float, max_bytes: int) -> Read:
    from codex_tui.rollout.parse import RolloutParser

    try:
        parser = RolloutParser(path, keep_output=False).feed_file(max_bytes)
        return Read(path, summarize_parser(parser, resumable_seconds), None)
    except OSError as exc:
        return Read(path, None, exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. a corrupt .zst stream: report, go on
        return Read(path, None, f"{type(exc).__name__}: {exc}")


def read_many(paths: list[str], workers: int, resumable_seconds: float = RESUMABLE_SECONDS,
              max_bytes: int = DEFAULT_MAX_BYTES,
              sizes: dict[str, int] | None = None) -> Iterator[Read]:
    """`read_one` for each path, as each lands: in `workers` processes for a first index.
    `sizes`: the files' sizes where the caller has them (stat'ed already), for the order."""
    read = partial(read_one, resumable_seconds=resumable_seconds, max_bytes=max_bytes)
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        yield from map(read, paths)
        return
    import codex_tui.index.summary  # noqa: F401 - loaded once here, before the workers fork
    import codex_tui.rollout.parse  # noqa: F401

    # Largest first so one big file does not finish last on an otherwise idle core.
    known = sizes or {}
    ordered = sorted(((known[p] if p in known else _size(p), p) for p in paths), reverse=True)
    with pool(workers) as workers_pool:
        for reads in workers_pool.map(partial(_read_all, read), tasks(ordered, workers)):
            yield from reads


TASK_BYTES = 8 << 20      # at most this much rollout in one worker task, unless one file is more
TASK_MIN_BYTES = 256 << 10


def tasks(ordered: list[tuple[int, str]], workers: int) -> list[list[str]]:
    """The paths of (size, path) pairs, largest first, cut into the workers' tasks by size.
    A task costs the parent ~0.3 ms (sending it, receiving its results, waking the reader),
    so small files go many to a task (eight files a task was 0.1 s of a cold index's CPU);
    a task is at most a quarter of each worker's share of what is left, so tasks shrink
    toward the end and no core waits long on the last one; and the first tasks, of the
    largest files, are short, so the first results land soon."""
    left = sum(size for size, _ in ordered)
    out: list[list[str]] = []
    task: list[str] = []
    used = 0
    limit = _limit(left, workers)
    for size, path in ordered:
        task.append(path)
        used += size
        if used >= limit:
            out.append(task)
            left -= used
            task, used, limit = [], 0, _limit(left, workers)
    if task:
        out.append(task)
    return out


def _limit(left: int, workers: int) -> int:
    return max(TASK_MIN_BYTES, min(TASK_BYTES, left // (4 * workers)))


def _read_all(read, paths: list[str]) -> list[Read]:
    return [read(path) for path in paths]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def parse_whole(path: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """A rollout parsed whole with every command's output kept, and its failures classified,
    for the insight report and the skill-health scan; None when it cannot be read. Lean
    decoding: the same Session full decoding gives (tests/test_lean_decode.py), in half the
    time. The collector paused, as in read_one."""
    from codex_tui.rollout.parse import RolloutParser
    from codex_tui.scan.classify import classify_session

    try:
        with collector_paused():
            session = RolloutParser(path, keep_output=True, lean=True).feed_file(max_bytes).session
    except OSError:
        return None
    session.failures = classify_session(session)
    return session


def parse_many(paths: list[str], workers: int, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator:
    """`parse_whole` for each path, in the order given: in `workers` processes when there
    are many (3,000 sessions, 1 GB: ~20 s on one core before). A worker sends its Session as
    msgpack (the parser state's own encoding), which costs a third of pickling it."""
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        yield from map(partial(parse_whole, max_bytes=max_bytes), paths)
        return
    import msgspec

    import codex_tui.rollout.parse  # noqa: F401 - loaded once here, before the workers fork
    import codex_tui.scan.classify  # noqa: F401
    from codex_tui.rollout.model import Session

    decode = msgspec.msgpack.Decoder(Session).decode
    with pool(workers) as workers_pool:
        for data in workers_pool.map(partial(_parse_encoded, max_bytes=max_bytes), paths,
                                     chunksize=4):
            yield None if data is None else decode(data)


def _parse_encoded(path: str, max_bytes: int) -> bytes | None:
    import msgspec

    session = parse_whole(path, max_bytes)
    return None if session is None else msgspec.msgpack.encode(session)
