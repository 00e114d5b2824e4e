"""Is a quiet program working or hung? The CPU time its process tree used since the last
look tells a busy loop with no output (`busy`) from a program that waits on nothing
(`silent`). Read from /proc only when a session has been quiet long enough to ask."""
from __future__ import annotations

import time

from codex_tui.procs import CLOCK_TICKS, read_stat

BUSY_SHARE = 0.05          # more than 5% of a core since the last look is busy
LOOK_EVERY_S = 2.0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        stat = read_stat(pid)
        try:
            total += int(stat[1][11]) + int(stat[1][12])     # utime + stime
        except (TypeError, IndexError, ValueError):
            continue     # gone
    return total / CLOCK_TICKS


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
