"""The status bar above the footer that every view has: one line, or up to three when a
narrow terminal would cut it (it wraps between words, never inside one). Status lines name
paths, repos and errors: plain text through `safe()`, never markup."""
from __future__ import annotations

from textual.widgets import Static

from codex_tui.sanitize import safe
from codex_tui.text import has_wide


MAX_LINES = 3     # the bar grows to this many lines on a narrow terminal, then drops parts


def fit_parts(parts: list, width: int, sep: str = "  ·  ", lines: int = MAX_LINES) -> str:
    """The parts that fit whole in `lines` lines of `width` (wrapped between words, as the
    bar wraps), in order, so the bar never ends in a cut word. A part may be a tuple of ever
    shorter forms (the first that fits is taken); one that does not fit in any form is left
    out. 0 = the width is not known yet: every part, longest form."""
    def fits(text: str) -> bool:
        return not width or lines_needed(text, width) <= lines

    out: list[str] = []
    for part in parts:
        forms = part if isinstance(part, tuple) else (part,)
        fitting = [f for f in forms if not out or fits(sep.join([*out, f]))]
        if fitting:
            out.append(fitting[0])
    return sep.join(out)


def lines_needed(text: str, width: int) -> int:
    """The lines `text` takes wrapped between words at `width`: as textwrap counts them
    where every character takes one cell, and by cells where one takes two (a CJK or emoji
    character, which a path or branch name may hold), a word wider than the line folded."""
    if not has_wide(text):
        import textwrap

        return len(textwrap.wrap(text, width, break_long_words=False))
    from rich.cells import cell_len

    count, used = 1, 0
    for word in text.split(" "):
        size = cell_len(word)
        if used and used + 1 + size > width:
            count, used = count + 1, 0
        used += size + (1 if used else 0)
        if used > width:                 # folded: it goes on over the next lines
            count += (used - 1) // width
            used = (used - 1) % width + 1
    return count


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(safe(content, newlines=False), markup=False, **kwargs)

    def update(self, content: str = "", *, layout: bool = True) -> None:
        super().update(safe(content, newlines=False), layout=layout)
