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


def fold_path(path: str, width: int) -> list[str]:
    """`path` in lines of at most `width` characters, broken only after a `/` (so no folder
    name is cut in two), unless one name alone is wider than `width`."""
    if width < 1 or len(path) <= width:
        return [path]
    parts = [part + "/" for part in path.split("/")]
    parts[-1] = parts[-1][:-1]
    lines: list[str] = []
    line = ""
    for part in parts:
        if len(part) > width:             # one name wider than the column: fold it, no choice
            line += part
            while len(line) > width:
                lines.append(line[:width])
                line = line[width:]
            continue
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    if line:
        lines.append(line)
    return lines
