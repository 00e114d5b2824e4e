"""Progress on a first index: the index reports batches as they land, `sessions` draws a
bar on stderr only when it is a terminal, and the Logs view fills its table as batches land
with "indexing N of M sessions" in its status line."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import threading

import orjson

from codex_tui.browse.source import LogSource
from codex_tui.index.store import PROGRESS_MIN_FILES, SessionIndex
from codex_tui.widgets.session_table import SessionTable
from tests.conftest import NO_DAEMON_HOME, REPO, ROLLOUTS, logs_screen

TEMPLATE = next(p for p in sorted(ROLLOUTS.glob("0.169.0/ok/**/rollout-*.jsonl")))


def make_sessions(root, count: int) -> list[str]:
    """`count` sessions, each the 0.169.0 'ok' fixture under its own id."""
    data = TEMPLATE.read_bytes()
    old_id = TEMPLATE.stem[-36:]
    paths = []
    for i in range(count):
        new_id = f"{i:08x}-0000-4000-8000-000000000000"
        folder = root / "sessions" / "2026" / "11" / f"{1 + i % 28:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / TEMPLATE.name.replace(old_id, new_id)
        path.write_bytes(data.replace(old_id.encode(), new_id.encode()))
        paths.append(str(path))
    return paths


def test_refresh_reports_batches_as_they_land(tmp_path):
    paths = make_sessions(tmp_path, 40)
    index = SessionIndex(tmp_path / "cache", workers=2)
    calls = []

    def landed(done, total, ready):
        # each batch's summaries can be read while the rest is still being indexed
        calls.append((done, total, [orjson.loads(index.summary_bytes(p))["path"] for p in ready]))

    assert sorted(index.refresh(paths, progress=landed)) == sorted(paths)
    assert [c[1] for c in calls] == [40] * len(calls)
    dones = [c[0] for c in calls]
    assert len(calls) >= 3 and dones == sorted(dones) and dones[-1] == 40
    assert sorted(p for c in calls for p in c[2]) == sorted(paths)
    # nothing to read whole: no progress
    calls.clear()
    SessionIndex(tmp_path / "cache").refresh(paths, progress=landed)
    index2 = SessionIndex(None)
    index2.refresh(paths[:PROGRESS_MIN_FILES - 1], progress=landed)
    assert calls == []


def _run_with_stderr(args: list[str], env: dict, tty: bool) -> tuple[bytes, bytes]:
    """Run the CLI with stderr on a real pseudo-terminal (tty=True) or a pipe."""
    cmd = [sys.executable, "-m", "codex_tui", *args]
    if not tty:
        proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, timeout=120)
        return proc.stdout, proc.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=slave,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    err = b""
    out_chunks = []
    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
    reader.start()
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:     # the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    proc.wait(timeout=120)
    reader.join()
    os.close(master)
    return out_chunks[0], err


def test_cli_draws_a_progress_bar_only_on_a_terminal(tmp_path):
    make_sessions(tmp_path / "home", 40)
    env = dict(os.environ, CODEX_HOME=str(tmp_path / "home"), COLUMNS="100",
               PYTHONPATH=str(REPO), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    args = ["sessions", "--json", "--no-dev-sessions"]
    out, err = _run_with_stderr(args, dict(env, CODEX_TUI_CACHE_DIR=str(tmp_path / "c1")), tty=True)
    assert len(json.loads(out)["sessions"]) == 40
    assert b"indexing sessions" in err and b"40/40" in err
    out, err = _run_with_stderr(args, dict(env, CODEX_TUI_CACHE_DIR=str(tmp_path / "c2")), tty=False)
    assert len(json.loads(out)["sessions"]) == 40
    assert err == b""
    # warm: nothing to index, no bar even on a terminal
    out, err = _run_with_stderr(args, dict(env, CODEX_TUI_CACHE_DIR=str(tmp_path / "c1")), tty=True)
    assert len(json.loads(out)["sessions"]) == 40 and b"indexing" not in err


class GatedSource(LogSource):
    """The real LogSource, holding its worker after the first batch until the test says go."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.go = threading.Event()

    def load(self, liveness=None, progress=None):
        def gated(done, total, rows):
            progress(done, total, rows)
            self.go.wait(30)

        return super().load(liveness, gated if progress else None)


async def test_logs_view_fills_in_as_batches_land(tmp_path, monkeypatch):
    import asyncio

    from codex_tui.app import make_app
    from codex_tui.screens.logs import LogsScreen
    from codex_tui.settings import Settings

    make_sessions(tmp_path / "home", 40)
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CODEX_TUI_NOW", "1795348800")
    source = GatedSource(Settings().sources(), None)
    seen: list[LogsScreen.Indexing] = []
    first = asyncio.Event()

    def hook(message):
        if isinstance(message, LogsScreen.Indexing):
            seen.append(message)
            first.set()

    app = make_app(Settings(codex_homes=[NO_DAEMON_HOME], dev_sessions=False),
                   save_preferences=False, log_source=source)
    async with app.run_test(size=(160, 40), message_hook=hook) as pilot:
        try:
            await asyncio.wait_for(first.wait(), 30)
            await pilot.pause()
            screen = logs_screen(app)
            batch = seen[0]
            assert 0 < batch.done < batch.total == 40 and len(batch.rows) == batch.done
            assert not screen.loaded and len(screen.rows) == batch.done
            assert len(screen.query_one(SessionTable).order) == batch.done    # on screen already
            status = str(screen.query_one("#logs-status").render())
            assert f"indexing {batch.done} of 40 sessions" in status
        finally:
            source.go.set()    # never leave the worker waiting, even on a failure
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "load"])
        await pilot.pause()
        assert screen.loaded and len(screen.rows) == 40 and screen.indexing is None
        assert [m.done for m in seen] == sorted(m.done for m in seen)
        assert "40 of 40 sessions" in str(screen.query_one("#logs-status").render())

