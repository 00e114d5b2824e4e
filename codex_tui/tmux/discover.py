"""Find interactive Codex processes of this user and the tmux pane each one runs in.

The `TMUX` variable in a process's environment names its server's socket (users run several
servers with `-L`); the pane is the one whose `pane_pid` is an ancestor of the process and
whose tty is the process's controlling terminal (a Codex inside codex-tui's own PTY pane,
which itself runs in tmux, is not that pane's program). A dead pane kept by
`remain-on-exit` whose command was Codex is reported too, with its exit status.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from codex_tui.procs import ProcTable, cwd_of, environ, is_interactive_codex
from codex_tui.pty import rollout_link
from codex_tui.tmux.client import Pane, Tmux, TmuxError



def tmux_socket(env: dict[str, str]) -> str | None:
    """The socket path in `TMUX=/tmp/tmux-1000/default,1234,0`."""
    value = env.get("TMUX", "")
    return value.split(",", 1)[0] or None if value else None


@dataclass
class Found:
    pane: Pane
    pid: int | None                 # None: the pane is dead (remain-on-exit)
    cwd: str
    started_at: float
    pids: list[int] = field(default_factory=list)   # the process and everything below it
    codex_home: Path | None = None
    rollout: Path | None = None
    session_id: str | None = None
    argv: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.pane.socket}|{self.pane.pane_id}|{self.pid}"

    @property
    def repo(self) -> str:
        return os.path.basename(self.cwd.rstrip("/")) or self.cwd or "?"


@dataclass
class Discovery:
    sessions: list[Found]
    warnings: list[str]
    panes: dict[str, list[Pane]]    # socket -> every pane of that server (for tests and jump)


def discover(sockets: list[str] | None = None, *, table: ProcTable | None = None,
             link_rollouts: bool = True) -> Discovery:
    """Codex sessions in tmux panes. `sockets` limits the search to those servers (and then
    also maps Codex processes that carry no `TMUX` variable); None: every server a Codex
    process names."""
    table = table or ProcTable()
    by_socket: dict[str | None, list[tuple[int, dict]]] = {}
    for pid in table.codex_pids():
        env = environ(pid)
        by_socket.setdefault(tmux_socket(env), []).append((pid, env))
    wanted = list(sockets) if sockets is not None else [s for s in by_socket if s]
    found: list[Found] = []
    warnings: list[str] = []
    panes_of: dict[str, list[Pane]] = {}
    for socket in wanted:
        try:
            panes = Tmux(socket).list_panes()
        except TmuxError as exc:
            if sockets is not None or os.path.exists(socket):
                warnings.append(str(exc))
            continue
        panes_of[socket] = panes
        by_pid = {p.pane_pid: p for p in panes if not p.dead}
        candidates = by_socket.get(socket, []) + (by_socket.get(None, []) if sockets is not None else [])
        for pid, env in candidates:
            pane = next((by_pid[a] for a in [pid, *table.ancestors(pid)] if a in by_pid), None)
            if pane is None or not _same_tty(table.procs[pid].tty, pane.pane_tty):
                continue
            found.append(Found(pane, pid, cwd_of(pid), table.started_at(pid),
                               [pid, *table.descendants(pid)],
                               rollout_link.codex_home_of(env) if env else None,
                               argv=tuple(table.procs[pid].argv)))
        for pane in panes:
            if pane.dead and is_interactive_codex(pane.start_command.strip('"').split()):
                found.append(Found(pane, None, pane.current_path, pane.activity))
    if link_rollouts:
        link(found)
    found.sort(key=lambda f: (f.pane.socket, f.pane.session_name, _num(f.pane.window_index),
                              _num(f.pane.pane_index)))
    return Discovery(found, warnings, panes_of)


def link(found: list[Found]) -> None:
    """Each live session's rollout: the file its processes hold open, else the newest one
    started in its cwd since it started (0.169 opens, appends and closes the file)."""
    claimed = {f.session_id for f in found if f.session_id}
    for item in found:
        if item.pid is None or item.session_id:
            continue
        path = rollout_link.open_rollout(item.pids)
        if path is None and item.codex_home is not None:
            path = rollout_link.recent_rollout(item.codex_home, item.cwd, item.started_at, claimed)
        if path is not None:
            item.rollout, item.session_id = path, rollout_link.session_id(path)
            claimed.add(item.session_id)


def _same_tty(tty_nr: int, pane_tty: str) -> bool:
    try:
        return os.stat(pane_tty).st_rdev == tty_nr
    except OSError:
        return False


def _num(text: str) -> int:
    return int(text) if text.isdigit() else 0
