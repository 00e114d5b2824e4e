"""Which sessions are live right now, by evidence rather than by how recently their file
was written: a session is live while its thread is loaded and working (or held by a running
Codex process), or while a Codex process holds its rollout open. Sessions whose CODEX_HOME
has no reachable daemon, and `codex exec` sessions, keep the file-time rule (their process
may not hold the file open)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DAEMON_SINCE = (0, 169)


@dataclass
class Liveness:
    paths: set[str] = field(default_factory=set)       # rollouts known to be live
    exact_homes: list[str] = field(default_factory=list)   # homes whose daemon answered
    ended: set[str] = field(default_factory=set)       # session ids of jobs that have ended
    # CODEX_HOMEs of the Codex processes running now (any kind); None: not known (a process
    # whose home could not be read may be writing anything)
    running_homes: set[str] | None = None

    def job_ended(self, path: str) -> bool:
        """The session of a `codex-tui job` run that is over (killed, failed, done)."""
        from codex_tui.pty.rollout_link import session_id

        return bool(self.ended) and session_id(path) in self.ended

    def decides(self, path: str, source: str, version: str) -> bool:
        """True when this session's liveness is known exactly (else the caller guesses)."""
        if source == "exec" or _version(version) < DAEMON_SINCE:
            return False
        real = os.path.realpath(path)
        return any(real.startswith(home + os.sep) for home in self.exact_homes)

    def nothing_runs(self, path: str) -> bool:
        """No Codex process of any kind (TUI, exec, app server) runs for the CODEX_HOME that
        holds this rollout: it is not live, whatever its release or source, and however
        recently its file was written. (A Codex of another home cannot be writing it.)"""
        if self.running_homes is None:
            return False
        real = os.path.realpath(path)
        return not any(real.startswith(home + os.sep) for home in self.running_homes)

    def is_live(self, path: str) -> bool:
        return os.path.realpath(path) in self.paths


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in (text or "0").split(".")[:2])
    except ValueError:
        return (0,)


def live_now(homes: list[Path] | None = None, timeout: float = 1.0) -> Liveness:
    from codex_tui.appserver.attach import Proc, attach
    from codex_tui.appserver.feed import session_threads
    from codex_tui.appserver.homes import known_homes
    from codex_tui.appserver.oneshot import read_all
    from codex_tui.procs import ProcTable, codex_args, cwd_of, environ, is_app_server
    from codex_tui.pty import rollout_link

    table = ProcTable()
    out = Liveness()
    any_codex = [pid for pid, p in table.procs.items() if codex_args(p.argv) is not None]
    homes: set[str] = set()
    unknown = False
    for pid in any_codex:
        env = environ(pid)
        if not env and not os.access(f"/proc/{pid}/environ", os.R_OK):
            unknown = True    # another user's process: its home is not known
            break
        home = env.get("CODEX_HOME") or os.path.join(env.get("HOME") or str(Path.home()), ".codex")
        homes.add(os.path.realpath(os.path.expanduser(home)))
    out.running_homes = None if unknown else homes
    codex = [pid for pid in any_codex if not is_app_server(table.procs[pid].argv)]
    for pid in codex:
        held = rollout_link.open_rollout([pid])
        if held is not None:
            out.paths.add(os.path.realpath(held))

    watches = read_all(homes if homes is not None else known_homes(table), timeout=timeout)
    watches = [w for w in watches if w.host is None]      # this machine's files only
    threads = session_threads(watches)
    out.exact_homes = [os.path.realpath(w.codex_home) for w in watches if w.connected]
    procs = [Proc(str(pid), cwd_of(pid), table.started_at(pid),
                  str(rollout_link.codex_home_of(environ(pid))), tuple(table.procs[pid].argv))
             for pid in table.codex_pids()]
    held = {t.id for t in attach(procs, threads).values()}
    for thread in threads:
        if thread.path and (thread.status.type == "active" or thread.id in held):
            out.paths.add(os.path.realpath(thread.path))
    out.ended = ended_job_sessions()
    return out


def ended_job_sessions() -> set[str]:
    from codex_tui.jobs.summary import list_runs
    from codex_tui.states import JobState

    try:
        runs = list_runs()
    except OSError:
        return set()
    return {r.session_id for r in runs if r.state != JobState.RUNNING and r.session_id}
