"""Record the real Codex TUI's bytes on a PTY into tests/fixtures/pty/ (with tmux's
rendering of each as the reference the emulator is tested against).

    python -m tests.fakecodex.record_pty 0.169.0 approval
    python -m tests.fakecodex.record_pty          # all of them again

Scenarios: approval (stop at the approval prompt), approve (press y, let the turn
finish), trust (an untrusted git repo). Paths in the recordings are temp dirs; the API
key is a fake one and is never echoed.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codex_tui.pty.live import Launch, LiveSession
from tests.tmux_helpers import kill_daemons_under
from tests.fakecodex.pty_driver import codex_home_for, codex_tui_argv, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "pty"


def record(version: str, scenario: str, cols: int = 100, rows: int = 30) -> Path:
    tmp = Path(tempfile.mkdtemp())
    work = tmp / "work"
    work.mkdir()
    if scenario == "trust":
        subprocess.run(["git", "init", "-q", str(work)], check=True)
    steps = {"approval": [("Would you like to run", None)],
             "approve": [("Would you like to run", "y"), ("for shortcuts", None)],
             "trust": [("Trust this folder?", None)]}[scenario]
    recorded = bytearray()
    with FakeResponses([run("touch created-by-codex.txt", **escalated(version)), say("I created the file.")]) as fake:
        home = codex_home_for(tmp / "home", fake, work, trusted=scenario != "trust")
        session = LiveSession(Launch(codex_tui_argv(version, "Create the file please"), str(work)),
                              cols=cols, rows=rows, env=tui_env(home))
        original_read = session.pty.read

        def keep(limit: int = 65536) -> bytes:
            data = original_read(limit)
            recorded.extend(data)
            return data
        session.pty.read = keep
        try:
            deadline = time.monotonic() + 40
            while steps and time.monotonic() < deadline:
                session.pump(0.05)
                text = "\n".join(session.screen_lines())
                if "Press enter to continue" in text:
                    session.send(b"\r")
                    time.sleep(0.5)
                elif steps[0][0] in text:
                    _, key = steps.pop(0)
                    if key:
                        session.send(key.encode())
                time.sleep(0.05)
            end = time.monotonic() + 1.5       # let the screen settle
            while time.monotonic() < end:
                session.pump(0.05)
                time.sleep(0.05)
        finally:
            session.close()
            kill_daemons_under(home)     # 0.169+ started its daemon for this home: ours
    path = OUT / f"codex-{version}-{scenario}.bin"
    path.write_bytes(bytes(recorded))
    write_tmux_text(path, cols, rows)
    return path


def write_tmux_text(recording: Path, cols: int, rows: int) -> Path:
    """The text a real tmux client draws for the recording, beside it (`NAME.tmux.txt`):
    test_pty_vs_tmux checks every cell against that drawing, test_reference against this."""
    from tests.tmux_render import tmux_drawn

    with tempfile.TemporaryDirectory() as tmp:
        screen = tmux_drawn(recording, cols, rows, Path(tmp))
    lines = ["".join(ch for ch, _ in screen.row(y)).rstrip() for y in range(rows)]
    while lines and not lines[-1]:
        lines.pop()
    out = recording.with_suffix(".tmux.txt")
    out.write_text("\n".join(lines) + "\n")
    return out


if __name__ == "__main__":
    if len(sys.argv) == 1:       # every recording, again (after the pane's answers changed)
        for name in sorted(OUT.glob("codex-*.bin")):
            version, scenario = name.stem.removeprefix("codex-").rsplit("-", 1)
            print(record(version, scenario))
    else:
        print(record(sys.argv[1], sys.argv[2]))
