"""SIGTERM and SIGHUP end a Textual front end the way `q` does.

Python's default for both is to die on the spot: the terminal is left on the alternate
screen with mouse reporting on, and the app's own panes keep running with nobody reading
them. Routed to `app.exit()`, Textual unmounts the screens (the Sessions view closes its
hub there, which kills the panes' programs), restores the terminal and the process ends
with 128 + the signal's number, as a shell reports a death by signal.
"""
from __future__ import annotations

import asyncio
import signal

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def exit_on_signals(app) -> None:
    """Call from the app's on_mount. Headless runs (tests) are left alone: their process
    and its signals belong to the test runner."""
    if app.is_headless:
        return
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(sig, lambda sig=sig: app.exit(return_code=128 + sig))
        except (NotImplementedError, RuntimeError, ValueError):
            pass       # no signals here (Windows), or not the main thread
