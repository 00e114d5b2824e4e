"""Fitting text into a width: the one ellipsis helper."""
from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, width: int, *, keep_end: bool = False) -> str:
    """`text` in at most `width` characters, `…` where it was cut: at the end, or with
    `keep_end` at the start (a path's end names the file or repo). Cut text that must be
    redacted first: redact, then clip (a secret cut short is no longer recognised)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:max(width, 0)]
    return ELLIPSIS + text[len(text) - width + 1:] if keep_end else text[:width - 1] + ELLIPSIS
