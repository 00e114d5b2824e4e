"""A footer that shows only the keys that fit whole. Textual's Footer lets the last keys run
off the edge, cut mid-word (`r Re▏`); this one keeps the bindings' order (the most useful
first) and leaves out the rest, which the help (`?`) and the palette (ctrl+p) still list."""
from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

GAP = 3          # a key's padding: " k description " plus the grid's gutter


def key_width(key: FooterKey) -> int:
    return len(key.key_display) + len(key.description) + GAP


class FittingFooter(Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._width = 0
        self.shown: list[str] = []      # the actions of the keys shown (tests read it)

    def compose(self) -> ComposeResult:
        width = self.size.width or self.app.size.width
        self._width = width
        widgets = list(super().compose())
        palette = [w for w in widgets if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        room = width - sum(key_width(p) - 1 for p in palette)     # docked right: no gutter
        kept = []
        for widget in widgets:
            if widget in palette:
                continue
            need = key_width(widget) if isinstance(widget, FooterKey) else len(str(widget.render()))
            if need > room:
                break                    # the rest would be cut: stop at the last whole key
            room -= need
            kept.append(widget)
        self.shown = [w.action for w in kept if isinstance(w, FooterKey)]
        self.styles.grid_size_columns = max(1, len(kept))
        yield from kept
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self.call_after_refresh(self.recompose)
