"""Every recorded Codex stream, drawn by our emulators, against tmux cell by cell.

Each recording (tests/fixtures/pty/*.bin) is replayed into a real tmux pane of the size it
was recorded at, and a real tmux client draws it (tests/tmux_render.py). Every cell of that
picture (character, foreground, background, attributes) must be what the emulator's
`runs()` gives.
"""
from __future__ import annotations

import shutil

import pytest
from rich.cells import cell_len

from codex_tui.pty import emulator as E
from tests.pty_helpers import PTY_FIXTURES
from tests.tmux_render import Screen, tmux_drawn

COLS, ROWS = 100, 30
RECORDINGS = sorted(p.stem for p in PTY_FIXTURES.glob("*.bin"))
ENGINES = [pytest.param("bittty", id="bittty"),
           pytest.param("ghostty", id="ghostty", marks=pytest.mark.skipif(
               not E.native_available(), reason="pyghostty (libghostty-vt) is not installed"))]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture(scope="module")
def tmux_screens(tmp_path_factory) -> dict[str, Screen]:
    return {name: tmux_drawn(PTY_FIXTURES / f"{name}.bin", COLS, ROWS, tmp_path_factory.mktemp(name))
            for name in RECORDINGS}


def our_cells(emulator, row: int) -> list[tuple[str, E.Pen]]:
    cells = [(ch, pen) for text, pen in emulator.runs(row) for ch in text]
    used = sum(cell_len(ch) for ch, _ in cells)
    return cells + [(" ", E.PLAIN)] * max(0, COLS - used)


def differences(emulator, screen: Screen) -> list[str]:
    out = []
    for row in range(ROWS):
        ours, theirs = our_cells(emulator, row), screen.row(row)
        out += [f"row {row} char {col}: ours {a!r}, tmux {b!r}"
                for col, (a, b) in enumerate(zip(ours, theirs)) if a != b]
        if len(ours) != len(theirs):
            out.append(f"row {row}: ours {len(ours)} chars, tmux {len(theirs)}")
    return out


def replayed(name: str, engine: str):
    emulator = E.make_emulator(COLS, ROWS, engine=engine)
    emulator.feed((PTY_FIXTURES / f"{name}.bin").read_bytes())
    return emulator


def test_recordings_exist():
    assert len(RECORDINGS) >= 5


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", RECORDINGS)
def test_emulator_matches_tmux_cell_by_cell(name, engine, tmux_screens):
    screen = tmux_screens[name]
    # styled cells seen (colours or attributes): Codex draws its own background only when a
    # terminal answers OSC 11, which the pane no longer does, so most recordings have none
    assert any(pen != E.PLAIN for row in range(ROWS) for _, pen in screen.row(row))
    diffs = differences(replayed(name, engine), screen)
    assert not diffs, f"{len(diffs)} cells differ from tmux, first: " + "; ".join(diffs[:8])


@pytest.mark.parametrize("name", RECORDINGS)
def test_reference_is_what_tmux_captured(name, tmux_screens):
    """The drawn picture's text is the text tmux captured when the recording was made."""
    text = ["".join(ch for ch, _ in tmux_screens[name].row(y)).rstrip() for y in range(ROWS)]
    expected = (PTY_FIXTURES / f"{name}.tmux.txt").read_text().rstrip("\n").split("\n")
    assert text[:len(expected)] == [line.rstrip() for line in expected]
    assert not any(text[len(expected):])


def test_comparison_sees_colour_and_text(tmux_screens):
    """The comparison can fail: another recording's screen, or one attribute changed, differs."""
    first, second = RECORDINGS[0], RECORDINGS[1]
    emulator = replayed(first, "bittty")
    assert differences(emulator, tmux_screens[second])
    screen = tmux_screens[first]
    row = next(y for y in range(ROWS) if any(pen != E.PLAIN for _, pen in screen.row(y)))
    x = next(i for i, (_, pen) in enumerate(screen.cells[row]) if pen != E.PLAIN)
    char, pen = screen.cells[row][x]
    screen.cells[row][x] = (char, E.Pen(pen.fg, pen.bg, pen.flags ^ E.BOLD))
    try:
        assert differences(emulator, screen) == [f"row {row} char {x}: ours {(char, pen)!r}, "
                                                 f"tmux {(char, E.Pen(pen.fg, pen.bg, pen.flags ^ E.BOLD))!r}"]
    finally:
        screen.cells[row][x] = (char, pen)
