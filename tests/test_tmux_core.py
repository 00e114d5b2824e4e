"""tmux discovery, throttled capture, status line and tmux-split, with a real tmux server
and a stand-in `codex` (a symlink named codex to cat: it looks like Codex to /proc)."""
from __future__ import annotations

import json

import os
import time

import pytest

from codex_tui.commands.tmux import tmux_line
from codex_tui.pty.detector import Status
from codex_tui.tmux.client import strip_escapes
from codex_tui.tmux.discover import discover
from codex_tui.procs import is_interactive_codex
from codex_tui.tmux.watcher import TmuxWatcher
from tests.conftest import run_cli
from tests.pty_helpers import wait_for
from tests.tmux_helpers import TmuxServer


@pytest.mark.parametrize("argv, expected", [
    (["codex"], True),
    (["/usr/lib/node_modules/@openai/codex/bin/codex", "-m", "gpt-5", "fix it"], True),
    (["node", "/x/node_modules/.bin/codex", "resume", "abc"], True),
    (["node", "/x/bin/codex.js"], True),
    (["/x/vendor/bin/codex", "app-server", "--listen", "unix://"], False),
    (["node", "/x/.bin/codex", "exec", "--json", "task"], False),
    (["codex-tui", "watch"], False),
    (["node", "server.js"], False),
    (["bash"], False),
    ([], False),
])
def test_which_processes_are_interactive_codex(argv, expected):
    assert is_interactive_codex(argv) is expected


def test_escapes_are_stripped_for_the_detector():
    assert strip_escapes("\x1b[1;31m› 1. Yes\x1b[0m \x1b]0;title\x07(y)") == "› 1. Yes (y)"


class Row:
    def __init__(self, state: str) -> None:
        self.status = Status(state, 0.0)


def test_tmux_line_counts_with_colours():
    rows = [Row(s) for s in ("waiting-approval", "silent", "working", "exited-failed",
                             "waiting-input", "exited-ok")]
    assert tmux_line(rows) == ("codex #[fg=red]2 blocked#[default] #[fg=green]1 working#[default] "
                               "#[fg=magenta]1 failed#[default] #[fg=yellow]1 idle#[default]")
    assert tmux_line([]) == "codex -"


@pytest.fixture
def fake_codex(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "codex").symlink_to("/bin/cat")
    return str(folder / "codex")


def test_discovery_maps_codex_to_its_pane_and_ignores_others(tmp_path, fake_codex):
    work = tmp_path / "repo"
    work.mkdir()
    with TmuxServer() as server:
        pane = server.start([fake_codex], work)
        server.window(["sleep", "300"], tmp_path)
        server.window(["bash", "--norc"], tmp_path)
        found = wait_for(lambda: discover([server.socket]).sessions, 5, what="the pane")
        assert [(f.pane.pane_id, f.cwd, f.repo) for f in found] == [(pane, str(work), "repo")]
        assert found[0].pane.socket == server.socket and found[0].pid in found[0].pids
        # the TMUX variable names the server: no --socket needed
        assert pane in [f.pane.pane_id for f in discover().sessions if f.pane.socket == server.socket]


def test_capture_is_throttled_and_skipped_without_activity(tmp_path, fake_codex):
    with TmuxServer() as server:
        pane = server.start([fake_codex], tmp_path)
        watcher = TmuxWatcher([server.socket], context=False)
        wait_for(lambda: watcher.poll(), 5, what="the pane")
        start = time.time()
        first = watcher.captures
        assert first == 1
        watcher.poll(start + 0.3)
        assert watcher.captures == first                    # at most once per second
        watcher.poll(start + 2.5)                           # once more after the activity second
        settled = watcher.captures
        for offset in (4.0, 6.0, 8.0):
            watcher.poll(start + offset)
        assert watcher.captures == settled                  # window_activity did not move
        time.sleep(1.1)
        server.tmux("send-keys", "-t", pane, "-l", "hello tmux")
        wait_for(lambda: "hello tmux" in server.capture(pane), 5, what="the echo")
        time.sleep(0.2)
        rows = watcher.poll(time.time() + 9.0)
        assert watcher.captures == settled + 1
        assert any("hello tmux" in line for line in rows[0].screen)


def test_status_without_codex_in_tmux(tmp_path):
    with TmuxServer() as server:
        server.start(["sleep", "300"], tmp_path)
        proc = run_cli("status", "--json", "--socket", server.socket)
        assert proc.returncode == 0 and json.loads(proc.stdout)["sessions"] == []
        assert run_cli("status", "--tmux", "--socket", server.socket).stdout.strip() == "codex -"
        assert "No Codex sessions" in run_cli("status", "--socket", server.socket).stdout


def test_tmux_split_outside_tmux_says_so():
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    proc = run_cli("tmux-split", env={"TMUX": ""} | env)
    assert proc.returncode == 1
    assert "not inside tmux" in proc.stderr and "Traceback" not in proc.stderr


def test_tmux_split_opens_watch_beside_the_pane(tmp_path):
    with TmuxServer() as server:
        pane = server.start(["sleep", "300"], tmp_path)
        env = {"TMUX": f"{server.socket},1,0", "TMUX_PANE": pane}
        proc = run_cli("tmux-split", "--width", "40", env=env)
        assert proc.returncode == 0, proc.stderr
        panes = server.tmux("list-panes", "-t", pane, "-F",
                            "#{pane_id} #{pane_width} #{pane_active} #{pane_start_command}").splitlines()
        assert len(panes) == 2
        new = next(p for p in panes if not p.startswith(pane + " "))
        assert " 40 0 " in new and "codex_tui watch" in new     # 40 columns, focus stays


@pytest.mark.parametrize("text", ["-n; echo owned;", "plain ; two;", ";", "-", "a\\;"])
def test_sent_and_pasted_text_is_typed_as_it_is(tmp_path, text):
    """tmux reads `-x` as send-keys' options and a trailing `;` as a command separator:
    both stay text (`--`, and the `;` escaped as tmux unescapes it)."""
    from codex_tui.tmux.client import Tmux

    typed = tmp_path / "typed.txt"     # what cat read, apart from the terminal's echo, which
    with TmuxServer() as server:       # can interleave with cat's own output on the screen
        pane = server.start(["sh", "-c", 'exec cat > "$0"', str(typed)], tmp_path)
        tmux = Tmux(server.socket)
        tmux.send(pane, text + "\r")
        tmux.paste(pane, text)
        tmux.send(pane, "\r")
        deadline = time.monotonic() + 5
        while (not typed.exists() or typed.read_text().count("\n") < 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert typed.read_text() == f"{text}\n{text}\n"


def test_a_hosts_listing_gives_the_codex_at_the_top_of_each_live_pane():
    """What `ssh HOST sh -c SCRIPT` prints, parsed: the host's clock, its processes, then
    each tmux socket's panes (a stale socket prints none). Only live panes with an
    interactive Codex count, each once, with the start time of the topmost Codex (the npm
    launcher's node above the native binary) on the host's own clock."""
    from codex_tui.settings import Host
    from codex_tui.tmux.client import PANE_FIELDS, SEP
    from codex_tui.tmux.remote import MARK, parse

    def pane(pane_id: str, pid: int, dead: str = "0", path: str = "/w") -> str:
        values = {"pane_id": pane_id, "pane_pid": str(pid), "pane_dead": dead, "session_name": "s",
                  "window_index": "0", "pane_index": pane_id[1:], "pane_current_path": path}
        return SEP.join(values.get(f, "") for f in PANE_FIELDS)

    host = Host(name="devbox", ssh="me@devbox")
    text = "\n".join([
        "1000", MARK,
        "  10     1   50 -bash", "  11    10   40 node /usr/lib/node_modules/@openai/codex/bin/codex.js",
        "  12    11   40 /usr/lib/codex/codex", "  20     1   30 -bash",
        "  21    20   20 codex exec do it", "  30     1   10 -bash", "  31    30    5 codex resume abc",
        f"{MARK}/tmp/tmux-5/stale",
        f"{MARK}/tmp/tmux-5/default", pane("%1", 10), pane("%2", 20), pane("%3", 30, dead="1"),
        pane("%4", 99), ""])
    found = parse(host, text)
    assert [p.key for p in found.procs] == ["devbox|/tmp/tmux-5/default|%1"]
    [proc] = found.procs
    assert proc.started_at == 960.0 and proc.argv[0] == "node" and proc.cwd == "/w"
    where = found.panes[proc.key]
    assert where.host is host and where.socket == "/tmp/tmux-5/default" and where.target == "s:0.1"
