"""One governance item as a view shows it: a level (green, amber, red) and its evidence."""
from __future__ import annotations

from dataclasses import asdict, dataclass

OK, WARN, FAIL = "ok", "warn", "fail"
LEVELS = (OK, WARN, FAIL)


@dataclass(slots=True)
class Check:
    key: str          # stable id, e.g. "worktree", "handoff.size", "pr", "context"
    label: str        # short human name
    level: str        # OK | WARN | FAIL
    evidence: str     # one human line saying why (already redacted)
    stop: bool = False  # a stop gate that holds: `gate` exits 3 when any check has it

    def to_json(self) -> dict:
        return asdict(self)


def worst(levels) -> str:
    """The most severe of `levels` (OK when empty)."""
    result = OK
    for level in levels:
        if LEVELS.index(level) > LEVELS.index(result):
            result = level
    return result
