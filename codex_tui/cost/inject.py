"""What `sessions --json` needs to splice `cost_usd` into cached summary bytes (its warm
fast path: no decode and re-encode of every summary): the model each one names."""
from __future__ import annotations

import re

import orjson

# The summary's top-level "model" key comes before any nested object that could hold a key of
# that name (index/summary.py's order), and a quote inside a JSON string is always escaped.
_MODEL = re.compile(rb'"model":"((?:[^"\\]|\\.)*)"')


def model_at(buffer: bytes, start: int, end: int) -> str:
    """The top-level model of the summary in `buffer[start:end]`, read without copying the
    slice ("" when it names none)."""
    found = _MODEL.search(buffer, start, end)
    return orjson.loads(b'"' + found.group(1) + b'"') if found else ""
