"""The Logs table's rows: one flat record per session, built from the index summaries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from codex_tui.index.summary import is_writer_prompt
from codex_tui.cost.prices import PriceTable
from codex_tui.cost.rollup import session_cost

STATUS_LABELS = {"completed": "ok", "in_progress": "live", "incomplete": "incomplete",
                 "failed": "failed", "aborted": "aborted", "empty": "empty"}


@dataclass(slots=True)
class LogRow:
    path: str
    id: str
    started: str          # ISO UTC, "" when unknown
    when: str             # what the table shows, local time
    cwd: str
    repo: str             # cwd, shortened
    prompt: str           # the first prompt on one line
    model: str
    version: str
    turns: int
    commands: int
    failed: int
    tokens: int
    status: str           # STATUS_LABELS value
    kinds: tuple[str, ...]   # failure kinds, most frequent first
    errors: int
    skills: tuple[str, ...]
    haystack: str         # lower-case text that free-text search matches
    problem: str | None = None   # the failure kind the row is coloured by; None when clean
    context_pct: int | None = None   # the latest request's tokens against the context window
    writer: bool = False  # codex-tui's own insight-report writer run: hidden unless `is:writer`
    cost: float | None = None        # USD at the app's prices (bundled + config); None: no price
    host: str = ""        # a [[hosts]] name: the rollout (path) is on that machine
    counted: bool = True  # False: turns, commands, tokens and cost are unknown (a daemon's thread/list)


def problem_of(kinds: tuple[str, ...], status: str) -> str | None:
    if kinds:
        return kinds[0]
    if status in ("failed", "aborted", "incomplete"):
        return status
    return None


def short_cwd(cwd: str, home: str | None = None) -> str:
    home = home if home is not None else str(Path.home())
    if home and (cwd == home or cwd.startswith(home + "/")):
        return "~" + cwd[len(home):]
    return cwd


def local_when(started: str, tz=None) -> str:
    if not started:
        return "?"
    try:
        moment = datetime.fromisoformat(started.replace("Z", "+00:00"))
    except ValueError:
        return started[:16]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def row_from_summary(summary: dict, prices: PriceTable, home: str | None = None, tz=None,
                     search: str = "") -> LogRow:
    """`prices`: the table every view prices with (cost.prices.table_from_settings: the bundled
    prices with config.toml's overrides). No default, so no caller can fall back to the
    bundled prices alone and show a cost that `codex-tui cost` would not."""
    kinds: dict[str, int] = {}
    for failure in summary.get("failures", ()):
        kinds[failure["kind"]] = kinds.get(failure["kind"], 0) + 1
    ordered = tuple(sorted(kinds, key=lambda k: (-kinds[k], k)))
    cwd = summary.get("cwd") or ""
    prompt = " ".join((summary.get("first_prompt") or "").split())
    started = summary.get("started_at") or ""
    status = STATUS_LABELS.get(summary.get("status", ""), summary.get("status", ""))
    return LogRow(
        path=summary["path"], id=summary.get("id") or "", started=started,
        when=local_when(started, tz), cwd=cwd, repo=short_cwd(cwd, home), prompt=prompt,
        model=summary.get("model") or "", version=summary.get("cli_version") or "",
        turns=summary.get("turns", 0), commands=summary.get("commands", 0),
        failed=summary.get("failed_commands", 0), tokens=(summary.get("tokens") or {}).get("total", 0),
        status=status, kinds=ordered, errors=len(summary.get("errors", ())),
        skills=tuple(summary.get("skills", ())),
        haystack=search or f"{cwd}\n{prompt}".lower(),
        problem=problem_of(ordered, status),
        context_pct=context_percent(summary),
        writer=is_writer_prompt(summary.get("first_prompt") or ""),
        cost=session_cost(summary, prices),
    )


def row_from_host(summary: dict, host: str, prices: PriceTable, counted: bool = True) -> LogRow:
    """A session of another machine (`codex-tui sessions --json` there, or its daemon's
    thread/list with fewer fields): the host's name leads the repo column, and search finds it."""
    from codex_tui.redact import redact

    summary = {**summary, "path": summary.get("path") or "", "cwd": redact(summary.get("cwd") or ""),
               "first_prompt": redact(summary.get("first_prompt") or "")}   # as the local index does
    row = row_from_summary(summary, home="", prices=prices)
    row.host, row.counted = host, counted
    row.repo = f"{host}:{row.repo}"
    row.haystack = f"{host}\n{row.haystack}"
    return row


def context_percent(summary: dict) -> int | None:
    window = summary.get("context_window")
    used = (summary.get("last_usage") or {}).get("total") or 0
    if not window or not used:
        return None
    return round(100 * used / window)


def format_cost(cost: float | None) -> str:
    """Whole cents, but never a cost that rounds to nothing shown as free: `<$0.01`."""
    if cost is None:
        return ""
    if 0 < cost < 0.005:
        return "<$0.01"
    return f"${cost:.2f}" if cost < 100 else f"${cost:,.0f}"


def cost_label(row: LogRow) -> str:
    """The cost as the detail view states it: dollars, "no price for MODEL" when the session
    used tokens at a model with no price, else nothing."""
    if row.cost is not None:
        if not row.cost:
            return "$0.00"    # no tokens spent: not "$0.0000", a precision that says nothing
        return f"${row.cost:.4f}" if row.cost < 1 else format_cost(row.cost)
    if row.tokens:
        from codex_tui.cost.rollup import no_price_note

        return no_price_note(row.model)
    return ""


def format_tokens(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 10_000:
        return f"{count // 1000}k"
    return str(count)
