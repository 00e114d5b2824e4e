"""Which loaded thread is which Codex process: the daemon names threads, /proc names
processes, and nothing names both, so they are paired by evidence in this order:

1. the process's command line names the thread (`codex resume ID`, `codex fork ID`);
2. per CODEX_HOME and cwd, processes in the order they started take the threads in the
   order they were created (a TUI creates its thread at start, or at its first prompt),
   each thread at most once; this is what keeps two sessions in one folder apart;
3. a process left over (resumed with `--last` or the picker) takes the most recently
   updated thread left in its cwd.
A thread no process takes is "in another terminal" (or an editor, or a job).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

from codex_tui.appserver.model import Thread

START_SLACK_S = 2.0      # createdAt has one-second grain; process start times are finer


@dataclass
class Proc:
    key: str             # the caller's key for this process (a pane, a PTY session)
    cwd: str
    started_at: float
    codex_home: str
    argv: tuple[str, ...] = ()


def _same(a: str, b: str) -> bool:
    return os.path.realpath(a or "/") == os.path.realpath(b or "/")


def attach(procs: Iterable[Proc], threads: Iterable[Thread], host: str = "") -> dict[str, Thread]:
    """proc key -> its thread, for the processes a thread can be given to. `procs` are of
    the machine named `host` ("" = this one): a thread of another machine is never theirs."""
    sessions = [t for t in threads if t.is_session and t.parent_id is None and t.host == host]
    free = {t.id: t for t in sessions}
    out: dict[str, Thread] = {}
    pending = sorted(procs, key=lambda p: p.started_at)
    for proc in list(pending):
        named = next((free[a] for a in proc.argv if a in free), None)
        if named is not None and _same(named.codex_home, proc.codex_home):
            out[proc.key] = free.pop(named.id)
            pending.remove(proc)
    for proc in list(pending):
        fits = sorted((t for t in free.values() if _same(t.codex_home, proc.codex_home)
                       and _same(t.cwd, proc.cwd) and t.created_at >= proc.started_at - START_SLACK_S),
                      key=lambda t: t.created_at)
        if fits:
            out[proc.key] = free.pop(fits[0].id)
            pending.remove(proc)
    for proc in pending:
        fits = sorted((t for t in free.values() if _same(t.codex_home, proc.codex_home)
                       and _same(t.cwd, proc.cwd)), key=lambda t: -t.updated_at)
        if fits:
            out[proc.key] = free.pop(fits[0].id)
    return out


def children_of(threads: Iterable[Thread]) -> dict[str, list[Thread]]:
    """parent thread id -> its subagents, oldest first."""
    kids: dict[str, list[Thread]] = {}
    for thread in threads:
        if thread.parent_id and not thread.ephemeral:
            kids.setdefault(thread.parent_id, []).append(thread)
    for items in kids.values():
        items.sort(key=lambda t: t.created_at)
    return kids
