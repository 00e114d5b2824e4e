"""`codex-tui watch`'s list: one line per Codex tmux session, made for 30 to 60 columns.

    ● repo-name       approval  3m  72%
glyph, name (the cwd's folder), state, time in state, context used. Line API.
"""
from __future__ import annotations

import time

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from codex_tui.sanitize import safe
from codex_tui.states import SessionState
from codex_tui.text import clip
from codex_tui.widgets.keyed_rows import KeyedRowList
from codex_tui.widgets.theme_colour import theme_colour
from codex_tui.widgets.session_list import STATE_CLASS, held

S = SessionState
GLYPHS = {S.WAITING_APPROVAL: "!", S.WAITING_TRUST: "?", S.WAITING_INPUT: "›", S.SILENT: "…",
          S.WORKING: "●", S.STARTING: "○", S.EXITED_OK: "✓", S.EXITED_FAILED: "✗",
          S.WAITING_ANSWER: "?", S.BUSY: "◆", S.WAITING_MODEL: "◌"}


def row_parts(row, now: float, width: int) -> tuple[str, str, str, str, str]:
    """(glyph, name, state, held, context) cut to fit `width`."""
    context = f"{row.context}%" if row.context is not None else "-"
    state, spent = row.status.label, held(row.status.held_for(now))
    name_width = max(4, width - 2 - 10 - 7 - 5)
    shown = safe(row.name, newlines=False)     # a folder or agent name: foreign text
    name = clip(shown, name_width)
    return (GLYPHS.get(row.status.state, "·"), name.ljust(name_width), f"{state[:9]:<9}",
            f"{spent:>6}", f"{context:>5}")


class WatchList(KeyedRowList):
    DEFAULT_CSS = """
    WatchList { height: 1fr; }
    WatchList > .watch-list--cursor { background: $primary 30%; }
    """
    COMPONENT_CLASSES = {"watch-list--cursor"}

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if y >= len(self.rows):
            if y == 0:
                return Strip([Segment(" No Codex in any tmux pane", base + Style(dim=True))]
                             ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = self.rows[y]
        style = base + (self.get_component_rich_style("watch-list--cursor") if y == self.cursor else Style())
        colour_name = STATE_CLASS.get(row.status.state, "foreground")
        colour = None if colour_name == "muted" else theme_colour(self.app, colour_name)
        state_style = Style(color=colour, bold=True) if colour else Style(dim=True)
        now = self.now if self.now is not None else time.time()
        glyph, name, state, spent, context = row_parts(row, now, width)
        segments = [Segment(f" {glyph} ", style + state_style), Segment(name, style),
                    Segment(f" {state}", style + state_style), Segment(spent, style + Style(dim=True)),
                    Segment(context, style)]
        return Strip(segments).crop_extend(0, width, style)
