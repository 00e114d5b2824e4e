"""The Sessions view: live Codex (or any program) panes, each with a state you can trust.

The list on the left drives everything without entering a pane: y approve, d deny,
e send Enter, i type a line, k kill (asks first), r resume, p poke, n new. enter focuses the pane;
ctrl+] comes back. The app's quit asks first while sessions run (see app.action_quit).
"""
from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import var
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from codex_tui.live_rows import LiveRows
from codex_tui.screens.base import ViewScreen
from codex_tui.pty.hub import SessionHub
from codex_tui.pty.live import LiveSession
from codex_tui.pty.process import PtyStartError
from codex_tui.pty.requests import LaunchRequest
from codex_tui.worktrees.where import PlaceCache
from codex_tui.widgets.pty_pane import PtyPane
from codex_tui.widgets.session_list import SessionList
from codex_tui.widgets.status_line import StatusLine, fit_parts

class DaemonChanged(Message, bubble=False):
    """A daemon reported a change (posted from the feed's thread)."""


TICK_S = 0.25          # state refresh: blocked states show within this (goal: 1 s)


LIST_ACTIONS = {"new", "approve", "approve_session", "deny", "send_enter", "type_line", "kill",
                "resume", "poke", "enter_pane", "zoom", "jump"}


class SessionsScreen(ViewScreen):
    CSS_PATH = "sessions.tcss"
    VIEW = "sessions"
    STATUS = "n new session · enter into the pane, ctrl+] back"
    zoomed = var(False)      # the pane takes the whole width
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("y", "approve", "Approve"),
        Binding("Y", "approve_session", "Approve for the session", show=False),
        Binding("d", "deny", "Deny"),
        Binding("e", "send_enter", "Send Enter"),
        Binding("i", "type_line", "Type a line"),
        Binding("k", "kill", "Kill"),
        Binding("r", "resume", "Resume"),
        Binding("p", "poke", "Poke"),
        Binding("enter", "enter_pane", "Into pane"),
        Binding("z", "zoom", "Zoom pane"),
        Binding("g", "jump", "Go to tmux pane"),
        Binding("D", "diff", "Diff"),
        Binding("W", "worktree", "Worktree"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hub: SessionHub | None = None
        self.exit_with_child = False
        self._exiting = False
        self._shown: list = []
        self.places = PlaceCache()
        self._held: list[int] = []
        self._detail = None
        self.feed = None                  # the daemons followed (appserver.feed.DaemonFeed)
        self.live_rows = LiveRows()
        self.rows: list = []
        self._tick_queued = False
        self._rate = ""
        self._rate_at = -10.0

    def compose_view(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="side"):
                yield SessionList(id="session-list")
                yield Static("", id="detail", markup=False)   # foreign text: never markup
            yield PtyPane(id="pane")

    def on_mount(self) -> None:
        app = self.app
        settings, options = app.settings, app.sessions_options
        self.live_rows = LiveRows(settings.silence_minutes * 60)
        self.hub = app.open_hub(self._session_changed)
        if self.hub.warning:
            self.notify(self.hub.warning, severity="warning")
        self.exit_with_child = options.exit_with_child
        for request in options.open:
            self._open(request)
        self.query_one(SessionList).focus()
        self._follow_daemons(settings)
        self.set_interval(TICK_S, self.tick)
        self.set_interval(2.0, self._locate)
        self.tick()

    def _follow_daemons(self, settings) -> None:
        from pathlib import Path

        from codex_tui.appserver.feed import DaemonFeed
        from codex_tui.appserver.homes import known_homes
        from codex_tui.pty.rollout_link import codex_home_of

        mine = codex_home_of(self.hub.env)
        chosen = [Path(h).expanduser() for h in settings.codex_homes]

        def homes() -> list:
            return [mine, *chosen] if chosen else known_homes(extra=[mine])
        def changed() -> None:
            # from the feed's thread (post_message is thread-safe): one tick soon, however
            # many notifications came
            if not self._tick_queued:
                self._tick_queued = True
                self.post_message(DaemonChanged())
        self.feed = DaemonFeed(homes, on_change=changed, hosts=settings.hosts).start()

    def on_daemon_changed(self, message: "DaemonChanged") -> None:
        self._tick_queued = False
        try:
            self.tick()
        except NoMatches:
            pass                  # the screen is going away

    def _locate(self) -> None:
        from codex_tui.live_rows import hub_procs

        if self.feed is not None and self.hub is not None:
            self._find_locations(hub_procs(self.hub.rows()))

    @work(thread=True, exclusive=True, group="locate", exit_on_error=False)
    def _find_locations(self, own: list) -> None:
        self.live_rows.find_locations(self.feed.snapshot(), own)

    def on_unmount(self) -> None:
        if self.feed is not None:
            self.feed.stop()
        if self.hub is not None:
            self.hub.close()

    # ---- the state loop ------------------------------------------------------------------
    def tick(self) -> None:
        hub = self.hub
        if hub is None:
            return
        hub.tick()
        listing = self.query_one(SessionList)
        watches = self.feed.snapshot() if self.feed is not None else []
        rows = self.rows = self.live_rows.merge(hub.rows(), watches)
        for row in rows:
            row.place = self._place_of(row)
        for row in self.live_rows.newly_blocked(rows):    # a thread in another terminal
            from codex_tui.pty.notify import event
            hub.notifier.send(event("blocked", row.key, row.title, row.status.state,
                                    row.status.detail, row.session_id, row.entry.cwd))
        self._show_rate(watches)
        shown = [(r.key, r.status.state, r.status.detail, r.session_id, r.location, r.place)
                 for r in rows]
        held = [int(r.status.held_for()) for r in rows]
        if shown != self._shown:
            self._shown, self._held = shown, held
            listing.show(rows)
        elif held != self._held:         # only the clocks moved (once a second): redraw their lines
            lines = [2 * i for i, (new, old) in enumerate(zip(held, self._held)) if new != old]
            self._held = held
            listing.show(rows, lines=lines)
        row = listing.current
        pane = self.query_one(PtyPane)
        want = row.live if row else None
        if pane.session is not want:
            pane.show(want)
        self._show_detail()
        if self.exit_with_child:
            self._maybe_exit()

    def _place_of(self, row) -> str:
        """The row's branch and worktree, from git's files under its cwd (not for a thread
        on another host: its cwd is not a folder here)."""
        if row.thread is not None and getattr(row.thread, "host", None):
            return ""
        place = self.places.get(row.entry.cwd)
        return place.label() if place is not None else ""

    def _session_changed(self, session) -> None:
        """The pump parsed output (or saw the end of it): the pane draws; with
        --exit-with-child the end of the last output is noticed now, not at the next tick."""
        self.query_one(PtyPane).session_changed(session)
        if self.exit_with_child and session.pty.eof:
            self._maybe_exit()

    def _maybe_exit(self) -> None:
        hub = self.hub
        if self._exiting or not hub.live or hub.running():
            return
        if any(not s.pty.eof for s in hub.live.values()):
            return                                  # output still to draw
        self._exiting = True
        self.query_one(PtyPane).update_from_session()   # the final frame
        self.set_timer(0.05, lambda: self.app.exit(return_code=self._exit_code()))

    def _exit_code(self) -> int:
        codes = [s.pty.exit_code for s in self.hub.live.values()]
        return 0 if all(c == 0 for c in codes) else 1

    def _show_detail(self) -> None:
        from codex_tui.screens.thread_actions import detail_text

        text = detail_text(self.query_one(SessionList).current, self.feed)
        if text != self._detail:          # an update costs a layout: only when it changed
            self._detail = text
            self.query_one("#detail", Static).update(text)

    # ---- starting ------------------------------------------------------------------------
    def _open(self, request: LaunchRequest) -> LiveSession | None:
        if request.worktree is not None:       # make the worktree first, off the UI thread
            self._place(request)
            return None
        pane = self.query_one(PtyPane)
        size = {"cols": max(pane.size.width, 80) if pane.size.width else 100,
                "rows": max(pane.size.height, 10) if pane.size.height else 30}
        try:
            if not request.is_codex:
                session = self.hub.start_command(request.command, request.cwd, **size)
            else:
                session = self.hub.start_codex(request.prompt, request.cwd, list(request.extra), **size)
        except PtyStartError as exc:
            self.notify(f"Could not start the session: {exc}", severity="error", timeout=10)
            return None
        listing = self.query_one(SessionList)
        listing.show(self.hub.rows())
        listing.select_key(session.launch.key)
        pane.show(session)
        return session

    @work(thread=True, group="worktree", exit_on_error=False)
    def _place(self, request: LaunchRequest) -> None:
        """The new-session dialog's worktree choice: the same code as `open --worktree`."""
        from codex_tui import worktrees
        from codex_tui.sanitize import safe
        from codex_tui.worktrees.launch import place

        try:
            placed = place(request, worktrees.default_root(self.app.settings))
        except worktrees.WorktreeError as exc:
            self.app.call_from_thread(self.notify, safe(f"No worktree: {exc}"), severity="error",
                                      timeout=10)
            return
        self.app.call_from_thread(self._open, placed)

    def action_new(self) -> None:
        from codex_tui.screens.session_dialogs import NewSessionScreen

        self.app.push_screen(NewSessionScreen(), lambda result: result and self._open(result))

    # ---- intervention --------------------------------------------------------------------
    def _selected(self, need_live: bool = True):
        row = self.query_one(SessionList).current
        if row is None:
            self.notify("No session selected: n starts one", severity="warning")
            return None
        if need_live and (row.live is None or not row.live.pty.alive()):
            self.notify(f"{row.title}: not running (r resumes a Codex session)", severity="warning")
            return None
        return row

    def _show_rate(self, watches: list) -> None:
        from codex_tui.screens.thread_actions import rate_line

        if time.monotonic() - self._rate_at < 2.0:
            return                  # a rollout's tail is read at most every 2 s
        self._rate_at = time.monotonic()
        rollouts = [r.thread.path if r.thread is not None else r.live.rollout_path
                    for r in self.rows if (r.thread is not None and r.thread.path
                                           and not r.thread.host)      # another machine's file
                    or (r.live is not None and r.live.rollout_path)][:8]
        text = rate_line(watches, rollouts) if watches or rollouts else ""
        if text != self._rate:
            self._rate = text
            line = self.query_one("#sessions-status", StatusLine)
            line.update(fit_parts(text.split(" · "), line.content_size.width, " · ") if text else
                        "n new session · enter into the pane, ctrl+] back")

    def _answerable(self):
        row = self.query_one(SessionList).current
        if row is not None and row.live is None and row.thread is not None:
            return row               # a thread in another terminal: the protocol answers it
        return self._selected()

    def action_approve(self) -> None:
        row = self._answerable()
        if row is not None:
            self._intervene(row, "approve")

    def action_approve_session(self) -> None:
        row = self._answerable()
        if row is not None:
            self._intervene(row, "approve-session")

    def action_deny(self) -> None:
        row = self._answerable()
        if row is not None:
            self._intervene(row, "deny")

    @work(thread=True, group="intervene", exit_on_error=False)
    def _intervene(self, row, what: str) -> None:
        from codex_tui.screens.thread_actions import answer

        title = row.title
        result = answer(self.feed, row, what)       # exact, through the daemon, when it can
        if result is None and row.live is None and row.pane is not None and what != "approve-session":
            from codex_tui.screens.thread_actions import in_pane

            result = in_pane(row, what)               # the screen, checked first
        if result is None and row.live is None:
            result = (False, "nothing is waiting for an answer there")
        if result is None and what == "approve-session":
            result = (False, "only Codex 0.169+ offers that, through its daemon")
        ok, message = result if result is not None else getattr(row.live, what)()
        self.app.call_from_thread(self.notify, f"{title}: {message}" if ok else
                                  f"{title}: did nothing: {message}",
                                  severity="information" if ok else "warning")

    def _in_pane(self):
        """The selected thread when it is not ours but runs in a tmux pane (here or on a
        host): e, i and p go to that pane through tmux."""
        row = self.query_one(SessionList).current
        return row if row is not None and row.live is None and row.pane is not None else None

    @work(thread=True, group="intervene", exit_on_error=False)
    def _pane_key(self, row, what: str, text: str = "") -> None:
        from codex_tui.screens.thread_actions import in_pane

        ok, message = in_pane(row, what, text)
        self.app.call_from_thread(self.notify, f"{row.title}: {message}" if ok else
                                  f"{row.title}: did nothing: {message}",
                                  severity="information" if ok else "warning", timeout=3)

    def action_send_enter(self) -> None:
        if (pane_row := self._in_pane()) is not None:
            self._pane_key(pane_row, "enter")
            return
        row = self._selected()
        if row is not None:
            row.live.send(b"\r")
            self.notify(f"{row.title}: sent Enter", timeout=3)

    def action_poke(self) -> None:
        if (pane_row := self._in_pane()) is not None:
            self._pane_key(pane_row, "poke")
            return
        row = self._selected()
        if row is not None:
            row.live.poke()
            self.notify(f"{row.title}: poked (ctrl+l)")

    def action_type_line(self) -> None:
        from codex_tui.screens.session_dialogs import TypeLineScreen

        if (pane_row := self._in_pane()) is not None:
            self.app.push_screen(TypeLineScreen(pane_row.title),
                                 lambda text: text is not None and self._pane_key(pane_row, "line", text))
            return
        row = self._selected()
        if row is None:
            return
        live = row.live

        def send(text: str | None) -> None:
            if text is not None and live.pty.alive():
                self.run_worker(lambda: live.send_line(text), thread=True)
        self.app.push_screen(TypeLineScreen(row.title), send)

    def action_kill(self) -> None:
        from codex_tui.screens.session_dialogs import ConfirmKillScreen

        current = self.query_one(SessionList).current
        if current is not None and current.live is None and current.thread is not None:
            # not started by codex-tui: its process is not ours to end; stop its turn only
            from codex_tui.screens.session_dialogs import ConfirmScreen

            self.app.push_screen(ConfirmScreen(f"Interrupt the turn of {current.title}? "
                                               "(codex-tui did not start it: its process stays)"),
                                 lambda yes: yes and self._interrupt(current))
            return
        row = self._selected()
        if row is None:
            return
        key, title = row.key, row.title
        self.app.push_screen(ConfirmKillScreen(title), lambda yes: yes and self._kill(key, title))

    @work(thread=True, group="kill", exit_on_error=False)
    def _interrupt(self, row) -> None:
        from codex_tui.screens.thread_actions import interrupt

        ok, message = interrupt(self.feed, row)
        self.app.call_from_thread(self.notify, f"{row.title}: {message}",
                                  severity="information" if ok else "warning")

    def action_jump(self) -> None:
        from codex_tui.screens.thread_actions import jump

        row = self.query_one(SessionList).current
        if row is None:
            return
        ok, message = jump(row)
        self.notify(f"{row.title}: {message}", severity="information" if ok else "warning")

    @work(thread=True, group="kill", exit_on_error=False)
    def _kill(self, key: str, title: str) -> None:
        message = self.hub.kill(key)    # the hub's kill: its interrupt hook runs first
        self.app.call_from_thread(self.notify, f"{title}: {message}")

    def action_resume(self) -> None:
        row = self._selected(need_live=False)
        if row is None:
            return
        pane = self.query_one(PtyPane)
        result = self.hub.resume(row.key, cols=max(pane.size.width, 80), rows=max(pane.size.height, 10))
        if isinstance(result, str):
            self.notify(f"Cannot resume {row.title}: {result}", severity="warning")
            return
        listing = self.query_one(SessionList)
        listing.show(self.hub.rows())
        listing.select_key(result.launch.key)

    def action_enter_pane(self) -> None:
        pane = self.query_one(PtyPane)
        row = self.query_one(SessionList).current
        if row is not None and row.live is None and row.thread is not None:
            self._offer_resume(row)
            return
        if pane.session is None:
            self.notify("No live pane here: n starts a session", severity="warning")
            return
        pane.focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()      # into the pane (key or click): the list's keys leave the footer

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """While the pane has the focus, every key goes to the program in it: the list's keys
        leave the footer (only the pane's own leave key stays)."""
        if action in LIST_ACTIONS and self.is_mounted and self.focused is not None \
                and isinstance(self.focused, PtyPane):
            return False
        return True

    def _offer_resume(self, row) -> None:
        from codex_tui.ids import is_session_id
        from codex_tui.screens.session_dialogs import ConfirmScreen

        thread_id = row.thread.id
        if not is_session_id(thread_id):
            self.notify("its id is not a session id; not resumed", severity="warning")
            return
        host = self._host_of(row)
        if host is not None:           # a live pane here, running Codex there
            from codex_tui.remote.panes import resume_command

            request = LaunchRequest(command=resume_command(host, thread_id, row.thread.cwd))
            where = f"ssh -t {host.name} codex resume {thread_id[:8]}…"
        else:
            request = LaunchRequest(cwd=row.entry.cwd or None, extra=("resume", thread_id))
            where = f"codex resume {thread_id[:8]}…"
        self.app.push_screen(ConfirmScreen(f"Open {row.title} here ({where})?"),
                             lambda yes: yes and self._open(request))

    def _host_of(self, row):
        """The settings.Host whose daemon holds this row's thread, or None (this machine)."""
        from codex_tui.appserver.feed import watch_of

        if self.feed is None or row.thread is None or not row.thread.host:
            return None
        watch = watch_of(self.feed.snapshot(), row.thread.id)
        return watch.host if watch is not None else None

    def _rollout_of(self, row) -> str | None:
        if row.thread is not None and row.thread.path:
            return row.thread.path
        return row.live.rollout_path if row.live is not None else None

    def action_diff(self) -> None:
        """`D`: what the selected session's agent changed (it follows a live one)."""
        row = self._selected(need_live=False)
        if row is None:
            return
        path = self._rollout_of(row)
        if not path:
            self.notify(f"{row.title}: no rollout yet (Codex writes one after the first prompt)",
                        severity="warning")
            return
        from codex_tui.screens.diff import DiffScreen

        self.app.push_screen(DiffScreen(path, row.title))

    def action_worktree(self) -> None:
        """`W`: the selected agent's worktree: diff, commit, push + PR, remove."""
        row = self._selected(need_live=False)
        if row is None:
            return
        from codex_tui.screens.worktree_dialog import WorktreeScreen

        self.app.push_screen(WorktreeScreen(row.entry.cwd or "", self._rollout_of(row)))

    def action_zoom(self) -> None:
        if not self.zoomed and self.query_one(SessionList).current is None:
            self.notify("No session to zoom into: n starts one", severity="warning")
            return
        self.zoomed = not self.zoomed

    def watch_zoomed(self, zoomed: bool) -> None:
        self.set_class(zoomed, "zoomed")       # the CSS hides the list (sessions.tcss)

    @on(PtyPane.Left)
    def _left(self) -> None:
        self.query_one(SessionList).focus()

    @on(SessionList.Selected)
    def _selected_changed(self) -> None:
        self.tick()
