"""The context-window gauge of one live rollout, read incrementally (only appended lines)."""
from __future__ import annotations

import os

from codex_tui.governance.budget import budget_from_summary


class ContextGauge:
    def __init__(self, path: str) -> None:
        self.path = path
        self._parser = None
        self._mtime = None
        self._percent: int | None = None

    def percent(self) -> int | None:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            return self._percent
        if mtime == self._mtime:
            return self._percent
        from codex_tui.index.summary import summarize
        from codex_tui.rollout.parse import RolloutParser

        try:
            if self._parser is None:
                self._parser = RolloutParser(self.path, keep_output=False)
            self._parser.feed_file()
            summary = summarize(self._parser.session, mtime / 1e9)
        except (OSError, ValueError):
            return self._percent
        self._mtime = mtime
        self._percent = budget_from_summary(summary).percent
        return self._percent
