"""`codex-tui watch` at 40 columns in both themes (sessions and clock injected: no real pids
or times on screen), its keys on a row that is not Codex any more, and `serve`'s token."""
from __future__ import annotations

from pathlib import Path

import pytest

from codex_tui.pty.detector import Status
from codex_tui.screens.watch import WatchApp
from codex_tui.tmux.client import Pane
from codex_tui.tmux.discover import Found
from codex_tui.tmux.watcher import Watched
from tests.serve_helpers import get, served  # noqa: F401 - served is a fixture

NOW = 1795348800.0
THEME_NAMES = ("codex-dark", "codex-light")


def pane(pane_id: str, index: int) -> Pane:
    return Pane("/tmp/tmux-test/default", pane_id, 100 + index, "/dev/pts/9", "work", str(index), "0",
                "codex", NOW - 30, False, None, "codex", "/home/u/dev", 120, 40)


def rows() -> list[Watched]:
    def row(i, cwd, status, context):
        return Watched(Found(pane(f"%{i}", i), 1000 + i, cwd, NOW - 3600, [1000 + i],
                             session_id=f"0000000{i}-aaaa-bbbb-cccc-dddddddddddd"), status,
                       context=context)
    return [
        row(1, "/home/u/dev/api-server", Status("waiting-approval", NOW - 95, "rm -rf build", "codex-exec",
                                                "exec"), 72),
        row(2, "/home/u/dev/a-very-long-repository-name", Status("working", NOW - 12), 35),
        row(3, "/home/u/dev/docs", Status("waiting-input", NOW - 4000, "", "composer"), None),
        row(4, "/home/u/dev/web", Status("silent", NOW - 400, "no output"), 91),
    ]


class FixedWatcher:
    warnings: list[str] = []

    def __init__(self, listed):
        self.listed = listed

    def poll(self, now=None):
        return self.listed


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_watch_at_40_columns(snap_compare, theme):
    app = WatchApp(FixedWatcher(rows()), theme=theme, poll_s=0, clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(40, 14))


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_watch_with_no_sessions(snap_compare, theme):
    app = WatchApp(FixedWatcher([]), theme=theme, poll_s=0, clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(40, 8))


async def test_keys_on_a_dead_pane_say_why():
    dead = rows()[0]
    dead.found.pid = None
    app = WatchApp(FixedWatcher([dead]), poll_s=0, clock=lambda: NOW)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("y")
        await pilot.pause(0.3)
        messages = [n.message for n in app._notifications]
        assert any("did nothing: Codex is not running in that pane" in m for m in messages), messages


def test_serve_needs_the_one_time_token(served):
    base, token = served
    status, body, _ = get(base + "/")
    assert status == 403 and "token" in body
    assert get(base + "/?token=wrong")[0] == 403
    assert get(base + "/static/js/textual.js")[0] == 403
    status, body, cookie = get(f"{base}/?token={token}")
    assert status == 200 and "/ws" in body and cookie
    assert get(f"{base}/?token={token}")[0] == 403           # spent
    session = cookie.split(";")[0]
    assert get(base + "/static/js/textual.js", session)[0] == 200
    port = base.rsplit(":", 1)[1]
    assert get(f"http://localhost:{port}/", "x=y")[0] == 403
    listening = Path("/proc/net/tcp").read_text()
    assert f"0100007F:{int(port):04X}" in listening                  # 127.0.0.1 only
    assert f"00000000:{int(port):04X}" not in listening
