"""The Sessions view driven by keys, with real programs in its panes."""
from __future__ import annotations

import os
import shlex

from codex_tui.pty.registry import load
from codex_tui.screens.session_dialogs import ConfirmKillScreen, QuitScreen
from codex_tui.widgets.pty_pane import PtyPane
from codex_tui.widgets.session_list import SessionList
from codex_tui.pty.requests import LaunchRequest, SessionsOptions
from tests.conftest import make_test_app, wait_until
from tests.pty_helpers import pid_alive, processes_in_session

YN = "printf 'Continue? [y/n] '; read a; echo \"answer=$a\"; sleep 60"


def sessions_app(*commands: str):
    opened = tuple(LaunchRequest(cwd=os.getcwd(), command=f"bash -c {shlex.quote(c)}") for c in commands)
    return make_test_app(view="sessions", sessions=SessionsOptions(open=opened))


def state(app, index: int = 0) -> str:
    return app.hub.rows()[index].status.state


async def into_the_pane(app, pilot):
    """Wait for the first pane's program, then press enter: (its session, the focused pane)."""
    await wait_until(pilot, lambda: app.hub.rows() and app.hub.rows()[0].live is not None, 5)
    session = app.hub.rows()[0].live
    await pilot.press("enter")
    pane = app.screen.query_one(PtyPane)
    assert pane.has_focus
    return session, pane


async def test_y_from_the_list_answers_a_prompt_and_quit_asks_first():
    app = sessions_app(YN)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: state(app) == "waiting-approval", 5, "the prompt")
        listing = app.screen.query_one(SessionList)
        assert listing.has_focus
        assert "approval" in listing.render_line(0).text
        session = app.hub.rows()[0].live
        await pilot.press("y")
        await wait_until(pilot, lambda: any("answer=y" in line for line in session.screen_lines()), 5)
        pid = session.pty.pid
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitScreen), 5, "the quit question")
        await pilot.press("n")
        await pilot.pause()
        assert session.pty.alive()
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitScreen), 5)
        await pilot.press("y")
    assert not pid_alive(pid) and processes_in_session(pid) == []
    [entry] = load()[0]
    assert entry.state == "exited-failed"          # it was killed on the way out


async def test_enter_focuses_the_pane_keys_reach_the_program_and_ctrl_bracket_leaves():
    app = sessions_app("read line; echo \"got[$line]\"; sleep 60")
    async with app.run_test(size=(120, 30)) as pilot:
        session, pane = await into_the_pane(app, pilot)
        await pilot.press("1", "q", "y", "enter")          # app and list keys go to the program here
        await wait_until(pilot, lambda: any("got[1qy]" in line for line in session.screen_lines()), 5)
        await wait_until(pilot, lambda: "got[1qy]" in pane.render_line(1).text, 5, "the pane to redraw")
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert app.screen.query_one(SessionList).has_focus
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmKillScreen), 5, "the question")
        await pilot.press("n")                             # no: it keeps running
        await pilot.pause(0.2)
        assert session.pty.alive()
        await pilot.press("k", "y")
        await wait_until(pilot, lambda: state(app) == "exited-failed", 5, "the kill")


async def test_a_key_in_a_pane_whose_program_ended_goes_back_to_the_list():
    app = sessions_app("read line; echo \"got[$line]\"")
    async with app.run_test(size=(120, 30)) as pilot:
        session, pane = await into_the_pane(app, pilot)
        await pilot.press("x", "enter")                    # the program reads it and ends
        await wait_until(pilot, lambda: not session.pty.alive(), 5, "the program to end")
        await pilot.press("z")                             # nothing reads it now
        await pilot.pause()
        assert app.screen.query_one(SessionList).has_focus
        assert not pane.has_focus
        await pilot.press("z")                             # a list key again: zoom
        await pilot.pause()
        assert app.screen.zoomed


async def test_type_a_line_and_kill_from_the_list():
    app = sessions_app("read line; echo \"got[$line]\"; sleep 60", "sleep 60")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.hub.rows()) == 2, 5)
        listing = app.screen.query_one(SessionList)
        first = app.hub.rows()[1]                      # newest first: the read is second
        await pilot.press("down")
        assert listing.current.key == first.key
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: any("got[hello]" in line for line in first.live.screen_lines()), 5)
        await pilot.press("k", "y")
        await wait_until(pilot, lambda: not first.live.pty.alive(), 5)
        await pilot.press("r")                             # not Codex: says why it does nothing
        await pilot.pause()
        assert len(app.hub.rows()) == 2


async def test_earlier_sessions_are_listed_after_a_restart():
    app = sessions_app("echo done")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: state(app) == "exited-ok", 5)
    again = make_test_app(view="sessions")
    async with again.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        rows = again.hub.rows()
        assert [r.status.state for r in rows] == ["exited-ok"] and rows[0].live is None


def _in_tmux(tmp_path, command: str, timeout: float = 30) -> tuple[int, str]:
    """Run `command` in a detached tmux (a real terminal) until it ends: (exit code, output)."""
    import shutil
    import subprocess
    import sys
    import time

    import pytest

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket, out = f"codex-tui-test-{os.getpid()}", tmp_path / "out.txt"
    wrapped = f"cd {shlex.quote(os.getcwd())} && {command} 2>{out}.err; echo $? > {out}"
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "100", "-y", "30", wrapped],
                   check=True, env=env)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (out.exists() and out.read_text().strip()):
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    err = out.with_name("out.txt.err")
    return int(out.read_text()), err.read_text() if err.exists() else ""


def test_open_exit_with_child_quits_when_the_program_ends(tmp_path):
    import sys

    code, err = _in_tmux(tmp_path, f"{shlex.quote(sys.executable)} -m codex_tui open --cmd 'sh -c \"echo hi; exit 0\"' "
                                   "--exit-with-child")
    assert code == 0, err


def test_open_without_codex_says_what_to_do(tmp_path):
    import sys

    code, err = _in_tmux(tmp_path, f"CODEX_TUI_CODEX_BIN=/no/such/codex {shlex.quote(sys.executable)} "
                                   "-m codex_tui open 'hello'")
    assert code == 1 and "Codex not found" in err and "Traceback" not in err



async def test_the_held_clock_moves_on_screen_while_nothing_else_changes():
    """Once a second only the clock lines are drawn again (not the whole list), and what
    they draw moves on."""
    import re

    app = sessions_app("sleep 60")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.hub.rows() and app.hub.rows()[0].live is not None, 5)
        await pilot.pause(1.2)
        listing = app.screen.query_one(SessionList)
        drawn: list[tuple[int, str]] = []
        original = listing.render_line

        def render_line(y):
            strip = original(y)
            drawn.append((y, strip.text))
            return strip

        listing.render_line = render_line
        await pilot.pause(2.3)
        clocks = [int(re.search(r"(\d+)s\s", text).group(1)) for y, text in drawn if y == 0]
        assert len(clocks) >= 2 and clocks[-1] >= clocks[0] + 1
        assert {y for y, _ in drawn} == {0}         # the second line (id, folder) was left alone


async def test_z_zooms_the_pane_and_back():
    app = sessions_app("sleep 60")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.hub.rows() and app.hub.rows()[0].live is not None, 5)
        side = app.screen.query_one("#side")
        assert side.display
        await pilot.press("z")
        await wait_until(pilot, lambda: not side.display and app.screen.has_class("zoomed"), 5, "zoomed")
        await pilot.press("z")
        await wait_until(pilot, lambda: side.display and not app.screen.has_class("zoomed"), 5, "back")
