"""The approval menu of the real Codex TUI looks the same in our pane as in a plain terminal
(tmux): no grey block behind it, and the chosen item in reverse video, not blue. Codex picks
those colours from the terminal's answer to OSC 11; a plain terminal does not answer."""
from __future__ import annotations

import time

import pytest

from codex_tui.pty import emulator as E
from codex_tui.pty.requests import LaunchRequest
from tests.conftest import wait_until
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run
from tests.test_pty_real_codex import codex_app, need
from tests.tmux_helpers import TmuxServer, kill_daemons_under

pytestmark = pytest.mark.codex
ARGS = ["-a", "on-request", "-s", "workspace-write", "Create the file please"]


PHRASES = ("Create the file please", "Would you like to run", "Reason:", "Yes, proceed",
           "Yes, and don't ask", "No, and tell Codex")


def tmux_lines(binary: str, home, work) -> list[str]:
    """The screen as tmux holds it, with its SGR codes; TERM as our pane sets it (tmux would
    set its own), so both Codex runs see the same terminal but for what it answers."""
    server = TmuxServer(tui_env(home), cols=100, rows=30)
    try:
        pane = server.start(["env", "TERM=xterm-256color", binary, *ARGS], work)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Yes, proceed" not in server.capture(pane):
            time.sleep(0.5)
        time.sleep(0.5)
        text = server.tmux("capture-pane", "-p", "-e", "-t", pane)
    finally:
        server.close()
    return text.splitlines()


async def test_approval_menu_colours_match_a_plain_terminal(tmp_path):
    binary = need("0.169.0")
    work = tmp_path / "work"
    work.mkdir()
    try:
        # one request each (tmux's Codex, then ours): both stop at the approval menu
        with FakeResponses([run("touch x.txt", **escalated("0.169.0")),
                            run("touch x.txt", **escalated("0.169.0"))]) as fake:
            home = codex_home_for(tmp_path / "home", fake, work)
            in_tmux = tmux_lines(binary, home, work)
            app = codex_app(binary, home, LaunchRequest(cwd=str(work), prompt=ARGS[-1],
                                                        extra=tuple(ARGS[:-1])))
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_until(pilot, lambda: app.hub.rows() and any(
                    "Yes, proceed" in line for line in app.hub.rows()[0].live.screen_lines()), 60,
                    "the approval menu")
                await pilot.pause(0.5)
                live = app.hub.rows()[0].live
                with live.lock:
                    rows = [list(live.emulator.runs(y)) for y in range(live.emulator.rows)]
    finally:
        kill_daemons_under(tmp_path)
    def ours(phrase: str) -> list:
        return next(row for row in rows if phrase in "".join(t for t, _ in row))

    def theirs(phrase: str) -> str:
        return next(line for line in in_tmux if phrase in line)

    # a background behind each line (the composer has one in both; the menu in neither)
    assert {p: any(pen.bg is not None for _, pen in ours(p)) for p in PHRASES} == \
           {p: "\x1b[48;" in theirs(p) for p in PHRASES}
    # the chosen item: reverse video in tmux, and so in our pane (not a blue background)
    assert "\x1b[1;7m" in theirs("Yes, proceed")
    first = next(pen for text, pen in ours("Yes, proceed") if text.strip())
    assert first.flags & E.REVERSE and first.bg is None, first
