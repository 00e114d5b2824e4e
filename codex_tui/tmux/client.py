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
KEY_NAMES = {"\r": "Enter", "\n": "Enter", "\x1b": "Escape", "\t": "Tab", "\x7f": "BSpace",
             "\x0c": "C-l"}


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
    host: object = None      # a settings.Host: the pane is on that machine (tmux/remote.py)

    @property
    def target(self) -> str:
        """session:window.pane, as a person reads it."""
        return f"{self.session_name}:{self.window_index}.{self.pane_index}"


def strip_escapes(text: str) -> str:
    return ESCAPES.sub("", text)


def literal(text: str) -> str:
    """`text` as one tmux argument that stays text: tmux reads an argument ending in `;` as
    a command separator (`a;` types `a`), unless the `;` is escaped, `\\;`, which it unescapes."""
    return text[:-1] + "\\;" if text.endswith(";") else text


def local_runner(argv: list[str], timeout: float):
    """Run tmux here (a ToolResult); tmux/remote.py gives one that runs it over ssh."""
    return run_tool(argv, timeout=timeout)


class Tmux:
    def __init__(self, socket: str, binary: str | None = None, runner=None, where: str = "") -> None:
        self.socket = socket          # "" = the server's default socket
        self.binary = binary or (shutil.which("tmux") or "tmux" if runner is None else "tmux")
        self.runner = runner or local_runner
        self.where = where            # "devbox: " for another machine's server

    def run(self, *args: str, check: bool = True, timeout: float = 5.0) -> str:
        socket = ["-S", self.socket] if self.socket else []
        proc = self.runner([self.binary, *socket, *args], timeout)
        if proc.missing:
            raise TmuxError(f"{self.where}tmux is not installed (or not on PATH)")
        if proc.timed_out:
            raise TmuxError(f"{self.where}tmux server {self.socket} did not answer within {timeout:.0f} s")
        if check and proc.code != 0:
            raise TmuxError(f"{self.where}tmux -S {self.socket} {args[0]}: {proc.stderr.strip() or 'failed'}")
        return proc.stdout

    def list_panes(self) -> list[Pane]:
        fmt = SEP.join("#{%s}" % f for f in PANE_FIELDS)
        found = (parse_pane(self.socket, line) for line in self.run("list-panes", "-a", "-F", fmt).splitlines())
        return [pane for pane in found if pane is not None]

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
        """Type `data`: named keys for Enter/Escape/Tab, the rest literally; one tmux call
        (commands joined by `;`), which over ssh is one round trip, not one per key."""
        args: list[str] = []
        chunk = ""
        for char in data:
            if char in KEY_NAMES:
                if chunk:
                    args += ["send-keys", "-t", pane_id, "-l", "--", literal(chunk), ";"]
                    chunk = ""
                args += ["send-keys", "-t", pane_id, KEY_NAMES[char], ";"]
            else:
                chunk += char
        if chunk:     # `--`: text starting with `-` is text, not send-keys' options
            args += ["send-keys", "-t", pane_id, "-l", "--", literal(chunk), ";"]
        if args:
            self.run(*args[:-1])

    def paste(self, pane_id: str, text: str) -> None:
        """Paste `text` (bracketed when the program asked for it), so a multi-line text is
        one message, not several."""
        buffer = f"codex-tui-{os.getpid()}"
        self.run("set-buffer", "-b", buffer, "--", literal(text), ";",
                 "paste-buffer", "-p", "-d", "-b", buffer, "-t", pane_id)

    def jump(self, pane: Pane) -> str:
        """Show `pane`: select its window and pane, and move this client there when we run
        inside the same server."""
        self.run("select-window", "-t", pane.pane_id)
        self.run("select-pane", "-t", pane.pane_id)
        if current_socket() == self.socket:
            self.run("switch-client", "-t", pane.pane_id, check=False)
            return f"switched to {pane.target}"
        return f"selected {pane.target} on tmux server {self.socket} (attach: tmux -S {self.socket} attach)"


def parse_pane(socket: str, line: str, host=None) -> Pane | None:
    """One line of `list-panes -F` with PANE_FIELDS, or None when it is not one."""
    values = line.split(SEP)
    if len(values) != len(PANE_FIELDS):
        return None
    v = dict(zip(PANE_FIELDS, values))
    return Pane(socket, v["pane_id"], _int(v["pane_pid"]), v["pane_tty"], v["session_name"],
                v["window_index"], v["pane_index"], v["window_name"], float(_int(v["window_activity"])),
                v["pane_dead"] == "1", _int(v["pane_dead_status"]) if v["pane_dead_status"] else None,
                v["pane_start_command"], v["pane_current_path"], _int(v["pane_width"]),
                _int(v["pane_height"]), host)


def current_socket() -> str | None:
    value = os.environ.get("TMUX", "")
    return value.split(",", 1)[0] or None if value else None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0
