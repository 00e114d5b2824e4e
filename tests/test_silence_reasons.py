"""Silence says why: a quiet program that burns CPU is `busy`, one that waits on nothing is
`silent` (likely hung). Real processes on real PTYs, a short silence threshold."""
from __future__ import annotations

import sys
import time

from codex_tui.pty.detector import BUSY, SILENT
from codex_tui.pty.live import Launch, LiveSession




def test_a_cpu_loop_is_busy_and_a_sleep_is_silent(tmp_path):
    loop = LiveSession(Launch([sys.executable, "-c", "while True: pass"], str(tmp_path),
                              is_codex=False), silence_s=0.5)
    sleeper = LiveSession(Launch(["sleep", "300"], str(tmp_path), is_codex=False), silence_s=0.5)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (loop.status().state == BUSY
                                                   and sleeper.status().state == SILENT):
            loop.pump()
            sleeper.pump()
            time.sleep(0.2)
        assert loop.status().state == BUSY, loop.status()
        assert "CPU" in loop.status().detail
        assert sleeper.status().state == SILENT, sleeper.status()
        assert "hung" in sleeper.status().detail
    finally:
        loop.close()
        sleeper.close()
