"""A Codex TUI in a tmux pane of another machine, reached through a real sshd: the Sessions
list finds its pane there (`in tmux devbox:...`), the screen-checked answer captures that
pane through `ssh HOST tmux capture-pane` and refuses a prompt that is not the one listed,
and i, e and p type into it through `ssh HOST tmux send-keys` / `paste-buffer`, text that
starts with `-` and holds `;` arriving as typed. Real Codex 0.171 on the remote side."""
from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest

from codex_tui.appserver.daemon import remote_watch
from codex_tui.pty.requests import SessionsOptions
from codex_tui.live_rows import locate
from codex_tui.tmux.remote import host_tmux
from codex_tui.screens.thread_actions import in_pane
from codex_tui.pty.detector import approval_menu
from codex_tui.tmux.actions import approve_in, deny_in
from tests.appserver_helpers import socket_appears
from tests.conftest import make_test_app, wait_until
from tests.fakecodex.pty_driver import escalated
from tests.fakecodex.server import FakeResponses, run, say
from tests.hosts_helpers import RemoteCodex, Seen
from tests.test_pty_real_codex import need

pytestmark = pytest.mark.codex

HOSTILE = "-n; echo owned; tmux kill-server;"      # an option, a command, a separator: all text


async def menu_drawn(tmux, pane: str) -> None:
    """The daemon tells before the TUI has drawn its menu: wait for the screen."""
    for _ in range(100):
        if not isinstance(approval_menu(await asyncio.to_thread(tmux.capture, pane)), str):
            return
        await asyncio.sleep(0.1)


def asked(api, text: str) -> bool:
    return any(text in json.dumps(body) for body in api.requests)


async def test_a_remote_pane_is_found_and_its_answer_is_screen_checked_over_ssh(tmp_path):
    need("0.171.0")
    replies = [run("touch approved.txt", **escalated("0.171.0")), say("Made it."),
               run("touch denied.txt", **escalated("0.171.0")), say("Left it.")]
    with FakeResponses(replies) as far_api:
        remote = RemoteCodex(far_api)
        try:
            pane = remote.start_tui()
            await socket_appears(remote.home)
            host = remote.sshd.host()
            async with Seen(remote_watch(host)) as seen:
                await seen.until(lambda w: w.connected, 20, "the ssh transport")
                await asyncio.to_thread(remote.type, pane, "Make the file")
                [thread] = await seen.until(lambda w: [t for t in w.threads.values()
                                                       if t.status.state == "waiting-approval"],
                                            40, "the remote approval")
                found = await asyncio.to_thread(locate, host, list(seen.watch.threads.values()))
                label, where = found[thread.id]
                assert where.pane_id == pane and where.host is host
                assert label == f"in tmux devbox:{where.target}" and where.socket == str(remote.tmux_socket)

                tmux = host_tmux(host, where.socket)
                await menu_drawn(tmux, pane)
                ok, message = await asyncio.to_thread(approve_in, tmux, pane, (None, "rm -rf /"))
                assert not ok and "prompt changed" in message
                await asyncio.sleep(0.5)
                assert not (remote.work / "approved.txt").exists()

                ok, message = await asyncio.to_thread(approve_in, tmux, pane, (None, "touch approved.txt"))
                assert ok, message
                await seen.until(lambda w: (remote.work / "approved.txt").exists(), 20, "the command to run")

                await seen.until(lambda w: w.threads[thread.id].status.state == "waiting-input", 30,
                                 "the first turn's end")
                await asyncio.to_thread(remote.type, pane, "Make another")
                await seen.until(lambda w: w.threads[thread.id].status.state == "waiting-approval", 40,
                                 "the second approval")
                await menu_drawn(tmux, pane)
                ok, message = await asyncio.to_thread(deny_in, tmux, pane)
                assert ok, message
                await seen.until(lambda w: w.threads[thread.id].status.state != "waiting-approval", 20,
                                 "the denial to land")
                await asyncio.sleep(1.0)
                assert not (remote.work / "denied.txt").exists()
        finally:
            remote.close()


async def test_i_e_and_p_type_into_a_remote_tmux_pane_from_the_sessions_view(tmp_path):
    from tests.test_sessions_daemon_real_codex import screen_of

    binary = need("0.171.0")
    replies = [say("First."), say("Second."), say("Third.")]
    with FakeResponses(replies) as far_api:
        remote = RemoteCodex(far_api)
        try:
            pane = remote.start_tui()
            await socket_appears(remote.home)
            await asyncio.to_thread(remote.type, pane, "Say first")
            host = remote.sshd.host()
            app = make_test_app(codex_bin=binary, view="sessions", hosts=[host],
                                sessions=SessionsOptions(env={"CODEX_HOME": str(tmp_path / "home")}))
            async with app.run_test(size=(160, 45)) as pilot:
                screen = screen_of(app)

                def located():
                    return [r for r in screen.rows if r.thread is not None and r.thread.host == "devbox"
                            and r.pane is not None and r.status.state == "waiting-input"]
                await wait_until(pilot, located, 40, "the remote thread, in its tmux pane",
                                 lambda: [(r.title, r.location, r.status.state) for r in screen.rows])
                [row] = located()
                assert row.location == "in tmux devbox:0:0.0" and row.live is None
                listing = screen.query_one("SessionList")
                listing.cursor = next(i for i, r in enumerate(listing.rows) if r.key == row.key)
                await pilot.pause(0.1)

                await pilot.press("i")
                await pilot.pause()
                await pilot.press(*HOSTILE, "enter")
                await wait_until(pilot, lambda: asked(far_api, HOSTILE), 30, "the line to reach Codex there")

                await wait_until(pilot, lambda: "Second." in remote.screen(pane), 30, "the second answer")
                await asyncio.to_thread(remote.tmux, "send-keys", "-t", pane, "-l", "Say third")
                await pilot.pause(0.5)
                await pilot.press("e")
                await wait_until(pilot, lambda: asked(far_api, "Say third"), 30, "Enter to send the composer")

                await pilot.press("p")
                await wait_until(pilot, lambda: any("poked" in n.message for n in app._notifications),
                                 10, "the poke")
                # the screen check refuses when the list shows no approval
                ok, message = await asyncio.to_thread(in_pane, replace(row), "approve")
                assert not ok and "no approval" in message
                await pilot.press("g")
                await wait_until(pilot, lambda: any("ssh -t devbox tmux" in n.message
                                                    for n in app._notifications), 5, "where to attach")
        finally:
            remote.close()


async def test_k_on_a_remote_thread_stops_that_turn_only_and_leaves_its_process(tmp_path):
    from tests.test_sessions_daemon_real_codex import screen_of

    binary = need("0.171.0")
    with FakeResponses([say("Slow one.", delay=60), say("Slow two.", delay=60)]) as far_api:
        remote = RemoteCodex(far_api)
        try:
            first = remote.start_tui()
            await socket_appears(remote.home)
            second = remote.tmux("new-window", "-P", "-F", "#{pane_id}", "-c", str(remote.work),
                                 "codex", "-a", "on-request", "-s", "workspace-write").strip()
            await asyncio.to_thread(remote.type, first, "Work one")
            await asyncio.to_thread(remote.type, second, "Work two")
            app = make_test_app(codex_bin=binary, view="sessions", hosts=[remote.sshd.host()],
                                sessions=SessionsOptions(env={"CODEX_HOME": str(tmp_path / "home")}))
            async with app.run_test(size=(160, 45)) as pilot:
                screen = screen_of(app)

                def working():
                    return {r.pane.pane_id: r for r in screen.rows if r.thread is not None
                            and r.thread.host == "devbox" and r.pane is not None
                            and r.status.state == "working"}
                await wait_until(pilot, lambda: len(working()) == 2, 40, "both remote turns, located",
                                 lambda: [(r.title, r.location, r.status.state) for r in screen.rows])
                target, other = working()[first], working()[second]
                listing = screen.query_one("SessionList")
                listing.cursor = next(i for i, r in enumerate(listing.rows) if r.key == target.key)
                await pilot.pause(0.1)
                await pilot.press("k")
                await pilot.pause()
                await pilot.press("y")

                def state_of(row):
                    return next((r.status.state for r in screen.rows if r.key == row.key), None)
                await wait_until(pilot, lambda: state_of(target) == "waiting-input", 20,
                                 "the turn to stop", lambda: state_of(target))
                assert state_of(other) == "working"
                panes = remote.tmux("list-panes", "-a", "-F", "#{pane_id} #{pane_current_command}")
                assert f"{first} codex" in panes and f"{second} codex" in panes, panes
        finally:
            remote.close()
