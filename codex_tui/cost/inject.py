"""`cost_usd` spliced into cached summary bytes, so `sessions --json` keeps its warm fast path
(no decode and re-encode of every summary)."""
from __future__ import annotations

import re

import orjson

from codex_tui.cost.prices import PriceTable, cost_usd

# The summary's top-level "model" key comes before any nested object that could hold a key of
# that name (index/summary.py's order), and a quote inside a JSON string is always escaped.
_MODEL = re.compile(rb'"model":"((?:[^"\\]|\\.)*)"')


def model_of(data: bytes | memoryview) -> str:
    found = _MODEL.search(bytes(data))
    return orjson.loads(b'"' + found.group(1) + b'"') if found else ""


def model_at(buffer: bytes, start: int, end: int) -> str:
    """`model_of(buffer[start:end])` without copying the slice."""
    found = _MODEL.search(buffer, start, end)
    return orjson.loads(b'"' + found.group(1) + b'"') if found else ""


def cost_json(tokens: dict, model: str, table: PriceTable) -> bytes:
    price = table.price(model)
    return b"null" if price is None else orjson.dumps(round(cost_usd(tokens, price), 6))


def with_cost(data: bytes | memoryview, tokens: dict, table: PriceTable, model: str | None = None) -> bytes:
    """One summary's JSON object with `"cost_usd": X` (null: no price) as its last key;
    `model` when the caller has already read it."""
    raw = bytes(data).rstrip()
    return raw[:-1] + b',"cost_usd":' + cost_json(tokens, model_of(raw) if model is None else model,
                                                   table) + b"}"
