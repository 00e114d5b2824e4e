"""Telling the user a session is blocked or has exited, wherever they are looking.

The terminal bell and OSC 9 / OSC 777 desktop notifications go to the app's own
terminal (the caller passes a writer that reaches it); inside tmux also
`tmux display-message`; and an optional command gets the event as JSON on stdin.
Nothing here raises: a broken notifier must not take a session down with it.
"""
from __future__ import annotations

import json
import os
import threading
from typing import Callable

from codex_tui.hooks import run_hook
from codex_tui.redact import redact
from codex_tui.sanitize import visible

HOOK_TIMEOUT_S = 10.0


def event(kind: str, key: str, title: str, state: str, detail: str = "", session_id: str | None = None,
          cwd: str = "") -> dict:
    return {"event": kind, "key": key, "title": redact(title), "state": state,
            "detail": redact(detail), "session_id": session_id, "cwd": redact(cwd)}


def terminal_sequences(message: str) -> str:
    """Bell, then OSC 9 (iTerm2, Windows Terminal, kitty...) and OSC 777 (VTE, foot...)."""
    safe = "".join(ch for ch in message if ch.isprintable() and ch not in "\x1b\x07;")[:200]
    return f"\a\x1b]9;{safe}\x1b\\\x1b]777;notify;codex-tui;{safe}\x1b\\"


def tmux_literal(message: str) -> str:
    """`message` for `tmux display-message`, which expands formats: `#(cmd)` in a prompt
    would run cmd, so every # is doubled; controls are shown, not sent."""
    return visible(message, newlines=False)[:200].replace("#", "##")


class Notifier:
    """The notices of the live panes. A failed notice is dropped: nobody would read it, and
    a notice must never break the app."""

    def __init__(self, write_terminal: Callable[[str], None] | None = None, notify_cmd: str | None = None,
                 environ: dict | None = None) -> None:
        self.write_terminal = write_terminal
        self.notify_cmd = notify_cmd or None
        self.environ = os.environ if environ is None else environ

    def send(self, evt: dict) -> None:
        message = f"codex-tui: {evt['title']} {evt['state']}" + (f": {evt['detail']}" if evt["detail"] else "")
        if self.write_terminal is not None:
            try:
                self.write_terminal(terminal_sequences(message))
            except Exception:  # noqa: BLE001 - never let a notice break the app
                pass
        if self.environ.get("TMUX"):
            self._run(["tmux", "display-message", "--", tmux_literal(message)], None)
        if self.notify_cmd:
            self._run(self.notify_cmd, json.dumps(evt) + "\n")

    @staticmethod
    def _run(command: str | list[str], stdin: str | None) -> None:
        threading.Thread(target=run_hook, args=(command, stdin), kwargs={"timeout": HOOK_TIMEOUT_S},
                         daemon=True).start()
