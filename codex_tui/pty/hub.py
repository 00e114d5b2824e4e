"""Every session of one app run: start, watch, resume, kill; the registry and notices.

Plain Python (asyncio, no Textual) so any front end can drive it: build it inside a
running loop, call `tick()` a few times a second and read `rows()`. `close()` kills every child (also run at interpreter exit), so quitting
never leaves an orphan.
"""
from __future__ import annotations

import atexit
import os
import shlex
import time
from dataclasses import dataclass
from typing import Callable

from codex_tui import ids
from codex_tui.pty import registry
from codex_tui.pty.detector import BLOCKED, EXITED, Status
from codex_tui.pty.live import Launch, LiveSession
from codex_tui.pty.notify import Notifier, event
from codex_tui.pty.pump import Pump
from codex_tui.states import SessionState


@dataclass
class Row:
    """One line of the session list: a live session, or a saved one from an earlier run."""

    key: str
    title: str
    status: Status
    session_id: str | None
    live: LiveSession | None
    entry: registry.Entry
    thread: object = None         # the daemon's thread (appserver.model.Thread), when known
    location: str = ""            # where a thread in no pane of ours runs ("tmux main:1.0", ...)
    pane: object = None           # that tmux pane (tmux.client.Pane), for g
    place: str = ""               # its git branch and worktree (worktrees.where), redacted


def codex_argv(codex_bin: str, prompt: str = "", extra: list[str] | None = None) -> list[str]:
    """`codex EXTRA -- PROMPT`: after `--` a prompt such as `--version` stays a prompt."""
    argv = [*shlex.split(codex_bin), *(extra or [])]
    return argv + ["--", prompt] if prompt else argv


class SessionHub:
    def __init__(self, *, codex_bin: str = "codex", silence_s: float = 300.0,
                 on_change: Callable[[LiveSession], None] | None = None,
                 notifier: Notifier | None = None, env: dict | None = None,
                 save_registry: bool = True,
                 interrupt: Callable[[LiveSession], None] | None = None) -> None:
        self.codex_bin = codex_bin
        # Called before a session is killed (kill, close): a chance to end its turn through
        # Codex's own protocol first. Its failure never stops the kill.
        self.interrupt = interrupt
        self.silence_s = silence_s
        self.env = env
        self.notifier = notifier or Notifier()
        self.save_registry = save_registry
        self.live: dict[str, LiveSession] = {}
        self.entries, self.warning = registry.load() if save_registry else ([], None)
        for entry in self.entries:          # sessions of an earlier run are over by now
            if entry.state not in EXITED:
                entry.state, entry.detail = SessionState.EXITED_FAILED, "ended with an earlier codex-tui"
        self.pump = Pump(on_change or (lambda s: None))      # on the running loop
        self._closed = False
        atexit.register(self.close)

    # ---- starting ------------------------------------------------------------------------
    def start(self, launch: Launch, cols: int = 100, rows: int = 30) -> LiveSession:
        """Start `launch`; raises PtyStartError with a message the user can act on."""
        session = LiveSession(launch, cols=cols, rows=rows, env=self.env, silence_s=self.silence_s)
        self.live[launch.key] = session
        entry = registry.Entry(key=launch.key, argv=launch.argv, cwd=launch.cwd,
                               title=launch.title or _title(launch), is_codex=launch.is_codex,
                               started_at=launch.started_at, since=launch.started_at)
        self.entries.insert(0, entry)
        self.pump.add(session)
        self._save()
        return session

    def start_codex(self, prompt: str = "", cwd: str | None = None, extra: list[str] | None = None,
                    **size) -> LiveSession:
        argv = codex_argv(self.codex_bin, prompt, extra)
        title = prompt[:40] if prompt else "codex"
        return self.start(Launch(argv, cwd or os.getcwd(), title=title, is_codex=True), **size)

    def start_command(self, command: str, cwd: str | None = None, **size) -> LiveSession:
        return self.start(Launch(shlex.split(command), cwd or os.getcwd(), title=command[:40],
                                 is_codex=False), **size)

    def resume(self, key: str, **size) -> LiveSession | str:
        """`codex resume <id>` in a new pane, or the reason it cannot be done."""
        entry = self.entry(key)
        if entry is None:
            return "no such session"
        live = self.live.get(key)
        session_id = entry.session_id or (live.session_id if live else None)
        if not entry.is_codex:
            return "only Codex sessions can be resumed"
        if not session_id:
            return "its Codex session id is not known yet (Codex opens its rollout after the first prompt)"
        if not ids.is_session_id(session_id):
            return "its session id is not a Codex session id (a UUID): not resumed"
        argv = [*shlex.split(self.codex_bin), "resume", session_id]
        return self.start(Launch(argv, entry.cwd, title=f"resume {session_id[:8]}", is_codex=True), **size)

    # ---- watching ------------------------------------------------------------------------
    def tick(self, now: float | None = None) -> list[tuple[str, Status]]:
        """Re-classify every live session; returns the (key, status) that changed state.
        Sends a notice when one becomes blocked or exits."""
        now = time.time() if now is None else now
        changed = []
        for key, session in list(self.live.items()):
            session.claimed_ids = {s.session_id for k, s in self.live.items()
                                   if k != key and s.session_id and s.pty.alive()}
            entry = self.entry(key)
            before = entry.state if entry else ""
            status = session.status(now)
            if entry is None:
                continue
            if session.session_id and entry.session_id != session.session_id:
                entry.session_id = session.session_id
                self._save()
            if (status.state, status.detail) != (entry.state, entry.detail):
                entry.state, entry.since, entry.detail = status.state, status.since, status.detail
                changed.append((key, status))
                if status.state != before and (status.state in BLOCKED or status.state in EXITED):
                    self.notifier.send(event("exited" if status.exited else "blocked", key, entry.title,
                                             status.state, status.detail, entry.session_id, entry.cwd))
                self._save()
            if status.exited and session.pty.eof:
                self.pump.remove(session)
        return changed

    def rows(self) -> list[Row]:
        out = []
        for entry in self.entries:
            live = self.live.get(entry.key)
            status = live.detector.status if live else Status(entry.state, entry.since, entry.detail)
            out.append(Row(entry.key, entry.title, status, entry.session_id, live, entry))
        return out

    def entry(self, key: str) -> registry.Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def running(self) -> list[LiveSession]:
        return [s for s in self.live.values() if s.pty.alive()]

    # ---- ending --------------------------------------------------------------------------
    def kill(self, key: str) -> str:
        session = self.live.get(key)
        if session is None or not session.pty.alive():
            return "it is not running"
        self._interrupt(session)
        code = session.kill()
        return f"killed (exit {code})"

    def close(self) -> None:
        """Kill every child and stop reading. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for session in list(self.live.values()):
            if session.pty.alive():
                self._interrupt(session)
            try:
                session.close()
            except OSError:
                pass
        for key, session in self.live.items():
            entry = self.entry(key)
            if entry is not None:
                status = session.status()
                entry.state, entry.since, entry.detail = status.state, status.since, status.detail
        self.pump.stop()
        self._save()
        atexit.unregister(self.close)

    def _interrupt(self, session: LiveSession) -> None:
        if self.interrupt is None:
            return
        try:
            self.interrupt(session)
        except Exception:  # noqa: BLE001 - an interrupt that fails must not keep the pane alive
            pass

    def _save(self) -> None:
        if not self.save_registry:
            return
        try:
            registry.save(self.entries)
        except OSError as exc:
            self.warning = f"could not save the session list: {exc.strerror or exc}"


def _title(launch: Launch) -> str:
    return " ".join(launch.argv)[:40]
