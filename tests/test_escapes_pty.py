"""A child in a live PTY pane that writes OSC 52 (set the clipboard), an OSC 2 title, C1
controls and a screen clear: the pane's emulator consumes them; none reaches the terminal the
app runs in. Checked in real tmux with `set-clipboard on`, where OSC 52 that got through
would become a tmux paste buffer, and through the pilot on the composed screen."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import REPO, make_test_app, wait_until
from tests.escape_helpers import raw_controls

CHILD = ("import sys, time\n"
         "sys.stdout.write('\\x1b]52;c;SGVsbG8=\\x07\\x1b]52;p;SGVsbG8=\\x1b\\\\'"
         " '\\x1b]2;child-title\\x07\\u009b31mc1 \\x1b]8;;https://evil.example\\x1b\\\\link\\x1b]8;;\\x1b\\\\'"
         " '\\x1b]52;c;?\\x07 child-ready\\n')\n"
         "sys.stdout.flush()\n"
         "time.sleep(60)\n")


def tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True,
                          timeout=20).stdout


def wait_screen(socket: str, target: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux(socket, "capture-pane", "-p", "-t", target)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never shown; last screen:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_osc52_from_a_pane_child_never_reaches_the_outer_terminal(tmp_path):
    socket = f"codex-tui-test-{uuid.uuid4().hex[:8]}"
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    env_args = [f"{k}={v}" for k, v in os.environ.items()
                if k.startswith(("CODEX_", "TZ")) or k in ("HOME", "PATH")]
    app = (f"env {' '.join(shlex.quote(a) for a in env_args)} PYTHONPATH={REPO} "
           f"{shlex.quote(sys.executable)} -m codex_tui open --cmd "
           f"{shlex.quote(shlex.join([sys.executable, str(child)]))}; sleep 30")
    tmux(socket, "-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", "120", "-y", "30", "sleep 60")
    try:
        tmux(socket, "set", "-g", "set-clipboard", "on")
        tmux(socket, "set", "-g", "allow-rename", "on")
        tmux(socket, "set", "-g", "allow-passthrough", "on")
        # Control: in this server a program writing OSC 52 straight to its pane does make a buffer.
        tmux(socket, "new-window", "-d", "-n", "control", f"{shlex.quote(sys.executable)} {child}")
        wait_screen(socket, "control", "child-ready")
        deadline = time.monotonic() + 5
        while not tmux(socket, "list-buffers").strip() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tmux(socket, "list-buffers").strip(), "tmux made no buffer from a direct OSC 52"
        tmux(socket, "kill-window", "-t", "control")
        for _ in range(10):
            if not tmux(socket, "list-buffers").strip():
                break
            tmux(socket, "delete-buffer")
        assert not tmux(socket, "list-buffers").strip()

        tmux(socket, "new-window", "-d", "-n", "pane", app)
        wait_screen(socket, "pane", "child-ready")          # the child ran and wrote it all
        time.sleep(1.0)                                       # a few more frames of the app
        assert tmux(socket, "list-buffers").strip() == "", "OSC 52 got through to tmux"
        title = tmux(socket, "display-message", "-p", "-t", "pane", "#{pane_title}")
        assert "child-title" not in title, title
    finally:
        tmux(socket, "kill-server")


async def test_pane_screen_shows_no_raw_control_from_its_child(tmp_path):
    child = tmp_path / "child.py"
    child.write_text(CHILD)
    from codex_tui.pty.requests import LaunchRequest, SessionsOptions

    opened = (LaunchRequest(cwd=str(tmp_path), command=shlex.join([sys.executable, str(child)])),)
    app = make_test_app(view="sessions", sessions=SessionsOptions(open=opened))
    async with app.run_test(size=(120, 30)) as pilot:
        def composed() -> str:
            strips = app.screen._compositor.render_strips()
            return "\n".join("".join(s.text for s in strip) for strip in strips)

        await wait_until(pilot, lambda: "child-ready" in composed(), 10, "the child's output")
        text = composed()
        assert not raw_controls(text), raw_controls(text)
        assert "c1 " in text and "link" in text
