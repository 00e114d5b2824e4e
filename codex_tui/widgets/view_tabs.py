"""The row of views at the top of every screen: a number key or a click switches."""
from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from codex_tui.sanitize import safe
from codex_tui.text import clip
from codex_tui.views import VIEWS

class ViewTabs(Static):
    DEFAULT_CSS = """
    ViewTabs { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, current: str, note: str = "") -> None:
        self.current, self.note = current, note
        super().__init__(self._content(current, note))

    def on_resize(self) -> None:
        self.update(self._content(self.current, self.note, self.size.width))

    @staticmethod
    def _content(current: str, note: str, width: int = 0) -> Content:
        """The tabs, then the note (a breadcrumb) in what room is left: a path keeps its
        end (`…fixture/work`), and a note with no room for a word is left out."""
        parts = [Content.styled(" codex-tui ", "bold")]
        for view in VIEWS:
            style = "reverse bold" if view.name == current else ""
            label = f"[@click=app.view('{view.name}')] {view.key} {view.title} [/]"
            parts.append(Content.from_markup(f"[{style} @click=app.view('{view.name}')] {view.key} "
                                             f"{view.title} [/]" if style else label))
            parts.append(Content(" "))
        tabs = Content("").join(parts)
        if note:
            text = safe(note, newlines=False)                    # a repo path: foreign
            room = width - tabs.cell_length - 2 if width else len(text)
            head, _, rest = text.partition("› ")
            if len(text) > room and "/" in rest and room >= 12:   # a path: its end names the repo
                text = head + "› " + clip(rest, room - len(head) - 2, keep_end=True)
            if len(text) <= room:                                  # else whole or not at all
                tabs = Content("").join([tabs, Content("  " + text)])
        return tabs
