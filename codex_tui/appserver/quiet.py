"""Why a working thread has been quiet: the daemon says only "active", so the rollout's
last items tell a command still running (a call with no output yet) from a turn waiting on
the model (everything answered, no reply for a while). Read only once a thread has been
quiet for the silence threshold, and only the file's tail, once per change of the file."""
from __future__ import annotations

import json
import os

from codex_tui.pty.detector import WAITING_MODEL, WORKING

CALLS = {"function_call", "custom_tool_call", "local_shell_call"}
OUTPUTS = {"function_call_output", "custom_tool_call_output"}
TAIL = 131072
_seen: dict[str, tuple[int, str]] = {}          # path -> (mtime_ns, last item kind)


def _last_kind(path: str) -> str:
    """"call" (a tool call with no output after it), "other", or "" when unreadable."""
    try:
        stat = os.stat(path)
        known = _seen.get(path)
        if known is not None and known[0] == stat.st_mtime_ns:
            return known[1]
        with open(path, "rb") as fh:
            fh.seek(max(0, stat.st_size - TAIL))
            lines = fh.read().splitlines()
    except OSError:
        return ""
    pending: set[str] = set()
    for line in lines:
        if b'"response_item"' not in line:
            continue
        try:
            payload = json.loads(line).get("payload") or {}
        except (ValueError, AttributeError):
            continue
        item = payload.get("type") if isinstance(payload, dict) else None
        call_id = payload.get("call_id") if isinstance(payload, dict) else None
        if item in CALLS:
            pending.add(str(call_id))
        elif item in OUTPUTS:
            pending.discard(str(call_id))
    kind = "call" if pending else "other"
    _seen[path] = (stat.st_mtime_ns, kind)
    return kind


def quiet_reason(path: str | None, now: float, silence_s: float) -> tuple[str, str] | None:
    """(state, detail) for a working thread quiet for `silence_s`, else None."""
    if not path:
        return None
    try:
        quiet = now - os.stat(path).st_mtime
    except OSError:
        return None
    if quiet < silence_s:
        return None
    minutes = int(quiet // 60)
    if _last_kind(path) == "call":
        return WORKING, f"a command has run for {minutes}m with no output"
    return WAITING_MODEL, f"no answer from the model for {minutes}m"
