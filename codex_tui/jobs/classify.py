"""Did a `codex exec` run really succeed? Facts from its log, then one ordered rules table.

Exit codes alone lie (0.58 exits 0 after an interrupt, shell-profile noise looks like a
failure), so success needs evidence of completion: `turn.completed` (exec --json 0.58+),
`task_complete` (the older `{"msg":{...}}` event protocol) or the "tokens used" line of
the human output (0.20). See docs/FORMATS.md for what each release prints.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable

from codex_tui.jobs.runs import SUPERVISOR_LINE
from codex_tui.redact import redact
from codex_tui.text import clip

NONE, ENVIRONMENTAL, REAL = "none", "environmental", "real"
FAILURE_CLASSES = (NONE, ENVIRONMENTAL, REAL)

# Noise a shell profile or the machine prints while the work itself goes fine.
NOISE = re.compile(r"(?i)syntax error|unexpected EOF|unexpected end of file|bad substitution|"
                   r"cannot set terminal process group|no job control in this shell|"
                   r"setlocale: LC_\w+: cannot change locale")
# Lines that say something went wrong (outside JSON events, which are read by type).
ERROR_LINE = re.compile(r"(?i)(?:^|[\s\]:])(?:error|fatal):|\bException:|^Traceback \(most recent call last\)")
TOKENS_USED = re.compile(r"(?i)^(?:\[[^\]]*\]\s*)?tokens used\b[:\s]*([\d,]*)")
MAX_EVIDENCE = 300


@dataclass
class LogFacts:
    """What a run's log shows, read incrementally (a view can feed it as the log grows)."""

    session_id: str | None = None
    completions: list[str] = field(default_factory=list)      # evidence of a finished turn
    last_outcome: str | None = None                           # "completed" / "failed"
    turn_failures: list[str] = field(default_factory=list)    # turn.failed messages
    error_events: list[str] = field(default_factory=list)     # `error` event messages
    error_lines: list[str] = field(default_factory=list)      # error:/fatal:/Exception: lines
    noise: list[str] = field(default_factory=list)            # shell-profile style noise
    warnings: list[str] = field(default_factory=list)         # item type "error": a warning
    usage: dict | None = None                                 # last turn.completed usage
    tokens_used: int = 0                                      # from "tokens used" lines
    commands: int = 0
    failed_commands: list[str] = field(default_factory=list)  # "`cmd` exit N", in order
    failed_since_success: int = 0                             # failed commands after the last good one
    line_count: int = 0
    _partial: bytes = b""

    def feed(self, data: bytes) -> "LogFacts":
        """Add bytes of the log; an unfinished last line waits for the next call."""
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        for raw in lines:
            self.line(raw.decode("utf-8", errors="replace"))
        return self

    def finish(self) -> "LogFacts":
        if self._partial:
            self.line(self._partial.decode("utf-8", errors="replace"))
            self._partial = b""
        return self

    def line(self, text: str) -> None:
        self.line_count += 1
        text = text.rstrip("\r")
        if not text.strip() or text.startswith(SUPERVISOR_LINE):
            return
        if text.startswith("{"):
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                self._event(obj)
                return
        self._plain(text.strip())

    def _plain(self, text: str) -> None:
        match = TOKENS_USED.match(text)
        if match:
            self.completions.append(f"tokens used line {self.line_count}")
            self.last_outcome = "completed"
            digits = match.group(1).replace(",", "")
            self.tokens_used += int(digits) if digits else 0
        elif NOISE.search(text):
            self.noise.append(_clip(text))
        elif ERROR_LINE.search(text):
            self.error_lines.append(_clip(text))

    def _event(self, obj: dict) -> None:
        kind = obj.get("type")
        if kind is None and isinstance(obj.get("msg"), dict):   # the older event protocol
            obj = obj["msg"]
            kind = obj.get("type")
        if kind == "thread.started":
            self.session_id = obj.get("thread_id") or self.session_id
        elif kind == "session_configured":
            self.session_id = obj.get("session_id") or self.session_id
        elif kind in ("turn.completed", "task_complete"):
            self.completions.append(f"{kind} line {self.line_count}")
            self.last_outcome = "completed"
            if isinstance(obj.get("usage"), dict):
                self.usage = obj["usage"]
        elif kind == "turn.failed":
            self.turn_failures.append(_clip(_message(obj.get("error")) or "turn.failed"))
            self.last_outcome = "failed"
        elif kind in ("error", "stream_error"):
            self.error_events.append(_clip(_message(obj) or kind))
        elif kind in ("item.completed", "item.started"):
            self._item(kind, obj.get("item") or {})

    def _item(self, kind: str, item: dict) -> None:
        if item.get("type") == "error" and kind == "item.completed":
            self.warnings.append(_clip(str(item.get("message") or "")))
        elif item.get("type") == "command_execution" and kind == "item.completed":
            self.commands += 1
            code = item.get("exit_code")
            if (isinstance(code, int) and code != 0) or item.get("status") == "failed":
                command = " ".join(_script(str(item.get("command") or "?")).split())
                self.failed_commands.append(_clip(f"`{redact(command)}` exit {code}"))
                self.failed_since_success += 1
            else:
                self.failed_since_success = 0
            # `bash -lc` reads the login profile, so its noise lands in every command's output.
            for out_line in str(item.get("aggregated_output") or "").splitlines():
                if NOISE.search(out_line):
                    self.noise.append(_clip(out_line.strip()))

    @property
    def completed(self) -> bool:
        return self.last_outcome == "completed"

    def token_usage(self) -> dict | None:
        """Codex's usage of the last turn in the summary's shape, or the "tokens used" sum."""
        if self.usage:
            u = self.usage
            inp, out = int(u.get("input_tokens") or 0), int(u.get("output_tokens") or 0)
            return {"input": inp, "cached_input": int(u.get("cached_input_tokens") or 0),
                    "output": out, "reasoning": int(u.get("reasoning_output_tokens") or 0),
                    "total": int(u.get("total_tokens") or inp + out)}
        if self.tokens_used:
            return {"input": 0, "cached_input": 0, "output": 0, "reasoning": 0, "total": self.tokens_used}
        return None


@dataclass(frozen=True)
class Exit:
    """How the Codex process ended."""

    code: int | None            # None: never started (or unknown)
    signal: str | None = None   # e.g. "SIGTERM" when a signal ended it
    killed_by_user: bool = False
    start_error: str | None = None
    supervisor_lost: bool = False   # the supervisor died: the exit code is not known


@dataclass(frozen=True)
class Rule:
    name: str
    failure_class: str
    success: bool
    says: str                                     # one line for docs and `job show`
    test: Callable[[LogFacts, Exit], str | None]  # the evidence when the rule applies


def _last(items: list[str]) -> str | None:
    return items[-1] if items else None


# The one table, tried in order: the first rule whose test gives evidence decides.
RULES: tuple[Rule, ...] = (
    Rule("not_started", REAL, False, "Codex could not be started",
         lambda f, e: e.start_error),
    Rule("killed", REAL, False, "the process was killed (by `job kill` or a signal)",
         lambda f, e: ("killed by job kill" if e.killed_by_user else None)
         or (f"killed by {e.signal}" if e.signal else None)),
    Rule("turn_failed", REAL, False, "the last turn ended with turn.failed",
         lambda f, e: f"turn.failed: {f.turn_failures[-1]}" if f.last_outcome == "failed" else None),
    Rule("error_event", REAL, False, "an `error` event and no completion",
         lambda f, e: None if f.completed else _prefix("error event: ", _last(f.error_events))),
    Rule("error_line", REAL, False, "an `error:`/`fatal:`/`Exception:` line and no completion",
         lambda f, e: None if f.completed else _last(f.error_lines)),
    Rule("nonzero_exit", REAL, False, "a non-zero exit and no completion",
         lambda f, e: None if f.completed or not e.code else f"exit code {e.code} without completion"),
    Rule("lost_no_completion", REAL, False,
         "the supervisor died, Codex has ended, and the log shows no completion",
         lambda f, e: None if f.completed or not e.supervisor_lost else
         "the supervisor was gone and the log shows no completed turn"),
    Rule("no_completion", REAL, False, "exit 0 but no evidence the turn completed",
         lambda f, e: None if f.completed else f"exit code {e.code} but no turn.completed, "
                                                f"task_complete or tokens-used line"),
    Rule("completed_commands_failed", REAL, False,
         "the turn completed, but its last commands failed and none succeeded after them",
         lambda f, e: f"{f.failed_since_success} failed command(s) and none succeeded after: "
                      f"{f.failed_commands[-1]}" if f.completed and f.failed_since_success else None),
    Rule("completed_nonzero_exit", REAL, False, "the turn completed but Codex exited non-zero",
         lambda f, e: f"exit code {e.code} after completion" if e.code else None),
    Rule("completed_with_noise", ENVIRONMENTAL, True,
         "the work completed; stderr noise (shell profile, machine) noted",
         lambda f, e: _last(f.noise) or _last(f.error_lines)),
    Rule("completed", NONE, True, "the turn completed and Codex exited 0",
         lambda f, e: _last(f.completions)),
)


@dataclass
class Verdict:
    success: bool
    failure_class: str
    rule: str
    evidence: list[str]


def classify(facts: LogFacts, exit: Exit) -> Verdict:
    """Apply RULES to a finished run."""
    for rule in RULES:
        found = rule.test(facts, exit)
        if found:
            evidence = [redact(found)] + _context(facts, rule)
            return Verdict(rule.success, rule.failure_class, rule.name, _dedupe(evidence))
    raise AssertionError("the last rule always applies")   # no_completion or completed


def _context(facts: LogFacts, rule: Rule) -> list[str]:
    """Further lines worth showing beside the deciding one (all redacted)."""
    extra = []
    if facts.completed and rule.name != "completed":     # there it is the evidence itself
        extra.append(f"completion: {facts.completions[-1]}")
    if rule.failure_class != REAL and facts.error_events:
        extra.append(f"recovered from: {facts.error_events[-1]}")
    if rule.failure_class == ENVIRONMENTAL:
        extra += [f"noise: {line}" for line in (facts.noise + facts.error_lines)[-3:]]
    elif rule.failure_class == REAL:
        extra += [f"error: {line}" for line in (facts.error_events + facts.error_lines)[-2:]]
    return [redact(x) for x in extra]


def scan_log(path, chunk: int = 1 << 20) -> LogFacts:
    facts = LogFacts()
    try:
        with open(path, "rb") as fh:
            while True:
                data = fh.read(chunk)
                if not data:
                    break
                facts.feed(data)
    except OSError:
        pass
    return facts.finish()


def _script(command: str) -> str:
    """`/bin/bash -lc 'cat x'` (how Codex runs a command) -> `cat x`."""
    import shlex

    from codex_tui.rollout.commands import argv_text

    try:
        return argv_text(shlex.split(command)) or command
    except ValueError:
        return command


def _message(obj) -> str | None:
    if isinstance(obj, dict):
        msg = obj.get("message")
        return str(msg) if msg else None
    return str(obj) if obj else None


def _prefix(prefix: str, text: str | None) -> str | None:
    return prefix + text if text else None


def _clip(text: str) -> str:
    return clip(text, MAX_EVIDENCE)


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out
