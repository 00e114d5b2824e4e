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


def test_a_quiet_working_thread_says_whether_a_command_runs_or_the_model_is_awaited(tmp_path):
    """From the rollout Codex writes: a call with no output yet is a running command; a
    turn whose calls are all answered waits on the model."""
    import json
    import os

    from codex_tui.appserver.feed import exact_status
    from codex_tui.appserver.model import Thread
    from codex_tui.pty.detector import WAITING_MODEL, WORKING

    def rollout(name: str, items: list[dict]):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"type": "response_item", "payload": i}) + "\n"
                                for i in items))
        os.utime(path, (time.time() - 600, time.time() - 600))     # quiet for ten minutes
        return path

    running = rollout("a.jsonl", [{"type": "message"}, {"type": "function_call", "call_id": "c1"}])
    waiting = rollout("b.jsonl", [{"type": "function_call", "call_id": "c1"},
                                  {"type": "function_call_output", "call_id": "c1"}])
    active = {"type": "active", "activeFlags": []}
    one = Thread.parse({"id": "t1", "status": active, "path": str(running)})
    two = Thread.parse({"id": "t2", "status": active, "path": str(waiting)})
    assert exact_status(one, [], silence_s=300).state == WORKING
    assert "command" in exact_status(one, [], silence_s=300).detail
    assert exact_status(two, [], silence_s=300).state == WAITING_MODEL
    assert exact_status(two, [], silence_s=3600).state == WORKING     # not quiet long enough
