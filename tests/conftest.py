"""Shared test fixtures: real-Codex rollouts, isolated cache/state dirs, CLI runner."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakecodex import scenarios as sc
from tests.fakecodex.server import _usage

# Codex runs each command in a login shell. Where that shell's profile runs `pyenv init`
# (this machine's does), every command also runs `pyenv rehash`, which waits up to 60 s for
# a lock another shell holds, or one a killed shell left behind: a 10-second command
# timeout then fails a real-Codex test that has nothing to do with pyenv. Two seconds
# bound the wait (the rehash is of no use to a test).
os.environ.setdefault("PYENV_REHASH_TIMEOUT", "2")

FIXTURES = Path(__file__).parent / "fixtures"
ROLLOUTS = FIXTURES / "rollouts"
REPO = Path(__file__).resolve().parents[1]


def fixture_files(version: str, scenario: str) -> list[Path]:
    """The rollout files of one scenario, oldest first (a fork comes after its parent)."""
    return sorted((ROLLOUTS / version / scenario).rglob("rollout-*.jsonl"))


def fixture_cases() -> list[tuple[str, str]]:
    return sorted((p.parent.name, p.name) for p in ROLLOUTS.glob("*/*") if p.is_dir())


def usage_total(*requests: int) -> dict:
    """What the fake server reported for these request numbers, summed (Codex's field names)."""
    total = {"input": 0, "cached_input": 0, "output": 0, "reasoning": 0, "total": 0}
    for n in requests:
        u = _usage(n)
        total["input"] += u["input_tokens"]
        total["cached_input"] += u["input_tokens_details"]["cached_tokens"]
        total["output"] += u["output_tokens"]
        total["reasoning"] += u["output_tokens_details"]["reasoning_tokens"]
        total["total"] += u["total_tokens"]
    return total


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Every test gets its own cache/state/config dirs and a CODEX_HOME that is not ~/.codex."""
    monkeypatch.setenv("CODEX_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CODEX_TUI_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("CODEX_TUI_THEME", "CODEX_TUI_DAYS", "CODEX_TUI_SILENCE_MINUTES", "CODEX_TUI_CODEX_BIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home-unused"))
    # the app follows only this test's daemon, not other tests' Codex on the machine
    monkeypatch.setenv("CODEX_TUI_CODEX_HOMES", "/tmp/codex-tui-test-no-daemon")
    monkeypatch.setenv("CODEX_TUI_DEV_ROOT", str(tmp_path / "dev-unused"))
    monkeypatch.delenv("CODEX_TUI_NOW", raising=False)
    yield
    # Codex 0.169+ leaves its app-server daemon running from this test's CODEX_HOME: the
    # tests end theirs, but a failed one did not get there, and the daemon outlived it.
    from tests.tmux_helpers import kill_daemons_under

    kill_daemons_under(tmp_path)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """A focused Input's cursor blinks every 0.5 s: a snapshot taken on either side of a blink
    differs. Keep it shown, so pictures depend only on what the app drew."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def codex_home(tmp_path) -> Path:
    """A CODEX_HOME holding every real-Codex fixture under sessions/."""
    home = tmp_path / "codex-home"
    for version_dir in ROLLOUTS.iterdir():
        for scenario_dir in version_dir.iterdir():
            shutil.copytree(scenario_dir, home / "sessions", dirs_exist_ok=True)
    return home


def run_cli(*args: str, env: dict | None = None, check: bool = False,
            stdin: str | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "codex_tui", *args], capture_output=True, text=True,
                          env=full_env, cwd=REPO, timeout=120, input=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


def cli_json(*args: str, env: dict | None = None) -> dict:
    proc = run_cli(*args, "--json", env=env)
    assert proc.returncode in (0, 2), proc.stderr
    return json.loads(proc.stdout)


SCENARIOS = {s.name: s for s in sc.SCENARIOS}


# ---- the app ---------------------------------------------------------------------------------
PINNED_NOW = 1795348800.0          # 2026-11-22T12:00:00Z, a few hours after the fixtures ran
NO_DAEMON_HOME = "/tmp/codex-tui-test-no-daemon"   # never created: "no daemon" on screen
FIXED_CONFIG_DIR = "/tmp/codex-tui-test-config"   # shown on the settings screen: keep it constant


@pytest.fixture
def app_env(codex_home, monkeypatch):
    """Environment for app tests: real-Codex fixtures in CODEX_HOME, pinned clock, UTC,
    file times fixed so live/incomplete status never depends on when the test runs."""
    import time

    for path in (codex_home / "sessions").rglob("rollout-*"):
        os.utime(path, (PINNED_NOW - 7200, PINNED_NOW - 7200))
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.setenv("CODEX_TUI_NOW", str(PINNED_NOW))
    monkeypatch.setenv("CODEX_TUI_SKILLS_ROOT", sc.SKILLS)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield codex_home
    monkeypatch.undo()
    time.tzset()


def make_test_app(*, view: str = "logs", sessions=None, **settings):
    """The app as the CLI builds it, for these settings; `sessions` (pty.requests.SessionsOptions)
    never saves the pane registry unless asked."""
    from codex_tui.app import make_app
    from codex_tui.pty.requests import SessionsOptions
    from codex_tui.settings import Settings

    # follow only the test's own daemon (the hub's CODEX_HOME), not other tests' Codex
    settings.setdefault("codex_homes", [NO_DAEMON_HOME])
    return make_app(Settings(**settings), view=view, save_preferences=False,
                    sessions=sessions or SessionsOptions())


def notes_of(app) -> list[str]:
    """Every message the app notifies from now on (toasts), in order; the list grows as it runs."""
    said: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        said.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return said


def logs_screen(app):
    from codex_tui.screens.logs import LogsScreen

    return next(s for s in app.screen_stack if isinstance(s, LogsScreen))


async def settled(pilot) -> None:
    """Every worker started so far has finished and its results are drawn (wait on work, not
    on text)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def wait_until(pilot, condition, timeout: float = 20.0, what: str = "condition",
                     seen=None) -> None:
    """`seen()`, when given, says what there was instead (in the failure's message)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if condition():
            await pilot.pause()
            return
    raise AssertionError(f"timed out waiting for {what}" + (f": {seen()}" if seen else ""))


async def wait_loaded(pilot, timeout: float = 20.0) -> None:
    """Until the Logs view has its rows (loading runs in a worker thread)."""
    await wait_until(pilot, lambda: logs_screen(pilot.app).loaded, timeout, "the Logs view to load")


async def open_timeline(pilot, query: str):
    """From the loaded Logs view: search `query`, open the first result's detail, and return
    its TimelineView once the timeline is laid out."""
    from codex_tui.widgets.timeline_view import TimelineView

    await wait_loaded(pilot)
    await pilot.press("slash", *query, "enter", "enter")
    view = pilot.app.screen.query_one(TimelineView)
    await wait_until(pilot, lambda: bool(view.lines), what="the timeline")
    return view
