"""The Sessions view's list: state, how long it has held, title, session id. Line API."""
from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip

from codex_tui import config
from codex_tui.sanitize import safe
from codex_tui.text import clip
from codex_tui.states import SessionState
from codex_tui.widgets.keyed_rows import KeyedRowList
from codex_tui.widgets.theme_colour import theme_colour

S = SessionState
STATE_CLASS = {S.WAITING_APPROVAL: "error", S.WAITING_TRUST: "warning", S.WAITING_INPUT: "accent",
               S.SILENT: "warning", S.EXITED_FAILED: "error", S.EXITED_OK: "muted",
               S.WORKING: "success", S.STARTING: "muted", S.WAITING_ANSWER: "error",
               S.BUSY: "success", S.WAITING_MODEL: "accent"}


NARROW = 34        # narrower than this, a row is glyph + name, then state and time below
GLYPH = "●"


def held(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class SessionList(KeyedRowList):
    """Two lines per session (rows are pty.hub.Row); posts Selected when the cursor moves."""

    DEFAULT_CSS = """
    SessionList { height: 1fr; }
    SessionList:focus { background-tint: $foreground 4%; }
    """

    class Selected(Message):
        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    def watch_cursor(self) -> None:
        super().watch_cursor()
        self.post_message(self.Selected(self.current.key if self.current else None))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        index, part = divmod(y, 2)
        if index >= len(self.rows):
            if y == 0:
                return Strip([Segment(" No sessions yet: n starts one", base + Style(dim=True))]
                             ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = self.rows[index]
        selected = index == self.cursor
        row_style = base + (self.get_component_rich_style("session-list--cursor")
                            if selected else Style())
        if part == 0:
            colour = theme_colour(self.app, STATE_CLASS.get(row.status.state, "foreground")) \
                if STATE_CLASS.get(row.status.state) != "muted" else None
            state_style = Style(color=colour, bold=True) if colour else Style(dim=True)
            now = self.now if self.now is not None else config.now()   # pinned in tests
            if width < NARROW:      # the pane keeps the room: the name first, the state below
                segments = [Segment(f" {GLYPH} ", row_style + state_style),
                            Segment(safe(row.title, newlines=False), row_style)]
            else:
                segments = [Segment(f" {row.status.label:<9}", row_style + state_style),
                            Segment(f"{held(row.status.held_for(now)):>7}  ", row_style),
                            Segment(safe(row.title, newlines=False), row_style)]
        elif width < NARROW:
            now = self.now if self.now is not None else config.now()   # pinned in tests
            segments = [Segment(f"   {row.status.label} {held(row.status.held_for(now))}",
                                row_style + Style(dim=True))]
        else:
            sid = row.session_id[:13] if row.session_id else ("(not Codex)" if not row.entry.is_codex
                                                               else "(no id yet)")
            detail = row.status.detail or row.entry.cwd
            segments = [Segment(f"   {sid}  ", row_style + Style(dim=True))]
            if row.place:        # a branch name is foreign text: through safe()
                segments.append(Segment(f"{safe(row.place, newlines=False)}  ", row_style))
            segments.append(Segment(safe(detail, newlines=False), row_style + Style(dim=True, italic=True)))
        return Strip(_clip_last(segments, width)).crop_extend(0, width, row_style)

    COMPONENT_CLASSES = {"session-list--cursor"}
    DEFAULT_CSS += """
    SessionList > .session-list--cursor { background: $primary 30%; }
    """


def _clip_last(segments: list[Segment], width: int) -> list[Segment]:
    """The row's last part (a title, a command) ends in `…` where the width runs out,
    instead of stopping mid-word at the edge."""
    used = sum(cell_len(seg.text) for seg in segments[:-1])
    last = segments[-1]
    room = width - used - 1                     # one blank column before the divider
    if room > 0 and cell_len(last.text) > room:
        segments[-1] = Segment(clip(last.text, room), last.style)
    return segments
