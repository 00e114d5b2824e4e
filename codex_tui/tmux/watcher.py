"""Watch Codex in tmux panes: discover, capture cheaply, classify with the app's detector.

Cheap by rule: a pane is captured at most once per `capture_every` seconds, and not at all
while its window's `window_activity` has not moved since the last capture (the detector
still re-reads the old screen, so "no output for 5 minutes" and "idle at the composer"
follow the clock).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from pathlib import Path
from typing import Callable

from codex_tui.pty.detector import WORKING, BlockageDetector, Evidence, Status
from codex_tui.tmux.client import Tmux, TmuxError
from codex_tui.tmux.discover import Found, discover
from codex_tui.pty import rollout_link

CAPTURE_EVERY_S = 1.0


@dataclass
class Watched:
    """One Codex session in a tmux pane, as a list row shows it."""

    found: Found
    status: Status
    screen: list[str] = field(default_factory=list)
    context: int | None = None       # percent of the context window in use, when known
    thread: object = None            # the daemon's Thread for this pane, when it has one

    @property
    def key(self) -> str:
        return self.found.key

    @property
    def name(self) -> str:
        return self.found.repo

    @property
    def source(self) -> str:
        """Where the state comes from: the app-server (exact) or the screen (a guess)."""
        return "app-server" if self.thread is not None else "screen"

    @property
    def location(self) -> str:
        return f"tmux {self.found.pane.target}"

    def to_json(self) -> dict:
        thread = self.thread
        return {"pid": self.found.pid, "tmux_pane": self.found.pane.pane_id,
                "tmux_target": self.found.pane.target, "tmux_socket": self.found.pane.socket,
                "cwd": self.found.cwd, "session_id": self.found.session_id,
                "thread_id": thread.id if thread is not None else None,
                "state": self.status.state, "since": self.status.since,
                "detail": self.status.detail, "state_source": self.source,
                "location": self.location, "rollout": str(self.found.rollout or "") or None,
                "parent_thread_id": thread.parent_id if thread is not None else None, "host": None}


@dataclass
class ThreadRow:
    """A loaded thread of a daemon that is in no tmux pane: a plain terminal, an editor, a
    job, or a subagent. Its state is exact; there is no screen to act on."""

    thread: object
    status: Status
    context: int | None = None
    found: None = None
    screen: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"thread|{self.thread.id}"

    @property
    def name(self) -> str:
        base = self.thread.cwd.rstrip("/").rsplit("/", 1)[-1] or self.thread.cwd or "?"
        return f"↳ {self.thread.nickname or base}" if self.thread.parent_id else base

    source = "app-server"

    @property
    def location(self) -> str:
        if self.thread.host:
            return f"on {self.thread.host}" + (" (subagent)" if self.thread.parent_id else "")
        return "subagent" if self.thread.parent_id else "another terminal"

    def to_json(self) -> dict:
        t = self.thread
        return {"pid": None, "tmux_pane": None, "tmux_target": None, "tmux_socket": None,
                "cwd": t.cwd, "session_id": t.id, "thread_id": t.id, "state": self.status.state,
                "since": self.status.since, "detail": self.status.detail,
                "state_source": self.source, "location": self.location, "rollout": t.path,
                "parent_thread_id": t.parent_id, "host": t.host or None}


@dataclass
class _Track:
    detector: BlockageDetector
    screen: list[str] = field(default_factory=list)
    captured_at: float = 0.0
    activity: float = -1.0
    first: bool = True
    cpu: object = None


def classify(found: Found, screen: list[str], detector: BlockageDetector, now: float,
             first: bool, cpu=None) -> Status:
    alive = found.pid is not None
    written = rollout_link.written_at(found.rollout)
    busy = None
    if cpu is not None and alive and now - max(found.pane.activity, written or 0.0) >= detector.silence_s:
        busy = cpu.busy(lambda: list(found.pids))    # busy or hung: only asked when quiet
    status = detector.observe(Evidence(
        screen=screen, last_output_at=found.pane.activity, alive=alive,
        exit_code=None if alive else found.pane.dead_status, started_at=found.started_at,
        rollout_written_at=written, now=now, cpu_busy=busy))
    if first:
        # The first look cannot know when the state began: the screen has been as it is
        # since the window's last output; a working Codex has worked since it started.
        since = found.started_at if status.state == WORKING else min(now, found.pane.activity)
        detector.status = status = replace(status, since=since)
    return status


class TmuxWatcher:
    def __init__(self, sockets: list[str] | None = None, *, silence_s: float = 300.0,
                 capture_every: float = CAPTURE_EVERY_S, context: bool = True,
                 daemons: Callable[[], list] | None = None) -> None:
        self.daemons = daemons            # () -> [DaemonWatch]: exact states where there are any
        self.sockets = sockets
        self.silence_s = silence_s
        self.capture_every = capture_every
        self.want_context = context
        self.tracks: dict[str, _Track] = {}
        self.gauges: dict[str, object] = {}
        self.captures = 0                 # how many capture-pane calls so far (tests, bench)
        self.warnings: list[str] = []
        self.rows: list[Watched] = []

    def poll(self, now: float | None = None) -> list[Watched]:
        now = time.time() if now is None else now
        found = discover(self.sockets)
        self.warnings = found.warnings
        due: dict[str, list[str]] = {}
        for item in found.sessions:
            track = self.tracks.get(item.key)
            if track is None:
                track = self.tracks[item.key] = _Track(BlockageDetector(silence_s=self.silence_s))
            if item.pid is not None and self._stale(track, item.pane.activity) \
                    and now - track.captured_at >= self.capture_every:
                due.setdefault(item.pane.socket, []).append(item.pane.pane_id)
        screens: dict[tuple[str, str], list[str]] = {}
        for socket, pane_ids in due.items():
            try:
                for pane_id, screen in Tmux(socket).capture_many(pane_ids).items():
                    screens[socket, pane_id] = screen
            except TmuxError as exc:
                self.warnings.append(str(exc))
        rows = []
        for item in found.sessions:
            track = self.tracks[item.key]
            screen = screens.get((item.pane.socket, item.pane.pane_id))
            if screen is not None:
                self.captures += 1
                track.screen, track.captured_at, track.activity = screen, now, item.pane.activity
            if track.cpu is None:
                from codex_tui.pty.cpu import CpuWatch
                track.cpu = CpuWatch()
            status = classify(item, track.screen, track.detector, now, track.first, track.cpu)
            track.first = False
            rows.append(Watched(item, status, track.screen, self._context(item)))
        rows += self._exact(rows)
        live = {r.key for r in rows}
        self.tracks = {k: v for k, v in self.tracks.items() if k in live}
        self.rows = rows
        return rows

    @staticmethod
    def _stale(track: _Track, activity: float) -> bool:
        # window_activity has a one-second grain: output later in the second of the last
        # capture does not move it, so capture once more after such a second.
        return activity != track.activity or activity >= int(track.captured_at)

    def _exact(self, rows: list[Watched]) -> list:
        """Give each pane its daemon thread and exact state; return rows for the threads in
        no pane. Nothing changes for releases with no daemon (0.58 and older)."""
        if self.daemons is None:
            return []
        from codex_tui.appserver.attach import Proc, attach
        from codex_tui.appserver.feed import exact_status, pending_of, session_threads

        watches = self.daemons()
        threads = session_threads(watches)
        if not threads:
            return []
        procs = [Proc(r.key, r.found.cwd, r.found.started_at, str(r.found.codex_home or ""),
                      r.found.argv) for r in rows if r.found.pid is not None]
        given = attach(procs, threads)
        for row in rows:
            thread = given.get(row.key)
            if thread is None:
                continue
            row.thread = thread
            row.found.session_id = thread.id
            row.found.rollout = Path(thread.path) if thread.path else row.found.rollout
            row.status = exact_status(thread, pending_of(watches, thread.id), self.silence_s)
        taken = {t.id for t in given.values()}
        if self.sockets is not None:
            return []          # --socket: only those tmux servers' panes
        return [ThreadRow(t, exact_status(t, pending_of(watches, t.id), self.silence_s)) for t in threads
                if t.id not in taken and (t.parent_id is None or t.parent_id in taken
                                          or any(t.parent_id == o.id for o in threads))]

    def find(self, key: str) -> Watched | None:
        return next((r for r in self.rows if r.key == key), None)

    def _context(self, item: Found) -> int | None:
        if not self.want_context or item.rollout is None:
            return None
        from codex_tui.tmux.context import ContextGauge

        gauge = self.gauges.get(str(item.rollout))
        if gauge is None:
            gauge = self.gauges[str(item.rollout)] = ContextGauge(str(item.rollout))
        return gauge.percent()

