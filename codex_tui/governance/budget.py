"""The context budget of one session: window use, uncapped and truncated output, compactions."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from codex_tui.config import Sources
from codex_tui.governance.checks import FAIL, OK, WARN, Check, worst
from codex_tui.redact import redact
from codex_tui.rollout.model import Session

WARN_RATIO = 0.70
FAIL_RATIO = 0.85
UNCAPPED_OUTPUT_CHARS = 6000     # a command output this long was not capped (head, tail, grep)
OVERSIZED_GOAL_CHARS = 4000      # a first prompt this long is a spec pasted as a goal
LISTED = 5                        # commands listed as evidence


@dataclass(slots=True)
class Budget:
    session_id: str
    path: str
    cwd: str
    used_tokens: int = 0              # the latest request's tokens (what the window holds now)
    context_window: int | None = None
    ratio: float | None = None        # used / window, None when either is unknown
    level: str = OK                   # the gauge's own level
    uncapped_outputs: list[dict] = field(default_factory=list)   # {command, chars, line}
    truncated_outputs: list[dict] = field(default_factory=list)  # {command, chars, line}
    compactions: int = 0
    first_prompt_chars: int = 0
    oversized_goal: bool = False
    checks: list[Check] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else round(self.ratio * 100)

    @property
    def gauge(self) -> str:
        """A short label for a gauge beside a live session, e.g. "72% of 258k"."""
        if self.ratio is None:
            return "context n/a"
        return f"{self.percent}% of {self.context_window // 1000}k"

    @property
    def overall(self) -> str:
        return worst(c.level for c in self.checks)

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(percent=self.percent, gauge=self.gauge, overall=self.overall,
                    checks=[c.to_json() for c in self.checks])
        return data


def window_level(used: int, window: int | None) -> tuple[float | None, str]:
    """(used / window, level) with amber from 70% and red from 85%; (None, OK) when unknown."""
    if not window or not used:
        return None, OK
    ratio = used / window
    return ratio, FAIL if ratio >= FAIL_RATIO else WARN if ratio >= WARN_RATIO else OK


def context_budget(session: Session) -> Budget:
    """The context budget of a parsed session: cheap, no I/O (a view may call it per refresh)."""
    budget = Budget(session_id=session.id, path=session.path, cwd=session.cwd,
                    used_tokens=session.last_usage.total, context_window=session.context_window,
                    compactions=session.compactions)
    budget.ratio, budget.level = window_level(budget.used_tokens, budget.context_window)
    for c in session.commands:
        entry = {"command": redact(c.command)[:200], "chars": c.output_chars, "line": c.line}
        if c.output_chars > UNCAPPED_OUTPUT_CHARS:
            budget.uncapped_outputs.append(entry)
        if c.truncated:
            budget.truncated_outputs.append(entry)
    first = next((t for t in session.turns if t.prompt_chars), None)
    budget.first_prompt_chars = first.prompt_chars if first else 0
    budget.oversized_goal = budget.first_prompt_chars > OVERSIZED_GOAL_CHARS
    budget.checks = _checks(budget)
    return budget


def budget_from_summary(summary: dict) -> Budget:
    """The gauge part of a budget from an index summary (`Selection.sessions`), no parsing.

    Commands and the full first prompt are not in a summary, so only the window and the
    compaction items are filled: enough for a gauge beside each live session.
    """
    usage = summary.get("last_usage") or {}
    budget = Budget(session_id=summary.get("id", ""), path=summary.get("path", ""),
                    cwd=summary.get("cwd", ""), used_tokens=int(usage.get("total") or 0),
                    context_window=summary.get("context_window"),
                    compactions=int(summary.get("compactions") or 0))
    budget.ratio, budget.level = window_level(budget.used_tokens, budget.context_window)
    budget.checks = [c for c in _checks(budget) if c.key in ("context", "context.compactions")]
    return budget


def _listed(entries: list[dict]) -> str:
    shown = "; ".join(f"line {e['line']}: {e['command'][:60]} ({e['chars']:,} chars)" for e in entries[:LISTED])
    return shown + (f"; … {len(entries) - LISTED} more" if len(entries) > LISTED else "")


def _checks(b: Budget) -> list[Check]:
    # Context items are advice (amber/red), never stop gates: the stop gates are the
    # worktree, the PR gate and the handoff.
    if b.ratio is None:
        window = Check("context", "Context window", OK,
                       "no token usage recorded (releases before 0.58 do not write it)")
    else:
        text = f"{b.used_tokens:,} of {b.context_window:,} tokens ({b.percent}%)"
        if b.level == FAIL:
            text += f": over {FAIL_RATIO:.0%}, hand off or compact now"
        elif b.level == WARN:
            text += f": over {WARN_RATIO:.0%}, plan the handoff"
        window = Check("context", "Context window", b.level, text)
    checks = [window]
    if b.uncapped_outputs:
        checks.append(Check("context.uncapped", "Uncapped output", WARN,
                            f"{len(b.uncapped_outputs)} command output(s) over {UNCAPPED_OUTPUT_CHARS:,} "
                            f"chars: {_listed(b.uncapped_outputs)}"))
    else:
        checks.append(Check("context.uncapped", "Uncapped output", OK,
                            f"no command output over {UNCAPPED_OUTPUT_CHARS:,} chars"))
    if b.truncated_outputs:
        checks.append(Check("context.truncated", "Truncated output", WARN,
                            f"{len(b.truncated_outputs)} output(s) truncated by Codex: "
                            f"{_listed(b.truncated_outputs)}"))
    if b.compactions:
        checks.append(Check("context.compactions", "Compactions", WARN,
                            f"context compacted {b.compactions} time(s): earlier detail is summarised"))
    if b.oversized_goal:
        checks.append(Check("context.goal", "Oversized goal", WARN,
                            f"first prompt is {b.first_prompt_chars:,} chars (over "
                            f"{OVERSIZED_GOAL_CHARS:,}): put the spec in a file and point to it"))
    return checks


def _inside(cwd: str, top: Path) -> bool:
    if not cwd:
        return False
    try:
        path = Path(cwd).resolve()
    except OSError:
        return False
    return path == top or top in path.parents


def find_session(sources: Sources, *, session_id: str | None = None, repo: Path | None = None,
                 use_cache: bool = True, now: float | None = None) -> Session | None:
    """The session `session_id` (a unique id prefix), else the newest whose cwd is in `repo`.

    Raises LookupError when the id matches no session or more than one.
    """
    from codex_tui.index.query import load_sessions
    from codex_tui.rollout.parse import parse_file

    selection = load_sessions(sources, use_cache=use_cache, now=now)
    path = None
    if session_id:
        matches = [s for s in selection.sessions if s["id"] == session_id] or \
                  [s for s in selection.sessions if s["id"].startswith(session_id)]
        if not matches:
            raise LookupError(f"no session with id {session_id!r} in {', '.join(map(str, sources.roots()))}")
        if len({s["id"] for s in matches}) > 1:
            raise LookupError(f"session id {session_id!r} is ambiguous: "
                              + ", ".join(sorted({s['id'] for s in matches})[:5]))
        path = matches[0]["path"]     # newest first: a resumed id's latest file
    elif repo is not None:
        top = Path(repo).resolve()
        path = next((s["path"] for s in selection.sessions if _inside(s["cwd"], top)), None)
    if path is None:
        return None
    try:
        return parse_file(path)
    except OSError:
        return None
