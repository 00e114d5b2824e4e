"""Codex on another machine, through a real OpenSSH server started by the test: the
"remote" is another uid with its own HOME and CODEX_HOME behind sshd on 127.0.0.1, running
the real Codex 0.171 TUI in its own tmux against the fake Responses API. Its approval wait
reaches the local Sessions list with the host's name within 1 s of the remote daemon's own
notification, `y` approves it, `status --json` lists it, and killing sshd shows the host as
unreachable while the local session goes on."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from codex_tui.appserver.daemon import DaemonWatch
from codex_tui.pty.requests import LaunchRequest, SessionsOptions
from tests.appserver_helpers import socket_appears
from tests.conftest import make_test_app, run_cli, wait_until
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.hosts_helpers import RemoteCodex, Seen
from tests.test_pty_real_codex import need
from tests.tmux_helpers import kill_daemons_under

pytestmark = pytest.mark.codex


def config_env(tmp_path, text: str, home) -> dict:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text)
    return {"CODEX_TUI_CONFIG_DIR": str(folder), "CODEX_HOME": str(home)}


def remote_rows(screen, state: str | None = None) -> list:
    return [r for r in screen.rows if r.thread is not None and r.thread.host == "devbox"
            and (state is None or r.status.state == state)]


async def test_a_remote_tui_is_listed_approved_with_y_and_sshd_dying_leaves_local_alone(tmp_path):
    from tests.test_sessions_daemon_real_codex import screen_of

    binary = need("0.171.0")
    local_work = tmp_path / "work"
    local_work.mkdir()
    remote_replies = [run("touch approved.txt", **escalated("0.171.0")), say("Made it.")]
    with FakeResponses(remote_replies) as far_api, FakeResponses([say("Local ready.")]) as near_api:
        remote = RemoteCodex(far_api)
        local_home = codex_home_for(tmp_path / "home", near_api, local_work)
        env = config_env(tmp_path, remote.sshd.config_toml(), local_home)
        try:
            pane = remote.start_tui()
            await socket_appears(remote.home)
            host = remote.sshd.host()
            app = make_test_app(codex_bin=binary, view="sessions", hosts=[host], sessions=SessionsOptions(
                open=(LaunchRequest(cwd=str(local_work), prompt="hello from here"),),
                env=tui_env(local_home)))
            # the remote daemon's own notifications, read beside it: the clock the list is held to
            async with Seen(DaemonWatch(remote.home)) as beside, app.run_test(size=(140, 40)) as pilot:
                screen = screen_of(app)
                await wait_until(pilot, lambda: any(r.live is not None and r.thread is not None and
                                                    r.status.state == "waiting-input"
                                                    for r in screen.rows), 40, "the local pane's thread")
                far = screen.feed.watches["ssh:devbox"]
                await wait_until(pilot, lambda: far.connected, 20, "the ssh transport")
                assert far.cli_version == "0.171.0"
                await asyncio.to_thread(remote.type, pane, "Make the file")
                await wait_until(pilot, lambda: remote_rows(screen, "waiting-approval"), 40,
                                 "the remote approval in the local list")
                listed_at = time.monotonic()
                notified_at = beside.notified("waitingOnApproval")
                assert notified_at is not None
                assert listed_at - notified_at < 1.0, listed_at - notified_at
                # its tmux pane there is found within a locate pass (every 2 s)
                await wait_until(pilot, lambda: remote_rows(screen)[0].location == "in tmux devbox:0:0.0",
                                 10, "the remote pane", lambda: remote_rows(screen)[0].location)
                [row] = remote_rows(screen)
                assert row.title.startswith("devbox: ")
                assert row.status.detail == "touch approved.txt" and row.status.pattern == "app-server"
                assert not (remote.work / "approved.txt").exists()

                proc = await asyncio.to_thread(run_cli, "status", "--json", env=env)
                assert proc.returncode == 0, proc.stderr
                report = json.loads(proc.stdout)
                [item] = [s for s in report["sessions"] if s["host"] == "devbox"]
                assert item["thread_id"] == row.thread.id and item["state"] == "waiting-approval"
                assert item["location"] == "on devbox" and item["cwd"] == str(remote.work)
                [daemon] = [d for d in report["daemons"] if d["host"] == "devbox"]
                assert daemon["connected"] and daemon["cli_version"] == "0.171.0"

                listing = screen.query_one("SessionList")
                listing.cursor = next(i for i, r in enumerate(listing.rows) if r.key == row.key)
                await pilot.pause(0.1)
                await pilot.press("y")
                await wait_until(pilot, lambda: (remote.work / "approved.txt").exists(), 20,
                                 "Codex there to run the approved command")
                await wait_until(pilot, lambda: remote_rows(screen, "waiting-input"), 20,
                                 "the remote turn's end")

                # its logs: no codex-tui there, so the daemon's thread/list, saying what is missing
                proc = await asyncio.to_thread(run_cli, "sessions", "--host", "devbox", "--json", env=env)
                assert proc.returncode == 0, proc.stderr
                logs = json.loads(proc.stdout)
                [told] = logs["hosts"]
                assert told["source"] == "thread/list" and "token use" in told["missing"], told
                [listed] = [s for s in logs["sessions"] if s["id"] == row.thread.id]
                assert listed["first_prompt"] == "Make the file" and listed["cwd"] == str(remote.work)
                assert listed["path"] == row.thread.path and listed["host"] == "devbox"

                remote.sshd.kill()                  # the machine drops off the network
                await wait_until(pilot, lambda: not far.connected, 20, "the host to be lost")
                assert far.why.startswith("devbox: unreachable ("), far.why
                await wait_until(pilot, lambda: not remote_rows(screen), 10, "the remote rows to go")
                await wait_until(pilot, lambda: "devbox: unreachable" in
                                 str(screen.query_one("#sessions-status").render()), 10,
                                 "the status line to say so")
                [mine] = [r for r in screen.rows if r.live is not None]
                assert mine.live.pty.alive() and mine.thread is not None
                assert mine.status.pattern == "app-server" and mine.status.state == "waiting-input"

                started = time.monotonic()
                proc = await asyncio.to_thread(run_cli, "status", "--json", env=env)
                took = time.monotonic() - started
                report = json.loads(proc.stdout)
                [daemon] = [d for d in report["daemons"] if d["host"] == "devbox"]
                assert not daemon["connected"] and "Connection refused" in daemon["why"]
                assert [s for s in report["sessions"] if s["thread_id"] == mine.thread.id]
                assert took < 5.0, took           # bounded (the figure is in bench/bench_hosts.py)
        finally:
            remote.close()
            kill_daemons_under(local_home)
