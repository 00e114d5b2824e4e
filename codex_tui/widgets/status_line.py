"""The status bar above the footer that every view has: one line, or up to three when a
narrow terminal would cut it (it wraps between words, never inside one). Status lines name
paths, repos and errors: plain text through `safe()`, never markup."""
from __future__ import annotations

from textual.widgets import Static

from codex_tui.sanitize import safe


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(safe(content, newlines=False), markup=False, **kwargs)

    def update(self, content: str = "", *, layout: bool = True) -> None:
        super().update(safe(content, newlines=False), layout=layout)
