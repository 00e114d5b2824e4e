"""The terminal emulator behind a pane: a small protocol, and the engines behind it.

The pane and the detector only use `Emulator`. `make_emulator()` picks the engine at
run time: libghostty-vt (ghostty.py, native) when pyghostty imports, else bittty (pure
Python, 50x slower to parse). Why these two: docs/ARCHITECTURE.md, "PTY panes".

Styles leave this module as `Pen` tuples (fg, bg, flags) with plain values so views
can turn them into whatever their toolkit wants and cache the result.
"""
from __future__ import annotations

from collections import deque
from functools import lru_cache
from typing import Protocol

from codex_tui.pty.pen import (BLINK, BOLD, CONCEAL, DIM, ITALIC, PLAIN, REVERSE,  # noqa: F401 - re-exported
                               SCROLLBACK_LINES, STRIKE, UNDERLINE, Colour, Pen)
from codex_tui.sanitize import has_control, visible


class Emulator(Protocol):
    cols: int
    rows: int

    def feed(self, data: bytes) -> None: ...
    def resize(self, cols: int, rows: int) -> None: ...
    def lines(self) -> list[str]: ...                       # the visible screen as text
    def runs(self, row: int) -> list[tuple[str, Pen]]: ...  # one visible row, styled (*)
    def take_dirty(self) -> set[int]: ...                   # rows changed since the last call
    def cursor(self) -> tuple[int, int]: ...                # (row, col), 0-based
    @property
    def cursor_visible(self) -> bool: ...
    @property
    def app_cursor_keys(self) -> bool: ...                  # DECCKM
    @property
    def bracketed_paste(self) -> bool: ...
    @property
    def alt_screen(self) -> bool: ...
    @property
    def mouse_tracking(self) -> bool: ...
    @property
    def title(self) -> str: ...
    def scrollback(self) -> list[list[tuple[str, Pen]]]: ...  # oldest first
    # (*) once take_dirty() is used, runs() may give the screen as of its last call (a frame)


@lru_cache(maxsize=1)
def native_available() -> bool:
    """Whether the native engine (pyghostty's libghostty-vt) can be loaded here."""
    try:
        import codex_tui.pty.ghostty  # noqa: F401
    except Exception:                  # not installed, no library for this platform, or a library
        return False                   # whose layout or names are not what ghostty_abi declares
    return True


def make_emulator(cols: int = 80, rows: int = 24, engine: str | None = None) -> "Emulator":
    """The best engine available. `engine` ("ghostty" or "bittty"; tests, benches) or
    CODEX_TUI_EMULATOR picks one; "ghostty" where the library does not load is bittty."""
    import os

    engine = engine or os.environ.get("CODEX_TUI_EMULATOR") or "ghostty"
    if engine == "ghostty" and native_available():
        from codex_tui.pty.ghostty import GhosttyEmulator

        return GhosttyEmulator(cols, rows)
    return BitttyEmulator(cols, rows)


class _History:
    """Receives the rows bittty scrolls off the primary screen."""

    keeps_scrollback = True

    def __init__(self, limit: int) -> None:
        self.rows: deque = deque(maxlen=limit)

    def present(self, event) -> None:
        rows = getattr(event, "rows", None)
        if rows is not None and type(event).__name__ == "RowsScrolledOff":
            self.rows.extend(rows)


class BitttyEmulator:
    """`Emulator` on bittty's Board, run headless (we answer the child's queries ourselves
    in replies.py; the Board has no host cable)."""

    def __init__(self, cols: int = 80, rows: int = 24, scrollback: int = SCROLLBACK_LINES) -> None:
        import bittty

        self.cols, self.rows = cols, rows
        self._board = bittty.Board(width=cols, height=rows)
        self._history = _History(scrollback)
        self._board.attach_display(self._history)
        self._seen = self._page.observe()
        self._page_id = id(self._page)

    @property
    def _page(self):
        return self._board.blitter.main_page

    def feed(self, data: bytes) -> None:
        if data:
            self._board.feed_host_data(data)

    def resize(self, cols: int, rows: int) -> None:
        cols, rows = max(cols, 1), max(rows, 1)
        if (cols, rows) != (self.cols, self.rows):
            self.cols, self.rows = cols, rows
            self._board.resize(cols, rows)
            self._page_id = None                       # everything is dirty

    def lines(self) -> list[str]:
        page = self._page
        return [page.get_line_text(y) for y in range(page.height)]

    def runs(self, row: int) -> list[tuple[str, Pen]]:
        page = self._page
        if not 0 <= row < page.height:
            return []
        return _row_runs(page.grid[row])

    def take_dirty(self) -> set[int]:
        page = self._page
        if id(page) != self._page_id:                  # switched screens or resized
            self._page_id = id(page)
            self._seen = page.observe()
            return set(range(page.height))
        dirty = set(page.dirty_rows(self._seen))
        self._seen = page.observe()
        return dirty

    def cursor(self) -> tuple[int, int]:
        return self._board.cursor.y, self._board.cursor.x

    @property
    def cursor_visible(self) -> bool:
        return bool(getattr(self._board.modes, "cursor_visible", True))

    @property
    def app_cursor_keys(self) -> bool:
        return bool(getattr(self._board.modes, "cursor_application_mode", False))

    @property
    def bracketed_paste(self) -> bool:
        return bool(getattr(self._board.modes, "bracketed_paste", False)
                    or getattr(self._board.keyboard, "paste_bracketed", False))

    @property
    def alt_screen(self) -> bool:
        return bool(self._board.blitter.in_alt_screen)

    @property
    def mouse_tracking(self) -> bool:
        return getattr(self._board.mouse.protocol, "name", "OFF") != "OFF"

    @property
    def title(self) -> str:
        title = self._board.title.title
        return "" if title == "Terminal" else title

    def scrollback(self) -> list[list[tuple[str, Pen]]]:
        return [_row_runs(line.cells) for line in self._history.rows]


_PEN_CACHE: dict = {}


def _row_runs(cells) -> list[tuple[str, Pen]]:
    runs: list[tuple[str, Pen]] = []
    text: list[str] = []
    current = None
    current_pen = PLAIN
    for style, char in cells:
        if char == "":                                 # right half of a wide character
            continue
        if style is not current:
            pen = _PEN_CACHE.get(style)
            if pen is None:
                pen = _PEN_CACHE[style] = _pen(style)
                if len(_PEN_CACHE) > 4096:
                    _PEN_CACHE.clear()
            current = style
            if pen != current_pen and text:
                runs.append(("".join(text), current_pen))
                text = []
            current_pen = pen
        text.append(char)
    if text:
        runs.append(("".join(text), current_pen))
    if any(has_control(run) for run, _ in runs):   # never so far: bittty consumes controls
        runs = [(visible(run, newlines=False), pen) for run, pen in runs]
    return runs


def _colour(color) -> Colour:
    if color is None or color.mode == "default":
        return None
    return color.value


def _pen(style) -> Pen:
    flags = 0
    for flag, on in ((BOLD, style.bold), (DIM, style.dim), (ITALIC, style.italic),
                     (UNDERLINE, style.underline), (REVERSE, style.reverse), (STRIKE, style.strike),
                     (BLINK, style.blink), (CONCEAL, style.conceal)):
        if on:
            flags |= flag
    return Pen(_colour(style.fg), _colour(style.bg), flags)
