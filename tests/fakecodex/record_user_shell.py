"""Record a real TUI session where the user runs a shell command with `!cmd`, then asks
the model something: tests/fixtures/extra/tui-rollouts/<version>/user_shell/ (the sessions
tree as Codex wrote it).

    python -m tests.fakecodex.record_user_shell 0.169.0

Kept out of tests/fixtures/rollouts/: those are `codex exec` runs (source "exec").
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from codex_tui.pty.live import Launch, LiveSession
from tests.tmux_helpers import kill_daemons_under
from tests.fakecodex import scenarios as sc
from tests.fakecodex.make_fixtures import prepare_workspace
from tests.fakecodex.pty_driver import codex_home_for, codex_tui_argv, tui_env
from tests.fakecodex.server import FakeResponses, say

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "extra" / "tui-rollouts"
SHELL = "seq 1 400"
PROMPT = "What was the last number?"
ANSWER = "The last number was 400."


def _wait(session: LiveSession, text: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.pump(0.05)
        screen = "\n".join(session.screen_lines())
        if "Press enter to continue" in screen:
            session.send(b"\r")
        if text in screen:
            return True
        time.sleep(0.05)
    return False


def _type(session: LiveSession, text: str) -> None:
    for ch in text:          # one key at a time, as a user types
        session.send(ch.encode())
        session.pump(0.02)
        time.sleep(0.06)
    _wait(session, text, 5)
    time.sleep(1.0)          # a key burst reads as a paste: Enter would be a newline
    session.send(b"\r")


def record(version: str) -> Path:
    prepare_workspace()
    tmp = Path(tempfile.mkdtemp())
    work = Path(sc.WORK)
    with FakeResponses([say(ANSWER)]) as fake:
        home = codex_home_for(tmp / "home", fake, work)
        session = LiveSession(Launch(codex_tui_argv(version), str(work)), cols=100, rows=30,
                              env=tui_env(home))
        try:
            if not _wait(session, "for shortcuts"):
                raise SystemExit("the composer never showed:\n" + "\n".join(session.screen_lines()))
            _type(session, "!" + SHELL)
            if not _wait(session, "Worked for"):
                raise SystemExit("no output of the shell command:\n" + "\n".join(session.screen_lines()))
            time.sleep(1.0)
            _type(session, PROMPT)
            if not _wait(session, ANSWER):
                raise SystemExit("no answer:\n" + "\n".join(session.screen_lines()))
            _wait(session, "for shortcuts", 5)
            time.sleep(1.0)
        finally:
            session.close()
            kill_daemons_under(home)     # the TUI started Codex's daemon for this home: ours
    out = OUT / version / "user_shell"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(home / "sessions", out)
    shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(record(sys.argv[1]))
