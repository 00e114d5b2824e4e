"""SIGTERM and SIGHUP end a Textual front end the way `q` does.

Python's default for both is to die on the spot: the terminal is left on the alternate
screen with mouse reporting on, and the app's own panes keep running with nobody reading
them. Routed to `app.exit()`, Textual unmounts the screens (the Sessions view closes its
hub there, which kills the panes' programs), restores the terminal and the process ends
with 128 + the signal's number, as a shell reports a death by signal. After SIGHUP (the
terminal is gone) a shutdown that has not ended the process in HANGUP_GRACE_S ends it.
"""
from __future__ import annotations

import asyncio
import os
import signal
import threading

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
HANGUP_GRACE_S = 5.0


def exit_on_signals(app) -> None:
    """Call from the app's on_mount. Headless runs (tests) are left alone: their process
    and its signals belong to the test runner."""
    if app.is_headless:
        return
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(sig, lambda sig=sig: _exit(app, sig))
        except (NotImplementedError, RuntimeError, ValueError):
            pass       # no signals here (Windows), or not the main thread


def _exit(app, sig: int) -> None:
    app.exit(return_code=128 + sig)
    if sig == signal.SIGHUP:
        leave_after(HANGUP_GRACE_S, 128 + sig)


def leave_after(seconds: float, code: int) -> threading.Timer:
    """After SIGHUP the terminal is gone, and Textual's shutdown still writes to it: a write
    that fails can leave the shutdown waiting forever (seen when the terminal closed while the
    app started: left running at 99% CPU). So the process ends by itself if its shutdown has
    not ended it in `seconds`: the index's workers killed first (they would wait for work
    that never comes), then os._exit. The panes' programs lose their terminals with it."""
    def leave() -> None:
        from codex_tui.index.workers import kill_workers

        kill_workers()
        os._exit(code)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()
    return timer
