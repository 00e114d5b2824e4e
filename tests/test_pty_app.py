"""The Sessions view driven by keys, with real programs in its panes."""
from __future__ import annotations

import os
import shlex

from codex_tui.pty.registry import load
from codex_tui.screens.session_dialogs import QuitScreen
from codex_tui.widgets.pty_pane import PtyPane
from codex_tui.widgets.session_list import SessionList
from tests.conftest import make_test_app, wait_until
from tests.pty_helpers import pid_alive, processes_in_session

YN = "printf 'Continue? [y/n] '; read a; echo \"answer=$a\"; sleep 60"


def sessions_app(*commands: str):
    app = make_test_app()
    app.start_view = "sessions"
    app.pty_open = [{"command": f"bash -c {shlex.quote(c)}", "cwd": os.getcwd()} for c in commands]
    return app


def state(app, index: int = 0) -> str:
    return app.pty_hub.rows()[index].status.state


async def test_y_from_the_list_answers_a_prompt_and_quit_asks_first():
    app = sessions_app(YN)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: state(app) == "waiting-approval", 5, "the prompt")
        listing = app.screen.query_one(SessionList)
        assert listing.has_focus
        assert "approval" in listing.render_line(0).text
        session = app.pty_hub.rows()[0].live
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
        await wait_until(pilot, lambda: app.pty_hub.rows() and app.pty_hub.rows()[0].live is not None, 5)
        session = app.pty_hub.rows()[0].live
        await pilot.press("enter")
        pane = app.screen.query_one(PtyPane)
        assert pane.has_focus
        await pilot.press("1", "q", "y", "enter")          # app and list keys go to the program here
        await wait_until(pilot, lambda: any("got[1qy]" in line for line in session.screen_lines()), 5)
        await wait_until(pilot, lambda: "got[1qy]" in pane.render_line(1).text, 5, "the pane to redraw")
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert app.screen.query_one(SessionList).has_focus
        await pilot.press("k")
        await wait_until(pilot, lambda: state(app) == "exited-failed", 5, "the kill")


async def test_type_a_line_and_kill_from_the_list():
    app = sessions_app("read line; echo \"got[$line]\"; sleep 60", "sleep 60")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.pty_hub.rows()) == 2, 5)
        listing = app.screen.query_one(SessionList)
        first = app.pty_hub.rows()[1]                      # newest first: the read is second
        await pilot.press("down")
        assert listing.current.key == first.key
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: any("got[hello]" in line for line in first.live.screen_lines()), 5)
        await pilot.press("k")
        await wait_until(pilot, lambda: not first.live.pty.alive(), 5)
        await pilot.press("r")                             # not Codex: says why it does nothing
        await pilot.pause()
        assert len(app.pty_hub.rows()) == 2


async def test_earlier_sessions_are_listed_after_a_restart():
    app = sessions_app("echo done")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: state(app) == "exited-ok", 5)
    again = make_test_app()
    again.start_view = "sessions"
    async with again.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        rows = again.pty_hub.rows()
        assert [r.status.state for r in rows] == ["exited-ok"] and rows[0].live is None
