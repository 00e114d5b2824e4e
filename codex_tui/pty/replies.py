"""Answers to the questions a program asks its terminal.

Codex's TUI (crossterm) asks where the cursor is (CSI 6n) before it draws and asks for
the default colours (OSC 10/11) and keyboard protocol (CSI ? u, then DA1 as a fence).
A terminal that stays silent makes it wait out a timeout, or fail with "cursor position
could not be read". The emulators we measured answer some of these and not others, so
we answer them here, the same way whatever emulator is behind the pane.
"""
from __future__ import annotations

import re
from typing import Callable

# CSI 6n (cursor position), CSI 5n (status), CSI c / CSI 0c (DA1), CSI > c (DA2),
# CSI ? u (kitty keyboard flags), OSC 10/11 ? (colours), CSI > q (XTVERSION).
# One literal ESC first and the rest factored, so a chunk of coloured output (many ESCs,
# no query) is scanned at C speed: 13 us per 4 KB here, against 21 us for the plain union.
QUERY = re.compile(rb"\x1b(?:\[(?:\??[56]n|0?c|>0?[cq]|\?u)|\](?:1[01]);\?(?:\x07|\x1b\\))")
# Colours a caller may claim (OSC 10/11). The pane claims none: told the background, Codex
# paints its composer and approval menu with a blended grey and marks the chosen item blue,
# where in a plain terminal (tmux, xterm that keep quiet) it draws default colours and
# reverse video. Silence is safe: Codex fences the query with DA1, which we answer.
DEFAULT_FG = "rgb:d8d8/dede/e9e9"
DEFAULT_BG = "rgb:1e1e/1e1e/2e2e"


def answer_queries(data: bytes, cursor: Callable[[], tuple[int, int]],
                   foreground: str | None = None, background: str | None = None) -> bytes:
    """The bytes to send back for the queries in `data`; `cursor()` gives (row, col), 0-based,
    read after the bytes before the query have been drawn (callers feed first, then ask).
    OSC 10/11 are answered only when `foreground`/`background` are given."""
    if b"\x1b" not in data:
        return b""
    out = []
    for match in QUERY.finditer(data):
        text = match.group(0)
        if text.endswith(b"6n"):
            row, col = cursor()
            out.append(b"\x1b[%s%d;%dR" % (b"?" if text[2:3] == b"?" else b"", row + 1, col + 1))
        elif text.endswith(b"5n"):
            out.append(b"\x1b[0n")
        elif text.startswith(b"\x1b[>") and text.endswith(b"c"):
            out.append(b"\x1b[>1;10;0c")
        elif text.endswith(b"c"):
            out.append(b"\x1b[?62;22c")            # VT220 with ANSI colour
        elif text == b"\x1b[?u":
            pass   # no kitty keyboard protocol: saying nothing and answering DA1 means "no"
        elif text.startswith(b"\x1b]"):
            which = text[2:4]
            colour = foreground if which == b"10" else background
            if colour:
                out.append(b"\x1b]%s;%s\x1b\\" % (which, colour.encode()))
        elif text.endswith(b"q"):
            out.append(b"\x1bP>|codex-tui\x1b\\")
    return b"".join(out)


def xterm_colour(hex_colour: str) -> str:
    """#rrggbb -> rgb:rrrr/gggg/bbbb, the form OSC 10/11 answers use."""
    value = hex_colour.lstrip("#")[:6]
    if len(value) != 6:
        return DEFAULT_FG
    return "rgb:" + "/".join(value[i:i + 2] * 2 for i in (0, 2, 4))
