"""Typed views of what the daemon sends: threads, their status, the requests waiting on
a person, and the account's rate-limit windows. Parsing is tolerant: a field of the wrong
type reads as missing, so one odd message never hides the rest."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codex_tui.pty.detector import (EXITED_FAILED, WAITING_ANSWER, WAITING_APPROVAL,
                                    WAITING_INPUT, WORKING)

# The daemon's requests that wait on a person, and the kind each one is.
REQUEST_KINDS = {
    "item/commandExecution/requestApproval": "exec",
    "item/fileChange/requestApproval": "edit",
    "item/permissions/requestApproval": "permissions",
    "item/tool/requestUserInput": "question",
    "mcpServer/elicitation/request": "mcp",
    "execCommandApproval": "exec",           # the older (v1) names
    "applyPatchApproval": "edit",
}
# What each kind offers when the request names no `availableDecisions` (from the schemas of
# 0.169.0 and 0.171.0: CommandExecutionApprovalDecision, FileChangeApprovalDecision).
DEFAULT_DECISIONS = {
    "exec": ["accept", "acceptForSession", "decline", "cancel"],
    "edit": ["accept", "acceptForSession", "decline", "cancel"],
}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _uuid7_time(ident: str) -> float | None:
    """The creation time in a UUIDv7 thread id, to the millisecond (createdAt has whole
    seconds, too coarse to order two sessions started in the same second)."""
    hexdigits = ident.replace("-", "")
    if len(hexdigits) != 32 or hexdigits[12] != "7":
        return None
    try:
        return int(hexdigits[:12], 16) / 1000.0
    except ValueError:
        return None


@dataclass
class ThreadStatus:
    type: str = "notLoaded"                  # idle | active | systemError | notLoaded
    flags: tuple[str, ...] = ()              # waitingOnApproval, waitingOnUserInput

    @classmethod
    def parse(cls, raw: Any) -> "ThreadStatus":
        if not isinstance(raw, dict):
            return cls()
        flags = raw.get("activeFlags")
        return cls(_str(raw.get("type")) or "notLoaded",
                   tuple(f for f in flags if isinstance(f, str)) if isinstance(flags, list) else ())

    @property
    def state(self) -> str:
        """The detector's name for this status, so every list speaks one language."""
        if self.type == "active":
            if "waitingOnApproval" in self.flags:
                return WAITING_APPROVAL
            if "waitingOnUserInput" in self.flags:
                return WAITING_ANSWER
            return WORKING
        if self.type == "idle":
            return WAITING_INPUT
        if self.type == "systemError":
            return EXITED_FAILED
        return "not-loaded"



@dataclass
class Thread:
    id: str
    status: ThreadStatus = field(default_factory=ThreadStatus)
    path: str | None = None                  # the rollout file
    cwd: str = ""
    cli_version: str = ""
    preview: str = ""
    name: str | None = None
    parent_id: str | None = None
    forked_from: str | None = None
    nickname: str | None = None
    ephemeral: bool = False                  # e.g. the title helper thread: not a session
    source: str = ""                         # threadSource: user, subagent, thread_title, ...
    model: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    since: float = 0.0                       # when the current status began (our clock)
    turn_id: str | None = None               # the turn in progress, when known
    tokens: dict = field(default_factory=dict)   # the last thread/tokenUsage/updated
    codex_home: str = ""
    host: str = ""                           # a [[hosts]] name; "" = this machine

    @classmethod
    def parse(cls, raw: Any, codex_home: str = "", now: float = 0.0) -> "Thread | None":
        if not isinstance(raw, dict) or not _str(raw.get("id")):
            return None
        return cls(
            id=raw["id"], status=ThreadStatus.parse(raw.get("status")), path=_str(raw.get("path")),
            cwd=_str(raw.get("cwd")) or "", cli_version=_str(raw.get("cliVersion")) or "",
            preview=_str(raw.get("preview")) or "", name=_str(raw.get("name")),
            parent_id=_str(raw.get("parentThreadId")), forked_from=_str(raw.get("forkedFromId")),
            nickname=_str(raw.get("agentNickname")), ephemeral=raw.get("ephemeral") is True,
            source=_str(raw.get("threadSource")) or "", model=_str(raw.get("model")) or "",
            created_at=_uuid7_time(raw["id"]) or _num(raw.get("createdAt")) or 0.0, updated_at=_num(raw.get("updatedAt")) or 0.0,
            since=now, codex_home=codex_home)

    @property
    def is_session(self) -> bool:
        """A thread a person would call a session (not a helper such as the title request)."""
        return not self.ephemeral and self.source != "thread_title"

    @property
    def title(self) -> str:
        return self.name or self.preview or self.id[:8]


@dataclass
class Pending:
    """One request of the daemon waiting on a person: an approval or a question."""

    request_id: Any
    method: str
    thread_id: str
    turn_id: str | None
    item_id: str | None
    kind: str
    command: str | None = None
    cwd: str | None = None
    reason: str | None = None
    decisions: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    permissions: Any = None
    received_at: float = 0.0
    params: dict = field(default_factory=dict)
    codex_home: str = ""

    @classmethod
    def parse(cls, method: str, ident: Any, params: dict, codex_home: str = "",
              now: float = 0.0) -> "Pending | None":
        kind = REQUEST_KINDS.get(method)
        thread = _str(params.get("threadId")) or _str(params.get("conversationId"))
        if kind is None or thread is None:
            return None
        command = params.get("command")
        if isinstance(command, list):
            command = " ".join(str(c) for c in command)
        actions = params.get("commandActions")
        parsed = [a.get("command") for a in actions if isinstance(a, dict)] \
            if isinstance(actions, list) else []
        if parsed and all(isinstance(c, str) for c in parsed):
            command = " && ".join(parsed)     # what the TUI shows, without the bash -lc wrapper
        offered = params.get("availableDecisions")
        decisions = offered if isinstance(offered, list) and offered else DEFAULT_DECISIONS.get(kind, [])
        questions = params.get("questions")
        return cls(ident, method, thread, _str(params.get("turnId")), _str(params.get("itemId"))
                   or _str(params.get("callId")), kind, _str(command), _str(params.get("cwd")),
                   _str(params.get("reason")), list(decisions),
                   questions if isinstance(questions, list) else [], params.get("permissions"),
                   now, params, codex_home)

    @property
    def summary(self) -> str:
        """One line saying what is asked, for a list or a notification."""
        if self.kind == "exec":
            return self.command or "a command"
        if self.kind == "edit":
            return f"file changes{': ' + self.reason if self.reason else ''}"
        if self.kind == "permissions":
            return f"permissions{': ' + self.reason if self.reason else ''}"
        if self.kind == "question":
            first = self.questions[0] if self.questions else {}
            return str(first.get("question") or first.get("header") or "a question") \
                if isinstance(first, dict) else "a question"
        return self.method

    def decision_names(self) -> list[str]:
        return [d if isinstance(d, str) else next(iter(d), "?") for d in self.decisions
                if isinstance(d, (str, dict))]

    def to_json(self) -> dict:
        return {"thread_id": self.thread_id, "request_id": self.request_id, "method": self.method,
                "kind": self.kind, "summary": self.summary, "command": self.command, "cwd": self.cwd,
                "reason": self.reason, "turn_id": self.turn_id, "item_id": self.item_id,
                "decisions": self.decision_names(), "questions": self.questions,
                "permissions": self.permissions, "received_at": self.received_at,
                "codex_home": self.codex_home}


def decision_for(pending: Pending, answer: str) -> Any:
    """The decision value to send for `approve`, `approve-session` or `deny`, chosen among
    the ones this request offers; None when it offers none that fits."""
    offered = pending.decisions
    names = pending.decision_names()
    wanted = {"approve": ["accept"],
              "approve-session": ["acceptForSession", "acceptWithExecpolicyAmendment"],
              "deny": ["decline", "cancel"]}[answer]
    for name in wanted:
        if name in names:
            return offered[names.index(name)]
    return None


@dataclass
class RateWindow:
    used_percent: float
    window_minutes: float | None
    resets_at: float | None

    @classmethod
    def parse(cls, raw: Any) -> "RateWindow | None":
        if not isinstance(raw, dict) or _num(raw.get("usedPercent")) is None:
            return None
        return cls(_num(raw["usedPercent"]) or 0.0, _num(raw.get("windowDurationMins")),
                   _num(raw.get("resetsAt")))

    def to_json(self) -> dict:
        return {"used_percent": self.used_percent, "window_minutes": self.window_minutes,
                "resets_at": self.resets_at}


@dataclass
class RateLimits:
    primary: RateWindow | None = None
    secondary: RateWindow | None = None
    source: str = ""                          # app-server | rollout

    @classmethod
    def parse(cls, raw: Any, source: str = "app-server") -> "RateLimits":
        raw = raw if isinstance(raw, dict) else {}
        return cls(RateWindow.parse(raw.get("primary")), RateWindow.parse(raw.get("secondary")), source)

    @property
    def known(self) -> bool:
        return self.primary is not None or self.secondary is not None

    def to_json(self) -> dict:
        return {"primary": self.primary.to_json() if self.primary else None,
                "secondary": self.secondary.to_json() if self.secondary else None,
                "source": self.source}


def rollout_window(raw: Any, written_at: float) -> RateWindow | None:
    """A rollout's `token_count.rate_limits.primary|secondary` (snake_case; `resets_at` in
    newer releases, `resets_in_seconds` counted from the line's time in older ones)."""
    if not isinstance(raw, dict) or _num(raw.get("used_percent")) is None:
        return None
    resets = _num(raw.get("resets_at"))
    if resets is None and _num(raw.get("resets_in_seconds")) is not None:
        resets = written_at + (_num(raw.get("resets_in_seconds")) or 0.0)
    return RateWindow(_num(raw["used_percent"]) or 0.0, _num(raw.get("window_minutes")), resets)


def rollout_rate_limits(path, tail_bytes: int = 262144) -> RateLimits:
    """The newest rate limits a rollout recorded (for releases with no daemon); reads only
    the file's tail. Unknown (not `known`) when it recorded none."""
    import os

    try:
        stat = os.stat(path)
        known = _RATE_SEEN.get(str(path))
        if known is not None and known[0] == (stat.st_mtime_ns, stat.st_size):
            return known[1]          # the Sessions view asks every 2 s: read each change once
        with open(path, "rb") as fh:
            fh.seek(max(0, stat.st_size - tail_bytes))
            lines = fh.read().splitlines()
        written = stat.st_mtime
    except OSError:
        return RateLimits()
    found = _newest_limits(lines, written)
    _RATE_SEEN[str(path)] = ((stat.st_mtime_ns, stat.st_size), found)
    return found


_RATE_SEEN: dict[str, tuple[tuple[int, int], "RateLimits"]] = {}


def _newest_limits(lines: list[bytes], written: float) -> RateLimits:
    import json

    for line in reversed(lines):
        if b'"rate_limits"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        payload = record.get("payload") if isinstance(record, dict) else None
        limits = payload.get("rate_limits") if isinstance(payload, dict) else None
        if isinstance(limits, dict):
            found = RateLimits(rollout_window(limits.get("primary"), written),
                               rollout_window(limits.get("secondary"), written), "rollout")
            if found.known:
                return found
    return RateLimits()
