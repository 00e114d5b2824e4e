"""What a pane's cells look like once they leave an emulator engine: `Pen` tuples (fg, bg,
flags) of plain values, shared by every engine (emulator.py's bittty, ghostty.py) so that
no engine imports another."""
from __future__ import annotations

from typing import NamedTuple

Colour = int | tuple[int, int, int] | None     # None: default; int: 0-255 palette; tuple: RGB

BOLD, DIM, ITALIC, UNDERLINE, REVERSE, STRIKE, BLINK, CONCEAL = (1 << i for i in range(8))
SCROLLBACK_LINES = 5000


class Pen(NamedTuple):
    fg: Colour = None
    bg: Colour = None
    flags: int = 0


PLAIN = Pen()
