"""`Emulator` on libghostty-vt (through pyghostty's cffi binding): the native engine.

Parsing is C (about 127 MB/s here, 50x bittty). Drawing reads Ghostty's render state,
which tracks dirty rows itself: after output, one `render_state_update` copies the
viewport, and each dirty row is read in bulk (`ROW_DATA_CELLS_RAW`, one uint64 a cell)
and turned into runs once; a style is fetched only where the style id changes along
the row. Rows that did not change keep their runs, so `runs()` is a list lookup.

Nothing is answered from here: no WRITE_PTY callback is set, so Ghostty's own replies
(and any clipboard read, OSC 52) go nowhere; replies.py answers the queries, as for
bittty. No clipboard callback is set either, so OSC 52 writes are dropped.
"""
from __future__ import annotations

import json
import weakref

from pyghostty import Terminal, ffi, lib

from codex_tui.pty.emulator import (BLINK, BOLD, CONCEAL, DIM, ITALIC, PLAIN, REVERSE, SCROLLBACK_LINES,
                                    STRIKE, UNDERLINE, Pen)


def _cell_layout() -> dict[str, tuple[int, int]]:
    """(lsb, mask) of each GhosttyCell field, from the library's own manifest: the bit
    positions are not part of the ABI, so we never hard-code them."""
    types = json.loads(ffi.string(lib.ghostty_type_json()).decode())["types"]
    bits = types["GhosttyCell"]["bits"]
    out = {name: (field["lsb"], (1 << field["width"]) - 1) for name, field in bits.items()}
    arm = bits["content"]["arms"]["CODEPOINT"]["bits"]["codepoint"]
    out["codepoint"] = (bits["content"]["lsb"] + arm["lsb"], (1 << arm["width"]) - 1)
    return out


_LAYOUT = _cell_layout()
_TAG_SHIFT, _TAG_MASK = _LAYOUT["content_tag"]
_CP_SHIFT, _CP_MASK = _LAYOUT["codepoint"]
_CONTENT_SHIFT = _LAYOUT["content"][0]
_STYLE_SHIFT, _STYLE_MASK = _LAYOUT["style_id"]
_WIDE_SHIFT, _WIDE_MASK = _LAYOUT["wide"]
_GRAPHEME = lib.GHOSTTY_CELL_CONTENT_CODEPOINT_GRAPHEME
_BG_PALETTE = lib.GHOSTTY_CELL_CONTENT_BG_COLOR_PALETTE
_BG_RGB = lib.GHOSTTY_CELL_CONTENT_BG_COLOR_RGB
_SPACER_TAIL = lib.GHOSTTY_CELL_WIDE_SPACER_TAIL
_SPACER_HEAD = lib.GHOSTTY_CELL_WIDE_SPACER_HEAD
_PALETTE, _RGB = lib.GHOSTTY_STYLE_COLOR_PALETTE, lib.GHOSTTY_STYLE_COLOR_RGB


def _check(result: int, what: str) -> None:
    if result:
        raise RuntimeError(f"libghostty-vt: {what} failed ({result})")


def _new(ctype: str, make, free):
    handle = ffi.new(ctype + "*")
    _check(make(ffi.NULL, handle), ctype)
    return handle[0], free


class GhosttyEmulator:
    def __init__(self, cols: int = 80, rows: int = 24, scrollback: int = SCROLLBACK_LINES) -> None:
        self.cols, self.rows = cols, rows
        self._terminal = Terminal(cols=cols, rows=rows, scrollback=scrollback)
        self._t = self._terminal._t[0]
        self._state, _ = _new("GhosttyRenderState", lib.ghostty_render_state_new, None)
        self._iter, _ = _new("GhosttyRenderStateRowIterator", lib.ghostty_render_state_row_iterator_new, None)
        self._cells, _ = _new("GhosttyRenderStateRowCells", lib.ghostty_render_state_row_cells_new, None)
        weakref.finalize(self, _free, self._state, self._iter, self._cells)
        self._iter_box = ffi.new("GhosttyRenderStateRowIterator*", self._iter)
        self._cells_box = ffi.new("GhosttyRenderStateRowCells*", self._cells)
        self._view = ffi.new("GhosttyCellsView*")
        self._style = ffi.new("GhosttyStyle*")
        self._style.size = ffi.sizeof("GhosttyStyle")
        self._flag = ffi.new("bool*")
        self._dirty_state = ffi.new("GhosttyRenderStateDirty*")
        self._u16 = ffi.new("uint16_t*")
        self._u32 = ffi.new("uint32_t*")
        self._string = ffi.new("GhosttyString*")
        self._stale = True
        self._runs: list[list[tuple[str, Pen]]] = []
        self._text: list[str] = []
        self._dirty: set[int] = set()

    # ---- feeding ---------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        if data:
            lib.ghostty_terminal_vt_write(self._t, data, len(data))
            self._stale = True

    def resize(self, cols: int, rows: int) -> None:
        cols, rows = max(cols, 1), max(rows, 1)
        if (cols, rows) != (self.cols, self.rows):
            self.cols, self.rows = cols, rows
            self._terminal.resize(cols, rows)
            self._stale = True

    # ---- reading the screen ----------------------------------------------------------------
    def _sync(self) -> None:
        """Bring the render state up to date and rebuild the runs of the rows it marks dirty."""
        if not self._stale:
            return
        self._stale = False
        state = self._state
        _check(lib.ghostty_render_state_update(state, self._t), "render_state_update")
        _check(lib.ghostty_render_state_get(state, lib.GHOSTTY_RENDER_STATE_DATA_ROWS, self._u16), "rows")
        rows = self._u16[0]
        full = len(self._runs) != rows
        if full:
            self._runs = [[] for _ in range(rows)]
            self._text = [""] * rows
        _check(lib.ghostty_render_state_get(state, lib.GHOSTTY_RENDER_STATE_DATA_ROW_ITERATOR, self._iter_box),
               "row iterator")
        iterator, y = self._iter, self._u16
        while lib.ghostty_render_state_row_iterator_next_dirty(iterator, y):
            row = y[0]
            if row < rows:
                self._runs[row] = runs = self._read_row()
                self._text[row] = "".join(text for text, _ in runs)
                self._dirty.add(row)
        if full:
            self._dirty.update(range(rows))
        lib.ghostty_render_state_clean(state)

    def _read_row(self) -> list[tuple[str, Pen]]:
        iterator, cells = self._iter, self._cells
        _check(lib.ghostty_render_state_row_get(iterator, lib.GHOSTTY_RENDER_STATE_ROW_DATA_CELLS_RAW, self._view),
               "cells")
        raw = ffi.unpack(self._view.ptr, self._view.len)
        _check(lib.ghostty_render_state_row_get(iterator, lib.GHOSTTY_RENDER_STATE_ROW_DATA_CELLS, self._cells_box),
               "row cells")
        runs: list[tuple[str, Pen]] = []
        text: list[str] = []
        pens = {0: PLAIN}
        pen = PLAIN
        for x, value in enumerate(raw):
            wide = (value >> _WIDE_SHIFT) & _WIDE_MASK
            if wide == _SPACER_TAIL:
                continue                              # right half of a wide character
            tag = (value >> _TAG_SHIFT) & _TAG_MASK
            if tag == _BG_PALETTE or tag == _BG_RGB:  # an erased cell that keeps a background
                content = value >> _CONTENT_SHIFT
                bg = content & 0xFF if tag == _BG_PALETTE else (content & 0xFF, (content >> 8) & 0xFF,
                                                                 (content >> 16) & 0xFF)
                cell_pen, char = Pen(None, bg, 0), " "
            else:
                sid = (value >> _STYLE_SHIFT) & _STYLE_MASK
                cell_pen = pens.get(sid)
                if cell_pen is None:
                    cell_pen = pens[sid] = self._pen_at(x)
                codepoint = (value >> _CP_SHIFT) & _CP_MASK
                if wide == _SPACER_HEAD or not codepoint:
                    char = " "
                elif tag == _GRAPHEME:
                    char = self._grapheme_at(x)
                else:
                    char = chr(codepoint)
            if cell_pen is not pen and cell_pen != pen:
                if text:
                    runs.append(("".join(text), pen))
                    text = []
                pen = cell_pen
            text.append(char)
        if text:
            runs.append(("".join(text), pen))
        return runs

    def _pen_at(self, x: int) -> Pen:
        cells, style = self._cells, self._style
        _check(lib.ghostty_render_state_row_cells_select(cells, x), "select")
        _check(lib.ghostty_render_state_row_cells_get(cells, lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_STYLE, style),
               "style")
        flags = ((BOLD if style.bold else 0) | (DIM if style.faint else 0) | (ITALIC if style.italic else 0)
                 | (UNDERLINE if style.underline else 0) | (REVERSE if style.inverse else 0)
                 | (STRIKE if style.strikethrough else 0) | (BLINK if style.blink else 0)
                 | (CONCEAL if style.invisible else 0))
        return Pen(_colour(style.fg_color), _colour(style.bg_color), flags)

    def _grapheme_at(self, x: int) -> str:
        cells = self._cells
        _check(lib.ghostty_render_state_row_cells_select(cells, x), "select")
        _check(lib.ghostty_render_state_row_cells_get(
            cells, lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_LEN, self._u32), "graphemes")
        buf = ffi.new("uint32_t[]", max(1, self._u32[0]))
        _check(lib.ghostty_render_state_row_cells_get(
            cells, lib.GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_BUF, buf), "graphemes")
        return "".join(chr(c) for c in ffi.unpack(buf, self._u32[0]))

    def lines(self) -> list[str]:
        self._sync()
        return list(self._text)

    def runs(self, row: int) -> list[tuple[str, Pen]]:
        self._sync()
        return self._runs[row] if 0 <= row < len(self._runs) else []

    def take_dirty(self) -> set[int]:
        self._sync()
        dirty, self._dirty = self._dirty, set()
        return dirty

    # ---- terminal state --------------------------------------------------------------------
    def cursor(self) -> tuple[int, int]:
        terminal = self._terminal
        return terminal.get("cursor_y"), terminal.get("cursor_x")

    @property
    def cursor_visible(self) -> bool:
        return bool(self._terminal.get("cursor_visible", "bool"))

    @property
    def app_cursor_keys(self) -> bool:
        return self._terminal.mode(1)

    @property
    def bracketed_paste(self) -> bool:
        return self._terminal.mode(2004)

    @property
    def alt_screen(self) -> bool:
        return self._terminal.get("active_screen", "GhosttyTerminalScreen") == lib.GHOSTTY_TERMINAL_SCREEN_ALTERNATE

    @property
    def mouse_tracking(self) -> bool:
        return bool(self._terminal.get("mouse_tracking", "bool"))

    @property
    def title(self) -> str:
        string = self._string
        _check(lib.ghostty_terminal_get(self._t, lib.GHOSTTY_TERMINAL_DATA_TITLE, string), "title")
        return ffi.buffer(string.ptr, string.len)[:].decode("utf-8", "replace") if string.len else ""

    def scrollback(self) -> list[list[tuple[str, Pen]]]:
        """Rows scrolled off the primary screen, oldest first, as plain text (Ghostty keeps
        them; styles of history are not read, nothing draws them yet)."""
        if self.alt_screen:
            return []
        history = self._terminal.get("scrollback_rows", "size_t")
        if not history:
            return []
        lines = self._terminal.contents().split("\n")[:history]
        return [[(line, PLAIN)] if line else [] for line in lines]


def _colour(colour):
    if colour.tag == _PALETTE:
        return colour.value.palette
    if colour.tag == _RGB:
        rgb = colour.value.rgb
        return (rgb.r, rgb.g, rgb.b)
    return None


def _free(state, iterator, cells) -> None:
    lib.ghostty_render_state_row_cells_free(cells)
    lib.ghostty_render_state_row_iterator_free(iterator)
    lib.ghostty_render_state_free(state)
