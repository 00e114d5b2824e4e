"""Waiting on the daemon's own notifications in tests: a DaemonWatch of the test's
CODEX_HOME, running in the test's loop, and `until(predicate)` that wakes on each change
the daemon reports (not on a timer)."""
from __future__ import annotations

import asyncio
from pathlib import Path

from codex_tui.appserver.daemon import DaemonWatch
from codex_tui.appserver.transport import control_socket


class Following:
    """`Following(home)` follows that CODEX_HOME's daemon; `Following(watch=W)` runs a
    DaemonWatch made elsewhere (a remote host's, say)."""

    UNTIL_S = 30.0       # how long `until` waits by default

    def __init__(self, home: Path | None = None, *, watch: DaemonWatch | None = None) -> None:
        self.changed = asyncio.Event()
        self.watch = watch if watch is not None else DaemonWatch(home)
        self.watch.on_change = self._changed
        self.task: asyncio.Task | None = None

    def _changed(self, watch) -> None:
        self.changed.set()

    async def __aenter__(self) -> "Following":
        self.task = asyncio.get_running_loop().create_task(self.watch.run())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.watch.stop()
        if self.task is not None:
            self.task.cancel()

    async def until(self, predicate, timeout: float | None = None, what: str = "condition"):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.UNTIL_S if timeout is None else timeout)
        while True:
            value = predicate(self.watch)
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; daemon: {self.watch.why or 'up'}, "
                                     f"threads: {[(t.id, t.status) for t in self.watch.threads.values()]}")
            self.changed.clear()
            try:
                # a change wakes us at once; the short cap only lets a reconnect be seen
                await asyncio.wait_for(self.changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    def sessions(self, state: str | None = None) -> list:
        return [t for t in self.watch.sessions() if state is None or t.status.state == state]


async def socket_appears(home: Path, timeout: float = 30.0) -> Path:
    path = control_socket(home)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not path.exists():
        if loop.time() > deadline:
            raise AssertionError(f"no daemon socket at {path}")
        await asyncio.sleep(0.05)
    return path
