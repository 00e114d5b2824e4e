"""A focusable line-API list of rows that each carry a `key`: the cursor stays on the same
key when the rows are replaced. Shared by the Sessions list and the watch list."""
from __future__ import annotations

from textual.binding import Binding
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget


class KeyedRowList(Widget, can_focus=True):
    BINDINGS = [Binding("up", "move(-1)", "Up", show=False),
                Binding("down", "move(1)", "Down", show=False)]
    cursor = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list = []
        self.now: float | None = None      # pinned by tests for stable pictures

    @property
    def current(self):
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show(self, rows: list, now: float | None = None, lines: list[int] | None = None) -> None:
        """Show `rows`; `lines` (same rows, only these lines changed) redraws just those."""
        key = self.current.key if self.current else None
        self.rows, self.now = rows, now
        keys = [r.key for r in rows]
        if key in keys:
            self.cursor = keys.index(key)
        elif rows:
            self.cursor = min(self.cursor, len(rows) - 1)
        if lines is None:
            self.refresh()
        else:
            self.refresh(*(Region(0, y, self.size.width, 1) for y in lines))

    def select_key(self, key: str) -> None:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i

    def watch_cursor(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
