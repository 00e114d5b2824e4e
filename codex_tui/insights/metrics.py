"""Deterministic usage metrics over parsed sessions: the numbers the report and view chart.

Days are UTC calendar days taken from Codex's own timestamps, so the same sessions give the
same metrics on every machine and in every timezone.
"""
from __future__ import annotations

import bisect
import re
import shlex
from collections import Counter
from datetime import datetime, timedelta, timezone

from codex_tui.cost.prices import PriceTable
from codex_tui.index.summary import is_writer_prompt
from codex_tui.insights.costs import cost_metrics
from codex_tui.redact import redact
from codex_tui.rollout.model import Session

MAX_FILLED_DAYS = 62      # windows up to this long list every day (zeros included) for sparklines
UNKNOWN_REPO = "(no repo)"


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def repo_name(session: Session) -> str:
    """The project a session worked in: its git remote's last part, else its folder's name."""
    if session.git_repo:
        tail = session.git_repo.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        tail = tail[:-4] if tail.endswith(".git") else tail
        if tail:
            return redact(tail)
    if session.cwd:
        return redact(session.cwd.rstrip("/").rsplit("/", 1)[-1] or "/")
    return UNKNOWN_REPO


# No quote, no backslash and no whitespace but shlex's own: shlex.split gives str.split's words.
_PLAIN = re.compile(r"[^'\"\\\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*")


def program_of(command: str) -> str:
    """The program a shell command line runs (`VAR=x pytest -q` -> `pytest`)."""
    if _PLAIN.fullmatch(command):
        words = command.split()   # shlex.split was 80% of the metrics over 200,000 commands
    else:
        try:
            words = shlex.split(command, comments=False)
        except ValueError:
            words = command.split()
    return first_program(words)


def first_program(words: list[str]) -> str:
    """The program among a command line's words: the first that assigns no variable."""
    for word in words:
        if "=" in word.split("/", 1)[0] and not word.startswith(("/", ".")):
            continue  # an environment assignment before the program
        return word.rsplit("/", 1)[-1][:40] or "(empty)"
    return "(empty)"


def session_span(session: Session) -> tuple[datetime, datetime] | None:
    """When a session was running: start to its last known timestamp."""
    start = parse_time(session.started_at)
    if start is None:
        return None
    moments = [start]
    for value in [session.ended_at] + [t.started_at for t in session.turns] + \
                 [t.ended_at for t in session.turns]:
        moment = parse_time(value)
        if moment is not None:
            moments.append(moment)
    return start, max(moments)


def parallel_use(spans: list[tuple[datetime, datetime]]) -> dict:
    """Most sessions running at once, when, and how long two or more ran together."""
    events: list[tuple[datetime, int]] = []
    for start, end in spans:
        events.append((start, 1))
        events.append((max(end, start), -1))
    events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    running = peak = 0
    peak_at: datetime | None = None
    overlap = 0.0
    previous: datetime | None = None
    for moment, step in events:
        if previous is not None and running >= 2:
            overlap += (moment - previous).total_seconds()
        running += step
        previous = moment
        if running > peak:
            peak, peak_at = running, moment
    return {"max_concurrent": peak, "max_concurrent_at": _iso(peak_at),
            "overlap_seconds": round(overlap, 3), "sessions_overlapping": _overlapping(spans)}


def _overlapping(spans: list[tuple[datetime, datetime]]) -> int:
    """How many spans share some time with another (s < end and start < e), in n log n: the
    spans that start before one ends are a prefix of them sorted by start, and one of those
    (not itself) overlaps it when the largest end among them passes its start."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    starts = [spans[i][0] for i in order]
    best: list[tuple[datetime | None, int, datetime | None]] = []   # (max end, its span, 2nd max)
    top, top_at, second = None, -1, None
    for i in order:
        end = spans[i][1]
        if top is None or end > top:
            top, top_at, second = end, i, top
        elif second is None or end > second:
            second = end
        best.append((top, top_at, second))
    count = 0
    for i, (start, end) in enumerate(spans):
        before = bisect.bisect_left(starts, end)   # the spans that start before this one ends
        if not before:
            continue
        top, top_at, second = best[before - 1]
        other = second if top_at == i else top
        if other is not None and other > start:
            count += 1
    return count


def timing_stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "median_ms": None, "p90_ms": None, "max_ms": None}
    ordered = sorted(values)
    return {"count": len(ordered), "median_ms": _percentile(ordered, 0.5),
            "p90_ms": _percentile(ordered, 0.9), "max_ms": round(ordered[-1])}


def _percentile(ordered: list[float], fraction: float) -> int:
    """Nearest-rank percentile: always a value that was measured."""
    rank = max(1, -(-len(ordered) * fraction // 1))
    return round(ordered[int(rank) - 1])


def turn_duration_ms(turn) -> float | None:
    if turn.duration_ms is not None:
        return float(turn.duration_ms)
    start, end = parse_time(turn.started_at), parse_time(turn.ended_at)
    if start and end and end >= start:
        return (end - start).total_seconds() * 1000
    return None


def window_days(days: float | None, now: float, seen: list[str]) -> list[str]:
    """The calendar days of the window (every one, for charts), else just the days seen."""
    if days is None or days > MAX_FILLED_DAYS:
        return sorted(set(seen))
    end = datetime.fromtimestamp(now, timezone.utc).date()
    start = (datetime.fromtimestamp(now - days * 86400, timezone.utc)).date()
    result, day = [], start
    while day <= end:
        result.append(day.isoformat())
        day += timedelta(days=1)
    return sorted(set(result) | set(seen))


def compute_metrics(sessions: list[Session], *, days: float | None, now: float,
                    skills: dict[str, list[str]] | None = None,
                    prices: PriceTable | None = None) -> dict:
    """Every number of the report. `skills` maps a session's path to the skills it used;
    `prices`: the app's price table (bundled + config.toml overrides; None: bundled only)."""
    sessions = [s for s in sessions if not is_writer_session(s)]
    priced: list[tuple[Session, str | None, str]] = []
    skills = skills or {}
    tools: Counter = Counter()
    programs: Counter = Counter()
    failed_programs: Counter = Counter()
    errors: Counter = Counter()
    environmental = 0
    first_token: list[float] = []
    durations: list[float] = []
    day_tokens: dict[str, dict[str, int]] = {}
    model_tokens: Counter = Counter()
    repos: dict[str, dict] = {}
    skill_counts: Counter = Counter()
    active: set[str] = set()
    spans = []
    statuses: Counter = Counter()
    turns = commands = failed_commands = 0

    for s in sessions:
        statuses[s.status] += 1
        turns += len(s.turns)
        commands += len(s.commands)
        failed_commands += s.failed_commands
        tools.update(s.tool_calls)
        for c in s.commands:
            program = redact(program_of(c.command))
            programs[program] += 1
            if c.failed:
                failed_programs[program] += 1
        for f in s.failures:
            errors[f.kind] += 1
            environmental += f.environmental
        for t in s.turns:
            if t.first_token_ms is not None:
                first_token.append(float(t.first_token_ms))
            duration = turn_duration_ms(t)
            if duration is not None:
                durations.append(duration)
        start = parse_time(s.started_at)
        day = start.date().isoformat() if start else None
        model = s.model or "(unknown model)"
        if day:
            active.add(day)
            day_tokens.setdefault(day, {})
            day_tokens[day][model] = day_tokens[day].get(model, 0) + s.tokens.total
        model_tokens[model] += s.tokens.total
        priced.append((s, day, repo_name(s)))
        repo = repos.setdefault(repo_name(s), {"sessions": 0, "turns": 0, "tokens": 0, "failures": 0})
        repo["sessions"] += 1
        repo["turns"] += len(s.turns)
        repo["tokens"] += s.tokens.total
        repo["failures"] += len(s.failures)
        skill_counts.update(skills.get(s.path, []))
        span = session_span(s)
        if span:
            spans.append(span)

    filled = window_days(days, now, list(day_tokens))
    by_day = [{"day": d, "total": sum(day_tokens.get(d, {}).values()),
               "by_model": dict(sorted(day_tokens.get(d, {}).items()))} for d in filled]
    total_tokens = {k: sum(getattr(s.tokens, k) for s in sessions)
                    for k in ("input", "cached_input", "output", "reasoning", "total")}
    return {
        "window": {"days": days, "now": _iso(datetime.fromtimestamp(now, timezone.utc)),
                   "first_session": min((s.started_at for s in sessions if s.started_at), default=None),
                   "last_session": max((s.started_at for s in sessions if s.started_at), default=None)},
        "sessions": len(sessions),
        "turns": turns,
        "active_days": len(active),
        "statuses": _ranked(statuses),
        "tools": _ranked(tools),
        "commands": {"total": commands, "failed": failed_commands, "by_program": _ranked(programs),
                     "failed_by_program": _ranked(failed_programs)},
        "errors": {"total": sum(errors.values()), "environmental": environmental,
                   "by_kind": _ranked(errors)},
        "timing": {"first_token": timing_stats(first_token), "turn_duration": timing_stats(durations),
                   "turns_without_timing": turns - len(durations)},
        "parallel": parallel_use(spans),
        "tokens": {"total": total_tokens, "by_model": _ranked(model_tokens), "by_day": by_day},
        "cost": cost_metrics(priced, filled, prices or PriceTable()),
        "repos": dict(sorted(repos.items(), key=lambda kv: (-kv[1]["sessions"], kv[0]))),
        "skills": _ranked(skill_counts),
    }


def is_writer_session(session: Session) -> bool:
    """This report's own writer runs (Codex logs them too): left out of the metrics."""
    return is_writer_prompt(next((t.prompt for t in session.turns if t.prompt), ""))


def limitations(metrics: dict) -> list[str]:
    """What the data cannot support, measured rather than guessed (goes to metadata.limitations)."""
    notes = []
    n, days = metrics["sessions"], metrics["window"]["days"]
    span = f"the last {days:g} day(s)" if days is not None else "the sessions found"
    if n < 5:
        notes.append(f"Only {n} session(s) in {span}: patterns are tentative.")
    if metrics["active_days"] < 2:
        notes.append("Fewer than two active days: no day-to-day trend can be read.")
    if metrics["turns"] and metrics["timing"]["first_token"]["count"] == 0:
        notes.append("No turn records time to first token (older Codex releases do not log it).")
    elif metrics["timing"]["turns_without_timing"]:
        notes.append(f"{metrics['timing']['turns_without_timing']} of {metrics['turns']} turns have "
                     "no recorded duration (older Codex releases do not log it).")
    if n and metrics["tokens"]["total"]["total"] == 0:
        notes.append("No token usage was recorded.")
    if not metrics["skills"]:
        notes.append("No skill use was detected.")
    return notes


def _ranked(counter) -> dict:
    """Counts, largest first, ties by name: stable output for charts and tests."""
    return dict(sorted(((k, v) for k, v in dict(counter).items() if v), key=lambda kv: (-kv[1], kv[0])))


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
