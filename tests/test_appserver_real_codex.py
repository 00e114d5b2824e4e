"""The real Codex TUI (0.169.0 and 0.171.0) with its shared app-server daemon, against the
fake Responses API: codex-tui reads exact states from the daemon, answers approvals
through the protocol, gives each pane its own thread, lists threads outside tmux, and
survives a daemon restart."""
from __future__ import annotations

import asyncio
import json

import pytest

from codex_tui.pty.process import PtySession
from tests.appserver_helpers import Following, socket_appears
from tests.conftest import run_cli
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.test_pty_real_codex import need
from tests.tmux_helpers import TmuxServer, kill_daemons_under

pytestmark = pytest.mark.codex
DAEMON_RELEASES = ["0.169.0", "0.171.0"]


def cli(home, *args):
    env = tui_env(home)
    proc = run_cli(*args, env=env)
    return proc


def idle(watch) -> list:
    return [t for t in watch.sessions() if t.status.state == "waiting-input"]


def tui(binary: str, *args: str) -> list[str]:
    return [binary, "-a", "on-request", "-s", "workspace-write", *args]


@pytest.mark.parametrize("version", DAEMON_RELEASES)
async def test_approve_and_deny_a_plain_tmux_pane_through_the_protocol(tmp_path, version):
    binary = need(version)
    work = tmp_path / "work"
    work.mkdir()
    replies = [run("touch approved.txt", **escalated(version)), say("Made it."),
               run("touch denied.txt", **escalated(version)), say("Understood.")]
    with FakeResponses(replies) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            pane = server.start(tui(binary, "Make the first file"), work)
            await socket_appears(home)
            async with Following(home) as daemon:
                [thread] = await daemon.until(lambda w: [t for t in w.sessions()
                                                         if t.status.state == "waiting-approval"],
                                              what="the approval wait")
                listed = json.loads(cli(home, "pending", "--json").stdout)
                # `pending` also follows every CODEX_HOME a running Codex names: another
                # test's Codex may be waiting too, from its own home
                [item] = [p for p in listed["pending"] if p["codex_home"] == str(home)]
                assert item["thread_id"] == thread.id and item["kind"] == "exec"
                assert "touch approved.txt" in item["command"] and item["cwd"] == str(work)
                assert "accept" in item["decisions"]
                assert not (work / "approved.txt").exists()

                done = cli(home, "approve", thread.id)
                assert done.returncode == 0, done.stderr
                await daemon.until(lambda w: w.threads[thread.id].status.state == "waiting-input",
                                   what="the turn's end")
                assert (work / "approved.txt").exists()       # Codex ran it once we answered
                await server.shows(pane, "Made it.")     # the TUI draws it after the turn ends
                assert cli(home, "deny", thread.id).returncode == 3     # nothing waits now

                server.tmux("send-keys", "-t", pane, "-l", "Now the second file")
                await asyncio.sleep(0.5)    # typed text then Enter at once reads as a paste
                server.tmux("send-keys", "-t", pane, "Enter")
                await daemon.until(lambda w: w.threads[thread.id].status.state == "waiting-approval",
                                   what="the second approval wait")
                refused = cli(home, "deny", thread.id)
                assert refused.returncode == 0, refused.stderr
                await daemon.until(lambda w: w.threads[thread.id].status.state == "waiting-input",
                                   what="the turn's end after the denial")
                assert not (work / "denied.txt").exists()
        finally:
            server.close()
            kill_daemons_under(home)


async def test_status_gives_each_pane_its_own_thread_and_lists_a_bare_terminal(tmp_path):
    binary = need("0.171.0")
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses([say("first"), say("second"), say("third")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        bare = None
        try:
            older = server.start(tui(binary, "the older session"), work)
            await socket_appears(home)
            async with Following(home) as daemon:
                [first] = await daemon.until(lambda w: [t for t in w.sessions()
                                                        if t.status.state == "waiting-input"],
                                             what="the first session to go idle")
                newer = server.window(tui(binary, "the newer session"), work)
                await daemon.until(lambda w: len(idle(w)) == 2,
                                   what="the second session")
                second = next(t for t in daemon.sessions() if t.id != first.id)
                bare = PtySession(tui(binary, "a session outside tmux"), cwd=work, env=tui_env(home))
                await daemon.until(lambda w: len(idle(w)) == 3,
                                   what="the bare-terminal session")
                third = next(t for t in daemon.sessions() if t.id not in (first.id, second.id))
                proc = cli(home, "status", "--json")     # every tmux server, and threads in none
                assert proc.returncode == 0, proc.stderr
                report = json.loads(proc.stdout)
                # other CODEX_HOMEs on this machine (other tests' Codex) are listed too: keep ours
                mine = [s for s in report["sessions"] if s["cwd"] == str(work)]
                by_pane = {s["tmux_pane"]: s for s in mine}
                assert by_pane[older]["thread_id"] == first.id
                assert by_pane[newer]["thread_id"] == second.id
                assert by_pane[older]["session_id"] == first.id
                assert by_pane[older]["state_source"] == "app-server"
                assert by_pane[older]["rollout"] == first.path
                outside = by_pane[None]
                assert outside["thread_id"] == third.id and outside["location"] == "another terminal"
                # exact, from the daemon (the bare TUI, whose screen nobody reads, may be mid-turn)
                assert outside["state_source"] == "app-server"
                assert outside["state"] in ("waiting-input", "working")
                [ours] = [d for d in report["daemons"] if d["codex_home"] == str(home)]
                assert ours["connected"] and ours["cli_version"] == "0.171.0"
        finally:
            if bare is not None:
                bare.close()
            server.close()
            kill_daemons_under(home)


async def test_a_daemon_restart_is_survived(tmp_path):
    binary = need("0.171.0")
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses([say("before"), say("after")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            server.start(tui(binary, "before the restart"), work)
            await socket_appears(home)
            async with Following(home) as daemon:
                before = {t.id for t in (await daemon.until(lambda w: w.connected and idle(w),
                                                           what="the first session"))}
                server.close()
                kill_daemons_under(home)      # this test's own daemon, under its CODEX_HOME
                await daemon.until(lambda w: not w.connected, what="the watch to see the loss")
                assert "daemon" in daemon.watch.why or "connect" in daemon.watch.why
                server = TmuxServer(tui_env(home))
                server.start(tui(binary, "after the restart"), work)
                [thread] = await daemon.until(
                    lambda w: w.connected and [t for t in w.sessions() if t.id not in before],
                    timeout=40, what="the reconnect and the new session")
                assert thread.path and thread.cwd == str(work)
                assert thread.path.startswith(str(home / "sessions"))   # the daemon's own path
        finally:
            server.close()
            kill_daemons_under(home)


async def test_rate_limits_reach_status_from_what_codex_recorded(tmp_path):
    """The fake API sends Codex's rate-limit headers; Codex records them in its rollout
    (the daemon sends its own rate-limit notices only to subscribed clients)."""
    binary = need("0.171.0")
    work = tmp_path / "work"
    work.mkdir()
    headers = {"x-codex-primary-used-percent": "42", "x-codex-primary-window-minutes": "300",
               "x-codex-primary-reset-at": "1796170000", "x-codex-secondary-used-percent": "7",
               "x-codex-secondary-window-minutes": "10080", "x-codex-secondary-reset-at": "1796500000"}
    with FakeResponses([say("hi")], headers=headers) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            server.start(tui(binary, "say hi"), work)
            await socket_appears(home)
            async with Following(home) as daemon:
                await daemon.until(lambda w: idle(w), what="the turn's end")
            report = json.loads(cli(home, "status", "--json", "--socket", server.socket).stdout)
            limits = report["rate_limits"]
            assert limits["source"] == "rollout"
            assert limits["primary"] == {"used_percent": 42.0, "window_minutes": 300.0,
                                         "resets_at": 1796170000.0}
            assert limits["secondary"]["used_percent"] == 7.0
        finally:
            server.close()
            kill_daemons_under(home)
