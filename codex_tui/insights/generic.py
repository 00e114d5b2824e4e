"""What the page and the view share when they draw a section whose JSON has an unexpected shape."""
from __future__ import annotations

import json

MAX_DEPTH = 6     # deeper than this, an object is shown as its JSON text
# Keys whose text reads as a heading, and keys whose text is the body: shown without a label.
HEAD_KEYS = ("title", "name", "headline", "situation")
PROSE_KEYS = ("summary", "description", "detail", "text", "body")
UNLABELLED = (*PROSE_KEYS, "items")   # a list or object under these keys needs no heading


def label(key) -> str:
    """`codex_side` -> `Codex side`."""
    words = str(key).replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or str(key)
    return text[:1].upper() + text[1:]


def plain(value) -> str:
    """A scalar (or a too-deep object) as text: `None` as empty, true/false as words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
