"""Load the index for a set of sources and select sessions: the one path every view uses."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Protocol

import orjson

from codex_tui import config
from codex_tui.config import Sources
from codex_tui.heap import collector_paused
from codex_tui.index.discover import find_rollouts
from codex_tui.index.store import RefreshStats, SessionIndex

LIVE_SECONDS = 600  # a rollout written to this recently, with a turn still open, is live

NO_RESPONSE_FAILURE = {"kind": "no_response", "command": "", "exit_code": None,
                       "excerpt": "no model response, and no Codex process is running",
                       "line": 0, "environmental": False}

TOKEN_KEYS = ("input", "cached_input", "output", "reasoning", "total")


class Liveness(Protocol):
    """What the index asks of the daemons and processes (appserver/liveness.py answers)."""

    def job_ended(self, path: str) -> bool: ...
    def decides(self, path: str, source: str, cli_version: str) -> bool: ...
    def is_live(self, path: str) -> bool: ...
    def nothing_runs(self, path: str) -> bool: ...


@dataclass
class Selection:
    """The chosen sessions (newest first), read lazily from the index."""

    index: SessionIndex
    paths: list[str]
    now: float
    stats: RefreshStats
    warnings: list[str] = field(default_factory=list)
    liveness: Liveness | None = None   # appserver.liveness.Liveness: exact, where it can decide

    def status(self, path: str) -> str:
        meta = self.index.meta(path)
        if meta["status"] != "in_progress":
            return meta["status"]
        if self.liveness is not None:
            if self.liveness.job_ended(path):
                return "incomplete"     # its job was killed or ended without closing the turn
            summary = orjson.loads(self.index.summary_bytes(path))
            if self.liveness.nothing_runs(path):
                # the process shows the turn is over; a prompt the model never answered at
                # all is a failed request (old releases write nothing for it)
                return "failed" if summary.get("unanswered") else "incomplete"
            if self.liveness.decides(path, summary.get("source") or "",
                                     summary.get("cli_version") or ""):
                # the daemon knows: live only while its thread works or a Codex holds it
                return "in_progress" if self.liveness.is_live(path) else "incomplete"
        if self.now - meta["mtime"] > LIVE_SECONDS:
            return "incomplete"  # nothing written for a while and no end recorded
        return meta["status"]

    def summary_bytes(self, path: str) -> bytes | memoryview:
        data = self.index.summary_bytes(path)
        status = self.status(path)
        if status != self.index.meta(path)["status"]:
            summary = dict(orjson.loads(data), status=status)
            if status == "failed":   # decided here, by the process: say which failure
                summary["failures"] = [*summary.get("failures", ()), NO_RESPONSE_FAILURE]
            data = orjson.dumps(summary)
        return data

    def stored_span(self, path: str) -> tuple[int, int] | None:
        """Where the summary `summary_bytes` gives lies in `index.blob`, unchanged; None when
        it is not there as is (made in this process, or its status decided here)."""
        # status() is the stored one but for a session the index has as in progress
        if self.index.meta(path)["status"] == "in_progress" and self.status(path) != "in_progress":
            return None
        return self.index.stored_span(path)

    def joined_summaries(self) -> bytes:
        """Every selected summary as JSON, comma-separated."""
        whole = self.index.all_summaries_joined(self.paths)
        if whole is not None and not any(self.status(p) != self.index.meta(p)["status"]
                                         for p in self.paths):
            return whole
        return b",".join(self.summary_bytes(p) for p in self.paths)

    @cached_property
    def sessions(self) -> list[dict]:
        return [orjson.loads(self.summary_bytes(p)) for p in self.paths]

    @property
    def skipped_lines(self) -> int:
        return sum(self.index.meta(p)["skipped"] for p in self.paths)

    def totals(self) -> dict:
        tokens = dict.fromkeys(TOKEN_KEYS, 0)
        kinds: dict[str, int] = {}
        turns = commands = failed = 0
        for path in self.paths:
            meta = self.index.meta(path)
            for key in TOKEN_KEYS:
                tokens[key] += meta["tokens"][key]
            for kind, count in meta["kinds"].items():
                kinds[kind] = kinds.get(kind, 0) + count
            turns += meta["turns"]
            commands += meta["commands"]
            failed += meta["failed"]
        return {"sessions": len(self.paths), "turns": turns, "commands": commands,
                "failed_commands": failed, "failures_by_kind": dict(sorted(kinds.items())),
                "tokens": tokens}

    def full_sessions(self, progress=None) -> list:
        """The parsed sessions (turns, prompts, answers, commands, failures) behind the
        summaries, for the insight report and the skill-health scan. Most come from the
        index's own parsers, which keep a command's output excerpt only when it failed
        (`keep_output=False`); a session the index holds no parser for is parsed here whole
        (in worker processes when there are many). So a caller may rely on failed commands'
        excerpts, never on successful ones'. `progress(done, total)`: called as they come."""
        from codex_tui.index.read import parse_many

        held = {}
        for path in self.paths:
            parser = self.index.parser_for(path)
            if parser is not None:
                held[path] = parser.session   # classified when the index summarised it
        todo = [p for p in self.paths if p not in held]
        total, step = len(self.paths), max(8, len(self.paths) // 50)
        parsed = {}
        # The collector paused while the workers' sessions are decoded: millions of objects
        # and no cycles, and its passes over them doubled this process's time.
        with collector_paused():
            for done, (path, session) in enumerate(
                    zip(todo, parse_many(todo, self.index.workers, self.index.max_bytes)),
                    len(held) + 1):
                if session is not None:
                    parsed[path] = session
                if progress is not None and (done % step == 0 or done == total):
                    progress(done, total)
        return [held.get(p) or parsed[p] for p in self.paths if p in held or p in parsed]


def cutoff_iso(days: float | None, now: float) -> str | None:
    if days is None:
        return None
    moment = now - days * 86400
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _started(meta: dict) -> str:
    if meta["started"]:
        return meta["started"]
    return datetime.fromtimestamp(meta["mtime"], timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def load_sessions(sources: Sources, days: float | None = None, use_cache: bool = True,
                  now: float | None = None, index: SessionIndex | None = None,
                  progress=None, write_behind: bool = False) -> Selection:
    """Refresh the index over `sources` and select sessions started within `days`.
    Pass the `index` of an earlier call to refresh it in memory (a long-running view).
    `progress(done, total, batch)`: called while a large first index runs, `batch` being a
    Selection of the sessions just indexed (see SessionIndex.refresh). `write_behind`: a new
    index writes its cache files on a thread until its flush() (SessionIndex)."""
    now = time.time() if now is None else now
    if index is None:
        index = SessionIndex(config.cache_dir() if use_cache else None,
                             max_bytes=sources.max_rollout_bytes, write_behind=write_behind)
    index.max_bytes = sources.max_rollout_bytes
    cutoff = cutoff_iso(days, now)

    def landed(done: int, total: int, ready: list[str]) -> None:
        chosen = [p for p in ready if cutoff is None or _started(index.meta(p)) >= cutoff]
        progress(done, total, Selection(index, chosen, now, index.stats))

    paths = index.refresh(find_rollouts(sources), progress=landed if progress else None)
    keyed = [(_started(index.meta(p)), p) for p in paths]
    chosen = [p for started, p in sorted(keyed, reverse=True) if cutoff is None or started >= cutoff]
    warnings = [f"{path}: unreadable: {why}" for path, why in index.stats.unreadable]
    for path in chosen:
        warnings += line_warnings(path, index.meta(path))
    return Selection(index, chosen, now, index.stats, index.notes + warnings)


def line_warnings(path: str, meta: dict) -> list[str]:
    """One warning per file and kind of bad line, with where the first one is."""
    result = []
    for lines, count, what in ((meta["corrupt"], meta["corrupt_count"], "corrupt JSON"),
                               (meta["invalid"], meta["invalid_count"], "invalid")):
        if not count:
            continue
        shown = ", ".join(map(str, lines[:5])) + (", …" if count > 5 else "")
        text = f"{path}:{lines[0]}: {count} {what} line{'s' if count > 1 else ''} skipped (line"
        text += f"{'s' if count > 1 else ''} {shown})"
        if what == "invalid" and meta["invalid_reason"]:
            text += f": {meta['invalid_reason']}"
        result.append(text)
    return result


def print_warnings(selection: Selection, limit: int = 20) -> None:
    print_notes(selection.warnings, limit)


def print_notes(warnings: list[str], limit: int = 20) -> None:
    from codex_tui.sanitize import safe

    for warning in warnings[:limit]:   # paths and reasons come from the files
        print(f"codex-tui: warning: {safe(warning, newlines=False)}", file=sys.stderr)
    if len(warnings) > limit:
        print(f"codex-tui: warning: … and {len(warnings) - limit} more", file=sys.stderr)
