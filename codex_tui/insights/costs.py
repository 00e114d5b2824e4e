"""The report's cost section: dollars by day, model and repo, at the same prices as every other
view (cost.prices.table_from_settings: the bundled table with config.toml's overrides).

A session is priced as `codex-tui cost` prices it (cost.rollup.session_cost: its token totals
at its model's price). A model with no price adds its tokens and is named in `unpriced` with
"no price for MODEL"; its dollars are not guessed.
"""
from __future__ import annotations

from codex_tui.cost.prices import PRICES_DATE, PriceTable
from codex_tui.cost.rollup import Bucket, no_price_note, session_cost
from codex_tui.rollout.model import Session

UNKNOWN_MODEL = "(unknown model)"


def cost_metrics(rows: list[tuple[Session, str | None, str]], days: list[str],
                 prices: PriceTable) -> dict:
    """`rows`: (session, its UTC day or None, its repo name). `days`: the window's days, in
    order (the by_day list has one entry for each, zeros included, like tokens.by_day)."""
    by_day: dict[str, Bucket] = {}
    by_model: dict[str, Bucket] = {}
    by_repo: dict[str, Bucket] = {}
    total = Bucket("total")
    for session, day, repo in rows:
        summary = {"model": session.model or "", "tokens": session.tokens.as_dict()}
        cost = session_cost(summary, prices)
        total.add(summary, cost)
        if day:
            _bucket(by_day, day).add(summary, cost)
        _bucket(by_model, session.model or UNKNOWN_MODEL).add(summary, cost)
        _bucket(by_repo, repo).add(summary, cost)
    return {
        "prices_date": PRICES_DATE,
        "total_usd": round(total.cost_usd, 6),
        "tokens": total.tokens["total"],
        "by_day": [_day(d, by_day.get(d)) for d in sorted(set(days) | set(by_day))],
        "by_model": _ranked([_model(b, prices) for b in by_model.values() if b.tokens["total"]]),
        "by_repo": _ranked([_repo(b) for b in by_repo.values() if b.tokens["total"]]),
        "unpriced": total.as_dict()["unpriced"],
    }


def usd(value: float) -> str:
    """Dollars as the views print them: cents, or four places below a cent so a cheap session
    does not read as free."""
    if value and abs(value) < 0.01:
        return f"${value:.4f}"
    return f"${value:,.2f}"


def _bucket(buckets: dict[str, Bucket], key: str) -> Bucket:
    found = buckets.get(key)
    if found is None:
        found = buckets[key] = Bucket(key)
    return found


def _day(day: str, bucket: Bucket | None) -> dict:
    if bucket is None:
        return {"day": day, "cost_usd": 0.0, "sessions": 0, "tokens": 0}
    return {"day": day, "cost_usd": round(bucket.cost_usd, 6), "sessions": bucket.sessions,
            "tokens": bucket.tokens["total"]}


def _model(bucket: Bucket, prices: PriceTable) -> dict:
    model = "" if bucket.key == UNKNOWN_MODEL else bucket.key
    row = {"model": bucket.key, "sessions": bucket.sessions, "tokens": bucket.tokens["total"],
           "cost_usd": round(bucket.cost_usd, 6)}
    if prices.price(model) is None:
        row.update(cost_usd=None, note=no_price_note(model))
    return row


def _repo(bucket: Bucket) -> dict:
    unpriced = sum(bucket.unpriced.values())
    return {"repo": bucket.key, "sessions": bucket.sessions, "tokens": bucket.tokens["total"],
            "cost_usd": round(bucket.cost_usd, 6), "unpriced_tokens": unpriced}


def _ranked(rows: list[dict]) -> list[dict]:
    """Dearest first; unpriced rows (cost None) after the priced ones, by tokens; ties by name."""
    return sorted(rows, key=lambda r: (r["cost_usd"] is None, -(r["cost_usd"] or 0),
                                       -r["tokens"], r.get("model") or r.get("repo") or ""))
