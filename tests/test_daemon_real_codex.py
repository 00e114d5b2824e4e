"""Killing one Codex never breaks another on the same CODEX_HOME (Codex 0.171.0, whose TUIs
are all threads of one app-server daemon that the first TUI starts).

Each test starts a Codex from codex-tui first, so that it starts the daemon (which then
carries the pane's marker and sits in its process tree: what the kills used to reach),
then a second Codex in a plain tmux pane on the same CODEX_HOME and fake Responses API. It
ends the first one (hub kill; the app's SIGTERM, SIGHUP and quit; `k` in watch) and checks
that the daemon lives and the second Codex still answers a new prompt.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from codex_tui import procs
from codex_tui.pty.hub import SessionHub
from codex_tui.screens.session_dialogs import ConfirmKillScreen
from codex_tui.screens.watch import WatchApp
from codex_tui.procs import environ
from codex_tui.tmux.watcher import TmuxWatcher
from tests.conftest import REPO, wait_until
from tests.fakecodex.pty_driver import codex_home_for, tui_env
from tests.fakecodex.server import FakeResponses, say
from tests.pty_helpers import pid_alive, processes_with_marker, wait_for
from tests.test_pty_real_codex import need
from tests.tmux_helpers import TmuxServer, kill_daemons_under

pytestmark = pytest.mark.codex

VERSION = "0.171.0"
STARTUP_S = 30.0


def socket_of(home: Path) -> Path:
    return home / "app-server-control" / "app-server-control.sock"


def daemons_of(home: Path) -> list[int]:
    """The daemon serving this CODEX_HOME, as Codex records it in daemon.pid, once it runs
    and listens. (Not every `app-server --listen` process: under load a second one can
    start, lose the startup lock and exit; nor the `daemon pid-update-loop` helper, which
    Codex replaces at times.)"""
    try:
        pid = json.loads((home / "app-server-daemon" / "daemon.pid").read_text())["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    argv = procs.argv_of(pid)
    alive = pid_alive(pid) and argv[:1] and argv[0].startswith(str(home))
    return [pid] if alive and argv[1:3] == ["app-server", "--listen"] else []


def started_by_codex_tui(pids: list[int]) -> bool:
    """The daemon inherited codex-tui's PTY marker: the pane's Codex started it."""
    return bool(pids) and all("CODEX_TUI_PTY" in environ(p) for p in pids)


def pane_codex(home: Path) -> list[int]:
    """Processes of codex-tui's own panes on this CODEX_HOME, the daemon left out."""
    spared = procs.spared()
    found = []
    for pid in (int(e.name) for e in os.scandir("/proc") if e.name.isdigit()):
        env = environ(pid)
        if "CODEX_TUI_PTY" in env and env.get("CODEX_HOME") == str(home) and pid not in spared \
                and pid_alive(pid):
            found.append(pid)
    return found


def left_behind(pids: list[int]) -> list[int]:
    """Those of `pids` still running that are not the daemon or below it (one seen between
    its fork and its exec may have become a daemon process since)."""
    spared = procs.spared()
    return [p for p in pids if pid_alive(p) and p not in spared]


def answered(server: TmuxServer, pane: str, fake: FakeResponses, count: int, text: str) -> None:
    """Wait until the fake server got request number `count` and the reply is on screen."""
    wait_for(lambda: len(fake.requests) >= count, STARTUP_S,
             what=f"request {count} from the tmux Codex")
    wait_for(lambda: text in server.capture(pane), 20, what=f"{text!r} in the tmux pane")


def ask(server: TmuxServer, pane: str, fake: FakeResponses, prompt: str, reply: str) -> None:
    before = len(fake.requests)
    server.tmux("send-keys", "-t", pane, "-l", prompt)
    time.sleep(0.2)                   # a TUI reads the text and the Enter as one paste otherwise
    server.tmux("send-keys", "-t", pane, "Enter")
    answered(server, pane, fake, before + 1, reply)
    assert "Reconnecting" not in server.capture(pane)


def second_codex(server: TmuxServer, binary: str, work: Path, fake: FakeResponses) -> str:
    """A Codex in a tmux window of its own that attaches to the daemon and answers."""
    pane = server.window([binary, "first question"], work)
    answered(server, pane, fake, 1, "first answer")
    return pane


def replies():
    return [say("first answer"), say("second answer")]


async def test_hub_kill_spares_the_daemon_another_codex_uses(tmp_path):
    binary = need(VERSION)
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses(replies(), fallback="spare answer") as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        hub = SessionHub(codex_bin=binary, env=tui_env(home), save_registry=False)
        server = TmuxServer(tui_env(home))
        try:
            first = hub.start_codex("", cwd=str(work))
            for _ in range(int(STARTUP_S * 10)):      # the pump reads the pane on this loop
                if socket_of(home).exists() and daemons_of(home):
                    break
                await asyncio.sleep(0.1)
            daemons = daemons_of(home)
            assert started_by_codex_tui(daemons), "the codex-tui pane should have started the daemon"
            assert set(daemons) <= set(processes_with_marker(first.pty.marker))
            server.start(["sleep", "300"], work)
            pane = second_codex(server, binary, work, fake)
            tree = [first.pty.pid, *first.pty.descendants()]
            assert hub.kill(first.launch.key).startswith("killed")
            assert left_behind(tree) == []
            assert all(pid_alive(p) for p in daemons)
            ask(server, pane, fake, "second question", "second answer")
        finally:
            hub.close()
            server.close()
            kill_daemons_under(home)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "quit"])
def test_the_app_ends_its_panes_restores_the_terminal_and_spares_the_daemon(how, tmp_path):
    binary = need(VERSION)
    work = tmp_path / "work"
    work.mkdir()
    exit_file = tmp_path / "exit-code"
    with FakeResponses(replies(), fallback="spare answer") as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        dirs = {k: v for k, v in os.environ.items() if k.startswith("CODEX_TUI_") and k.endswith("_DIR")}
        env = {**tui_env(home), **dirs, "CODEX_TUI_CODEX_BIN": binary, "PYTHONPATH": str(REPO)}
        server = TmuxServer(env)
        try:
            app = f"{sys.executable} -m codex_tui open --cwd {work}; echo $? > {exit_file}; sleep 60"
            app_pane = server.start(["sh", "-c", app], work)
            wait_for(lambda: socket_of(home).exists() and daemons_of(home), STARTUP_S, what="the daemon")
            daemons = daemons_of(home)
            assert started_by_codex_tui(daemons), "the app's pane should have started the daemon"
            in_panes = wait_for(lambda: pane_codex(home), 10, what="the app pane's Codex")
            pane = second_codex(server, binary, work, fake)
            if how == "quit":
                server.tmux("send-keys", "-t", app_pane, "q")
                wait_for(lambda: "Quit codex-tui?" in server.capture(app_pane), 10,
                         what="the quit question")
                server.tmux("send-keys", "-t", app_pane, "y")
            else:
                os.kill(app_pid(server, app_pane), getattr(signal, how))
            wait_for(lambda: exit_file.exists() and exit_file.read_text().strip(), 20,
                     what="the app to exit")
            expected = 0 if how == "quit" else 128 + getattr(signal, how)
            assert exit_file.read_text().strip() == str(expected)
            assert server.tmux("display", "-p", "-t", app_pane,
                               "#{alternate_on} #{mouse_any_flag}").strip() == "0 0"
            assert left_behind(in_panes) == []
            assert all(pid_alive(p) for p in daemons)
            ask(server, pane, fake, "second question", "second answer")
        finally:
            server.close()
            kill_daemons_under(home)


def app_pid(server: TmuxServer, pane: str) -> int:
    """The app: the Python child of the pane's `sh -c`."""
    shell = int(server.tmux("display", "-p", "-t", pane, "#{pane_pid}").strip())
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and "codex_tui" in " ".join(procs.argv_of(int(entry.name))):
            stat = Path(entry.path, "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == shell:
                return int(entry.name)
    raise AssertionError("the app is not running in its pane")


async def test_watch_kill_restores_the_pane_and_spares_the_daemon(tmp_path):
    binary = need(VERSION)
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses(replies(), fallback="spare answer") as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        server = TmuxServer(tui_env(home))
        try:
            pane = server.start(["bash", "--norc", "--noprofile"], work)
            server.tmux("send-keys", "-t", pane, "-l", f"{binary} 'first question'")
            server.tmux("send-keys", "-t", pane, "Enter")
            answered(server, pane, fake, 1, "first answer")
            daemons = wait_for(lambda: daemons_of(home), 10, what="the daemon")
            assert server.tmux("display", "-p", "-t", pane, "#{alternate_on}").strip() == "1"
            app = WatchApp(TmuxWatcher([server.socket]), poll_s=0.5)
            async with app.run_test(size=(44, 12)) as pilot:
                listing = app.query_one("WatchList")
                await wait_until(pilot, lambda: bool(listing.rows), 20, "the pane in the list")
                codex = listing.rows[0].found.pids
                assert set(daemons) <= set(codex)           # in its tree: what kill used to reach
                await pilot.press("k")
                await wait_until(pilot, lambda: isinstance(app.screen, ConfirmKillScreen), 5,
                                 "the question")
                await pilot.press("y")
                ours = [p for p in codex if p not in procs.spared()]
                await wait_until(pilot, lambda: not any(pid_alive(p) for p in ours), 10, "the kill")
            assert server.tmux("display", "-p", "-t", pane,
                               "#{alternate_on} #{mouse_any_flag}").strip() == "0 0"
            assert all(pid_alive(p) for p in daemons)
            server.tmux("send-keys", "-t", pane, "-l", "echo shell-answers-$((6*7))")
            server.tmux("send-keys", "-t", pane, "Enter")
            wait_for(lambda: "shell-answers-42" in server.capture(pane), 10, what="the shell")
        finally:
            server.close()
            kill_daemons_under(home)
