"""`Emulator` on libghostty-vt (the library pyghostty ships; calls in ghostty_abi.py).

Parsing is C (over 100 MB/s here, 50x bittty). Drawing reads Ghostty's render state,
which tracks dirty rows itself: after output, one `render_state_update` copies the
viewport, and each dirty row is read in bulk (`ROW_DATA_CELLS_RAW`, one uint64 a cell)
and turned into runs once; a style is fetched only where the style id changes along
the row. Rows that did not change keep their runs, so `runs()` is a list lookup.

Nothing is answered from here: no WRITE_PTY callback is set, so Ghostty's own replies
(and any clipboard read, OSC 52) go nowhere; replies.py answers the queries, as for
bittty. No clipboard callback is set either, so OSC 52 writes are dropped.
"""
from __future__ import annotations

import weakref

from codex_tui.pty.pen import (BLINK, BOLD, CONCEAL, DIM, ITALIC, PLAIN, REVERSE, SCROLLBACK_LINES,
                               STRIKE, UNDERLINE, Pen)
from codex_tui.pty.ghostty_abi import TYPES, C, ffi, lib


def _cell_layout() -> dict[str, tuple[int, int]]:
    """(lsb, mask) of each GhosttyCell field, from the library's own manifest: the bit
    positions are not part of the ABI, so we never hard-code them."""
    bits = TYPES["GhosttyCell"]["bits"]
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
_GRAPHEME = C["GHOSTTY_CELL_CONTENT_CODEPOINT_GRAPHEME"]
_BG_PALETTE = C["GHOSTTY_CELL_CONTENT_BG_COLOR_PALETTE"]
_BG_RGB = C["GHOSTTY_CELL_CONTENT_BG_COLOR_RGB"]
_SPACER_TAIL = C["GHOSTTY_CELL_WIDE_SPACER_TAIL"]
_SPACER_HEAD = C["GHOSTTY_CELL_WIDE_SPACER_HEAD"]
_PALETTE, _RGB = C["GHOSTTY_STYLE_COLOR_PALETTE"], C["GHOSTTY_STYLE_COLOR_RGB"]
_ROWS, _ROW_ITERATOR = C["GHOSTTY_RENDER_STATE_DATA_ROWS"], C["GHOSTTY_RENDER_STATE_DATA_ROW_ITERATOR"]
_CELLS_RAW, _CELLS = C["GHOSTTY_RENDER_STATE_ROW_DATA_CELLS_RAW"], C["GHOSTTY_RENDER_STATE_ROW_DATA_CELLS"]
_STYLE = C["GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_STYLE"]
_GRAPHEMES_LEN = C["GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_LEN"]
_GRAPHEMES_BUF = C["GHOSTTY_RENDER_STATE_ROW_CELLS_DATA_GRAPHEMES_BUF"]
_DATA = {name: C["GHOSTTY_TERMINAL_DATA_" + name.upper()] for name in
         ("cursor_x", "cursor_y", "cursor_visible", "active_screen", "mouse_tracking", "title", "mode",
          "scrollback_rows")}
_ALTERNATE = C["GHOSTTY_TERMINAL_SCREEN_ALTERNATE"]


def _check(result: int, what: str) -> None:
    if result:
        raise RuntimeError(f"libghostty-vt: {what} failed ({result})")


def _new(ctype: str, make):
    handle = ffi.new(ctype + "*")
    _check(make(ffi.NULL, handle), ctype)
    return handle[0]


class GhosttyEmulator:
    def __init__(self, cols: int = 80, rows: int = 24, scrollback: int = SCROLLBACK_LINES) -> None:
        self.cols, self.rows = cols, rows
        terminal = ffi.new("GhosttyTerminal*")
        _check(lib.ghostty_terminal_new(ffi.NULL, terminal, cols, rows), "terminal_new")
        self._t = terminal[0]
        _check(lib.ghostty_terminal_set(self._t, C["GHOSTTY_TERMINAL_OPT_SCROLLBACK_MAX_LINES"],
                                        ffi.new("size_t*", scrollback)), "scrollback")
        self._state = _new("GhosttyRenderState", lib.ghostty_render_state_new)
        self._iter = _new("GhosttyRenderStateRowIterator", lib.ghostty_render_state_row_iterator_new)
        self._cells = _new("GhosttyRenderStateRowCells", lib.ghostty_render_state_row_cells_new)
        weakref.finalize(self, _free, self._t, self._state, self._iter, self._cells)
        self._iter_box = ffi.new("GhosttyRenderStateRowIterator*", self._iter)
        self._cells_box = ffi.new("GhosttyRenderStateRowCells*", self._cells)
        self._view = ffi.new("GhosttyCellsView*")
        self._style = ffi.new("GhosttyStyle*")
        self._style.size = ffi.sizeof("GhosttyStyle")
        self._u16 = ffi.new("uint16_t*")
        self._u32 = ffi.new("uint32_t*")
        self._bool = ffi.new("bool*")
        self._size = ffi.new("size_t*")
        self._string = ffi.new("GhosttyString*")
        self._mode = ffi.new("GhosttyTerminalModeConfig*")
        self._stale = True
        self._framed = False
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
            _check(lib.ghostty_terminal_resize(self._t, cols, rows, 8, 16), "resize")
            self._stale = True

    # ---- reading the screen ----------------------------------------------------------------
    def _sync(self) -> None:
        """Bring the render state up to date and rebuild the runs of the rows it marks dirty."""
        if not self._stale:
            return
        self._stale = False
        state = self._state
        _check(lib.ghostty_render_state_update(state, self._t), "render_state_update")
        _check(lib.ghostty_render_state_get(state, _ROWS, self._u16), "rows")
        rows = self._u16[0]
        full = len(self._runs) != rows
        if full:
            self._runs = [[] for _ in range(rows)]
            self._text = [""] * rows
        _check(lib.ghostty_render_state_get(state, _ROW_ITERATOR, self._iter_box), "row iterator")
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
        iterator = self._iter
        _check(lib.ghostty_render_state_row_get(iterator, _CELLS_RAW, self._view), "cells")
        raw = ffi.unpack(self._view.ptr, self._view.len)
        _check(lib.ghostty_render_state_row_get(iterator, _CELLS, self._cells_box), "row cells")
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
                content = (value >> _CONTENT_SHIFT) & 0xFFFFFF
                cell_pen = pens.get((tag, content))
                if cell_pen is None:
                    bg = content & 0xFF if tag == _BG_PALETTE else (content & 0xFF, (content >> 8) & 0xFF,
                                                                     content >> 16)
                    cell_pen = pens[(tag, content)] = Pen(None, bg, 0)
                char = " "
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
        _check(lib.ghostty_render_state_row_cells_get(cells, _STYLE, style), "style")
        flags = ((BOLD if style.bold else 0) | (DIM if style.faint else 0) | (ITALIC if style.italic else 0)
                 | (UNDERLINE if style.underline else 0) | (REVERSE if style.inverse else 0)
                 | (STRIKE if style.strikethrough else 0) | (BLINK if style.blink else 0)
                 | (CONCEAL if style.invisible else 0))
        return Pen(_colour(style.fg_color), _colour(style.bg_color), flags)

    def _grapheme_at(self, x: int) -> str:
        cells = self._cells
        _check(lib.ghostty_render_state_row_cells_select(cells, x), "select")
        _check(lib.ghostty_render_state_row_cells_get(cells, _GRAPHEMES_LEN, self._u32), "graphemes")
        buf = ffi.new("uint32_t[]", max(1, self._u32[0]))
        _check(lib.ghostty_render_state_row_cells_get(cells, _GRAPHEMES_BUF, buf), "graphemes")
        return "".join(chr(c) for c in ffi.unpack(buf, self._u32[0]))

    def lines(self) -> list[str]:
        self._sync()
        return list(self._text)

    def runs(self, row: int) -> list[tuple[str, Pen]]:
        if not self._framed:
            self._sync()
        return self._runs[row] if 0 <= row < len(self._runs) else []

    def take_dirty(self) -> set[int]:
        """The rows changed since the last call. From the first call on, `runs()` draws the
        screen as it was at the last call: a frame is one snapshot, and output parsed while
        it is drawn waits for the next frame instead of being read twice."""
        self._framed = True
        self._sync()
        dirty, self._dirty = self._dirty, set()
        return dirty

    # ---- terminal state --------------------------------------------------------------------
    def _get(self, key: str, out):
        _check(lib.ghostty_terminal_get(self._t, _DATA[key], out), key)
        return out[0]

    def _mode_on(self, mode: int) -> bool:
        self._mode.mode = mode & 0x7FFF                 # a DEC private mode (ANSI modes set bit 15)
        return bool(self._get("mode", self._mode).value)

    def cursor(self) -> tuple[int, int]:
        return self._get("cursor_y", self._u16), self._get("cursor_x", self._u16)

    @property
    def cursor_visible(self) -> bool:
        return bool(self._get("cursor_visible", self._bool))

    @property
    def app_cursor_keys(self) -> bool:
        return self._mode_on(1)

    @property
    def bracketed_paste(self) -> bool:
        return self._mode_on(2004)

    @property
    def alt_screen(self) -> bool:
        return self._get("active_screen", self._u32) == _ALTERNATE

    @property
    def mouse_tracking(self) -> bool:
        return bool(self._get("mouse_tracking", self._bool))

    @property
    def title(self) -> str:
        string = self._get("title", self._string)
        return ffi.buffer(string.ptr, string.len)[:].decode("utf-8", "replace") if string.len else ""

    def scrollback(self) -> list[list[tuple[str, Pen]]]:
        """Rows scrolled off the primary screen, oldest first, as plain text (Ghostty keeps
        them; styles of history are not read, nothing draws them yet). A soft-wrapped line
        comes back as one row."""
        if self.alt_screen:
            return []
        history = self._get("scrollback_rows", self._size)
        if not history:
            return []
        lines = self._contents().split("\n")[:history]
        return [[(line, PLAIN)] if line else [] for line in lines]

    def _contents(self) -> str:
        selection = ffi.new("GhosttySelection*")
        for struct in (selection, ffi.addressof(selection[0], "start"), ffi.addressof(selection[0], "end")):
            struct.size = ffi.sizeof(ffi.typeof(struct).item)
        if lib.ghostty_terminal_select_all(self._t, selection):
            return ""
        options = ffi.new("GhosttyTerminalSelectionFormatOptions*")
        options.size = ffi.sizeof("GhosttyTerminalSelectionFormatOptions")
        options.emit, options.unwrap, options.trim = C["GHOSTTY_FORMATTER_FORMAT_PLAIN"], True, True
        options.selection = selection
        size = ffi.new("size_t*")
        lib.ghostty_terminal_selection_format_buf(self._t, options[0], ffi.NULL, 0, size)   # asks the size
        buf = ffi.new("uint8_t[]", max(size[0], 1))
        _check(lib.ghostty_terminal_selection_format_buf(self._t, options[0], buf, len(buf), size), "format")
        return ffi.buffer(buf, size[0])[:].decode("utf-8", "replace")


def _colour(colour):
    if colour.tag == _PALETTE:
        return colour.value.palette
    if colour.tag == _RGB:
        rgb = colour.value.rgb
        return (rgb.r, rgb.g, rgb.b)
    return None


def _free(terminal, state, iterator, cells) -> None:
    lib.ghostty_render_state_row_cells_free(cells)
    lib.ghostty_render_state_row_iterator_free(iterator)
    lib.ghostty_render_state_free(state)
    lib.ghostty_terminal_free(terminal)
