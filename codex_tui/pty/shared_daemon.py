"""Codex's shared app-server daemon: how to recognise it, so that no kill path signals it.

Since Codex 0.169 every interactive Codex TUI on one CODEX_HOME is a thread of one daemon
(`codex app-server --listen unix:// ...`, helped by `codex app-server daemon
pid-update-loop`). The first TUI starts it: a child of that TUI's native binary in a
session of its own, re-parented to init when the TUI exits, with the TUI's environment
(codex-tui's PTY marker included). So a TUI's process tree and its marker both reach it,
and killing it breaks every other Codex on that CODEX_HOME ("Reconnecting to server…");
the commands the agent runs are its children. Codex's own /quit leaves it running, and so
do we: every kill path (pty/process.py, tmux/procs.py kill_tree, jobs/control.py) drops
the daemons and everything below them from its targets, even when the daemon serves only
the pane being killed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

APP_SERVER = "app-server"
LAUNCHERS = ("node", "nodejs", "bun")
# comm (the executable's name, 15 chars) of processes whose command line is worth reading:
# the native binary, and the interpreters the npm launcher runs under.
CANDIDATE_COMMS = (b"codex", b"node", b"nodejs", b"bun", b"MainThread")


def codex_args(argv: list[str]) -> list[str] | None:
    """The arguments given to Codex (native binary or npm launcher); None: not Codex."""
    if not argv:
        return None
    name = os.path.basename(argv[0])
    rest = argv[1:]
    if name in LAUNCHERS and rest:
        script = rest[0]
        if not (os.path.basename(script) in ("codex", "codex.js") or script.endswith("/bin/codex.js")):
            return None
        return rest[1:]
    return rest if name == "codex" else None


def is_app_server(argv: list[str]) -> bool:
    """`codex [OPTIONS] app-server ...`: the daemon, its helper loop, or a proxy to it.
    Any argument before `--` counts, so an option's value (`-c k=v app-server`) cannot
    hide it; a prompt that is exactly "app-server" would be spared too, the safe mistake."""
    args = codex_args(argv)
    if args is None:
        return False
    return APP_SERVER in (args[:args.index("--")] if "--" in args else args)


def below(parents: dict[int, int], roots: Iterable[int]) -> set[int]:
    """`roots` and every live process under them, from a pid -> parent pid map."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found = set(roots)
    frontier = list(found)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def argv_of(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def is_daemon(pid: int, stat: bytes) -> bool:
    """Whether process `pid`, whose /proc stat line is `stat`, is an app-server daemon
    (only a Codex or a launcher's interpreter has its command line read)."""
    comm = stat[stat.find(b"(") + 1: stat.rfind(b")")]
    return comm.startswith(CANDIDATE_COMMS) and is_app_server(argv_of(pid))


def live_stats():
    """(pid, raw stat, fields after the command name) of every live process in /proc now;
    nothing where there is no /proc. Zombies and processes that vanish are skipped."""
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_bytes()
            fields = stat.rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields and fields[0] not in (b"Z", b"X"):
            yield int(entry.name), stat, fields


def spared() -> set[int]:
    """Every live app-server daemon process and everything below it, from /proc now
    (empty where there is no /proc)."""
    parents: dict[int, int] = {}
    daemons: set[int] = set()
    for pid, stat, fields in live_stats():
        parents[pid] = int(fields[1])
        if is_daemon(pid, stat):
            daemons.add(pid)
    return below(parents, daemons) if daemons else set()
