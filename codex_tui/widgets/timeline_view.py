"""A session's timeline drawn with the line API: only visible lines are rendered, and each
rendered line is kept in an LRU cache of Strips, so a 100 MB session scrolls smoothly."""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from codex_tui.widgets.line_cursor import CURSOR_BINDINGS, LineCursor
from codex_tui.browse.timeline import Line, Timeline


class TimelineView(LineCursor, ScrollView, can_focus=True):
    BINDINGS = [
        *CURSOR_BINDINGS,
        Binding("n", "failure(1)", "Next failure"),
        Binding("N", "failure(-1)", "Prev failure"),
        Binding("o", "toggle_fold", "Fold/unfold"),
        Binding("O", "toggle_all", "All output"),
    ]
    COMPONENT_CLASSES = {f"timeline--{k}" for k in
                         ("header", "turn", "prompt", "agent", "command", "output", "failure",
                          "error", "cursor", "failed-command")}
    DEFAULT_CSS = """
    TimelineView { height: 1fr; overflow-x: hidden; }
    TimelineView > .timeline--header { color: $text-muted; }
    TimelineView > .timeline--turn { color: $primary; text-style: bold; }
    TimelineView > .timeline--prompt { color: $text; text-style: bold; }
    TimelineView > .timeline--agent { color: $secondary; }
    TimelineView > .timeline--command { color: $text; }
    TimelineView > .timeline--failed-command { color: $error; text-style: bold; }
    TimelineView > .timeline--output { color: $text-muted; }
    TimelineView > .timeline--failure { color: $error; }
    TimelineView > .timeline--error { color: $warning; }
    TimelineView > .timeline--cursor { background: $primary 15%; }
    TimelineView:focus > .timeline--cursor { background: $primary 30%; }
    """

    cursor = reactive(0, repaint=False)

    class Moved(Message):
        """The cursor moved; the screen shows where it is."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.timeline = Timeline()
        self.lines: list[Line] = []
        self.expanded: set[int] = set()
        self._cache: LRUCache[tuple, Strip] = LRUCache(2048)
        self._laid_out_width = 0
        self.failure_lines: list[int] = []   # line numbers where failure navigation stops

    def show(self, timeline: Timeline, lines: list[Line] | None = None, width: int = 0) -> None:
        """Show `timeline`; `lines` may be laid out already (in a worker) for `width`."""
        self.timeline = timeline
        self.expanded = set()
        self._relayout(lines, width)

    def _relayout(self, lines: list[Line] | None = None, width: int = 0) -> None:
        anchor = self.lines[min(self.cursor, len(self.lines) - 1)].block if self.lines else None
        width = width or self.scrollable_content_region.width or self.size.width
        self.lines = lines if lines is not None else self.timeline.layout(width, self.expanded)
        self._laid_out_width = width
        self.failure_lines = [n for n, line in enumerate(self.lines) if line.failure]
        self._cache.clear()
        self.virtual_size = Size(0, len(self.lines))
        if anchor is not None:
            self.set_reactive(TimelineView.cursor,
                              next((n for n, l in enumerate(self.lines) if l.block == anchor), 0))
        self.refresh()
        self.post_message(self.Moved())     # the line count (and maybe the cursor) changed


    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if self.timeline.blocks and width != self._laid_out_width:
            self._relayout(width=width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        number = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if number >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        key = (number, width, number == self.cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            line = self.lines[number]
            kind = "failed-command" if line.kind == "command" and line.failure else line.kind
            base = self.rich_style
            if number == self.cursor:
                base = base + self.get_component_rich_style("timeline--cursor")
            full = self.get_component_rich_style(f"timeline--{kind}")
            style = base + Style(color=full.color, bold=full.bold, italic=full.italic)
            strip = Strip([Segment(line.text, style)]).crop_extend(0, width, base)
            self._cache[key] = strip
        return strip

    def line_count(self) -> int:
        return len(self.lines)

    def watch_cursor(self) -> None:
        top, height = int(self.scroll_y), max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Moved())

    def action_failure(self, direction: int) -> None:
        stops = self.failure_lines
        if not stops:
            self.notify("No failures in this session.", timeout=3)
            return
        if direction > 0:
            at = bisect_right(stops, self.cursor)
            target = stops[at] if at < len(stops) else stops[0]
        else:
            at = bisect_left(stops, self.cursor)
            target = stops[at - 1] if at > 0 else stops[-1]
        self.cursor = target
        # Show the failure with some context above it.
        self.scroll_to(y=max(0, target - 3), animate=False, immediate=True)

    def _cursor_on_screen(self) -> int:
        """Put the cursor on the top visible line if scrolling (wheel, scrollbar) left it off
        screen, so `o`/`O` act on what the user sees; the cursor's row on screen."""
        top, height = int(self.scroll_y), max(1, self.size.height)
        if not top <= self.cursor < top + height and self.lines:
            self.set_reactive(TimelineView.cursor, min(top, len(self.lines) - 1))
        return self.cursor - top

    def _keep_row(self, row: int) -> None:
        """After a fold changed the lines, show the cursor's line on the same screen row."""
        self.scroll_to(y=max(0, self.cursor - row), animate=False, immediate=True)
        self.refresh()

    def action_toggle_fold(self) -> None:
        if not self.lines:
            return
        row = self._cursor_on_screen()
        line = self.lines[self.cursor]
        fold = line.fold
        if fold is None:  # on a command line: fold its output, which follows it
            following = self.lines[self.cursor + 1] if self.cursor + 1 < len(self.lines) else None
            fold = following.fold if following is not None else None
        if fold is None:
            self.notify("Nothing to fold here: o folds a command's output (O all of them)",
                        timeout=3)
            return
        self.expanded.symmetric_difference_update({fold})
        self._relayout()
        self._keep_row(row)

    def action_toggle_all(self) -> None:
        row = self._cursor_on_screen() if self.lines else 0
        folds = {b.fold for b in self.timeline.blocks if b.fold is not None}
        if not folds:
            self.notify("Nothing to fold: no command output in this session is long enough",
                        timeout=3)
            return
        self.expanded = set() if self.expanded >= folds else folds
        self._relayout()
        self._keep_row(row)

    def on_click(self, event: events.Click) -> None:
        number = int(self.scroll_y) + event.y
        if 0 <= number < len(self.lines):
            self.cursor = number
            if event.chain >= 2:
                self.action_toggle_fold()
