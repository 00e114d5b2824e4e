"""Tokens and cost per turn, read from a rollout by this small reader of its own.

The index's summary holds a session's token totals only, and the rollout parser is not ours to
change, so this reads just the lines it needs: `session_meta` (a fork's replayed parent),
`turn_context` (the turn's model), `task_started` / `user_message` (a new turn) and
`token_count` (usage). Each token_count adds its `last_token_usage` when the running total
moved, the parser's rule, so the turns add up to the session's total.
"""
from __future__ import annotations

from dataclasses import dataclass, field


from codex_tui.cost.prices import PriceTable, cost_usd
from codex_tui.cost.rollup import TOKEN_KEYS, no_price_note
from codex_tui.rollout.reader import rollout_objects

_WANTED = (b'"session_meta"', b'"turn_context"', b'"task_started"', b'"user_message"',
           b'"token_count"')


@dataclass
class TurnCost:
    index: int
    model: str = ""
    started_at: str | None = None
    tokens: dict = field(default_factory=lambda: dict.fromkeys(TOKEN_KEYS, 0))

    def as_dict(self, table: PriceTable) -> dict:
        price = table.price(self.model)
        out = {"turn": self.index, "model": self.model, "started_at": self.started_at,
               "tokens": self.tokens,
               "cost_usd": None if price is None else round(cost_usd(self.tokens, price), 6)}
        if price is None and self.tokens["total"]:
            out["note"] = no_price_note(self.model)
        return out


def _usage(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {}
    names = {"input": "input_tokens", "cached_input": "cached_input_tokens",
             "output": "output_tokens", "reasoning": "reasoning_output_tokens",
             "total": "total_tokens"}
    result = {}
    for key, name in names.items():
        try:
            result[key] = int(raw.get(name) or 0)
        except (TypeError, ValueError):
            result[key] = 0
    return result


def turn_costs(path: str) -> list[TurnCost]:
    turns: list[TurnCost] = []
    session_id = started = None
    replaying = task_events = False
    model = ""
    prev_total = None
    for obj in rollout_objects(path, _WANTED):
        kind, p, ts = obj.get("type"), obj.get("payload"), obj.get("timestamp")
        if not isinstance(p, dict):
            continue
        if kind == "session_meta":
            meta_id = p.get("id") or p.get("session_id")
            if session_id and meta_id and meta_id != session_id:
                replaying = True           # the parent's history copied into a fork
            else:
                session_id = session_id or meta_id
                started = started or p.get("timestamp") or ts
            continue
        if replaying:
            if not (ts and started and ts > started):
                continue
            replaying = False
        if kind == "turn_context":
            model = str(p.get("model") or model)
            if turns and not turns[-1].model:
                turns[-1].model = model
            continue
        if kind != "event_msg":
            continue
        event = p.get("type")
        if event == "task_started" or (event == "user_message" and not task_events):
            task_events = task_events or event == "task_started"
            turns.append(TurnCost(len(turns), model, ts))
        elif event == "token_count":
            info = p.get("info")
            if not isinstance(info, dict):
                continue
            total, last = _usage(info.get("total_token_usage")), _usage(info.get("last_token_usage"))
            if not (total["total"] or total["input"] or last["total"]):
                continue
            if total == prev_total:
                continue
            prev_total = total
            if not turns:
                turns.append(TurnCost(0, model, ts))
            for key in TOKEN_KEYS:
                turns[-1].tokens[key] += last[key]
    return turns
