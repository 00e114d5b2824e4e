"""The Logs view with [[hosts]]: a host's sessions join the table (its name leading the repo
column), read by a worker of its own through a real sshd; a host that never answers is said
once in the status line and the local rows are untouched; the detail view fetches a host's
rollout on demand (size-limited, into this machine's 0600 cache) and shows it like a local
one. The host side runs this checkout's codex-tui on rollouts the real Codex wrote."""
from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import pytest

from codex_tui.screens.detail import DetailScreen
from codex_tui.settings import Host
from codex_tui.widgets.session_table import SessionTable
from codex_tui.widgets.timeline_view import TimelineView
from tests.conftest import REPO, ROLLOUTS, logs_screen, make_test_app, wait_loaded, wait_until
from tests.ssh_helpers import Sshd

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def far():
    server = Sshd({}, same_uid=True)          # this uid there, so it can run this checkout
    home = server.remote / ".codex"
    shutil.copytree(ROLLOUTS / "0.169.0", home / "sessions")
    server.set_env({"CODEX_HOME": str(home), "PYTHONPATH": str(REPO), "TZ": "UTC"})
    shim = server.bin / "codex-tui"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m codex_tui "$@"\n')
    shim.chmod(0o755)
    yield server
    server.close()


@pytest.fixture
def mute():
    silent = socket.socket()                 # accepts connections (the backlog) and says nothing
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    yield Host(name="mute", ssh="root@127.0.0.1", port=silent.getsockname()[1])
    silent.close()


def status(app) -> str:
    return str(app.screen.query_one("#logs-status").render())


async def test_a_hosts_sessions_join_the_logs_and_its_rollout_opens_on_demand(far, mute, tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("CODEX_TUI_CACHE_DIR", str(tmp_path / "cache"))
    remote_files = sorted((far.remote / ".codex" / "sessions").rglob("rollout-*.jsonl"))
    app = make_test_app(hosts=[far.host(), mute])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        screen = logs_screen(app)
        local = [r for r in screen.rows if not r.host]

        def far_rows():
            return [r for r in screen.rows if r.host == "devbox"]
        await wait_until(pilot, far_rows, 30, "the host's rows", lambda: status(app))
        assert sorted(r.path for r in far_rows()) == [str(p) for p in remote_files]
        assert all(r.repo.startswith("devbox:") for r in far_rows())
        assert [r for r in screen.rows if not r.host] == local          # the local rows stay
        await wait_until(pilot, lambda: "mute" in screen.hosts_down, 15, "the mute host's verdict")
        line = status(app)
        assert line.count("mute: unreachable (") == 1 and "devbox" not in line, line

        # the host's name narrows the table like any other text
        await pilot.press("slash", *"devbox", "enter")
        await wait_until(pilot, lambda: {screen.rows[i].host for i in screen.order} == {"devbox"}, 5,
                         "the search for the host")
        table = app.screen.query_one(SessionTable)
        busiest = max(far_rows(), key=lambda r: r.turns)
        table.cursor = screen.order.index(screen.rows.index(busiest))
        await pilot.pause()
        cell = table.render_line(table.cursor + 1 - int(table.scroll_offset.y)).text
        assert "devbox:" in cell, cell                  # the clipped path keeps the host's name
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen) and
                         app.screen.query_one(TimelineView).lines, 30, "the fetched rollout",
                         lambda: str(app.screen.query_one("#detail-status").render()))
        detail = app.screen
        cached = Path(detail.path)
        assert cached.read_bytes() == Path(busiest.path).read_bytes()
        assert cached.stat().st_mode & 0o777 == 0o600
        assert str(cached).startswith(str(tmp_path / "cache" / "hosts" / "devbox"))
        resume = detail.query_one(TimelineView).timeline.resume_command
        assert "ssh" in resume and "resume" in resume and busiest.id in resume


async def test_a_rollout_over_the_size_limit_is_refused_there(far, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEX_TUI_CACHE_DIR", str(tmp_path / "cache"))
    app = make_test_app(hosts=[far.host()], max_rollout_mb=100 / 1048576)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        screen = logs_screen(app)
        await wait_until(pilot, lambda: [r for r in screen.rows if r.host], 30, "the host's rows")
        row = next(r for r in screen.rows if r.host)
        app.push_screen(DetailScreen(row))
        await wait_until(pilot, lambda: "larger than 100 bytes" in
                         str(app.screen.query_one("#detail-status").render()), 20, "the refusal")
        assert not (tmp_path / "cache" / "hosts").exists()


@pytest.mark.codex
async def test_a_host_without_codex_tui_lists_through_thread_list_redacted(tmp_path, monkeypatch):
    """Real Codex 0.171 there, no codex-tui: the daemon's thread/list feeds the row, the
    secret in its first prompt is masked in the table and in the fetched timeline."""
    import asyncio

    from tests.appserver_helpers import socket_appears
    from tests.fakecodex.server import FakeResponses, say
    from tests.hosts_helpers import RemoteCodex

    secret = "sk-proj-" + "A1b2C3d4E5f6G7h8J9k0" * 2
    monkeypatch.setenv("CODEX_TUI_CACHE_DIR", str(tmp_path / "cache"))
    with FakeResponses([say("Noted.")]) as api:
        remote = RemoteCodex(api)
        try:
            pane = remote.start_tui()
            await socket_appears(remote.home)
            await asyncio.to_thread(remote.type, pane, f"Remember OPENAI_API_KEY={secret} please")
            for _ in range(200):
                if "Noted." in remote.screen(pane):
                    break
                await asyncio.sleep(0.1)
            app = make_test_app(hosts=[remote.sshd.host()])
            async with app.run_test(size=(160, 40)) as pilot:
                await wait_loaded(pilot)
                screen = logs_screen(app)
                await wait_until(pilot, lambda: [r for r in screen.rows if r.host], 30, "the host's row",
                                 lambda: status(app))
                [row] = [r for r in screen.rows if r.host]
                assert row.prompt.startswith("Remember OPENAI_API_KEY=") and secret not in row.prompt
                assert row.path.startswith(str(remote.home)) and secret not in row.haystack
                app.push_screen(DetailScreen(row))
                await wait_until(pilot, lambda: app.screen.query_one(TimelineView).lines, 30,
                                 "the fetched rollout",
                                 lambda: str(app.screen.query_one("#detail-status").render()))
                view = app.screen.query_one(TimelineView)
                text = "\n".join(view.render_line(y).text for y in range(view.size.height))
                assert "Remember OPENAI_API_KEY=" in text and secret not in text, text
        finally:
            remote.close()
