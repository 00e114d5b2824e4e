"""The one-line status bar above the footer that every view has. Status lines name paths,
repos and errors: plain text through `safe()`, never markup."""
from __future__ import annotations

from textual.widgets import Static

from codex_tui.sanitize import safe


def fit_parts(parts: list[str], width: int, sep: str = "  ·  ") -> str:
    """As many of `parts` as fit whole, in order, so a one-line bar never ends in a cut
    word: put what may give way (a host's note) last. 0 = the width is not known yet: all."""
    out: list[str] = []
    for part in parts:
        if width and out and len(sep.join([*out, part])) > width:
            break
        out.append(part)
    return sep.join(out)


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(safe(content, newlines=False), markup=False, **kwargs)

    def update(self, content: str = "", *, layout: bool = True) -> None:
        super().update(safe(content, newlines=False), layout=layout)
