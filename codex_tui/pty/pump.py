"""Reading every live PTY on the UI's own asyncio loop, in time-boxed slices.

Why not a reader thread: parsing is pure Python, so a parsing thread holds the GIL and
the UI thread queues behind it at every GIL hand-over; we measured event-loop stalls of
50-200 ms that way. Here a readable PTY wakes the loop (`add_reader`, so quiet panes cost
nothing), gets one slice of at most SLICE_S of parsing, and is put back in the queue
behind whatever else the loop has to do (input, timers, drawing). Backpressure is the
PTY itself: we read only as fast as we parse, so a flood blocks the child's writes, not
our memory or the UI.
"""
from __future__ import annotations

import asyncio
from typing import Callable

from codex_tui.pty.live import LiveSession

SLICE_S = 0.008        # parsing per wake-up, shared by the panes that have output waiting


class Pump:
    def __init__(self, on_change: Callable[[LiveSession], None],
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.on_change = on_change
        self.loop = loop or asyncio.get_running_loop()
        self.sessions: list[LiveSession] = []
        self._watched: dict[int, LiveSession] = {}
        self._busy = 0            # sessions that had output on their last slice

    def add(self, session: LiveSession) -> None:
        session.pump_here = False
        self.sessions.append(session)
        self._watch(session)

    def remove(self, session: LiveSession) -> None:
        if session in self.sessions:
            self.sessions.remove(session)
        self._unwatch(session)

    def stop(self) -> None:
        for session in list(self.sessions):
            self.remove(session)

    def _watch(self, session: LiveSession) -> None:
        fd = session.pty.fd
        if fd < 0 or session.pty.eof or fd in self._watched or session not in self.sessions:
            return
        try:
            self.loop.add_reader(fd, self._readable, session)
        except (OSError, ValueError, RuntimeError):
            return                                  # closed, or the loop is gone
        self._watched[fd] = session

    def _unwatch(self, session: LiveSession) -> None:
        for fd, watched in list(self._watched.items()):
            if watched is session:
                del self._watched[fd]
                try:
                    self.loop.remove_reader(fd)
                except (OSError, ValueError, RuntimeError):
                    pass

    def _readable(self, session: LiveSession) -> None:
        self._unwatch(session)     # re-armed below, after everything else queued has run
        budget = SLICE_S / max(1, min(self._busy, 4))
        try:
            changed = session.pump(budget)
        except OSError:
            changed = False
        self._busy = max(0, self._busy + (1 if changed else -1))
        if changed or session.pty.eof:
            self.on_change(session)
        if not session.pty.eof:
            self.loop.call_soon(self._watch, session)
