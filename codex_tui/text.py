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


def has_wide(text: str) -> bool:
    """`text` holds a character of two cells (CJK, emoji): textwrap, which counts characters,
    would make its lines wider than the screen."""
    if text.isascii():
        return False
    from rich.cells import cell_len

    return cell_len(text) != len(text)


def wrap_cells(text: str, width: int, hang: str = "") -> list[str]:
    """`text` in lines of at most `width` terminal cells (a CJK character or an emoji takes
    two), broken at the last space that fits in the line's second half, else anywhere (CJK
    text runs without spaces, and may break between any two characters);
    lines after the first start with `hang`, and no line starts or ends with the space it
    was broken at. For text that is not all ASCII: textwrap counts characters, and a wide
    line would be cut off at the screen's edge."""
    from rich.cells import cell_len

    lines: list[str] = []
    line, used, start = "", 0, 0     # start: where the line's own text begins (after hang)
    for char in text:
        size = cell_len(char)
        while used + size > width and len(line) > start:
            cut = line.rfind(" ", start)
            if cut > start and cell_len(line[:cut]) * 2 >= width:
                lines.append(line[:cut].rstrip(" "))
                line = hang + line[cut + 1:]
            else:
                lines.append(line)
                line = hang
            start = len(hang)
            used = cell_len(line)
        if char == " " and len(line) == start and lines:
            continue                  # a space the line was broken at
        line += char
        used += size
    lines.append(line)
    return lines
