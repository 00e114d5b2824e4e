"""Helpers for the PTY tests: wait for a state, list leftover processes, replay fixtures."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PTY_FIXTURES = Path(__file__).parent / "fixtures" / "pty"


def wait_for(predicate, timeout: float = 10.0, step: float = 0.05, pump=None, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pump is not None:
            pump()
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def processes_in_session(sid: int) -> list[int]:
    """Live (not zombie) processes whose session id is `sid`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


class ReplaySession:
    """Looks like a LiveSession to a PtyPane, but its screen is a recorded byte stream."""

    def __init__(self, name: str, cols: int = 100, rows: int = 30, engine: str | None = None) -> None:
        from codex_tui.pty.emulator import make_emulator

        self.lock = threading.RLock()
        self.emulator = make_emulator(cols, rows, engine=engine)
        self.emulator.feed((PTY_FIXTURES / name).read_bytes())
        self.generation = 1
        self.sent: list[bytes] = []

    def resize(self, cols: int, rows: int) -> None:
        pass          # keep the recorded layout: the recording was made at 100x30

    def send(self, data: bytes) -> None:
        self.sent.append(data)


def processes_with_marker(marker: bytes) -> list[int]:
    """Live processes whose environment carries a PtySession's marker."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and pid_alive(int(entry.name)):
            try:
                if marker in Path(entry.path, "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
