"""Talking to one tmux server (by socket path): list panes, capture, send keys, jump."""
from __future__ import annotations

import os
import re
import shutil
from codex_tui.errors import CodexTuiError
from dataclasses import dataclass

from codex_tui.tools import run_tool

SEP = "\x1f"
PANE_FIELDS = ("pane_id", "pane_pid", "pane_tty", "session_name", "window_index", "pane_index",
               "window_name", "window_activity", "pane_dead", "pane_dead_status",
               "pane_start_command", "pane_current_path", "pane_width", "pane_height")
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# What tmux calls the keys a menu asks for; anything else is sent literally.
KEY_NAMES = {"\r": "Enter", "\n": "Enter", "\x1b": "Escape", "\t": "Tab", "\x7f": "BSpace"}


class TmuxError(CodexTuiError):
    """tmux is missing or refused; the message says which server and why."""


@dataclass
class Pane:
    socket: str
    pane_id: str             # %12
    pane_pid: int
    pane_tty: str
    session_name: str
    window_index: str
    pane_index: str
    window_name: str
    activity: float          # window_activity: the last output in the pane's window (1 s grain)
    dead: bool
    dead_status: int | None
    start_command: str
    current_path: str
    width: int
    height: int

    @property
    def target(self) -> str:
        """session:window.pane, as a person reads it."""
        return f"{self.session_name}:{self.window_index}.{self.pane_index}"


def strip_escapes(text: str) -> str:
    return ESCAPES.sub("", text)


class Tmux:
    def __init__(self, socket: str, binary: str | None = None) -> None:
        self.socket = socket
        self.binary = binary or shutil.which("tmux") or "tmux"

    def run(self, *args: str, check: bool = True, timeout: float = 5.0) -> str:
        proc = run_tool([self.binary, "-S", self.socket, *args], timeout=timeout)
        if proc.missing:
            raise TmuxError("tmux is not installed (or not on PATH)")
        if proc.timed_out:
            raise TmuxError(f"tmux server {self.socket} did not answer within {timeout:.0f} s")
        if check and proc.code != 0:
            raise TmuxError(f"tmux -S {self.socket} {args[0]}: {proc.stderr.strip() or 'failed'}")
        return proc.stdout

    def list_panes(self) -> list[Pane]:
        fmt = SEP.join("#{%s}" % f for f in PANE_FIELDS)
        panes = []
        for line in self.run("list-panes", "-a", "-F", fmt).splitlines():
            values = line.split(SEP)
            if len(values) != len(PANE_FIELDS):
                continue
            v = dict(zip(PANE_FIELDS, values))
            panes.append(Pane(self.socket, v["pane_id"], _int(v["pane_pid"]), v["pane_tty"],
                              v["session_name"], v["window_index"], v["pane_index"], v["window_name"],
                              float(_int(v["window_activity"])), v["pane_dead"] == "1",
                              _int(v["pane_dead_status"]) if v["pane_dead_status"] else None,
                              v["pane_start_command"], v["pane_current_path"], _int(v["pane_width"]),
                              _int(v["pane_height"])))
        return panes

    def capture(self, pane_id: str) -> list[str]:
        """The visible screen as plain lines (captured with -e -J, escapes stripped)."""
        raw = self.run("capture-pane", "-p", "-e", "-J", "-t", pane_id)
        return [strip_escapes(line) for line in raw.split("\n")[:-1] or [""]]

    def capture_many(self, pane_ids: list[str]) -> dict[str, list[str]]:
        """Several panes in one tmux call (a marker line between them): one process spawn
        per poll instead of one per pane."""
        if not pane_ids:
            return {}
        marker = f"{SEP}codex-tui-capture{SEP}"
        args: list[str] = []
        for pane_id in pane_ids:
            args += ["capture-pane", "-p", "-e", "-J", "-t", pane_id, ";", "display-message", "-p", marker, ";"]
        parts = self.run(*args[:-1]).split(marker + "\n")
        out = {}
        for pane_id, raw in zip(pane_ids, parts):
            out[pane_id] = [strip_escapes(line) for line in raw.split("\n")[:-1] or [""]]
        return out

    def send(self, pane_id: str, data: str) -> None:
        """Type `data`: named keys for Enter/Escape/Tab, the rest literally."""
        chunk = ""
        for char in data:
            if char in KEY_NAMES:
                if chunk:
                    self.run("send-keys", "-t", pane_id, "-l", chunk)
                    chunk = ""
                self.run("send-keys", "-t", pane_id, KEY_NAMES[char])
            else:
                chunk += char
        if chunk:
            self.run("send-keys", "-t", pane_id, "-l", chunk)

    def paste(self, pane_id: str, text: str) -> None:
        """Paste `text` (bracketed when the program asked for it), so a multi-line text is
        one message, not several."""
        buffer = f"codex-tui-{os.getpid()}"
        self.run("set-buffer", "-b", buffer, "--", text)
        self.run("paste-buffer", "-p", "-d", "-b", buffer, "-t", pane_id)

    def jump(self, pane: Pane) -> str:
        """Show `pane`: select its window and pane, and move this client there when we run
        inside the same server."""
        self.run("select-window", "-t", pane.pane_id)
        self.run("select-pane", "-t", pane.pane_id)
        if current_socket() == self.socket:
            self.run("switch-client", "-t", pane.pane_id, check=False)
            return f"switched to {pane.target}"
        return f"selected {pane.target} on tmux server {self.socket} (attach: tmux -S {self.socket} attach)"


def current_socket() -> str | None:
    value = os.environ.get("TMUX", "")
    return value.split(",", 1)[0] or None if value else None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0
