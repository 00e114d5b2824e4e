"""The app in a real terminal: tmux runs `codex-tui`, we read the screen and quit with `q`,
SIGTERM or SIGHUP."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True,
                          timeout=20).stdout


def screen_when(socket: str, predicate, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = tmux(socket, "capture-pane", "-p", "-t", "app")
        if predicate(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"screen never matched; last screen:\n{text}")


def test_app_opens_in_a_real_terminal_and_quits_cleanly(app_env, tmp_path):
    socket = f"codex-tui-test-{uuid.uuid4().hex[:8]}"
    env_args = [f"{k}={v}" for k, v in os.environ.items()
                if k.startswith(("CODEX_", "TZ")) or k in ("HOME", "PATH")]
    marker = tmp_path / "exit-code"
    command = (f"env {' '.join(env_args)} PYTHONPATH={REPO} {sys.executable} -m codex_tui; "
               f"echo $? > {marker}; sleep 30")
    tmux(socket, "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command)
    try:
        # "with problems" is in the status line only once the index has loaded; while it
        # builds, the line reads "indexing 8 of 31 sessions" and the rows are still arriving.
        text = screen_when(socket, lambda t: "with problems" in t and "Search" in t)
        assert "2 Logs" in text and "Think for a long" in text and "✗ turn_aborted" in text, text
        tmux(socket, "send-keys", "-t", "app", "q")
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.read_text().strip() == "0"
        # The terminal is back to normal: no alternate screen, no mouse reporting left on.
        assert tmux(socket, "display-message", "-p", "-t", "app",
                    "#{alternate_on}#{mouse_any_flag}").strip() == "00"
    finally:
        tmux(socket, "kill-server")


def test_no_terminal_says_to_use_a_subcommand():
    proc = run_cli()
    assert proc.returncode == 1 and "needs a terminal" in proc.stderr


def test_unknown_theme_is_a_clear_error(monkeypatch, capsys):
    from codex_tui.cli import main

    class Tty:
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["--theme", "no-such-theme"]) == 1
    err = capsys.readouterr().err
    assert "no-such-theme" in err and "codex-dark" in err     # names the theme and the choices


def test_broken_config_file_is_a_clear_error(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("theme = [unclosed\n")
    proc = run_cli(env={"CODEX_TUI_CONFIG_DIR": str(config)})
    assert proc.returncode == 1 and "config.toml" in proc.stderr and "not valid TOML" in proc.stderr


@pytest.mark.parametrize("front, sig", [("app", "SIGTERM"), ("app", "SIGHUP"),
                                        ("watch", "SIGTERM"), ("watch", "SIGHUP")])
def test_a_signal_quits_like_q_and_restores_the_terminal(front, sig, app_env, tmp_path):
    import signal

    socket = f"codex-tui-test-{uuid.uuid4().hex[:8]}"
    env_args = [f"{k}={v}" for k, v in os.environ.items()
                if k.startswith(("CODEX_", "TZ")) or k in ("HOME", "PATH")]
    marker, pid_file = tmp_path / "exit-code", tmp_path / "pid"
    args = "" if front == "app" else "watch --socket /nonexistent/tmux-socket"
    command = (f"env {' '.join(env_args)} PYTHONPATH={REPO} sh -c 'echo $$ > {pid_file}; "
               f"exec {sys.executable} -m codex_tui {args}'; echo $? > {marker}; sleep 30")
    tmux(socket, "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command)
    try:
        ready = (lambda t: "Search" in t) if front == "app" else (lambda t: "blocked" in t)
        screen_when(socket, ready)
        assert tmux(socket, "display-message", "-p", "-t", "app", "#{alternate_on}").strip() == "1"
        os.kill(int(pid_file.read_text()), getattr(signal, sig))
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.read_text().strip() == str(128 + getattr(signal, sig))
        assert tmux(socket, "display-message", "-p", "-t", "app",
                    "#{alternate_on}#{mouse_any_flag}").strip() == "00"
    finally:
        tmux(socket, "kill-server")


def test_after_sighup_a_shutdown_that_hangs_still_ends(tmp_path):
    """With the terminal gone, Textual's shutdown can wait forever on a write to it: after
    SIGHUP the process ends by itself (exit_signals.HANGUP_GRACE_S), here from an app whose
    unmount never returns."""
    import signal

    from codex_tui.exit_signals import HANGUP_GRACE_S

    socket = f"codex-tui-test-{uuid.uuid4().hex[:8]}"
    marker, pid_file = tmp_path / "exit-code", tmp_path / "pid"
    command = (f"env PYTHONPATH={REPO} sh -c 'echo $$ > {pid_file}; "
               f"exec {sys.executable} {REPO / 'tests' / 'hanging_app.py'}'; echo $? > {marker}; sleep 30")
    tmux(socket, "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command)
    try:
        screen_when(socket, lambda t: "ready" in t)
        os.kill(int(pid_file.read_text()), signal.SIGHUP)
        deadline = time.monotonic() + HANGUP_GRACE_S + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the app was still running after SIGHUP"
        assert marker.read_text().strip() == str(128 + signal.SIGHUP)
    finally:
        if pid_file.exists() and not marker.exists():   # failed: leave no hung app behind
            try:
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        tmux(socket, "kill-server")
