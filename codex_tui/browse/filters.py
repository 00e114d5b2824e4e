"""Filtering and sorting the Logs table: plain functions over LogRow lists.

The search box takes free text plus facet tokens: `repo:NAME`, `version:0.58`,
`model:NAME`, `id:PREFIX`, `skill:NAME`, `kind:missing_path`, `status:live` (or the
`--json` name, `status:in_progress`), `since:7d` or `since:2026-11-01`, `until:2026-11-20`
(a date means that whole day), `cost>0.5` or `cost<2` (USD), `is:failed`, and `is:writer`. A facet given twice matches
either value (`kind:a kind:b`). codex-tui's own insight-report writer sessions (their first
prompt is the report's, `# Codex usage insights (codex-tui insight report writer)`) are left
out of the rows, the counts and the facet choices unless `is:writer` asks for them (and then
only they are shown). Everything else must appear in the session's text; a `name:value` token
whose name is no facet is reported as not understood, never silently matched against nothing.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from codex_tui.browse.rows import STATUS_LABELS, LogRow

# Facets whose values are alternatives (OR), matched by the function beside each.
CHOICE_FACETS = ("repo", "version", "model", "id", "skill", "kind", "status")
FACETS = (*CHOICE_FACETS, "since", "until")
# What `status:` accepts: the Logs labels, the --json names, and short forms.
STATUS_NAMES = {**{label: label for label in STATUS_LABELS.values()}, **STATUS_LABELS,
                "done": "ok", "running": "live", "progress": "live", "fail": "failed"}
_FACET_TOKEN = re.compile(r"^[A-Za-z][A-Za-z_-]*$")
_COST = re.compile(r"^(?i:cost)([<>])\$?(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class LogFilter:
    words: tuple[str, ...] = ()
    failed_only: bool = False
    writer: bool = False             # `is:writer`: only codex-tui's report writer sessions
    repo: tuple[str, ...] = ()       # each facet: any one of these values
    version: tuple[str, ...] = ()
    model: tuple[str, ...] = ()
    id: tuple[str, ...] = ()
    skill: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()     # STATUS_LABELS values
    since: str = ""        # ISO UTC bound, inclusive
    until: str = ""        # ISO UTC bound, exclusive
    cost_over: float | None = None    # `cost>X`: USD, exclusive; unpriced sessions never pass
    cost_under: float | None = None   # `cost<X`
    errors: tuple[str, ...] = field(default=(), compare=False)  # tokens that could not be read

    @property
    def empty(self) -> bool:
        return self == LogFilter()

    def narrows(self, other: "LogFilter") -> bool:
        """True when every row this filter passes was passed by `other` too (so filtering
        `other`'s result is enough): same facets, and each of other's words is in one of ours."""
        if replace(self, words=()) != replace(other, words=()):
            return False
        return all(any(old in new for new in self.words) for old in other.words)


def parse_query(text: str, now: datetime | None = None, base: LogFilter | None = None) -> LogFilter:
    """The search box's text on top of `base` (the facet widgets' choices): a facet typed
    in the box replaces the widget's choice for that facet."""
    base = base or LogFilter()
    values: dict = {}
    choices: dict[str, list[str]] = {}
    words: list[str] = []
    errors: list[str] = []
    for token in text.split():
        cost = _COST.match(token)
        if cost:
            values["cost_over" if cost.group(1) == ">" else "cost_under"] = float(cost.group(2))
            continue
        if token.lower().startswith(("cost>", "cost<")):
            errors.append(token)
            continue
        name, sep, value = token.partition(":")
        name = name.lower()
        if not sep or not _FACET_TOKEN.match(name) or value.startswith("/"):
            words.append(token.lower())          # free text (a URL, a path:line, ...)
        elif name == "is" and value.lower() == "failed":
            values["failed_only"] = True
        elif name == "is" and value.lower() in ("writer", "insights"):
            values["writer"] = True
        elif name in CHOICE_FACETS and value:
            if name == "status":
                value = STATUS_NAMES.get(value.lower(), "")
                if not value:
                    errors.append(token)
                    continue
            if name == "kind":
                from codex_tui.scan.classify import FAILURE_KINDS

                if value.lower() not in FAILURE_KINDS:      # kind:bogus matches nothing: say so
                    errors.append(token)
                    continue
                value = value.lower()
            if value not in choices.setdefault(name, []):
                choices[name].append(value)
        elif name in ("since", "until") and value:
            bound = date_bound(value, now, end_of_day=name == "until")
            if bound is None:
                errors.append(token)
                continue
            values[name] = bound
        else:
            errors.append(token)                  # foo:bar, is:nonsense, kind: (no value)
    values.update({name: tuple(found) for name, found in choices.items()})
    return replace(base, words=tuple(words), errors=tuple(errors), **values)


def date_bound(value: str, now: datetime | None = None, end_of_day: bool = False) -> str | None:
    """`7d`, `12h`, `2w` (ago) or an ISO date -> an ISO UTC timestamp string. With
    `end_of_day`, a plain date (no time) gives the start of the next day, so an
    exclusive `until:` bound takes in the whole of that day."""
    now = now or datetime.now(timezone.utc)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([hdw])", value.lower())
    if match:
        amount = float(match.group(1)) * {"h": 1, "d": 24, "w": 168}[match.group(2)]
        moment = now - timedelta(hours=amount)
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if end_of_day and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment += timedelta(days=1)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def matches(row: LogRow, f: LogFilter) -> bool:
    if row.writer != f.writer:
        return False
    if f.failed_only and row.problem is None:
        return False
    if f.repo and not any(value.lower() in row.repo.lower() for value in f.repo):
        return False
    if f.version and not any(row.version.startswith(value) for value in f.version):
        return False
    if f.model and not any(value.lower() in row.model.lower() for value in f.model):
        return False
    if f.id and not any(row.id.lower().startswith(value.lower()) for value in f.id):
        return False
    if f.skill and not any(value in row.skills for value in f.skill):
        return False
    if f.kind and not any(value in row.kinds for value in f.kind):
        return False
    if f.status and row.status not in f.status:
        return False
    if f.since and row.started < f.since:
        return False
    if f.until and row.started >= f.until:
        return False
    if f.cost_over is not None and (row.cost is None or row.cost <= f.cost_over):
        return False
    if f.cost_under is not None and (row.cost is None or row.cost >= f.cost_under):
        return False
    hay = row.haystack
    return all(word in hay for word in f.words)


class TextIndex:
    """Every row's search text in one UTF-8 buffer: a word is found by scanning the buffer
    once (C speed) instead of testing 10,000 strings one by one in Python."""

    def __init__(self, rows: list[LogRow]):
        encoded = [row.haystack.encode() for row in rows]
        self.starts: list[int] = []
        at = 0
        for text in encoded:
            self.starts.append(at)
            at += len(text) + 1
        self.starts.append(at)
        self.blob = b"\x00".join(encoded)

    def rows_with(self, word: str) -> set[int]:
        found: set[int] = set()
        needle, starts, find = word.encode(), self.starts, self.blob.find
        pos = find(needle)
        while pos >= 0:
            row = bisect_right(starts, pos) - 1
            found.add(row)
            pos = find(needle, starts[row + 1])
        return found


def apply(rows: list[LogRow], f: LogFilter, within: list[int] | None = None,
          text: TextIndex | None = None) -> list[int]:
    """Indices of the rows `f` passes, in the order of `within` (default: all rows)."""
    candidates = range(len(rows)) if within is None else within
    if f.empty:   # still leaves out the report writer's own sessions
        return [i for i in candidates if not rows[i].writer]
    if text is not None and f.words and len(candidates) > 500:
        longest = max(f.words, key=len)
        hits = text.rows_with(longest)
        rest = replace(f, words=tuple(w for w in f.words if w is not longest))
        return [i for i in candidates if i in hits and matches(rows[i], rest)]
    return [i for i in candidates if matches(rows[i], f)]


# Sortable columns: key function per column name. Text columns sort case-insensitively.
SORT_KEYS = {
    "when": lambda r: r.started,
    "repo": lambda r: r.repo.lower(),
    "prompt": lambda r: r.prompt.lower(),
    "model": lambda r: r.model,
    "version": lambda r: tuple(int(p) if p.isdigit() else 0 for p in r.version.split(".")),
    "turns": lambda r: r.turns,
    "cmds": lambda r: r.commands,
    "failed": lambda r: r.failed,
    "tokens": lambda r: r.tokens,
    "cost": lambda r: -1.0 if r.cost is None else r.cost,
    "ctx": lambda r: r.context_pct or 0,
    "status": lambda r: (r.problem or "", r.status),
}


def sort_indices(rows: list[LogRow], indices: list[int], column: str, reverse: bool) -> list[int]:
    key = SORT_KEYS[column]
    return sorted(indices, key=lambda i: key(rows[i]), reverse=reverse)


def facet_values(rows: list[LogRow]) -> dict[str, list[str]]:
    """The choices the facet widgets offer, most common first."""
    counts: dict[str, dict[str, int]] = {"repo": {}, "version": {}, "skill": {}}
    for row in rows:
        if row.writer:
            continue
        counts["repo"][row.repo] = counts["repo"].get(row.repo, 0) + 1
        if row.version:
            counts["version"][row.version] = counts["version"].get(row.version, 0) + 1
        for skill in row.skills:
            counts["skill"][skill] = counts["skill"].get(skill, 0) + 1
    return {name: sorted(c, key=lambda v: (-c[v], v)) for name, c in counts.items()}


def in_scope(rows: list[LogRow], f: LogFilter) -> int:
    """How many rows the "of N sessions" count means: the writer's own, or all the others."""
    return sum(1 for row in rows if row.writer == f.writer)
