"""Snapshots of the Sessions list with daemon threads (a tmux session waiting for approval,
its subagent, a plain-terminal thread) and of the confirm dialog, in both themes."""
from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from codex_tui.live_rows import LiveRows
from codex_tui.appserver.model import Pending, Thread
from codex_tui.themes import THEMES
from codex_tui.widgets.session_list import SessionList

NOW = 1796160000.0


class Watch:
    """The parts of a DaemonWatch the list reads, from parsed daemon shapes."""

    connected = True

    def __init__(self, threads, pending) -> None:
        self.threads = {t.id: t for t in threads}
        self.pending = pending

    def sessions(self):
        return list(self.threads.values())


def watches(now: float = NOW):
    def thread(tid, **extra):
        raw = {"id": tid, "cwd": "/home/u/dev/api", "status": {"type": "idle"}, **extra}
        t = Thread.parse(raw, "/home/u/.codex", now - 125)
        return t
    parent = thread("01a23300-0000-7000-8000-000000000001", preview="fix the flaky test",
                    status={"type": "active", "activeFlags": ["waitingOnApproval"]})
    child = thread("01a23300-0000-7000-8000-000000000002", parentThreadId=parent.id,
                   agentNickname="Parfit", threadSource="subagent",
                   status={"type": "active", "activeFlags": []})
    other = thread("01a23300-0000-7000-8000-000000000003", preview="write the release notes",
                   forkedFromId="01a23300-0000-7000-8000-000000000009", cwd="/home/u/dev/web")
    ask = Pending.parse("item/commandExecution/requestApproval", 0, {
        "threadId": parent.id, "commandActions": [{"command": "pytest -x tests/test_io.py"}],
        "availableDecisions": ["accept", "cancel"]})
    return [Watch([parent, child, other], {parent.id: [ask]})]


class ListApp(App):
    def __init__(self, theme: str, confirm: bool = False) -> None:
        super().__init__()
        for item in THEMES:
            self.register_theme(item)
        self.theme = theme
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        yield SessionList()

    def on_mount(self) -> None:
        listing = self.query_one(SessionList)
        listing.show(LiveRows().merge([], watches()), NOW)
        if self.confirm:
            from codex_tui.screens.session_dialogs import ConfirmScreen

            self.push_screen(ConfirmScreen("Open fix the flaky test here (codex resume 01a23300…)?"))


@pytest.mark.parametrize("theme", ["codex-dark", "codex-light"])
def test_thread_rows(snap_compare, theme):
    assert snap_compare(ListApp(theme), terminal_size=(60, 10))


@pytest.mark.parametrize("theme", ["codex-dark", "codex-light"])
def test_confirm_dialog(snap_compare, theme):
    assert snap_compare(ListApp(theme, confirm=True), terminal_size=(80, 12))


class Feed:
    """A DaemonFeed that always reports the same watches (no socket)."""

    def __init__(self, watches) -> None:
        self.watches = watches

    def snapshot(self):
        return self.watches

    def stop(self) -> None:
        pass


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("theme", ["codex-dark", "codex-light"])
def test_sessions_view_with_threads_80x24(snap_compare, theme):
    """The whole Sessions view at 80x24 with daemon threads: the list is glyph + name, the
    waiting one's request is readable, no footer key or status is cut."""
    from rich.text import Text  # noqa: F401  (the app draws with Rich)

    from codex_tui.appserver.model import RateLimits
    from tests.conftest import PINNED_NOW, make_test_app

    feed = watches(PINNED_NOW)
    for watch in feed:
        watch.rate_limits = RateLimits()
        watch.host = None

    async def ready(pilot) -> None:
        screen = pilot.app.screen
        if screen.feed is not None:
            screen.feed.stop()
        screen.feed = Feed(feed)
        screen.tick()
        await pilot.pause()

    assert snap_compare(make_test_app(theme=theme, view="sessions"), terminal_size=(80, 24),
                        run_before=ready)
