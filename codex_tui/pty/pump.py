"""One reader thread for every live session.

It waits in `select()` on all PTYs (no CPU while they are quiet), parses what arrives in
short slices, and tells the UI once per burst through `on_change` (which must be cheap
and thread-safe, e.g. `loop.call_soon_threadsafe`). Backpressure is the PTY itself: we
read only as fast as we parse, so a flood blocks the child's writes, not our memory.
"""
from __future__ import annotations

import os
import select
import threading
from typing import Callable

from codex_tui.pty.live import LiveSession

IDLE_WAIT_S = 0.5
SLICE_S = 0.02


class Pump:
    def __init__(self, on_change: Callable[[LiveSession], None]) -> None:
        self.on_change = on_change
        self.sessions: list[LiveSession] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._run, name="pty-pump", daemon=True)
        self._thread.start()

    def add(self, session: LiveSession) -> None:
        with self._lock:
            self.sessions.append(session)
        self._wake()

    def remove(self, session: LiveSession) -> None:
        with self._lock:
            if session in self.sessions:
                self.sessions.remove(session)
        self._wake()

    def stop(self) -> None:
        self._stop.set()
        self._wake()
        self._thread.join(timeout=2)
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                live = [s for s in self.sessions if s.pty.fd >= 0 and not s.pty.eof]
            fds = {s.pty.fd: s for s in live}
            try:
                ready, _, _ = select.select([self._wake_r, *fds], [], [], IDLE_WAIT_S)
            except (OSError, ValueError):
                continue                       # a PTY closed under us; the next round drops it
            if self._wake_r in ready:
                try:
                    os.read(self._wake_r, 4096)
                except OSError:
                    pass
            for fd in ready:
                session = fds.get(fd)
                if session is None:
                    continue
                try:
                    changed = session.pump(SLICE_S)
                except OSError:
                    changed = False
                if changed or session.pty.eof:
                    self.on_change(session)
