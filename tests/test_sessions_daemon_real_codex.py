"""The Sessions view with real Codex 0.171 and its daemon: codex-tui's own pane and a Codex
in a plain tmux pane (one CODEX_HOME) show exact states from the app-server, at 160x45 and
80x24; the tmux one is listed with where it runs, and `y` on it approves through the
protocol. The view is woken by the daemon's notifications (DaemonChanged messages)."""
from __future__ import annotations

import json
import sys
import time

import pytest

from codex_tui.screens.sessions import DaemonChanged, SessionsScreen
from codex_tui.pty.requests import LaunchRequest
from tests.appserver_helpers import socket_appears
from tests.conftest import wait_until
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.test_pty_real_codex import codex_app, need
from tests.tmux_helpers import TmuxServer, kill_daemons_under

pytestmark = pytest.mark.codex


def screen_of(app) -> SessionsScreen:
    return next(s for s in app.screen_stack if isinstance(s, SessionsScreen))


@pytest.mark.parametrize("size", [(160, 45), (80, 24)])
async def test_sessions_view_exact_states_and_approve_a_tmux_thread(tmp_path, size):
    binary = need("0.171.0")
    work = tmp_path / "work"
    work.mkdir()
    replies = [say("Pane ready."), run("touch from-tmux.txt", **escalated("0.171.0")), say("Done.")]
    with FakeResponses(replies) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        woken: list[float] = []
        try:
            notices = tmp_path / "notices.jsonl"
            recorder = tmp_path / "record.py"
            recorder.write_text("import sys\nopen(sys.argv[1], 'a').write(sys.stdin.read())\n")
            app = codex_app(binary, home, LaunchRequest(cwd=str(work), prompt="hello from the pane"),
                            notify_cmd=f"{sys.executable} {recorder} {notices}")

            def hook(message) -> None:
                if isinstance(message, DaemonChanged):
                    woken.append(time.monotonic())
            async with app.run_test(size=size, message_hook=hook) as pilot:
                await socket_appears(home)
                screen = screen_of(app)
                await wait_until(pilot, lambda: any(r.thread is not None and r.live is not None
                                                    and r.status.state == "waiting-input"
                                                    for r in screen.rows), 40, "the pane's thread")
                own = next(r for r in screen.rows if r.live is not None)
                assert own.session_id == own.thread.id and own.status.pattern == "app-server"
                tmux_pane = server.start([binary, "-a", "on-request", "-s", "workspace-write",
                                          "make the file from tmux"], work)

                def seen() -> str:    # what the rows and the tmux Codex showed instead
                    rows = [(r.live is not None, r.thread is not None, r.status.state, r.status.detail)
                            for r in screen.rows]
                    return f"rows {rows}; requests served {len(fake.requests)}; tmux screen:\n" + \
                        server.capture(tmux_pane)[-1500:]
                # The state comes first; the command with the request, once the view has
                # subscribed to the thread (a round trip later).
                await wait_until(pilot, lambda: any(r.live is None and r.thread is not None
                                                    and r.status.state == "waiting-approval"
                                                    and r.status.detail
                                                    for r in screen.rows), 40, "the tmux approval",
                                 seen=seen)
                seen_at = time.monotonic()
                assert woken, "the view was not woken by the daemon"
                other = next(r for r in screen.rows if r.live is None)
                assert other.status.detail == "touch from-tmux.txt"
                assert other.thread.id != own.thread.id
                listing = screen.query_one("SessionList")
                index = next(i for i, r in enumerate(listing.rows) if r.key == other.key)
                row_text = listing.render_line(2 * index).text + listing.render_line(2 * index + 1).text
                assert "approval" in row_text          # narrow lists put the state on line two
                await wait_until(pilot, lambda: screen.live_rows.locations.get(other.thread.id), 10,
                                 "the tmux location")
                listing.cursor = index
                await pilot.pause(0.1)
                await wait_until(pilot, lambda: notices.exists() and other.thread.id in
                                 notices.read_text(), 10, "a notice for the thread in tmux")
                notice = [json.loads(line) for line in notices.read_text().splitlines()
                          if other.thread.id in line][0]
                assert notice["event"] == "blocked" and notice["state"] == "waiting-approval"
                assert notice["detail"] == "touch from-tmux.txt"
                assert "offers: accept" in str(screen.query_one("#detail").render())
                # y accepts once; Y accepts for the session (0.171: the execpolicy amendment)
                await pilot.press("y" if size == (160, 45) else "Y")
                await wait_until(pilot, lambda: (work / "from-tmux.txt").exists(), 20,
                                 "Codex to run the approved command")
                assert woken[-1] >= seen_at        # the end of the turn came as a notification too
        finally:
            server.close()
            kill_daemons_under(home)


async def test_a_subagent_nests_under_its_parent(tmp_path):
    """0.171's multi_agent tools: the fake model asks for spawn_agent; the child thread
    (parentThreadId set) is listed right under its parent, and status names its parent."""
    from tests.fakecodex.server import spawn
    from tests.test_appserver_real_codex import cli

    binary = need("0.171.0")
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses([spawn("count to three"), say("child done"), say("parent done")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            server.start([binary, "-a", "on-request", "-s", "workspace-write", "spawn a helper"], work)
            await socket_appears(home)
            app = codex_app(binary, home, LaunchRequest(cwd=str(work), command="sleep 60"))
            async with app.run_test(size=(120, 30)) as pilot:
                screen = screen_of(app)
                await wait_until(pilot, lambda: any(r.thread is not None and r.thread.parent_id
                                                    for r in screen.rows), 40, "the subagent")
                keys = [r.key for r in screen.rows]
                child = next(r for r in screen.rows if r.thread is not None and r.thread.parent_id)
                parent = next(r for r in screen.rows if r.thread is not None
                              and r.thread.id == child.thread.parent_id)
                assert keys.index(child.key) == keys.index(parent.key) + 1
                assert child.title.strip().startswith("↳") and child.thread.source == "subagent"
            report = json.loads(cli(home, "status", "--json").stdout)
            [listed] = [s for s in report["sessions"] if s["thread_id"] == child.thread.id]
            assert listed["parent_thread_id"] == parent.thread.id and listed["location"] == "subagent"
        finally:
            server.close()
            kill_daemons_under(home)
