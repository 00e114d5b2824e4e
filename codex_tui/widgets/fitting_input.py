"""An Input whose placeholder is the longest of its choices that fits its width, so a narrow
terminal shows a shorter hint instead of one cut mid-word."""
from __future__ import annotations

from textual.widgets import Input


class FittingInput(Input):
    def __init__(self, *placeholders: str, **kwargs) -> None:
        self.placeholders = sorted(placeholders, key=len, reverse=True)
        super().__init__(placeholder=self.placeholders[0], **kwargs)

    def on_resize(self) -> None:
        width = self.content_size.width - 1          # the cursor cell after the text
        self.placeholder = next((p for p in self.placeholders if len(p) <= width), self.placeholders[-1])
