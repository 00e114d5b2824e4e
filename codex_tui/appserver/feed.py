"""The daemons of every known CODEX_HOME, followed on a loop of their own in a background
thread, for front ends whose work runs in threads (the watch pane, the Sessions view's
workers). `snapshot()` is safe from any thread; `call()` runs an action on the loop and
waits for it. New CODEX_HOMEs (a Codex started with another one) are picked up every few
seconds from /proc, which costs no request to any daemon."""
from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any, Callable

from codex_tui.appserver.daemon import DaemonWatch
from codex_tui.appserver.model import Pending, Thread

RESCAN_HOMES_S = 5.0


class DaemonFeed:
    def __init__(self, homes: Callable[[], list[Path]] | None = None,
                 on_change: Callable[[], None] | None = None, version: str = "0",
                 hosts: list | None = None) -> None:
        from codex_tui.appserver.daemon import remote_watch
        from codex_tui.appserver.homes import known_homes

        self.homes = homes or known_homes
        self.on_change = on_change or (lambda: None)
        self.version = version
        self.watches: dict[str, DaemonWatch] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._running: set[str] = set()
        for host in hosts or []:            # other machines: a watch each, through ssh
            self.watches["ssh:" + host.name] = remote_watch(
                host, on_change=lambda w: self.on_change(), version=version)

    def start(self) -> "DaemonFeed":
        if self._thread is None:
            try:
                first = self.homes()
            except OSError:
                first = []
            for home in first:        # known at once, so the first frame says the same thing
                self.watches.setdefault(os.path.realpath(home), DaemonWatch(
                    home, on_change=lambda w: self.on_change(), version=self.version))
            self._thread = threading.Thread(target=self._main, name="codex-daemons", daemon=True)
            self._thread.start()
            self._started.wait(2.0)
        return self

    def _main(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self._follow_task = self.loop.create_task(self._follow())
        self._started.set()
        try:
            self.loop.run_until_complete(self._follow_task)
        except (RuntimeError, asyncio.CancelledError):
            pass            # stopped while running
        finally:
            self.loop.close()

    async def _follow(self) -> None:
        for key, watch in self.watches.items():
            if key.startswith("ssh:") and key not in self._running:
                self._running.add(key)
                asyncio.get_running_loop().create_task(watch.run())
        while True:
            try:
                homes = self.homes()
            except OSError:
                homes = []
            for home in homes:
                key = os.path.realpath(home)
                if key not in self.watches:
                    self.watches[key] = DaemonWatch(home, on_change=lambda w: self.on_change(),
                                                    version=self.version)
                if key not in self._running:
                    self._running.add(key)
                    asyncio.get_running_loop().create_task(self.watches[key].run())
            await asyncio.sleep(RESCAN_HOMES_S)

    def stop(self) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return

        async def shutdown() -> None:
            for watch in list(self.watches.values()):
                await watch.stop()
            # every task ends before the loop does ("Task was destroyed but it is pending!"
            # on the user's terminal otherwise); the follow loop last, which ends the thread
            follow = getattr(self, "_follow_task", None)
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and t is not follow]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            if follow is not None:
                follow.cancel()
            else:
                loop.stop()
        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop)
        except RuntimeError:
            return
        if self._thread is not None:
            self._thread.join(2.0)

    # ---- reading and acting --------------------------------------------------------------
    def snapshot(self) -> list[DaemonWatch]:
        return list(self.watches.values())

    def call(self, thread_id: str, action: Callable[[DaemonWatch, str], Any], timeout: float = 10.0):
        """Run `action(watch, thread_id)` (a coroutine) on the feed's loop for the watch that
        holds the thread; blocks the calling thread (never the UI loop) until it is done."""
        watch = watch_of(self.snapshot(), thread_id)
        if watch is None or self.loop is None:
            return False, "that session is not loaded in any reachable daemon"
        future = asyncio.run_coroutine_threadsafe(action(watch, thread_id), self.loop)
        return future.result(timeout)


def watch_of(watches: list[DaemonWatch], thread_id: str) -> DaemonWatch | None:
    return next((w for w in watches if thread_id in w.threads), None)


def session_threads(watches: list[DaemonWatch]) -> list[Thread]:
    """Every connected daemon's sessions, each thread once: two [[hosts]] (or a host and
    this machine) that are one machine name the same thread, and its id is unique."""
    seen: set[str] = set()
    out = []
    for watch in watches:
        if watch.connected:
            for thread in watch.sessions():
                if thread.id not in seen:
                    seen.add(thread.id)
                    out.append(thread)
    return out


def pending_of(watches: list[DaemonWatch], thread_id: str) -> list[Pending]:
    watch = watch_of(watches, thread_id)
    return list(watch.pending.get(thread_id, [])) if watch else []


def exact_status(thread: Thread, pending: list[Pending], silence_s: float = 300.0,
                 now: float | None = None):
    """The detector's Status for a thread, from the daemon: no guessing from the screen. A
    working thread quiet for `silence_s` says why (a command running, or the model)."""
    import time

    from codex_tui.appserver.quiet import quiet_reason
    from codex_tui.pty.detector import WORKING, Status

    detail = pending[0].summary if pending else ""
    kind = pending[0].kind if pending else ""
    state = thread.status.state
    if state == WORKING and not pending and not thread.host:     # a remote rollout: not here
        reason = quiet_reason(thread.path, time.time() if now is None else now, silence_s)
        if reason is not None:
            state, detail = reason
    return Status(state, thread.since, detail, "app-server", kind)
