"""What an id or a name may look like before it reaches a program's command line.

Values from rollouts, the daemon, run dirs and the user are foreign: a session id of
`--last` would make `codex resume` take it as an option, `abc; touch /tmp/x` would run in
a shell it is pasted into, and `../x` would leave the runs folder. Each check here is the
one place that decides; callers refuse what fails with a message that says what is wanted.
"""
from __future__ import annotations

import re
import shlex

# Codex session and thread ids are UUIDs (v4 before 0.4x, v7 since).
SESSION_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# What the CLI accepts for a thread it will look up: a UUID or an unambiguous hex prefix.
THREAD_PREFIX = re.compile(r"^[0-9a-fA-F][0-9a-fA-F-]{7,35}$")
# codex-tui's own run ids: YYYYMMDD-HHMMSS-N (jobs/runs.py new_run_id).
RUN_ID = re.compile(r"^\d{8}-\d{6}-\d{1,6}$")
# Model names: gpt-5.1-codex, o4-mini, openai/gpt-oss:20b, ... never an option.
MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$")


def is_session_id(text: object) -> bool:
    return isinstance(text, str) and bool(SESSION_ID.match(text))


def is_thread_ref(text: object) -> bool:
    return isinstance(text, str) and bool(THREAD_PREFIX.match(text))


def is_run_id(text: object) -> bool:
    return isinstance(text, str) and bool(RUN_ID.match(text))


def is_model(text: object) -> bool:
    return isinstance(text, str) and bool(MODEL.match(text))


def resume_command(session_id: object, program: str = "codex") -> str:
    """`codex resume <id>` quoted for a shell, or "" when `session_id` is not a session id
    (nothing is offered for pasting rather than something that might run)."""
    if not is_session_id(session_id):
        return ""
    return shlex.join([program, "resume", str(session_id)])
