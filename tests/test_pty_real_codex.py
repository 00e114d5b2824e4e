"""The real Codex TUI from npm in a pane of the app, against the fake Responses API.

One scenario per release: the approval prompt is flagged, `y` from the list makes Codex
run the command and finish the turn, the session id comes from the rollout Codex holds
open, kill leaves no process but Codex's shared app-server daemon (never killed: see
codex_tui/pty/procs.py), and `r` resumes the same session in a new pane.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from codex_tui import procs
from codex_tui.pty.requests import LaunchRequest, SessionsOptions
from tests.conftest import make_test_app, wait_until
from tests.fakecodex.driver import codex_binary, pinned_versions
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.pty_helpers import pid_alive, processes_in_session, processes_with_marker
from tests.tmux_helpers import kill_daemons_under

pytestmark = pytest.mark.codex


def need(version: str) -> str:
    binary = codex_binary(version)
    if binary is None:
        if os.environ.get("CODEX_TUI_REQUIRE_CODEX") and version in pinned_versions():
            pytest.fail(f"Codex {version} is not installed (tests/fakecodex/install_codex.sh)")
        pytest.skip(f"Codex {version} not installed")
    return str(binary)


def codex_app(binary: str, home, request: LaunchRequest, notify_cmd: str | None = None):
    options = SessionsOptions(open=(request,), env=tui_env(home), notify_cmd=notify_cmd)
    return make_test_app(codex_bin=binary, view="sessions", sessions=options)


def approval_args(version: str) -> list[str]:
    return ["-a", "untrusted" if version == "0.58.0" else "on-request", "-s", "workspace-write"]


def only_daemons(pids: list[int], version: str) -> bool:
    """`pids` are app-server daemon processes (or below one), and there is one from 0.169."""
    return set(pids) <= procs.spared() and (bool(pids) or version == "0.58.0")


def not_spared(pids: list[int]) -> list[str]:
    """For a failure's message: each marked process that is no daemon's, with its parent and
    command line, as /proc gives them now."""
    spared, out = procs.spared(), []
    for pid in pids:
        if pid in spared:
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                parent = handle.read().rsplit(b")", 1)[1].split()[1].decode()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")[:200]
        except OSError:
            parent, command = "?", "(gone)"
        out.append(f"{pid} (parent {parent}): {command}")
    return out


def row(app, index=0):
    return app.hub.rows()[index]


async def settle_notices(pilot, app, seconds: float = 20.0):
    """Wait for the approval prompt; on the way, `e` past 0.58's "Press enter to continue"."""
    async def blocked():
        status = row(app).status
        if status.pattern == "codex-notice":
            await pilot.press("e")
            await pilot.pause(0.3)
            return False
        return status.state == "waiting-approval"

    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if await blocked():
            return
    raise AssertionError("no approval prompt; screen:\n" + "\n".join(row(app).live.screen_lines()))


@pytest.mark.parametrize("version", ["0.169.0", "0.58.0"])
async def test_approve_finish_kill_resume(version, tmp_path):
    binary = need(version)
    work = tmp_path / "work"
    work.mkdir()
    with FakeResponses([run("touch created-by-codex.txt", **escalated(version)), say("Created it.")],
                       fallback="Resumed and done.") as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        app = codex_app(binary, home, LaunchRequest(cwd=str(work), prompt="Create the file please",
                                                      extra=tuple(approval_args(version))))
        async with app.run_test(size=(150, 40)) as pilot:
            await settle_notices(pilot, app)
            first = row(app)
            assert first.status.detail == "touch created-by-codex.txt"
            assert "approval" in app.screen.query_one("SessionList").render_line(0).text
            assert not (work / "created-by-codex.txt").exists()
            await pilot.press("y")
            await wait_until(pilot, lambda: (work / "created-by-codex.txt").exists(), 20, "the command")
            await wait_until(pilot, lambda: row(app).status.state == "waiting-input", 20, "the turn's end")
            await wait_until(pilot, lambda: row(app).session_id is not None, 10, "the session id")
            session_id = row(app).session_id
            [rollout] = (home / "sessions").rglob("rollout-*.jsonl")
            assert session_id in rollout.name
            pid = first.live.pty.pid
            tree = [pid, *first.live.pty.descendants()]
            await pilot.press("k", "y")
            await wait_until(pilot, lambda: row(app).status.exited, 10, "the kill")
            assert [p for p in tree if pid_alive(p)] == [] and processes_in_session(pid) == []
            # Codex 0.169's app-server daemon carries the pane's marker: it alone stays.
            marked = processes_with_marker(first.live.pty.marker)
            assert only_daemons(marked, version), not_spared(marked)
            await pilot.press("r")
            await wait_until(pilot, lambda: len(app.hub.rows()) == 2, 5, "the resumed pane")
            resumed = row(app, 0)
            assert resumed.entry.argv[-2:] == ["resume", session_id]
            await wait_until(pilot, lambda: row(app, 0).session_id is not None, 20, "the resumed id")
            assert row(app, 0).session_id == session_id
            resumed_pid, resumed_marker = resumed.live.pty.pid, resumed.live.pty.marker
        assert not pid_alive(resumed_pid) and processes_in_session(resumed_pid) == []
        assert set(processes_with_marker(resumed_marker)) <= procs.spared()
        kill_daemons_under(home)


async def test_trust_prompt_is_flagged(tmp_path):
    binary = need("0.169.0")
    work = tmp_path / "repo"
    work.mkdir()
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    with FakeResponses([say("hi")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work, trusted=False)
        app = codex_app(binary, home, LaunchRequest(cwd=str(work)))
        async with app.run_test(size=(150, 40)) as pilot:
            await wait_until(pilot, lambda: row(app).status.state == "waiting-trust", 20, "the trust prompt")
            assert row(app).status.label == "trust"
            ok, message = row(app).live.approve(timeout=0.2)
            assert not ok and message == "no approval prompt is on screen"   # trust is not approval
            marker = row(app).live.pty.marker
        # quitting the app killed everything but the shared daemon
        assert set(processes_with_marker(marker)) <= procs.spared()
        kill_daemons_under(home)
