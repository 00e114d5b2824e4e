"""The few libghostty-vt calls GhosttyEmulator makes, declared for cffi, checked against
the library's own manifest.

pyghostty ships the library (one wheel per platform, any CPython 3); importing pyghostty
itself parses its whole generated header (3,500 lines) with pycparser, about 0.12 s at
every start. We load the same bundled library with the dozen declarations we use (a few
ms), and before anything is called compare every struct declared here, field by field,
with `ghostty_type_json()`; enum values come from that manifest too. A library that does
not match raises ImportError, and panes fall back to bittty.
"""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from cffi import FFI

CDEF = """
typedef void* GhosttyTerminal;
typedef void* GhosttyRenderState;
typedef void* GhosttyRenderStateRowIterator;
typedef void* GhosttyRenderStateRowCells;
typedef uint64_t GhosttyCell;
typedef struct { uint8_t r; uint8_t g; uint8_t b; } GhosttyColorRgb;
typedef union { uint8_t palette; GhosttyColorRgb rgb; uint64_t _padding; } GhosttyStyleColorValue;
typedef struct { int tag; GhosttyStyleColorValue value; } GhosttyStyleColor;
typedef struct {
  size_t size; GhosttyStyleColor fg_color; GhosttyStyleColor bg_color; GhosttyStyleColor underline_color;
  bool bold; bool italic; bool faint; bool blink; bool inverse; bool invisible; bool strikethrough;
  bool overline; int underline;
} GhosttyStyle;
typedef struct { const GhosttyCell* ptr; size_t len; } GhosttyCellsView;
typedef struct { const uint8_t* ptr; size_t len; } GhosttyString;
typedef struct { uint16_t mode; bool value; } GhosttyTerminalModeConfig;
typedef struct { size_t size; void *node; uint16_t x; uint16_t y; } GhosttyGridRef;
typedef struct { size_t size; GhosttyGridRef start; GhosttyGridRef end; bool rectangle; } GhosttySelection;
typedef struct { size_t size; int emit; bool unwrap; bool trim; const GhosttySelection *selection; }
  GhosttyTerminalSelectionFormatOptions;

const char *ghostty_type_json(void);
int ghostty_terminal_new(const void* allocator, GhosttyTerminal* terminal, uint16_t cols, uint16_t rows);
void ghostty_terminal_free(GhosttyTerminal terminal);
int ghostty_terminal_set(GhosttyTerminal terminal, int option, const void* value);
int ghostty_terminal_get(GhosttyTerminal terminal, int data, void *out);
void ghostty_terminal_vt_write(GhosttyTerminal terminal, const uint8_t* data, size_t len);
int ghostty_terminal_resize(GhosttyTerminal terminal, uint16_t cols, uint16_t rows, uint32_t cell_width_px,
                            uint32_t cell_height_px);
int ghostty_terminal_select_all(GhosttyTerminal terminal, GhosttySelection* out_selection);
int ghostty_terminal_selection_format_buf(GhosttyTerminal terminal, GhosttyTerminalSelectionFormatOptions options,
                                          uint8_t* buf, size_t buf_len, size_t* out_written);
int ghostty_render_state_new(const void* allocator, GhosttyRenderState* state);
void ghostty_render_state_free(GhosttyRenderState state);
int ghostty_render_state_update(GhosttyRenderState state, GhosttyTerminal terminal);
int ghostty_render_state_get(GhosttyRenderState state, int data, void* out);
int ghostty_render_state_clean(GhosttyRenderState state);
int ghostty_render_state_row_iterator_new(const void* allocator, GhosttyRenderStateRowIterator* out_iterator);
void ghostty_render_state_row_iterator_free(GhosttyRenderStateRowIterator iterator);
bool ghostty_render_state_row_iterator_next_dirty(GhosttyRenderStateRowIterator iterator, uint16_t* out_y);
int ghostty_render_state_row_get(GhosttyRenderStateRowIterator iterator, int data, void* out);
int ghostty_render_state_row_cells_new(const void* allocator, GhosttyRenderStateRowCells* out_cells);
void ghostty_render_state_row_cells_free(GhosttyRenderStateRowCells cells);
int ghostty_render_state_row_cells_select(GhosttyRenderStateRowCells cells, uint16_t x);
int ghostty_render_state_row_cells_get(GhosttyRenderStateRowCells cells, int data, void* out);
"""
CHECKED = ("GhosttyColorRgb", "GhosttyStyleColor", "GhosttyStyle", "GhosttyCellsView", "GhosttyString",
           "GhosttyTerminalModeConfig", "GhosttyGridRef", "GhosttySelection",
           "GhosttyTerminalSelectionFormatOptions")


def _library_path() -> str:
    if os.environ.get("PYGHOSTTY_LIB"):
        return os.environ["PYGHOSTTY_LIB"]
    spec = importlib.util.find_spec("pyghostty")        # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyghostty is not installed")
    for folder in spec.submodule_search_locations:
        for name in ("libghostty-vt.so", "libghostty-vt.dylib", "libghostty-vt.dll"):
            if (Path(folder) / "_lib" / name).exists():
                return str(Path(folder) / "_lib" / name)
    raise ImportError("pyghostty has no libghostty-vt library for this platform")


def _check_layout(ffi: FFI, types: dict) -> None:
    for name in CHECKED:
        theirs = types.get(name)
        if theirs is None or theirs.get("size") != ffi.sizeof(name):
            raise ImportError(f"libghostty-vt's {name} is not the one declared here")
        for field, spec in theirs.get("fields", {}).items():
            if ffi.offsetof(name, field) != spec["offset"]:
                raise ImportError(f"libghostty-vt's {name}.{field} moved")


def _constants(types: dict) -> dict[str, int]:
    out = {}
    for spec in types.values():
        if spec.get("kind") == "enum":
            out.update({spec["prefix"] + key: value for key, value in spec["values"].items()})
    return out


def load():
    ffi = FFI()
    ffi.cdef(CDEF)
    try:
        lib = ffi.dlopen(_library_path())
    except OSError as error:
        raise ImportError(f"libghostty-vt does not load: {error}") from error
    manifest = json.loads(ffi.string(lib.ghostty_type_json()).decode())
    types = manifest["types"]
    _check_layout(ffi, types)
    return ffi, lib, types, _constants(types)


ffi, lib, TYPES, C = load()
