"""Job events (`started`, `completed`, `failed`, `review_started`) to a hook and a JSONL file.

A hook gets one JSON object on stdin (codex_tui/hooks.py runs it: argv, no shell, a time
limit); whatever goes wrong with it is written to the run's log, never raised: a broken
notifier must not cost the user the job.
"""
from __future__ import annotations

import json
from pathlib import Path

from codex_tui.hooks import run_hook
from codex_tui.jobs import runs
from codex_tui.private_files import open_private_append
from codex_tui.redact import redact_all

EVENTS = ("started", "completed", "failed", "review_started")
HOOK_TIMEOUT_S = 30.0


class JobEvents:
    def __init__(self, runs_dir: Path, notify_cmd: str | None = None, event_stream: str | None = None,
                 timeout: float = HOOK_TIMEOUT_S):
        self.runs_dir = Path(runs_dir)
        self.notify_cmd = notify_cmd or None
        self.event_stream = Path(event_stream) if event_stream else None
        self.timeout = timeout

    def emit(self, event: str, run_id: str, **fields) -> dict:
        """Send one event; returns the object sent. Logs (to run_id's log) but never raises."""
        obj = {"event": event, "run_id": run_id, "ts": runs.iso(_now()), **fields}
        obj = redact_all(obj)
        line = json.dumps(obj, ensure_ascii=False)
        if self.event_stream is not None:
            try:
                with open_private_append(self.event_stream) as fh:
                    fh.write(line + "\n")
            except OSError as exc:
                runs.append_log(self.runs_dir, run_id, f"event stream {self.event_stream}: {exc}")
        if self.notify_cmd:
            self._hook(run_id, event, line)
        return obj

    def _hook(self, run_id: str, event: str, line: str) -> None:
        failed = run_hook(self.notify_cmd, line + "\n", timeout=self.timeout)
        if failed is not None:
            how = "failed" if failed.ran else "not run"
            runs.append_log(self.runs_dir, run_id, f"notify hook {how} ({event}): {failed.message}")


def _now() -> float:
    import time

    return time.time()

