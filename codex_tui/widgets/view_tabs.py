"""The row of views at the top of every screen: a number key or a click switches."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from codex_tui.sanitize import safe

VIEWS = (  # (mode name, key, title)
    ("sessions", "1", "Sessions"),
    ("logs", "2", "Logs"),
    ("jobs", "3", "Jobs"),
    ("insights", "4", "Insights"),
    ("governance", "5", "Governance"),
)


class ViewTabs(Static):
    DEFAULT_CSS = """
    ViewTabs { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str, note: str = "") -> None:
        super().__init__(self._content(current, note))

    @staticmethod
    def _content(current: str, note: str) -> Content:
        parts = [Content.styled(" codex-tui ", "bold")]
        for name, key, title in VIEWS:
            style = "reverse bold" if name == current else ""
            parts.append(Content.from_markup(f"[{style} @click=app.view('{name}')] {key} {title} [/]"
                                             if style else f"[@click=app.view('{name}')] {key} {title} [/]"))
            parts.append(Content(" "))
        if note:
            parts.append(Content(f"  {safe(note, newlines=False)}"))   # a repo path: foreign
        return Content("").join(parts)
