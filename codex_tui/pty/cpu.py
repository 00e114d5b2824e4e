"""Is a quiet program working or hung? The CPU time its process tree used since the last
look tells a busy loop with no output (`busy`) from a program that waits on nothing
(`silent`). Read from /proc only when a session has been quiet long enough to ask."""
from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
BUSY_SHARE = 0.05          # more than 5% of a core since the last look is busy
LOOK_EVERY_S = 2.0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])     # utime + stime
        except (OSError, IndexError, ValueError):
            continue
    return total / TICKS


class CpuWatch:
    """`busy(pids)`: True/False once two looks apart, None before that."""

    def __init__(self) -> None:
        self._last: tuple[float, float] | None = None
        self._answer: bool | None = None

    def busy(self, pids_of, now: float | None = None) -> bool | None:
        now = time.monotonic() if now is None else now
        if self._last is not None and now - self._last[0] < LOOK_EVERY_S:
            return self._answer
        spent = cpu_seconds(pids_of())
        if self._last is not None:
            self._answer = (spent - self._last[1]) / max(now - self._last[0], 1e-6) > BUSY_SHARE
        self._last = (now, spent)
        return self._answer

    def reset(self) -> None:
        self._last, self._answer = None, None
