"""The state names every list speaks, typed once.

`StrEnum` members are `str`s: they compare equal to, hash like, format and serialise (json,
orjson, msgspec) as their values, so the JSON answers, hook events, the registry file and
the CLI text say exactly what they said when these were plain strings.
"""
from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """A `codex exec` job (jobs/runs.py `live_state`)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    KILLED = "killed"
    LOST = "lost"          # its supervisor and Codex are gone and no summary was written


class SessionState(StrEnum):
    """An interactive session: a live pane, a tmux pane or a daemon thread (pty/detector.py)."""

    STARTING = "starting"
    WORKING = "working"
    WAITING_APPROVAL = "waiting-approval"
    WAITING_TRUST = "waiting-trust"
    WAITING_INPUT = "waiting-input"
    # Only the app-server (0.169+) tells these apart: a request_user_input question, a turn
    # waiting on the model, and a quiet program whose processes use the CPU.
    WAITING_ANSWER = "waiting-answer"
    WAITING_MODEL = "waiting-model"
    BUSY = "busy"
    SILENT = "silent"
    EXITED_OK = "exited-ok"
    EXITED_FAILED = "exited-failed"


# Someone must answer (or look): the states the watch pane and `status` count as blocked.
NEEDS_PERSON = (SessionState.WAITING_APPROVAL, SessionState.WAITING_TRUST,
                SessionState.WAITING_ANSWER, SessionState.SILENT)
