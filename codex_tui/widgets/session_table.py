"""The Logs view's session table: a line-API widget that draws only the visible rows.

Rows live in a plain list; `order` holds the indices shown (filtered and sorted), so
filtering 10,000 sessions touches no widgets at all. Drawn lines are kept in an LRU
cache of Strips keyed by row, width and cursor state.
"""
from __future__ import annotations

from dataclasses import dataclass

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

from codex_tui.text import clip
from codex_tui.widgets.line_cursor import CURSOR_BINDINGS, LineCursor
from codex_tui.browse.rows import LogRow, format_cost, format_tokens
from codex_tui.sanitize import safe

SEVERITY = {  # failure kind or status -> component class suffix
    "nonzero_exit": "error", "turn_error": "error", "command_not_found": "error",
    "stream_error": "error", "no_response": "error", "failed": "error", "missing_path": "warning",
    "timeout": "warning",
    "turn_aborted": "warning", "aborted": "warning", "incomplete": "warning",
    "sandbox_denied": "accent", "permission_denied": "accent",
}


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    width: int
    priority: int          # lower numbers are dropped last when the table is narrow
    right: bool = False


FOREIGN = ("repo", "prompt", "model", "version", "status")   # from rollouts: through safe()
DESCENDING = ("when", "failed", "tokens", "cost", "turns", "cmds", "ctx")  # biggest first when chosen

COLUMNS = (
    Column("when", "When", 16, 0),
    Column("repo", "Repo", 14, 1),
    Column("prompt", "First prompt", 17, 0),
    Column("model", "Model", 13, 6),
    Column("version", "Codex", 8, 5),
    Column("turns", "Turns", 5, 4, right=True),
    Column("cmds", "Cmds", 5, 4, right=True),
    Column("failed", "Fail", 4, 2, right=True),
    Column("tokens", "Tokens", 7, 3, right=True),
    Column("cost", "Cost", 6, 7, right=True),     # dropped first when the table is narrow
    Column("ctx", "Ctx", 4, 5, right=True),
    Column("status", "Status", 19, 0),    # "✗ command_not_found": the longest kind, whole
)


def fit_columns(width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width`, with their widths (repo and prompt share the rest)."""
    chosen = list(COLUMNS)
    while len(chosen) > 3 and sum(c.width + 1 for c in chosen) > width:
        drop = max((c for c in chosen if c.priority > 0), key=lambda c: c.priority, default=None)
        if drop is None:
            break
        chosen.remove(drop)
    spare = max(0, width - sum(c.width + 1 for c in chosen))
    status_extra = min(3, spare)   # room for "✗ command_not_found" first, when there is any
    spare -= status_extra
    has_repo = any(c.name == "repo" for c in chosen)
    result = []
    for column in chosen:
        extra = 0
        if column.name == "status":
            extra = status_extra
        elif column.name == "repo":
            extra = spare // 4
        elif column.name == "prompt":  # the prompt takes the rest
            extra = spare - (spare // 4 if has_repo else 0)
        result.append((column, column.width + extra))
    return result


UNCOUNTED = ("turns", "cmds", "failed", "tokens", "cost", "ctx", "status")


def cell_text(row: LogRow, name: str) -> str:
    if not row.counted and name in UNCOUNTED:
        return ""           # unknown, not zero (a host's daemon lists no counts)
    if name == "when":
        return row.when
    if name == "repo":
        return row.repo
    if name == "prompt":
        return row.prompt
    if name == "model":
        return row.model
    if name == "version":
        return row.version
    if name == "turns":
        return str(row.turns)
    if name == "cmds":
        return str(row.commands)
    if name == "failed":
        return str(row.failed) if row.failed else ""
    if name == "tokens":
        return format_tokens(row.tokens)
    if name == "cost":
        return format_cost(row.cost)
    if name == "ctx":
        return f"{row.context_pct}%" if row.context_pct is not None else ""
    problem = row.problem
    if problem and problem not in (row.status,):
        more = len(row.kinds) - 1
        return f"✗ {problem}" + (f" +{more}" if more > 0 else "")
    return {"live": "● live", "ok": "ok"}.get(row.status, row.status)


def _fit(text: str, width: int, right: bool, keep_end: bool = False) -> str:
    if len(text) > width:
        return clip(text, width, keep_end=keep_end)    # paths keep their end: it names the repo
    return text.rjust(width) if right else text.ljust(width)


def _host_path(text: str, prefix: int, width: int) -> str:
    """`devbox:/far/long/path` clipped in its path, so the host's name stays in view."""
    if len(text) <= width or width < prefix + 4:
        return _fit(text, width, False)
    return text[:prefix] + clip(text[prefix:], width - prefix, keep_end=True)


class SessionTable(LineCursor, ScrollView, can_focus=True):
    """Sessions as rows; `enter` or a double click opens one."""

    BINDINGS = [
        *CURSOR_BINDINGS,
        Binding("enter", "open", "Open"),
        Binding("s", "sort_next", "Sort"),
        Binding("S", "sort_reverse", "Reverse"),
    ]
    COMPONENT_CLASSES = {
        "session-table--header", "session-table--header-sorted", "session-table--cursor",
        "session-table--error", "session-table--warning", "session-table--accent",
        "session-table--live", "session-table--dim",
    }
    DEFAULT_CSS = """
    SessionTable { height: 1fr; overflow-x: hidden; }
    SessionTable > .session-table--header { text-style: bold; background: $panel; }
    SessionTable > .session-table--header-sorted { text-style: bold underline; background: $panel; color: $accent; }
    SessionTable > .session-table--cursor { background: $block-cursor-blurred-background; }
    SessionTable:focus > .session-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    SessionTable > .session-table--error { color: $error; }
    SessionTable > .session-table--warning { color: $warning; }
    SessionTable > .session-table--accent { color: $accent; }
    SessionTable > .session-table--live { color: $success; text-style: bold; }
    SessionTable > .session-table--dim { color: $text-muted; }
    """

    cursor = reactive(0, repaint=False)
    page_margin = 2
    sort_column = reactive("when", repaint=False)
    sort_reverse = reactive(True, repaint=False)

    class Opened(Message):
        def __init__(self, row: LogRow) -> None:
            super().__init__()
            self.row = row

    class CursorMoved(Message):
        """The highlighted session changed (other views follow it)."""

    class SortRequested(Message):
        def __init__(self, column: str, reverse: bool) -> None:
            super().__init__()
            self.column = column
            self.reverse = reverse

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[LogRow] = []
        self.order: list[int] = []
        self._cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = 0

    # ---- data ----------------------------------------------------------------------------
    def show(self, rows: list[LogRow], order: list[int], keep_path: str | None = None) -> None:
        """Show `order` (indices into `rows`); keep the cursor on `keep_path` if still shown."""
        self.rows, self.order = rows, order
        self._cache.clear()
        position = 0
        if keep_path is not None:
            position = next((n for n, i in enumerate(order) if rows[i].path == keep_path), 0)
        self.virtual_size = Size(0, len(order) + 1)
        self.set_reactive(SessionTable.cursor, min(position, max(0, len(order) - 1)))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CursorMoved())

    @property
    def current(self) -> LogRow | None:
        if not self.order:
            return None
        return self.rows[self.order[min(self.cursor, len(self.order) - 1)]]

    # ---- drawing -------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._layout = []   # refitted on the next render, to the width left beside the scrollbar

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self._layout or self._layout_width != width:
            self._layout, self._layout_width = fit_columns(width), width
            self._cache.clear()
        if y == 0:
            return self._header(width)
        position = int(self.scroll_y) + y - 1
        if position >= len(self.order):
            return Strip.blank(width, self.rich_style)
        index = self.order[position]
        key = (index, width, position == self.cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._row_strip(self.rows[index], position == self.cursor, width)
            self._cache[key] = strip
        return strip

    def _header(self, width: int) -> Strip:
        plain = self.get_component_rich_style("session-table--header")
        sorted_style = self.get_component_rich_style("session-table--header-sorted")
        segments = []
        for column, size in self._layout:
            title = column.title
            style = plain
            if column.name == self.sort_column:
                title += " ↓" if self.sort_reverse else " ↑"
                style = sorted_style
            segments.append(Segment(_fit(title, size, column.right), style))
            segments.append(Segment(" ", plain))
        return Strip(segments).adjust_cell_length(width, plain)

    def _row_strip(self, row: LogRow, is_cursor: bool, width: int) -> Strip:
        base = self.rich_style
        if is_cursor:
            base = base + self.get_component_rich_style("session-table--cursor")
        severity = SEVERITY.get(row.problem or "")
        if severity is None and row.status == "live":
            severity = "live"
        mark = self._foreground(f"session-table--{severity}") if severity else Style()
        dim = self._foreground("session-table--dim")
        if is_cursor:      # the cursor's own colours only: red, yellow or grey on its blue is unreadable
            mark, dim = Style(bold=True) if severity else Style(), Style()
        segments = []
        for column, size in self._layout:
            style = base
            if column.name in ("status", "failed") and severity:
                style = base + mark
            elif column.name == "ctx" and row.context_pct is not None and row.context_pct >= 70 \
                    and not is_cursor:
                level = "error" if row.context_pct >= 85 else "warning"
                style = base + self._foreground(f"session-table--{level}")
            elif column.name in ("model", "version", "when"):
                style = base + dim
            text = cell_text(row, column.name)
            if column.name == "status" and len(text) > size:
                text = text.rsplit(" +", 1)[0]      # the kind whole; the detail lists the others
            if column.name in FOREIGN:
                text = safe(text, newlines=False)
            if column.name == "repo" and row.host:
                text = _host_path(text, len(safe(row.host, newlines=False)) + 1, size)
            else:
                text = _fit(text, size, column.right, column.name == "repo")
            segments.append(Segment(text, style))
            segments.append(Segment(" ", base))
        return Strip(segments).adjust_cell_length(width, base)

    def _foreground(self, name: str) -> Style:
        """A component's colour and text style without its background, so it can sit on the
        cursor row (a partial style cannot resolve colours with alpha, like $text-muted)."""
        full = self.get_component_rich_style(name)
        return Style(color=full.color, bold=full.bold, italic=full.italic, underline=full.underline)

    # ---- cursor and scrolling ------------------------------------------------------------
    def line_count(self) -> int:
        return len(self.order)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CursorMoved())

    def _scroll_cursor_into_view(self) -> None:
        rows_visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def action_sort_next(self) -> None:
        names = [c.name for c, _ in self._layout] or [c.name for c in COLUMNS]
        following = names[(names.index(self.sort_column) + 1) % len(names)] \
            if self.sort_column in names else names[0]
        self.post_message(self.SortRequested(following, following in DESCENDING))

    def action_sort_reverse(self) -> None:
        self.post_message(self.SortRequested(self.sort_column, not self.sort_reverse))

    def set_sort(self, column: str, reverse: bool) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self._cache.clear()
        self.refresh()

    # ---- mouse ---------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = event.x
            for column, size in self._layout:
                if x < size + 1:
                    reverse = not self.sort_reverse if column.name == self.sort_column else \
                        column.name in DESCENDING
                    self.post_message(self.SortRequested(column.name, reverse))
                    return
                x -= size + 1
            return
        position = int(self.scroll_y) + event.y - 1
        if 0 <= position < len(self.order):
            self.cursor = position
            if event.chain >= 2:
                self.action_open()
