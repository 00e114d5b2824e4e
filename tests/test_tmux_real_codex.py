"""The real Codex TUI (0.169.0) in a pane of a private tmux server, against the fake
Responses API, beside panes that are not Codex: `status --json` reports the approval wait,
`status --tmux` counts it, and `y` in `watch` (driven in-process with pilot, pointed at
that server) makes Codex run the command."""
from __future__ import annotations

import json
import time

import pytest

from codex_tui.screens.watch import WatchApp
from codex_tui.tmux.watcher import TmuxWatcher
from tests.conftest import run_cli, wait_until
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.test_pty_real_codex import need
from tests.tmux_helpers import TmuxServer, kill_daemons_under

pytestmark = pytest.mark.codex


def status_json(socket: str) -> list[dict]:
    proc = run_cli("status", "--json", "--socket", socket)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["sessions"]


def wait_for_state(socket: str, state: str, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    sessions: list[dict] = []
    while time.monotonic() < deadline:
        sessions = status_json(socket)
        if sessions and sessions[0]["state"] == state:
            return sessions
        time.sleep(0.5)
    raise AssertionError(f"no {state}; last status: {sessions}")


async def test_status_and_watch_approve_in_tmux(tmp_path):
    binary = need("0.169.0")
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses([run("touch created-in-tmux.txt", **escalated("0.169.0")), say("Created it.")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            codex_pane = server.start([binary, "-a", "on-request", "-s", "workspace-write",
                                       "Create the file please"], work)
            server.window(["bash", "--norc"], work)
            server.window(["sleep", "300"], work)
            sessions = wait_for_state(server.socket, "waiting-approval")
            assert len(sessions) == 1, sessions          # bash and sleep are not Codex
            [found] = sessions
            assert found["tmux_pane"] == codex_pane and found["cwd"] == str(work)
            assert found["detail"] == "touch created-in-tmux.txt"
            assert found["pid"] > 1 and found["since"] <= time.time()
            assert set(found) >= {"pid", "tmux_pane", "cwd", "session_id", "state", "since"}
            line = run_cli("status", "--tmux", "--socket", server.socket).stdout.strip()
            assert line == "codex #[fg=red]1 blocked#[default]"
            assert not (work / "created-in-tmux.txt").exists()

            app = WatchApp(TmuxWatcher([server.socket]), poll_s=0.5)
            async with app.run_test(size=(44, 12)) as pilot:
                listing = app.query_one("WatchList")
                await wait_until(pilot, lambda: listing.rows and
                                 listing.rows[0].status.state == "waiting-approval", 20, "the prompt")
                assert "approval" in listing.render_line(0).text
                assert "touch created-in-tmux.txt" in str(app.query_one("#alerts").render())
                await pilot.press("y")
                await wait_until(pilot, lambda: (work / "created-in-tmux.txt").exists(), 20,
                                 "Codex to run the approved command")
                await wait_until(pilot, lambda: listing.rows[0].status.state == "waiting-input", 20,
                                 "the turn's end")
                assert "Created it." in server.capture(codex_pane)
                assert listing.rows[0].found.session_id is not None
        finally:
            server.close()
            kill_daemons_under(home)
