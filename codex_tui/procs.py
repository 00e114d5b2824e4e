"""Processes from /proc, and the one way codex-tui ends a tree of them.

One reader of /proc/<pid>/stat, cmdline, environ and cwd for every caller: the PTY panes
(pty/process.py), jobs (jobs/control.py), tmux panes (tmux/discover.py, tmux/actions.py)
and the daemon's thread pairing (appserver/). `kill_tree` is the one killer.

Codex's shared app-server daemon is never signalled. Since Codex 0.169 every interactive
Codex TUI on one CODEX_HOME is a thread of one daemon (`codex app-server --listen unix://
...`, helped by `codex app-server daemon pid-update-loop`). The first TUI starts it: a
child of that TUI's native binary in a session of its own, re-parented to init when the
TUI exits, with the TUI's environment (codex-tui's PTY marker included). So a TUI's process
tree and its marker both reach it, and killing it breaks every other Codex on that
CODEX_HOME ("Reconnecting to server…"); the commands the agent runs are its children.
Codex's own /quit leaves it running, and so do we: `kill_tree` drops the daemons and
everything below them from its targets (`spared()`), even when the daemon serves only the
pane being killed.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

APP_SERVER = "app-server"
LAUNCHERS = ("node", "nodejs", "bun")
# comm (the executable's name, 15 chars) of processes whose command line is worth reading:
# the native binary, and the interpreters the npm launcher runs under.
CANDIDATE_COMMS = (b"codex", b"node", b"nodejs", b"bun", b"MainThread")
# `codex <sub>` that is not the interactive TUI: a daemon, a one-shot or a helper.
NOT_INTERACTIVE = {"app-server", "mcp-server", "mcp", "exec", "e", "login", "logout", "completion",
                   "debug", "apply", "a", "cloud", "sandbox", "proto", "responses-api-proxy",
                   "generate-ts", "help", "features"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
GONE_WAIT_S = 2.0   # after SIGKILL: how long kill_tree waits for the kernel to finish


# ---- reading /proc ----------------------------------------------------------------------

def read_stat(pid: int | str) -> tuple[bytes, list[bytes]] | None:
    """(raw stat line, its fields after the command name) or None: gone, or no /proc.
    fields[0] is the state, [1] the parent, [2] the group, [3] the session, [4] the tty."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
        return raw, raw.rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def comm_of(stat: bytes) -> bytes:
    return stat[stat.find(b"(") + 1: stat.rfind(b")")]


def alive(pid: int) -> bool:
    """Running: in /proc and not a zombie."""
    stat = read_stat(pid)
    return stat is not None and bool(stat[1]) and stat[1][0] not in (b"Z", b"X")


def argv_of(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    env = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            env[key.decode(errors="replace")] = value.decode(errors="replace")
    return env


def has_env_entry(pid: int, entry: bytes) -> bool:
    """Whether `NAME=value` is exactly one of the process's environment entries."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return entry in fh.read().split(b"\0")
    except OSError:
        return False


def cwd_of(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def live_stats() -> Iterator[tuple[int, bytes, list[bytes]]]:
    """(pid, raw stat, fields after the command name) of every live process in /proc now;
    nothing where there is no /proc. Zombies and processes that vanish are skipped."""
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return
    for entry in entries:
        if not entry.name.isdigit():
            continue
        stat = read_stat(entry.name)
        if stat and stat[1] and stat[1][0] not in (b"Z", b"X"):
            yield int(entry.name), stat[0], stat[1]


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


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (empty where there is no /proc)."""
    parents = {p: int(fields[1]) for p, _, fields in live_stats()}
    return sorted(below(parents, [pid]) - {pid})


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is `pgid`."""
    return [pid for pid, _, fields in live_stats() if int(fields[2]) == pgid]


def family(root: int, marker: bytes | None = None) -> tuple[set[int], set[int]]:
    """(found, spared): live processes in `root`'s session or below it in the tree, or
    with `marker` in their environment (not `root` itself), less Codex's app-server
    daemons and everything below them; and those daemons with everything below them."""
    parents: dict[int, int] = {}
    found: set[int] = set()
    daemons: set[int] = set()
    for pid, stat, fields in live_stats():
        parents[pid] = int(fields[1])
        if pid == root:
            continue
        if is_daemon(pid, stat):
            daemons.add(pid)
        if int(fields[3]) == root or (marker is not None and has_env_entry(pid, marker)):
            found.add(pid)
    found |= below(parents, [root]) - {root}
    spared_now = below(parents, daemons) if daemons else set()
    return found - spared_now, spared_now


# ---- recognising Codex ------------------------------------------------------------------

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


def is_interactive_codex(argv: list[str]) -> bool:
    rest = codex_args(argv)
    if rest is None or is_app_server(argv):
        return False
    sub = next((a for a in rest if not a.startswith("-")), None)
    # an option's value (`-m gpt-5`) can look like a subcommand; only known names count
    return sub not in NOT_INTERACTIVE


def is_daemon(pid: int, stat: bytes) -> bool:
    """Whether process `pid`, whose /proc stat line is `stat`, is an app-server daemon
    (only a Codex or a launcher's interpreter has its command line read)."""
    return comm_of(stat).startswith(CANDIDATE_COMMS) and is_app_server(argv_of(pid))


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


# ---- ending a tree ----------------------------------------------------------------------

@dataclass
class Killed:
    groups: list[str] = field(default_factory=list)   # "SIGTERM group 123", as `job kill` reports
    pids: list[int] = field(default_factory=list)     # the processes sent SIGTERM


def kill_tree(pids: Iterable[int], *, group: int | None = None, grace: float = 2.0,
              find: Callable[[], tuple[set[int], set[int]]] | None = None,
              pump: Callable[[], None] | None = None) -> Killed:
    """SIGTERM to process group `group` and to `pids` (continued after, since a stopped
    process acts on SIGTERM only once continued); after `grace` seconds SIGKILL to whatever
    is left, then wait (at most GONE_WAIT_S) until it is gone, so a caller that looks right
    after sees nothing left. An app-server daemon and everything below it is never
    signalled, even when listed (the module's docstring says why); the group never holds
    one (the daemon calls setsid as it starts). `find()` -> (found, spared) re-reads a tree
    that may grow while it dies; `pump()` runs while waiting (a PTY is drained, because a
    child blocked writing to a full PTY cannot act on SIGTERM)."""
    spared_now = spared()
    targets = {p for p in pids if p not in spared_now}
    killed = Killed()
    _send_group(group, signal.SIGTERM, killed)
    killed.pids = sorted(p for p in targets if _send(p, signal.SIGTERM))
    for pid in killed.pids:
        _send(pid, signal.SIGCONT)
    deadline = time.monotonic() + grace
    while True:
        if pump is not None:
            pump()
        targets = {p for p in targets if alive(p)}
        if find is not None:
            # A target seen between its fork and its exec may have become a daemon since.
            found, spared_now = find()
            targets = {p for p in targets if p not in spared_now} | found
        if not targets and not _group_alive(group):
            return killed
        if time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    spared_now = spared()    # one caught between its fork and exec may be one now
    targets -= spared_now
    _send_group(group, signal.SIGKILL, killed)
    for pid in targets:
        _send(pid, signal.SIGKILL)
    deadline = time.monotonic() + GONE_WAIT_S
    while time.monotonic() < deadline and (any(alive(p) for p in targets) or _group_alive(group)):
        if pump is not None:
            pump()
        time.sleep(0.01)
    return killed


def stop(pids: list[int]) -> list[int]:
    """SIGSTOP to `pids` (never a daemon, as for kill_tree): they can no longer write to
    their terminal; `kill_tree` continues them. The pids that were stopped."""
    spared_now = spared()
    return [pid for pid in pids if pid not in spared_now and _send(pid, signal.SIGSTOP)]


def _send(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def _send_group(group: int | None, sig: int, killed: Killed) -> None:
    if group is None:
        return
    try:
        os.killpg(group, sig)
        killed.groups.append(f"{signal.Signals(sig).name} group {group}")
    except OSError:
        pass


def _group_alive(group: int | None) -> bool:
    if group is None:
        return False
    if os.path.isdir("/proc"):
        return bool(group_members(group))
    try:
        os.killpg(group, 0)
        return True
    except OSError:
        return False


# ---- a snapshot, for polling ------------------------------------------------------------

@dataclass
class Proc:
    pid: int
    ppid: int
    tty: int               # tty_nr from stat: the controlling terminal's device number
    start_ticks: int       # clock ticks after boot
    argv: list[str]


class ProcTable:
    """A snapshot of this user's live processes (a few ms for a few hundred); the command
    line only of a codex or a launcher's interpreter."""

    def __init__(self, uid: int | None = None) -> None:
        uid = os.getuid() if uid is None else uid
        self.procs: dict[int, Proc] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
            except OSError:
                continue
            stat = read_stat(entry.name)
            if stat is None or not stat[1] or stat[1][0] in (b"Z", b"X"):
                continue
            comm, fields = comm_of(stat[0]), stat[1]
            argv = argv_of(int(entry.name)) if comm in CANDIDATE_COMMS or comm.startswith(b"codex") else []
            self.procs[int(entry.name)] = Proc(int(entry.name), int(fields[1]), int(fields[4]),
                                               int(fields[19]), argv)

    def children(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for proc in self.procs.values():
            out.setdefault(proc.ppid, []).append(proc.pid)
        return out

    def ancestors(self, pid: int) -> list[int]:
        chain, seen = [], set()
        proc = self.procs.get(pid)
        while proc is not None and proc.ppid not in seen and proc.ppid > 1:
            chain.append(proc.ppid)
            seen.add(proc.ppid)
            proc = self.procs.get(proc.ppid)
        return chain

    def descendants(self, pid: int) -> list[int]:
        kids, found, frontier = self.children(), [], [pid]
        while frontier:
            for child in kids.get(frontier.pop(), []):
                if child not in found:
                    found.append(child)
                    frontier.append(child)
        return found

    def codex_pids(self) -> list[int]:
        """Interactive Codex processes; for the npm launcher (node) and the native binary it
        starts, only the launcher (the topmost of a chain)."""
        hits = {pid for pid, proc in self.procs.items() if is_interactive_codex(proc.argv)}
        return sorted(pid for pid in hits if not any(a in hits for a in self.ancestors(pid)))

    def started_at(self, pid: int) -> float:
        proc = self.procs.get(pid)
        return boot_time() + proc.start_ticks / CLOCK_TICKS if proc else time.time()


_BOOT: list[float] = []


def boot_time() -> float:
    if not _BOOT:
        try:
            # /proc/stat's btime has whole seconds; now - uptime is finer, and start times
            # are compared with thread creation times to the millisecond
            _BOOT.append(time.time() - float(Path("/proc/uptime").read_text().split()[0]))
            return _BOOT[0]
        except (OSError, ValueError, IndexError):
            pass
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                _BOOT.append(float(line.split()[1]))
                break
        else:
            _BOOT.append(0.0)
    return _BOOT[0]
