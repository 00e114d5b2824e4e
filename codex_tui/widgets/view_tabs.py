"""The row of views at the top of every screen: a number key or a click switches."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from codex_tui.sanitize import safe
from codex_tui.views import VIEWS

class ViewTabs(Static):
    DEFAULT_CSS = """
    ViewTabs { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str, note: str = "") -> None:
        super().__init__(self._content(current, note))

    @staticmethod
    def _content(current: str, note: str) -> Content:
        parts = [Content.styled(" codex-tui ", "bold")]
        for view in VIEWS:
            style = "reverse bold" if view.name == current else ""
            label = f"[@click=app.view('{view.name}')] {view.key} {view.title} [/]"
            parts.append(Content.from_markup(f"[{style} @click=app.view('{view.name}')] {view.key} "
                                             f"{view.title} [/]" if style else label))
            parts.append(Content(" "))
        if note:
            parts.append(Content(f"  {safe(note, newlines=False)}"))   # a repo path: foreign
        return Content("").join(parts)
