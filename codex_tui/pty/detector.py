"""Is this session working, blocked at a prompt, idle, silent or finished?

`BlockageDetector.observe(Evidence)` turns what can be seen of a session (screen text,
window title, output timing, process liveness, rollout activity) into a `Status` that
carries the time it started to hold. It keeps no reference to a PTY or a widget, so the
same detector serves the app's panes and a watcher of tmux panes (feed it
`tmux capture-pane -p` text and the pane's last-activity time).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from codex_tui.pty import patterns as P
from codex_tui.states import SessionState

# The short names this package and its users import (codex_tui/states.py has the type).
STARTING, WORKING = SessionState.STARTING, SessionState.WORKING
WAITING_APPROVAL, WAITING_TRUST = SessionState.WAITING_APPROVAL, SessionState.WAITING_TRUST
WAITING_INPUT, WAITING_ANSWER = SessionState.WAITING_INPUT, SessionState.WAITING_ANSWER
WAITING_MODEL, BUSY, SILENT = SessionState.WAITING_MODEL, SessionState.BUSY, SessionState.SILENT
EXITED_OK, EXITED_FAILED = SessionState.EXITED_OK, SessionState.EXITED_FAILED
STATES = (STARTING, WORKING, WAITING_APPROVAL, WAITING_TRUST, WAITING_INPUT, WAITING_ANSWER,
          WAITING_MODEL, BUSY, SILENT, EXITED_OK, EXITED_FAILED)
BLOCKED = (WAITING_APPROVAL, WAITING_TRUST, WAITING_INPUT, WAITING_ANSWER, SILENT)
EXITED = (EXITED_OK, EXITED_FAILED)
IDLE_AFTER_S = 1.0     # a composer with no output for this long is waiting for input
DEFAULT_SILENCE_S = 300.0


@dataclass
class Evidence:
    """What is known about a session at one moment. Times are epoch seconds."""

    screen: list[str]                        # the visible rows, plain text
    last_output_at: float                    # when the program last wrote anything
    alive: bool = True
    exit_code: int | None = None
    title: str = ""                          # the window title the program set (OSC 0/2)
    started_at: float | None = None
    any_output: bool = True
    rollout_written_at: float | None = None  # the session's rollout file mtime, if known
    now: float | None = None
    cpu_busy: bool | None = None             # its processes used the CPU lately (None: unknown)


@dataclass
class Status:
    state: str
    since: float
    detail: str = ""                  # the command or files waiting for approval, exit code, ...
    pattern: str = ""                 # the PATTERNS row that matched, if any
    kind: str = ""                    # exec, edit, network, permissions, trust, yes-no, ...

    @property
    def blocked(self) -> bool:
        return self.state in BLOCKED

    @property
    def exited(self) -> bool:
        return self.state in EXITED

    @property
    def label(self) -> str:
        """The short form for a list: "approval" for any approval wait."""
        return {WAITING_APPROVAL: "approval", WAITING_TRUST: "trust", WAITING_INPUT: "input",
                WAITING_ANSWER: "question", WAITING_MODEL: "model"}.get(
            self.state, self.state)

    def held_for(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.since)

    def to_json(self) -> dict:
        return {"state": self.state, "since": self.since, "detail": self.detail,
                "pattern": self.pattern, "kind": self.kind}


@dataclass
class BlockageDetector:
    silence_s: float = DEFAULT_SILENCE_S
    patterns: tuple = P.PATTERNS
    status: Status = field(default_factory=lambda: Status(STARTING, time.time()))
    _seen: tuple = field(default=("", None), repr=False)   # (screen text, its match): idle panes
                                                           # are re-checked every tick; skip the regexes

    def observe(self, ev: Evidence) -> Status:
        """Classify `ev`; `since` moves only when the state (or what it waits for) changes."""
        now = time.time() if ev.now is None else ev.now
        state, detail, name, kind = self.classify(ev, now)
        current = self.status
        if (state, detail) != (current.state, current.detail) or name != current.pattern:
            keep_since = state == current.state and state not in (WAITING_APPROVAL,)
            self.status = Status(state, current.since if keep_since else now, detail, name, kind)
        return self.status

    def classify(self, ev: Evidence, now: float) -> tuple[str, str, str, str]:
        if not ev.alive:
            code = ev.exit_code
            if code == 0:
                return EXITED_OK, "exit 0", "", ""
            return EXITED_FAILED, (f"killed by signal {-code}" if code is not None and code < 0
                                   else f"exit {code}"), "", ""
        text = "\n".join(line.rstrip() for line in ev.screen)
        if text == self._seen[0]:
            found = self._seen[1]
        else:
            found = P.match(text, self.patterns)
            self._seen = (text, found)
        if found is not None:
            return found.state, P.detail(text, found), found.name, found.kind
        if P.TITLE_BLOCKED.search(ev.title or ""):
            return WAITING_APPROVAL, "", "title", ""
        quiet_since = max(ev.last_output_at, ev.rollout_written_at or 0.0)
        quiet = now - quiet_since
        if not ev.any_output:
            return _quiet(ev) if quiet >= self.silence_s else (STARTING, "", "", "")
        if quiet >= self.silence_s:
            return _quiet(ev)
        at_composer = bool(P.COMPOSER.search(text)) and bool(P.COMPOSER_FOOTERS.search(text))
        if at_composer and not P.WORKING.search(text) and now - ev.last_output_at >= IDLE_AFTER_S:
            return WAITING_INPUT, "", "composer", "prompt"
        return WORKING, "", "", ""


def _quiet(ev: Evidence) -> tuple[str, str, str, str]:
    """Quiet past the threshold: busy when its processes use the CPU, else likely hung."""
    if ev.cpu_busy:
        return BUSY, "no output, using the CPU", "", ""
    return SILENT, "no output, no CPU: likely hung", "", ""


def approval_menu(screen: list[str], patterns: tuple = P.PATTERNS) -> tuple[P.ScreenPattern, str, str] | str:
    """(pattern, label, key) of the approval menu on screen, or the reason there is none."""
    text = "\n".join(line.rstrip() for line in screen)
    found = P.match(text, patterns)
    if found is None or found.state != WAITING_APPROVAL:
        return "no approval prompt is on screen"
    choice = P.yes_choice(text, found)
    if choice is None:
        return f"the {found.kind} prompt offers no key for Yes; answer it in the pane"
    return found, choice[0], choice[1]
