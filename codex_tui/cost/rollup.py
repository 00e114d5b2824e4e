"""Cost per session from its summary, and totals by day, week, month, repo, model or session.

A session's cost is its token totals at the price of its model (the summary's `model`, the
last one it used; a session that switched models is priced at that one: `cost --by turn`
prices each turn at its own model). A model with no known price counts its tokens and is
named in `unpriced`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from codex_tui.cost.prices import PriceTable, cost_usd

GROUPS = ("day", "week", "month", "repo", "model", "session")
TOKEN_KEYS = ("input", "cached_input", "output", "reasoning", "total")


def session_cost(summary: dict, table: PriceTable) -> float | None:
    """The session's dollars, or None when its model has no price (or it used no tokens and
    names no model)."""
    price = table.price(summary.get("model") or "")
    if price is None:
        return None
    return cost_usd(summary.get("tokens") or {}, price)


def no_price_note(model: str) -> str:
    return f"no price for {model or 'an unnamed model'}"


@dataclass
class Bucket:
    key: str
    sessions: int = 0
    cost_usd: float = 0.0
    tokens: dict = field(default_factory=lambda: dict.fromkeys(TOKEN_KEYS, 0))
    models: dict = field(default_factory=dict)       # model -> sessions
    unpriced: dict = field(default_factory=dict)     # model -> tokens with no price

    def add(self, summary: dict, cost: float | None) -> None:
        self.sessions += 1
        tokens = summary.get("tokens") or {}
        for k in TOKEN_KEYS:
            self.tokens[k] += int(tokens.get(k, 0) or 0)
        model = summary.get("model") or ""
        self.models[model] = self.models.get(model, 0) + 1
        if cost is None:
            if tokens.get("total"):
                self.unpriced[model] = self.unpriced.get(model, 0) + int(tokens.get("total", 0))
        else:
            self.cost_usd += cost

    def as_dict(self) -> dict:
        return {"key": self.key, "sessions": self.sessions, "cost_usd": round(self.cost_usd, 6),
                "tokens": self.tokens, "models": dict(sorted(self.models.items())),
                "unpriced": [{"model": m, "tokens": t, "note": no_price_note(m)}
                             for m, t in sorted(self.unpriced.items())]}


def group_key(summary: dict, by: str) -> str:
    if by == "session":
        return summary.get("id") or summary.get("path") or ""
    if by == "model":
        return summary.get("model") or "(none)"
    if by == "repo":
        return repo_of(summary)
    started = summary.get("started_at") or ""
    day = started[:10] or "(unknown)"
    if by == "day" or day == "(unknown)":
        return day
    if by == "month":
        return day[:7]
    moment = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    monday = moment - timedelta(days=moment.weekday())
    return monday.strftime("%Y-%m-%d")            # a week is named by its Monday (ISO weeks)


def repo_of(summary: dict) -> str:
    """The repo a session worked in: its cwd (Codex records the folder it ran in)."""
    cwd = summary.get("cwd") or "(unknown)"
    return cwd.rstrip("/") or "/"


def rollup(summaries: list[dict], by: str, table: PriceTable) -> dict:
    """`{"by", "rows": [...], "total": {...}, "prices_date"}` with rows sorted by key."""
    from codex_tui.cost.prices import PRICES_DATE

    if by not in GROUPS:
        raise ValueError(f"--by must be one of {', '.join(GROUPS)}")
    buckets: dict[str, Bucket] = {}
    total = Bucket("total")
    for s in summaries:
        cost = session_cost(s, table)
        key = group_key(s, by)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = Bucket(key)
        bucket.add(s, cost)
        total.add(s, cost)
    rows = [buckets[k].as_dict() for k in sorted(buckets)]
    if by == "session":
        started = {s.get("id") or s.get("path"): s for s in summaries}
        for row in rows:
            s = started.get(row["key"]) or {}
            row.update(started_at=s.get("started_at"), repo=repo_of(s), model=s.get("model") or "")
        rows.sort(key=lambda r: r.get("started_at") or "")
    return {"by": by, "rows": rows, "total": total.as_dict(), "prices_date": PRICES_DATE}
