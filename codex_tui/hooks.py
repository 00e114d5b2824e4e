"""Running a user's hook command: the jobs' `--notify-cmd` and the live panes' notice command.

One way for both: the command is shlex-split into an argv list (never a shell, so nothing
in an event can run as code), gets one JSON object on stdin, and has a time limit. What goes
wrong comes back as a `HookFailed`, never an exception (a broken hook must not cost the user
a job or a session), with the hook's output redacted: it may echo the event back.
"""
from __future__ import annotations

import shlex
import subprocess
from typing import NamedTuple

from codex_tui.redact import redact

OUTPUT_TAIL = 300   # characters of the hook's output kept in the error


class HookFailed(NamedTuple):
    ran: bool        # False: the command line could not even be split
    message: str     # "bad command: ...", the OS error, or "exit N: <output tail>"


def run_hook(command: str | list[str], stdin: str | None, *, timeout: float) -> HookFailed | None:
    """Run `command` (a command line, or an argv list) with `stdin`; None when it exited 0."""
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            return HookFailed(False, f"bad command: {exc}")
    else:
        argv = list(command)
    if not argv:
        return HookFailed(False, "bad command: it is empty")
    try:
        proc = subprocess.run(argv, input=stdin, text=True, capture_output=True, timeout=timeout,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return HookFailed(True, redact(str(exc)))
    if proc.returncode != 0:
        tail = redact((proc.stderr or proc.stdout or "").strip())[-OUTPUT_TAIL:]
        return HookFailed(True, f"exit {proc.returncode}: {tail}")
    return None
