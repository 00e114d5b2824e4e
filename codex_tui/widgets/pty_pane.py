"""A live terminal pane: draws one LiveSession's screen with the line API.

Only rows the emulator reports dirty are redrawn (Strips are cached per row until then).
The pump parses in time-boxed slices and calls `session_changed`; this widget then
redraws at most every `FRAME_S`, so a flood of output never floods the event loop.
Keys go to the program through `codex_tui.pty.keys`; ctrl+] gives focus back.
"""
from __future__ import annotations

import asyncio
import time
from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from codex_tui.pty import emulator as E
from codex_tui.pty.keys import encode_key, encode_paste
from codex_tui.pty.live import LiveSession

FRAME_S = 1 / 30
LEAVE_KEY = "ctrl+right_square_bracket"


@lru_cache(maxsize=4096)
def rich_style(pen: E.Pen) -> Style:
    def colour(value):
        if value is None:
            return None
        if isinstance(value, int):
            return Color.from_ansi(value)
        return Color.from_rgb(*value)

    flags = pen.flags
    return Style(color=colour(pen.fg), bgcolor=colour(pen.bg), bold=bool(flags & E.BOLD) or None,
                 dim=bool(flags & E.DIM) or None, italic=bool(flags & E.ITALIC) or None,
                 underline=bool(flags & E.UNDERLINE) or None, reverse=bool(flags & E.REVERSE) or None,
                 strike=bool(flags & E.STRIKE) or None, conceal=bool(flags & E.CONCEAL) or None)


class PtyPane(Widget, can_focus=True):
    DEFAULT_CSS = """
    PtyPane { height: 1fr; width: 1fr; background: $background; }
    PtyPane:focus { border-left: thick $accent; }
    """
    BINDINGS = [Binding(LEAVE_KEY, "leave", "Leave the pane (ctrl+])", show=True)]

    class Left(Message):
        """Focus left the pane by the escape key."""

    def __init__(self, session: LiveSession | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self._strips: dict[int, Strip] = {}
        self._seen_generation = -1
        self._last_cursor: tuple[int, int] | None = None
        self._frame_pending = False
        self._last_frame = 0.0
        self._base_style: Style | None = None

    # ---- session --------------------------------------------------------------------------
    def show(self, session: LiveSession | None) -> None:
        self.session = session
        self._strips.clear()
        self._seen_generation = -1
        self._last_cursor = None
        self._fit()
        self.update_from_session()       # a frame of this session's screen as it is now
        self.refresh()

    def session_changed(self, session) -> None:
        """The pump parsed output of `session`: draw it, at most once per FRAME_S (no timer
        runs while the pane is quiet, so idle panes cost nothing)."""
        if session is not self.session or self._frame_pending:
            return
        self._frame_pending = True
        delay = max(0.0, self._last_frame + FRAME_S - time.monotonic())
        asyncio.get_running_loop().call_later(delay, self._frame)

    def _frame(self) -> None:
        self._frame_pending = False
        self._last_frame = time.monotonic()
        if self.is_mounted:
            self.update_from_session()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        if self.session is not None and self.size.width > 0 and self.size.height > 0:
            self.session.resize(self.size.width, self.size.height)
            self._strips.clear()

    def update_from_session(self) -> None:
        """Redraw the rows that changed since the last frame (called on a timer)."""
        session = self.session
        if session is None or session.generation == self._seen_generation:
            return
        with session.lock:
            self._seen_generation = session.generation
            dirty = session.emulator.take_dirty()
            cursor = session.emulator.cursor()
        if self._last_cursor and self._last_cursor != cursor:
            dirty.add(self._last_cursor[0])
        dirty.add(cursor[0])
        self._last_cursor = cursor
        width = self.size.width
        self._base_style = None
        for row in dirty:
            self._strips.pop(row, None)
            self.refresh(Region(0, row, width, 1))

    # ---- drawing --------------------------------------------------------------------------
    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._build(y, width)
        return strip

    def _build(self, y: int, width: int) -> Strip:
        session = self.session
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style   # costly to compute: once per frame
        if session is None:
            return Strip.blank(width, base)
        with session.lock:
            runs = session.emulator.runs(y)
            # the cursor of the frame being drawn (update_from_session), as runs() may be
            cursor_row, cursor_col = self._last_cursor or session.emulator.cursor()
            show_cursor = self.has_focus and session.emulator.cursor_visible and y == cursor_row
        segments = [Segment(text, base + rich_style(pen)) for text, pen in runs]
        if show_cursor:
            segments = _with_cursor(segments, cursor_col)
        return Strip(segments).crop_extend(0, width, base)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._strips.clear()

    def watch_has_focus(self, _value: bool) -> None:
        if self._last_cursor:
            self._strips.pop(self._last_cursor[0], None)
            self.refresh()

    # ---- input ----------------------------------------------------------------------------
    async def on_key(self, event: events.Key) -> None:
        if self.session is None or event.key == LEAVE_KEY:
            return
        if not self.session.pty.alive():    # nothing reads keys any more: back to the list
            event.stop()
            event.prevent_default()
            self.notify("The program in this pane has ended: back to the list", timeout=3)
            self.post_message(self.Left())
            return
        with self.session.lock:
            app_cursor = self.session.emulator.app_cursor_keys
        data = encode_key(event.key, event.character, app_cursor=app_cursor)
        if data is None and event.character and event.is_printable:
            data = event.character.encode()
        if data is None:
            return
        event.stop()
        event.prevent_default()
        self.session.send(data)

    def on_paste(self, event: events.Paste) -> None:
        if self.session is None:
            return
        event.stop()
        with self.session.lock:
            bracketed = self.session.emulator.bracketed_paste
        self.session.send(encode_paste(event.text, bracketed=bracketed))

    def action_leave(self) -> None:
        self.post_message(self.Left())


def _with_cursor(segments: list[Segment], col: int) -> list[Segment]:
    out, x = [], 0
    placed = False
    for seg in segments:
        n = len(seg.text)
        if not placed and x <= col < x + n:
            i = col - x
            text, style = seg.text, seg.style
            if i:
                out.append(Segment(text[:i], style))
            out.append(Segment(text[i], (style or Style()) + Style(reverse=True)))
            if text[i + 1:]:
                out.append(Segment(text[i + 1:], style))
            placed = True
        else:
            out.append(seg)
        x += n
    if not placed:
        out.append(Segment(" " * max(0, col - x) + " ", Style(reverse=True)))
    return out
