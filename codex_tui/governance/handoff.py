"""Audit the repo's handoff doc: size, required sections, staleness, pasted logs; AGENTS.md."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codex_tui.governance.checks import FAIL, OK, WARN, Check
from codex_tui.governance.git_state import GitError, commits_since, recent_commits
from codex_tui.redact import redact

CANDIDATES = ("HANDOFF.md", "docs/current_handoff.md", "docs/handoff.md")  # first found wins
MAX_LINES = 150
MAX_TOKENS = 1000
NEAR_LIMIT = 0.8            # amber from 80% of either limit
CHARS_PER_TOKEN = 4         # the usual rough estimate for English and code
STALE_WARN_COMMITS = 3      # amber: this many commits landed since the handoff changed
STALE_COMMITS = 8           # red: the handoff no longer describes the tree
STALE_DAYS = 7              # red: unchanged this long while commits landed after it
RAW_FENCE_LINES = 15        # a fenced block this long is pasted output, not a note
RAW_LOG_LINES = 5           # this many log-shaped lines are pasted output

# Each required section: (key, label, pattern over the normalised heading text).
SECTIONS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (key, label, re.compile(pattern)) for key, label, pattern in (
        ("goal", "current goal", r"\b(goal|objective|mission|current task|purpose)"),
        ("gate", "branch and PR gate state", r"\b(branch|pr|pull request|gate|merge)\b"),
        ("checkpoint", "last completed checkpoint",
         r"\b(checkpoint|last completed|completed|done so far|progress|status)\b"),
        ("key_files", "key files", r"\b(key files|files|paths|where things are)\b"),
        ("checks", "checks run and outcomes",
         r"\b(checks?|tests?|verification|outcomes?|ci|validation)\b"),
        ("blockers", "known blockers", r"\b(blockers?|blocked|known issues|risks?|open issues)\b"),
        ("do_not_reread", "do-not-reread list",
         r"(\b(do not|dont|don t|no need to|never) re ?read|\bskip list|\balready read|"
         r"\bnot re ?read|\bre ?read)"),
        ("next_action", "next recommended action", r"\b(next|todo|to do|recommended action)\b"),
    ))

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_HEADING = re.compile(r"^\s{0,3}(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$|^\s{0,3}(?:\*\*|__)(.+?):(?:\*\*|__)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LOG_LINE = re.compile(
    r"^\s*(\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\[\d\d:\d\d:\d\d|Traceback \(most recent call last\)|"
    r"File \"[^\"]+\", line \d+|(ERROR|WARN|WARNING|INFO|DEBUG|FATAL|CRITICAL)[\s:\]]|"
    r"npm (ERR|WARN)!|E {3}|at [\w.$<>]+ \(.+:\d+:\d+\)|={5,} .*(passed|failed|error)|"
    r"(PASSED|FAILED|ERROR) [\w/.]+::|\$ \S|>>> |\+ \S+ |\d+ passed|\w+Error: )")


@dataclass(slots=True)
class HandoffAudit:
    path: str | None                      # relative to the repo, None when there is none
    lines: int = 0
    tokens: int = 0                       # approximate
    sections_found: list[str] = field(default_factory=list)
    sections_missing: list[str] = field(default_factory=list)   # labels
    committed: bool = False
    modified: bool = False                # changed in the worktree since the last commit
    last_changed: int | None = None       # epoch seconds of the last commit touching it
    commits_since: int | None = None
    days_since: float | None = None
    raw_log_lines: int = 0
    raw_log_evidence: list[str] = field(default_factory=list)   # "line N: text", redacted
    agents_md: bool = False
    checks: list[Check] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["checks"] = [c.to_json() for c in self.checks]
        return data


def find_handoff(top: Path) -> Path | None:
    for name in CANDIDATES:
        if (top / name).is_file():
            return top / name
    return None


def audit_handoff(top: Path, now: float, dirty_files: list[str] | None = None) -> HandoffAudit:
    """Audit the handoff doc of the worktree at `top` (its top level)."""
    found = find_handoff(top)
    audit = HandoffAudit(path=None, agents_md=(top / "AGENTS.md").is_file())
    if found is None:
        audit.checks = [Check("handoff", "Handoff", WARN,
                              f"no handoff doc ({', '.join(CANDIDATES)}): the next session starts "
                              "without a checkpoint")]
        audit.checks.append(_agents_check(audit))
        return audit
    audit.path = found.relative_to(top).as_posix()
    text = found.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    audit.lines = len(lines)
    audit.tokens = round(len(text) / CHARS_PER_TOKEN)
    _audit_sections(audit, lines)
    _audit_raw_logs(audit, lines)
    _audit_history(audit, top, now, dirty_files)
    audit.checks = [_size_check(audit), _sections_check(audit), _staleness_check(audit),
                    _raw_log_check(audit), _agents_check(audit)]
    return audit


def headings(lines: list[str]) -> list[str]:
    """Heading texts (Markdown `#` headings and bold lead-ins), outside code fences."""
    result, in_fence = [], False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _HEADING.match(line)
        if match:
            result.append(match.group(2))
            continue
        match = _BOLD_HEADING.match(line)
        if match:
            result.append(match.group(1) or match.group(2))
    return result


def normalise(heading: str) -> str:
    text = heading.lower().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _audit_sections(audit: HandoffAudit, lines: list[str]) -> None:
    texts = [normalise(h) for h in headings(lines)]
    for key, label, pattern in SECTIONS:
        if any(pattern.search(text) for text in texts):
            audit.sections_found.append(key)
        else:
            audit.sections_missing.append(label)


def _audit_raw_logs(audit: HandoffAudit, lines: list[str]) -> None:
    fence_start, in_fence, flagged = 0, False, []
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            if in_fence and number - fence_start - 1 >= RAW_FENCE_LINES:
                flagged.append((fence_start, f"a {number - fence_start - 1}-line code block",
                                number - fence_start - 1))
            in_fence, fence_start = not in_fence, number
            continue
        if _LOG_LINE.match(line):
            audit.raw_log_lines += 1
            if len(audit.raw_log_evidence) < 3:
                audit.raw_log_evidence.append(f"line {number}: {redact(line.strip())[:120]}")
    if audit.raw_log_lines < RAW_LOG_LINES:
        audit.raw_log_evidence = []
        audit.raw_log_lines = 0
    for start, what, size in flagged:
        audit.raw_log_lines += size
        audit.raw_log_evidence.insert(0, f"line {start}: {what}")


def _audit_history(audit: HandoffAudit, top: Path, now: float, dirty_files: list[str] | None) -> None:
    try:
        touched = recent_commits(top, 1, audit.path)
    except GitError:
        touched = []
    if not touched:
        return     # untracked: "not committed yet", whatever the worktree says
    audit.committed = True
    audit.modified = audit.path in (dirty_files or ())
    audit.last_changed = touched[0].time
    audit.commits_since = commits_since(top, touched[0].sha)
    audit.days_since = round(max(0.0, now - touched[0].time) / 86400, 1)
    if audit.modified:   # being edited now: the worktree copy is current
        audit.commits_since, audit.days_since = 0, 0.0


def _size_check(a: HandoffAudit) -> Check:
    over = a.lines > MAX_LINES or a.tokens > MAX_TOKENS
    size = f"{a.path}: {a.lines} lines, ~{a.tokens} tokens (limits ~{MAX_LINES} lines, ~{MAX_TOKENS} tokens)"
    if over:
        return Check("handoff.size", "Handoff size", FAIL, f"oversized: {size}; trim it", stop=True)
    if a.lines > NEAR_LIMIT * MAX_LINES or a.tokens > NEAR_LIMIT * MAX_TOKENS:
        return Check("handoff.size", "Handoff size", WARN, f"near the limit: {size}")
    return Check("handoff.size", "Handoff size", OK, size)


def _sections_check(a: HandoffAudit) -> Check:
    total = len(SECTIONS)
    if a.sections_missing:
        return Check("handoff.sections", "Handoff sections", WARN,
                     f"{total - len(a.sections_missing)}/{total} sections; missing: "
                     + ", ".join(a.sections_missing))
    return Check("handoff.sections", "Handoff sections", OK, f"all {total} sections present")


def _staleness_check(a: HandoffAudit) -> Check:
    key, label = "handoff.staleness", "Handoff freshness"
    if a.modified:
        return Check(key, label, OK, f"{a.path} is being edited (uncommitted changes)")
    if not a.committed:
        return Check(key, label, WARN, f"{a.path} is not committed yet")
    since = f"{a.commits_since} commit(s) and {a.days_since:g} day(s) since {a.path} last changed"
    if a.commits_since >= STALE_COMMITS or (a.commits_since and a.days_since >= STALE_DAYS):
        return Check(key, label, FAIL, f"stale: {since}; update it", stop=True)
    if a.commits_since >= STALE_WARN_COMMITS:
        return Check(key, label, WARN, since)
    return Check(key, label, OK, since)


def _raw_log_check(a: HandoffAudit) -> Check:
    if a.raw_log_lines:
        return Check("handoff.raw_logs", "Handoff raw logs", WARN,
                     f"~{a.raw_log_lines} lines of pasted output ({'; '.join(a.raw_log_evidence[:2])}); "
                     "summarise outcomes instead")
    return Check("handoff.raw_logs", "Handoff raw logs", OK, "no pasted logs or output")


def _agents_check(a: HandoffAudit) -> Check:
    if a.agents_md:
        return Check("agents_md", "AGENTS.md", OK, "AGENTS.md present")
    return Check("agents_md", "AGENTS.md", WARN, "no AGENTS.md at the repo root")
