"""Both engines behind `Emulator`: the same screen for the same bytes, the choice at run time,
and the fallback to bittty where the native library cannot be loaded."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codex_tui.pty import emulator as E

REPO = Path(__file__).resolve().parents[1]
native = pytest.mark.skipif(not E.native_available(), reason="pyghostty (libghostty-vt) is not installed")
ENGINES = ["bittty", pytest.param("ghostty", marks=native)]

SAMPLES = {
    "wide": "\x1b[31m日本\x1b[0m ok\r\n",
    "erase keeps the background": "abc\x1b[1;2H\x1b[44m\x1b[K\x1b[0m\r\n\x1b[48;5;200mX\x1b[2K\x1b[0m",
    "attributes": "\x1b[1mB\x1b[2mD\x1b[22;3mI\x1b[23;4mU\x1b[24;7mR\x1b[27;9mS\x1b[0m\x1b[8mhid\x1b[0m",
    "colours": "\x1b[38;5;9m9\x1b[38;2;1;2;3mrgb\x1b[48;5;17mbg\x1b[39;49m \x1b[91;102mbright\x1b[0m",
    "scroll and wrap": "".join(f"line {i}\r\n" for i in range(40)) + "x" * 130,
}


@pytest.mark.parametrize("engine", ENGINES)
def test_choosing_an_engine(engine):
    emulator = E.make_emulator(80, 24, engine=engine)
    assert type(emulator).__name__ == {"bittty": "BitttyEmulator", "ghostty": "GhosttyEmulator"}[engine]


@native
@pytest.mark.parametrize("sample", SAMPLES)
def test_engines_draw_the_same_cells(sample):
    screens = []
    for engine in ("bittty", "ghostty"):
        emulator = E.make_emulator(60, 12, engine=engine)
        emulator.feed(SAMPLES[sample].encode())
        screens.append(([emulator.runs(row) for row in range(12)], emulator.cursor()))
    assert screens[0] == screens[1]


@native
def test_ghostty_keeps_a_combining_mark_in_its_cell():
    """e + U+0301 is one cell, as in tmux (bittty gives the mark a cell of its own)."""
    emulator = E.make_emulator(20, 2, engine="ghostty")
    emulator.feed("e\u0301|".encode())
    assert emulator.lines()[0] == "e\u0301|" + " " * 18


@native
def test_ghostty_reports_only_changed_rows_and_modes():
    emulator = E.make_emulator(40, 10, engine="ghostty")
    assert emulator.take_dirty() == set(range(10))
    emulator.feed(b"\x1b[5;1H")
    emulator.take_dirty()                       # the rows the cursor left and entered
    emulator.feed(b"five")
    assert emulator.take_dirty() == {4}
    assert emulator.take_dirty() == set()
    assert emulator.lines()[4].startswith("five") and len(emulator.lines()[4]) == 40
    emulator.feed(b"\x1b[?1h\x1b[?2004h\x1b[?1000h\x1b]2;the title\x07\x1b[?25l")
    assert (emulator.app_cursor_keys, emulator.bracketed_paste, emulator.mouse_tracking) == (True, True, True)
    assert (emulator.title, emulator.cursor_visible, emulator.alt_screen) == ("the title", False, False)
    emulator.feed(b"\x1b[?1049h")
    assert emulator.alt_screen and emulator.take_dirty() == set(range(10))
    emulator.resize(20, 5)
    assert emulator.take_dirty() == set(range(5)) and all(len(line) == 20 for line in emulator.lines())


@native
def test_ghostty_keeps_scrollback():
    emulator = E.make_emulator(20, 3, engine="ghostty")
    emulator.feed(b"".join(b"row %d\r\n" % i for i in range(6)))
    assert [runs[0][0] for runs in emulator.scrollback()] == ["row 0", "row 1", "row 2", "row 3"]


CHILD = """
import os, select, sys, termios, tty
tty.setraw(0)
os.write(1, b"\\x1b]52;c;?\\x07\\x1b]52;c;aGVsbG8=\\x07\\x1b[6n")
got, deadline = b"", __import__("time").monotonic() + 1.5
while __import__("time").monotonic() < deadline:
    if select.select([0], [], [], 0.1)[0]:
        got += os.read(0, 100)
open(sys.argv[1], "w").write(repr(got))
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_only_our_replies_reach_the_program(engine, tmp_path):
    """A clipboard read (OSC 52 ?) gets no answer and a clipboard write goes nowhere; the cursor
    report comes from replies.py once, whichever engine draws."""
    from codex_tui.pty.live import Launch, LiveSession
    from tests.pty_helpers import wait_for

    out = tmp_path / "got"
    session = LiveSession(Launch([sys.executable, "-c", CHILD, str(out)], cwd=str(tmp_path)), cols=40, rows=5,
                          emulator=E.make_emulator(40, 5, engine=engine))
    try:
        wait_for(lambda: out.exists() and out.read_text(), timeout=15, pump=lambda: session.pump(0.05),
                 what="the child's report")
    finally:
        session.close()
    assert out.read_text() == repr(b"\x1b[1;1R")
    assert "aGVsbG8" not in "".join(session.screen_lines())


@pytest.mark.parametrize("broken", ["no library in the package", "library does not load"])
def test_falls_back_to_bittty_without_the_native_library(tmp_path, broken):
    """Where libghostty-vt is missing or does not load (no wheel for the platform, a broken
    install), a real pane still runs, on bittty."""
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    env.pop("CODEX_TUI_EMULATOR", None)
    env.pop("PYGHOSTTY_LIB", None)
    if broken == "no library in the package":
        (tmp_path / "pyghostty").mkdir()           # shadows the installed one, without _lib/
        (tmp_path / "pyghostty" / "__init__.py").write_text("")
    else:
        (tmp_path / "libghostty-vt.so").write_text("not a shared library")
        env["PYGHOSTTY_LIB"] = str(tmp_path / "libghostty-vt.so")
    script = textwrap.dedent("""
        import time
        from codex_tui.pty.emulator import native_available
        from codex_tui.pty.live import Launch, LiveSession
        session = LiveSession(Launch(["printf", "fallback \\\\033[32mgreen\\\\033[0m"], cwd="."), cols=40, rows=5)
        deadline = time.monotonic() + 10
        while "green" not in session.screen_lines()[0] and time.monotonic() < deadline:
            session.pump(0.05)
        print(native_available(), type(session.emulator).__name__, session.screen_lines()[0].rstrip(),
              session.emulator.runs(0)[1][1].fg)
        session.close()
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "BitttyEmulator", "fallback", "green", "2"], out.stderr


@native
def test_a_library_whose_layout_moved_is_refused():
    import copy

    from codex_tui.pty import ghostty_abi

    types = copy.deepcopy(ghostty_abi.TYPES)
    ghostty_abi._check_layout(ghostty_abi.ffi, types)              # the real one passes
    types["GhosttyStyle"]["fields"]["bold"]["offset"] += 1
    with pytest.raises(ImportError, match="GhosttyStyle.bold moved"):
        ghostty_abi._check_layout(ghostty_abi.ffi, types)
    types["GhosttyStyle"]["fields"]["bold"]["offset"] -= 1
    del types["GhosttyCellsView"]
    with pytest.raises(ImportError, match="GhosttyCellsView"):
        ghostty_abi._check_layout(ghostty_abi.ffi, types)


def test_environment_forces_an_engine(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "CODEX_TUI_EMULATOR": "bittty"}
    out = subprocess.run([sys.executable, "-c", "from codex_tui.pty.emulator import make_emulator;"
                          "print(type(make_emulator(10, 2)).__name__)"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.strip() == "BitttyEmulator", out.stderr


@pytest.mark.parametrize("engine", ENGINES)
async def test_a_pane_shown_again_draws_what_arrived_while_another_was_shown(engine):
    """A pane draws frames (snapshots); output that came while another session was shown is
    drawn as soon as its session is shown again, with no new output to trigger a frame."""
    from textual.app import App

    from codex_tui.widgets.pty_pane import PtyPane
    from tests.pty_helpers import ReplaySession

    first = ReplaySession("codex-0.58.0-approve.bin", engine=engine)
    second = ReplaySession("codex-0.169.0-trust.bin", engine=engine)

    class PaneApp(App):
        def compose(self):
            yield PtyPane(first)

    async with PaneApp().run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(PtyPane)
        await pilot.pause()
        first.generation += 1
        pane.update_from_session()              # a frame of `first`, as the pump triggers them
        await pilot.pause()
        pane.show(second)
        await pilot.pause()
        first.emulator.feed(b"\x1b[1;1H\x1b[2Klate output")
        first.generation += 1                   # the pump would bump it; nobody draws `first` now
        pane.show(first)
        await pilot.pause()
        assert pane.render_line(0).text.startswith("late output")
