"""This user's processes from /proc, read once per poll: which are interactive Codex, the
tmux server each one's `TMUX` variable names, its cwd, tty, start time and process tree."""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from codex_tui.pty import shared_daemon

# `codex <sub>` that is not the interactive TUI: a daemon, a one-shot or a helper.
NOT_INTERACTIVE = {"app-server", "mcp-server", "mcp", "exec", "e", "login", "logout", "completion",
                   "debug", "apply", "a", "cloud", "sandbox", "proto", "responses-api-proxy",
                   "generate-ts", "help", "features"}


LAUNCHERS = {b"node", b"nodejs", b"bun", b"MainThread"}


@dataclass
class Proc:
    pid: int
    ppid: int
    tty: int               # tty_nr from stat: the controlling terminal's device number
    start_ticks: int       # clock ticks after boot
    argv: list[str]


class ProcTable:
    """A snapshot of this user's live processes (a few ms for a few hundred)."""

    def __init__(self, uid: int | None = None) -> None:
        uid = os.getuid() if uid is None else uid
        self.procs: dict[int, Proc] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
                stat = Path(entry.path, "stat").read_bytes()
                comm = stat[stat.find(b"(") + 1: stat.rfind(b")")]
                # only a codex or a launcher's interpreter needs its command line read
                argv = Path(entry.path, "cmdline").read_bytes().split(b"\0") \
                    if comm in LAUNCHERS or comm.startswith(b"codex") else []
            except OSError:
                continue
            fields = stat.rsplit(b")", 1)[1].split()
            if fields[0] in (b"Z", b"X"):
                continue
            self.procs[int(entry.name)] = Proc(
                int(entry.name), int(fields[1]), int(fields[4]), int(fields[19]),
                [a.decode(errors="replace") for a in argv if a])

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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
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


def is_interactive_codex(argv: list[str]) -> bool:
    rest = shared_daemon.codex_args(argv)
    if rest is None or shared_daemon.is_app_server(argv):
        return False
    sub = next((a for a in rest if not a.startswith("-")), None)
    # an option's value (`-m gpt-5`) can look like a subcommand; only known names count
    return sub not in NOT_INTERACTIVE


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


def tmux_socket(env: dict[str, str]) -> str | None:
    """The socket path in `TMUX=/tmp/tmux-1000/default,1234,0`."""
    value = env.get("TMUX", "")
    return value.split(",", 1)[0] or None if value else None


def cwd_of(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def kill_tree(pids: list[int], grace: float = 2.0) -> list[int]:
    """SIGTERM to `pids`, SIGKILL to those left after `grace`; the pids that were signalled.
    Codex's app-server daemons and everything below them are never signalled, even when
    listed (pty/shared_daemon.py says why)."""
    spared = shared_daemon.spared()
    sent = []
    for pid in pids:
        if pid in spared:
            continue
        try:
            os.kill(pid, signal.SIGTERM)
            sent.append(pid)
        except OSError:
            pass
    for pid in sent:            # one stopped by `stop` acts on SIGTERM only once continued
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in sent):
        time.sleep(0.05)
    spared = shared_daemon.spared()    # one caught between its fork and exec may be one now
    for pid in sent:
        if alive(pid) and pid not in spared:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    return sent


def stop(pids: list[int]) -> list[int]:
    """SIGSTOP to `pids` (never a daemon, as for kill_tree): they can no longer write to
    their terminal; `kill_tree` continues them. The pids that were stopped."""
    spared = shared_daemon.spared()
    stopped = []
    for pid in pids:
        if pid not in spared:
            try:
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            except OSError:
                pass
    return stopped


def alive(pid: int) -> bool:
    """Running (not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")
