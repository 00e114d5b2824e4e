"""`codex-tui watch`: Codex sessions in tmux panes, from a side pane 30 to 60 columns wide.

y approve (after the same fingerprint check as the app), d deny, e send Enter, i type a
line, k kill (asks y/n first), g go to the pane, q quit. Alerts name the blocked sessions.
"""
from __future__ import annotations

import time
from typing import Callable

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from codex_tui.screens.base import ReportsWorkerErrors
from codex_tui.themes import THEME_NAMES, register_themes
from codex_tui.widgets.watch_list import WatchList

POLL_S = 1.0
KEYS = "y ok d no e ⏎ i text k kill g go q"
ALERT_STATES = ("waiting-approval", "waiting-trust", "waiting-answer", "silent")


class WatchApp(ReportsWorkerErrors, App):
    TITLE = "codex-tui watch"
    CSS_PATH = "watch.tcss"
    BINDINGS = [
        Binding("y", "approve", "Approve"), Binding("d", "deny", "Deny"),
        Binding("e", "send_enter", "Enter"), Binding("i", "type_line", "Text"),
        Binding("k", "kill", "Kill"), Binding("g", "jump", "Go to pane"),
        Binding("ctrl+t", "next_theme", "Theme", show=False), Binding("q", "quit", "Quit"),
    ]

    def __init__(self, watcher, *, theme: str = "codex-dark", poll_s: float = POLL_S,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.watcher = watcher          # anything with poll(now) -> rows and .warnings
        self.poll_s = poll_s
        self.clock = clock or time.time
        register_themes(self, theme)

    def compose(self) -> ComposeResult:
        yield Static("", id="counts")
        yield WatchList(id="watch-list")
        yield Static("", id="alerts")
        yield Static(KEYS, id="keys")

    def on_mount(self) -> None:
        from codex_tui.exit_signals import exit_on_signals

        exit_on_signals(self)
        self.query_one(WatchList).focus()
        self.refresh_rows()
        if self.poll_s > 0:
            self.set_interval(self.poll_s, self.refresh_rows)

    # ---- polling -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def refresh_rows(self) -> None:
        now = self.clock()
        rows = self.watcher.poll(now)
        self.call_from_thread(self.show_rows, rows, now, self._rate(rows))

    def _rate(self, rows: list) -> str:
        """`5h 42% · weekly 7%` when known (the daemon's, else the newest rollout's)."""
        from codex_tui.screens.thread_actions import rate_short

        daemons = getattr(self.watcher, "daemons", None)
        rollouts = [r.found.rollout for r in rows if r.found is not None and r.found.rollout][:4]
        return rate_short(daemons() if daemons else [], rollouts)

    def show_rows(self, rows: list, now: float, rate: str = "") -> None:
        from textual.content import Content

        from codex_tui.sanitize import safe

        self.query_one(WatchList).show(rows, now)
        blocked = sum(r.status.state in ALERT_STATES for r in rows)
        working = sum(r.status.state == "working" for r in rows)
        counts = Content.from_markup(
            f"[b]{len(rows)}[/b] codex · [$error]{blocked} blocked[/] · [$success]{working} working[/]")
        if rate:
            counts += Content(f" · {safe(rate, newlines=False)}")
        self.query_one("#counts", Static).update(counts)
        # session names, details and warnings are foreign text: plain Content, never markup
        lines = [safe(f"! {r.name}: {r.status.label}" + (f" {r.status.detail}" if r.status.detail
                                                          else ""), newlines=False)
                 for r in rows if r.status.state in ALERT_STATES]
        lines += [safe(f"warning: {w}", newlines=False)
                  for w in getattr(self.watcher, "warnings", [])[:2]]
        self.query_one("#alerts", Static).update(Content("\n".join(lines)))

    # ---- intervention --------------------------------------------------------------------
    def _current(self):
        row = self.query_one(WatchList).current
        if row is None:
            self.notify("No session selected", severity="warning")
        return row

    def _run(self, what: str, *args) -> None:
        row = self._current()
        if row is not None:
            self._act(row, what, args)

    @work(thread=True, group="act", exit_on_error=False)
    def _act(self, row, what: str, args: tuple) -> None:
        from codex_tui.tmux import actions

        thread = getattr(row, "thread", None)
        if thread is not None and what in ("approve", "deny"):
            ok, message = _answer(thread, what)        # exact, through Codex's own daemon
        elif row.found is None:
            ok, message = False, ("it runs in no tmux pane; y and d answer it, or use "
                                  f"codex-tui approve {thread.id if thread else ''}")
        else:
            ok, message = getattr(actions, what)(row, *args)
        self.call_from_thread(self.notify, f"{row.name}: {message}" if ok else
                              f"{row.name}: did nothing: {message}",
                              severity="information" if ok else "warning")
        self.call_from_thread(self.refresh_rows)

    def action_approve(self) -> None:
        self._run("approve")

    def action_deny(self) -> None:
        self._run("deny")

    def action_send_enter(self) -> None:
        self._run("send_enter")

    def action_kill(self) -> None:
        from codex_tui.screens.session_dialogs import ConfirmKillScreen

        row = self._current()
        if row is not None:
            self.push_screen(ConfirmKillScreen(f"{row.name} ({row.found.pane.target})"),
                             lambda yes: yes and self._act(row, "kill", ()))

    def action_jump(self) -> None:
        self._run("jump")

    def action_type_line(self) -> None:
        from codex_tui.screens.session_dialogs import TypeLineScreen

        row = self._current()
        if row is not None:
            self.push_screen(TypeLineScreen(row.name),
                             lambda text: text is not None and self._act(row, "send_line", (text,)))

    def action_next_theme(self) -> None:
        names = list(THEME_NAMES)
        self.theme = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]


def _answer(thread, what: str) -> tuple[bool, str]:
    from pathlib import Path

    from codex_tui.appserver.oneshot import with_daemons

    async def act(watches):
        watch = watches[0]
        if not watch.connected:
            return False, watch.why
        return await watch.answer(thread.id, what)
    return with_daemons([Path(thread.codex_home)], act)
