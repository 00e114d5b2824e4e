"""The status bar above the footer that every view has: one line, or up to three when a
narrow terminal would cut it (it wraps between words, never inside one). Status lines name
paths, repos and errors: plain text through `safe()`, never markup."""
from __future__ import annotations

from textual.widgets import Static

from codex_tui.sanitize import safe


MAX_LINES = 3     # the bar grows to this many lines on a narrow terminal, then drops parts


def fit_parts(parts: list, width: int, sep: str = "  ·  ", lines: int = MAX_LINES) -> str:
    """The parts that fit whole in `lines` lines of `width` (wrapped between words, as the
    bar wraps), in order, so the bar never ends in a cut word. A part may be a tuple of ever
    shorter forms (the first that fits is taken); one that does not fit in any form is left
    out. 0 = the width is not known yet: every part, longest form."""
    import textwrap

    def fits(text: str) -> bool:
        return not width or len(textwrap.wrap(text, width, break_long_words=False)) <= lines

    out: list[str] = []
    for part in parts:
        forms = part if isinstance(part, tuple) else (part,)
        fitting = [f for f in forms if not out or fits(sep.join([*out, f]))]
        if fitting:
            out.append(fitting[0])
    return sep.join(out)


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(safe(content, newlines=False), markup=False, **kwargs)

    def update(self, content: str = "", *, layout: bool = True) -> None:
        super().update(safe(content, newlines=False), layout=layout)
