"""Cursor keys shared by the line-API lists (session table, timeline): one row highlighted,
moved by arrows, j/k, pages and ends."""
from __future__ import annotations

from textual.binding import Binding

CURSOR_BINDINGS = [
    Binding("up,k", "cursor(-1)", "Up", show=False),
    Binding("down,j", "cursor(1)", "Down", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown,space", "page(1)", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
]


class LineCursor:
    """Mixin for a widget with a `cursor` reactive over `line_count()` lines."""

    page_margin = 1   # lines of the viewport that are not list lines (a header)

    def line_count(self) -> int:
        raise NotImplementedError

    def action_cursor(self, delta: int) -> None:
        if self.line_count():
            self.cursor = max(0, min(self.line_count() - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - self.page_margin))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, self.line_count() - 1)
