"""One list of live sessions for the Sessions view: codex-tui's own panes, with their state
and session id taken from the daemon when it has their thread, plus every other loaded
thread of every known daemon (a tmux pane, a plain terminal, an editor, a subagent).

State comes, in order, from the app-server (exact), else the pane's screen and process
(releases with no daemon). Plain Python: the view only draws what `merge` returns.
"""
from __future__ import annotations

import time
from dataclasses import replace

from codex_tui.appserver.attach import Proc, attach, children_of
from codex_tui.appserver.feed import exact_status, pending_of, session_threads
from codex_tui.pty import registry
from codex_tui.pty.detector import WAITING_ANSWER, WAITING_APPROVAL

NOTIFY_STATES = (WAITING_APPROVAL, WAITING_ANSWER)   # a person must answer (idle is not news)
DETAIL_WAIT_S = 2.0
LOCATE_S = 3.0       # a host's pane listing (one ssh call) gets this long
from codex_tui.pty.hub import Row
from codex_tui.pty.rollout_link import codex_home_of


def hub_procs(rows: list[Row]) -> list[Proc]:
    out = []
    for row in rows:
        live = row.live
        if live is None or not row.entry.is_codex or not live.pty.alive():
            continue
        out.append(Proc(row.key, live.launch.cwd, live.pty.started_at, str(codex_home_of(live.env)),
                        tuple(live.launch.argv)))
    return out


def thread_title(thread) -> str:
    mark = "(fork) " if thread.forked_from else ""    # plain text: ⑂ is missing from many fonts
    if thread.parent_id:
        return f"  ↳ {thread.nickname or thread.title}"
    host = f"{thread.host}: " if thread.host else ""  # another machine's, named first
    return host + mark + thread.title


class LiveRows:
    """Keeps what is needed between ticks: tmux locations (found off the UI loop) and the
    last exact state of each thread, so a change can notify."""

    def __init__(self, silence_s: float = 300.0) -> None:
        self.silence_s = silence_s
        self.locations: dict[str, tuple[str, object]] = {}   # thread id -> (label, pane)
        self.states: dict[str, tuple] = {}     # thread id -> the wait already notified

    def merge(self, hub_rows: list[Row], watches: list) -> list[Row]:
        threads = session_threads(watches)
        if not threads:
            return hub_rows
        given = attach(hub_procs(hub_rows), threads)
        rows = []
        for row in hub_rows:
            thread = given.get(row.key)
            if thread is None:
                rows.append(row)
                continue
            if row.live is not None:
                row.live.session_id = thread.id       # the daemon's id, not a folder guess
            row.entry.session_id = thread.id
            rows.append(replace(row, status=exact_status(thread, pending_of(watches, thread.id),
                                                         self.silence_s),
                                session_id=thread.id, thread=thread))
        taken = {t.id for t in given.values()}
        kids = children_of(threads)
        others = [t for t in threads if t.id not in taken and t.parent_id is None]
        for thread in sorted(others, key=lambda t: -t.created_at):
            rows.append(self._row(thread, watches))
        out = []
        for row in rows:       # subagents right under their parent, wherever it is listed
            out.append(row)
            if row.thread is not None:
                out += [self._row(kid, watches) for kid in kids.get(row.thread.id, [])]
        return out

    def _row(self, thread, watches) -> Row:
        default = ("subagent" if thread.parent_id else
                   f"on {thread.host}" if thread.host else "in another terminal")
        label, pane = self.locations.get(thread.id, (default, None))
        entry = registry.Entry(key=f"thread|{thread.id}", argv=["codex", "resume", thread.id],
                               cwd=thread.cwd, title=thread_title(thread), is_codex=True,
                               started_at=thread.created_at, session_id=thread.id,
                               state=thread.status.state, since=thread.since)
        return Row(entry.key, entry.title,
                   exact_status(thread, pending_of(watches, thread.id), self.silence_s),
                   thread.id, None, entry, thread=thread, location=label, pane=pane)

    def newly_blocked(self, rows: list[Row], now: float | None = None) -> list[Row]:
        """Rows of threads in no pane of ours that just began to wait on a person (for
        notices): once per wait, as soon as the daemon has sent what it asks (or after
        DETAIL_WAIT_S without it)."""
        now = time.time() if now is None else now
        out, seen = [], {}
        for row in rows:
            if row.thread is None or row.live is not None:
                continue
            key = (row.status.state, row.status.since)
            told = self.states.get(row.thread.id)
            if row.status.state in NOTIFY_STATES:
                if told == key or not (row.status.detail or now - row.status.since >= DETAIL_WAIT_S):
                    seen[row.thread.id] = told
                    continue
                out.append(row)
                seen[row.thread.id] = key
        self.states = {k: v for k, v in seen.items() if v is not None}
        return out

    def find_locations(self, watches: list, own: list[Proc] = ()) -> None:
        """Which tmux pane each thread runs in (tmux and /proc: call it off the UI loop).
        `own` are codex-tui's own panes: paired in the same pass, so that no tmux process
        takes a thread that is theirs (process start times from /proc can be a second off)."""
        from codex_tui.tmux.discover import discover

        threads = session_threads(watches)
        if not threads:
            self.locations = {}
            return
        found = [f for f in discover(link_rollouts=False).sessions if f.pid is not None]
        procs = [Proc(f.key, f.cwd, f.started_at, str(f.codex_home or ""), f.argv) for f in found]
        procs += list(own)
        given = attach(procs, threads)
        by_key = {f.key: f for f in found}
        locations = {t.id: (f"in tmux {by_key[k].pane.target}", by_key[k].pane)
                     for k, t in given.items() if k in by_key}
        locations.update(remote_locations(watches, threads))
        self.locations = locations


def remote_locations(watches: list, threads: list) -> dict:
    """The tmux panes of the [[hosts]] threads, each host in a thread of its own (one ssh
    call each, bounded): a slow host holds up neither the others nor this machine's."""
    from concurrent.futures import ThreadPoolExecutor

    from codex_tui.remote.ssh import SshError

    hosts = [w.host for w in watches if getattr(w, "host", None) is not None and w.connected]
    if not hosts:
        return {}

    def one(host) -> dict:
        try:
            return locate(host, threads, timeout=LOCATE_S)
        except SshError:
            return {}         # its rows stay "on HOST"; the daemon's watch says why
    out: dict = {}
    with ThreadPoolExecutor(max_workers=min(len(hosts), 8)) as pool:
        for found in pool.map(one, hosts):
            out.update(found)
    return out



def locate(host, threads: list, timeout: float = LOCATE_S) -> dict:
    """thread id -> (label, pane) for the host's threads that run in one of its tmux panes
    (one ssh call). Raises remote.ssh.SshError."""
    from codex_tui.tmux.remote import find_panes

    mine = [t for t in threads if t.host == host.name]
    if not mine:
        return {}
    found = find_panes(host, timeout)
    home = mine[0].codex_home          # one daemon per host: every thread shares its home
    procs = [Proc(p.key, p.cwd, p.started_at, home, p.argv) for p in found.procs]
    given = attach(procs, mine, host=host.name)
    return {t.id: (f"in tmux {host.name}:{found.panes[k].target}", found.panes[k])
            for k, t in given.items()}
