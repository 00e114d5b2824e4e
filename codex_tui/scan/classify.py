"""Classify failed commands and turns, each with the line of evidence that shows it.

The rules are one table, tried in order; the first that matches names the kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from codex_tui.rollout.model import Command, Failure, Session

FAILURE_KINDS = ("missing_path", "command_not_found", "permission_denied", "nonzero_exit",
                 "timeout", "sandbox_denied", "turn_error", "turn_aborted", "stream_error",
                 "no_response", "rate_limited")

# A turn that stopped because the account's quota or rate limit ran out (Codex's
# UsageLimitReached / RetryLimitReached on 429 / out-of-credits messages). Its own kind,
# so users see which sessions to continue once the limit resets (see rate_limit_reset).
RATE_LIMIT = re.compile(r"(?i)hit your usage limit|usage limit reached|rate limit reached|"
                        r"last status: 429|429 too many requests|out of credits|"
                        r"hit your spend cap|quota exceeded|insufficient_quota")
_RESET = re.compile(r"(?i)try again (at|in) ([^.\n]+(?:\.\d+[^.\n]*)?)")


@dataclass(frozen=True)
class Rule:
    kind: str
    exit_codes: tuple[int, ...]
    pattern: re.Pattern[str] | None
    environmental: bool
    flag: str | None = None      # a Command attribute that decides on its own
    requires: str | None = None  # a Command attribute that must hold for codes and pattern to count


RULES: tuple[Rule, ...] = (
    Rule("sandbox_denied", (), re.compile(r"(?i)read-only file system|operation not permitted|"
                                          r"permission denied|sandbox"),
         True, flag="sandbox_denied", requires="sandboxed"),
    Rule("timeout", (124,), re.compile(r"(?i)timed out"), True, flag="timed_out"),
    Rule("command_not_found", (127,), re.compile(r"(?i)command not found|: not found\b|"
                                                 r"is not recognized as|executable file not found"), True),
    Rule("permission_denied", (126,), re.compile(r"(?i)permission denied|EACCES"), True),
    Rule("missing_path", (), re.compile(r"(?i)no such file or directory|cannot access|can't open file|"
                                        r"does not exist|not a directory|ENOENT|cannot find the path|"
                                        r"FileNotFoundError|could not find"), False),
)


def classify_command(command: Command) -> Failure | None:
    """The failure a finished command shows, or None if it succeeded."""
    return _failure(command) if command.failed else None


@lru_cache(maxsize=4096)
def _verdict(output: str, exit_code: int | None, timed_out: bool, sandbox_denied: bool,
             sandboxed: bool) -> tuple[str, str, bool]:
    """(kind, evidence line, environmental) of a failed command: the rules read only these
    fields, and the same failure (the same output of the same exit) recurs across sessions,
    so each distinct one is classified once."""
    lines = output.split("\n") if output else []
    flags = {"timed_out": timed_out, "sandbox_denied": sandbox_denied, "sandboxed": sandboxed}
    for rule in RULES:
        by_flag = rule.flag is not None and flags[rule.flag]
        if not by_flag and rule.requires is not None and not flags[rule.requires]:
            continue
        evidence = _first_match(rule.pattern, lines)
        if by_flag or exit_code in rule.exit_codes or evidence is not None:
            return rule.kind, _evidence(evidence, lines, exit_code), rule.environmental
    return "nonzero_exit", _evidence(None, lines, exit_code), False


def _evidence(found: str | None, lines: list[str], exit_code: int | None) -> str:
    """The line a failure shows: the rule's match, else the output's last non-blank line."""
    if found is None:
        nonblank = [line for line in lines if line.strip()]
        found = nonblank[-1].strip() if nonblank else f"exit code {exit_code}"
    return found[:400]


_LINE = attrgetter("line")     # a Failure's sort key: file order


def classify_session(session: Session) -> list[Failure]:
    """All failures of a session (the agent's commands and turn events), in file order.
    The user's own `!cmd` commands are not the agent's failures: they are left out."""
    return classify_counted(session)[0]


def classify_counted(session: Session) -> tuple[list[Failure], int, int]:
    """(classify_session's failures, the user's commands, the agent's failed commands): the
    counts a summary shows, from the same pass over the commands."""
    found = [_rate_limited(f) for f in session.event_failures]
    users = 0
    for command in session.commands:
        if command.user:
            users += 1
        elif command.failed:
            found.append(_failure(command))
    failed = len(found) - len(session.event_failures)
    found.sort(key=_LINE)
    return found, users, failed


def _rate_limited(failure: Failure) -> Failure:
    if failure.kind in ("turn_error", "stream_error") and RATE_LIMIT.search(failure.excerpt):
        return Failure("rate_limited", failure.command, failure.exit_code, failure.excerpt,
                       failure.line, True, failure.turn, failure.skill)
    return failure


def rate_limit_reset(excerpt: str) -> str | None:
    """When a rate-limited turn may continue, as Codex said it: `at 4:05 PM`, `in 2 hours`;
    None when it did not say."""
    found = _RESET.search(excerpt or "")
    return f"{found.group(1).lower()} {found.group(2).strip()}" if found else None


def _first_match(pattern: re.Pattern[str] | None, lines: list[str]) -> str | None:
    """The last matching line: shell-profile noise comes first, the command's own error last."""
    if pattern is None:
        return None
    for line in reversed(lines):
        if pattern.search(line):
            return line.strip()
    return None


def _failure(command: Command) -> Failure:
    """The failure a failed command shows."""
    kind, evidence, environmental = _verdict(command.output, command.exit_code, command.timed_out,
                                             command.sandbox_denied, command.sandboxed)
    return Failure(kind, command.command, command.exit_code, evidence, command.line,
                   environmental, command.turn)
