"""The Logs view: every session in a filterable, sortable table, kept live."""
from __future__ import annotations

from datetime import datetime, timezone

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Input, Select, Static

from codex_tui.screens.base import ViewScreen
from codex_tui import config
from codex_tui.browse import filters
from codex_tui.browse.rows import LogRow
from codex_tui.browse.source import Loaded, is_rollout
from codex_tui.heap import settle
from codex_tui.redact import redact
from codex_tui.sanitize import safe, safe_text
from codex_tui.text import clip
from codex_tui.widgets.fitting_input import FittingInput
from codex_tui.widgets.session_table import SessionTable
from codex_tui.widgets.status_line import fit_parts
from codex_tui.widgets.tick_box import TickBox

HOST_READ_S = 20.0            # a [[hosts]] machine's listing gets this long, then is said unreachable
REASON_WIDTH = 48             # of an unreachable host's reason, in the status bar
RANGES = (("Any time", ""), ("Last 24 hours", "24h"), ("Last 7 days", "7d"), ("Last 30 days", "30d"))
SAFETY_REFRESH_SECONDS = 30   # in case a file-system event was missed


def short_reason(text: str, width: int = REASON_WIDTH) -> str:
    """The cause at the end of a long error ("... Caused by: Connection refused (os error
    111)"), cut at a word so the one-line status bar ends on whole words."""
    text = text.rsplit("Caused by:", 1)[-1].strip()
    if len(text) <= width:
        return text
    cut = text[:width - 1].rsplit(" ", 1)[0]
    return cut + "…"


FACET_LABEL = 28         # a facet menu entry's width before the menus are laid out


class LogsScreen(ViewScreen):
    """Every session in a table; the first index fills it in as batches of sessions land."""

    CSS_PATH = "logs.tcss"
    VIEW = "logs"
    STATUS = "Loading sessions…"

    class Indexing(Message, bubble=False):
        """A large index is being built: `done` of `total` sessions read, `rows` so far.
        A newer one replaces one not handled yet (it holds every row the older one did)."""

        def __init__(self, done: int, total: int, rows: list[LogRow], load: int) -> None:
            super().__init__()
            self.done, self.total, self.rows, self.load = done, total, rows, load

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogsScreen.Indexing) and message.load == self.load

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("f", "toggle_failed", "Failed only"),
        Binding("h", "skills", "Skill health"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "clear", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LogRow] = []
        self.sorted_all: list[int] = []
        self.filter = filters.LogFilter()
        self.order: list[int] = []
        self.warnings: list[str] = []
        self.loaded = False
        self.text: filters.TextIndex | None = None
        self.results: dict[filters.LogFilter, list[int]] = {}   # for this sort; backspace is free
        self._wanted = False       # a refresh was asked for
        self._refreshing = False   # the load worker is running
        self.indexing: tuple[int, int] | None = None   # (done, total) while a large index runs
        self._loads = 0            # load passes started (worker thread)
        self._shown = 0            # the last load pass shown whole
        self.hosts_down: dict[str, str] = {}   # [[hosts]] name -> why it could not be read
        self._hosts_busy: set[str] = set()     # hosts being read now (one worker each)
        self.hosts_uncounted: set[str] = set()  # hosts listed by their daemon (no codex-tui there)

    def compose_view(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield FittingInput("Search prompts, commands, failures…  (repo: version: skill: "
                               "kind: since:7d is:failed)",
                               "Search prompts, commands…  (repo: kind: since:7d is:failed)",
                               "Search…  (repo: kind: since:7d)", "Search…",
                               id="search", compact=True)
            yield TickBox("Failed only", id="failed-only", compact=True)
        with Horizontal(id="facets"):
            yield Select([], prompt="Repo: any", id="repo", compact=True)
            yield Select([], prompt="Codex: any", id="version", compact=True)
            yield Select([], prompt="Skill: any", id="skill", compact=True)
            yield Select(RANGES[1:], prompt="Any time", id="range", compact=True)
        yield SessionTable(id="sessions")

    def on_mount(self) -> None:
        self.query_one(SessionTable).focus()
        # Draw the first frame before loading: reading the index holds the GIL for a while.
        self.call_after_refresh(self.request_refresh)
        self.call_after_refresh(self.watch_roots)
        self.call_after_refresh(self.read_hosts)
        self.set_interval(SAFETY_REFRESH_SECONDS, self.request_refresh)
        self.set_interval(SAFETY_REFRESH_SECONDS, self.read_hosts)

    # ---- other machines ------------------------------------------------------------------
    def read_hosts(self) -> None:
        """Each [[hosts]] machine in a worker of its own, bounded in time: its rows join the
        table when they come, and a slow or unreachable one holds up nothing."""
        for host in self.app.settings.hosts:
            if host.name not in self._hosts_busy:
                self._hosts_busy.add(host.name)
                self.run_worker(lambda host=host: self._read_host(host), thread=True,
                                group=f"host:{host.name}", exit_on_error=False)

    def _read_host(self, host) -> None:
        from codex_tui.appserver.thread_list import read_host
        from codex_tui.browse.rows import row_from_host

        try:
            found = read_host(host, timeout=HOST_READ_S)
            counted = found.source == "codex-tui"
            prices = self.app.log_source.prices       # the app's one table: bundled + config
            rows = [row_from_host(s, host.name, prices, counted=counted) for s in found.sessions
                    if isinstance(s, dict)]
            self._to_ui(self._host_read, host.name, rows, found.why, counted)
        finally:
            self._hosts_busy.discard(host.name)

    def _host_read(self, name: str, rows: list[LogRow], why: str, counted: bool = True) -> None:
        if counted or why:
            self.hosts_uncounted.discard(name)
        else:
            self.hosts_uncounted.add(name)
        if why:
            self.hosts_down[name] = why
            self.app.log_source.hosts.pop(name, None)
        else:
            self.hosts_down.pop(name, None)
            self.app.log_source.hosts[name] = rows
        self._update_status()        # the host's verdict shown now, not after the merge
        self.request_refresh()       # merged in the load worker, off the UI loop

    # ---- loading -------------------------------------------------------------------------
    def request_refresh(self) -> None:
        """Load or refresh the rows. At most one refresh runs at a time; requests that arrive
        meanwhile are folded into one more pass, so bursts of file events cost one refresh."""
        self._wanted = True
        if not self._refreshing:
            self._refreshing = True
            self.load_rows()

    @work(thread=True, group="load", exit_on_error=False)
    def load_rows(self) -> None:
        try:
            while self._wanted:
                self._wanted = False
                self._loads += 1
                load = self._loads

                def landed(done: int, total: int, rows: list[LogRow]) -> None:
                    self.post_message(self.Indexing(done, total, rows, load))

                loaded = self.app.log_source.load(self._liveness(), progress=landed)
                self._to_ui(self._show_loaded, loaded, load)
        except Exception as exc:  # noqa: BLE001 - show it, keep the app alive
            self._to_ui(self._show_error, f"Could not read sessions: {exc}")
        finally:
            self._refreshing = False
            if self._wanted:   # asked again between the last pass and now
                self._to_ui(self.request_refresh)

    def _liveness(self):
        """What the daemons say is live (None: keep the file-time rule)."""
        from pathlib import Path

        from codex_tui.appserver.liveness import live_now

        homes = [Path(h).expanduser() for h in self.app.settings.codex_homes] or None
        try:
            return live_now(homes)
        except OSError:
            return None

    def _to_ui(self, callback, *args) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the app is closing: nothing left to show it on

    def _show_error(self, text: str) -> None:
        self.query_one("#logs-status", Static).update(text)
        self.notify(text, severity="error", timeout=10)

    @on(Indexing)
    def _indexing(self, message: Indexing) -> None:
        if message.load <= self._shown:
            return     # that pass has been shown whole already
        self.indexing = (message.done, message.total)
        if not self.loaded:     # the first index: show the rows that have landed
            keep = self._moved_to()
            self.rows = message.rows
            self.text = filters.TextIndex(self.rows)
            self._resort(keep)
        else:
            self._update_status()

    def _show_loaded(self, loaded: Loaded, load: int = 0) -> None:
        self._shown = max(self._shown, load)
        self.indexing = None
        if self.loaded:
            current = self.query_one(SessionTable).current
            keep = current.path if current else None
        else:
            keep = self._moved_to()
        self.rows, self.warnings, self.loaded = loaded.rows, loaded.warnings, True
        self.text = loaded.text
        self.results = {}
        settle("index-loaded")      # the rows live as long as the app: no full GC walks them
        self._update_facets()
        self._resort(keep)

    def _moved_to(self) -> str | None:
        """While the first index fills the table, the cursor stays on the top row (the
        newest session) unless the user has moved it: then it stays on their row."""
        table = self.query_one(SessionTable)
        return table.current.path if table.cursor > 0 and table.current else None

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def watch_roots(self) -> None:
        from watchfiles import awatch

        paths = self.app.log_source.watch_paths()
        if not paths:
            return
        async for changes in awatch(*paths, debounce=150, step=50, recursive=True):
            if any(is_rollout(path) for _, path in changes):
                self.request_refresh()

    def _update_facets(self) -> None:
        values = filters.facet_values(self.rows)
        for name in ("repo", "version", "skill"):
            select = self.query_one(f"#{name}", Select)
            current = select.value
            # one line each: a long repo path keeps its end (the menu would wrap it mid-word)
            room = select.size.width - 3 if select.size.width > 12 else FACET_LABEL   # less the ▼
            options = [(safe_text(clip(safe(value, newlines=False), room, keep_end=True)), value)
                       for value in values[name][:200]]
            with self.prevent(Select.Changed):
                select.set_options(options)
                if current in values[name]:
                    select.value = current

    # ---- filtering and sorting -----------------------------------------------------------
    def _facet_filter(self) -> filters.LogFilter:
        def chosen(name: str) -> str:
            select = self.query_one(f"#{name}", Select)
            return "" if select.is_blank() else str(select.value)

        def one(name: str) -> tuple[str, ...]:
            return (chosen(name),) if chosen(name) else ()

        now = datetime.fromtimestamp(config.now(), timezone.utc)
        since = filters.date_bound(chosen("range"), now) if chosen("range") else ""
        return filters.LogFilter(failed_only=self.query_one("#failed-only", Checkbox).value,
                                 repo=one("repo"), version=one("version"),
                                 skill=one("skill"), since=since or "")

    def apply_filter(self) -> None:
        """Filter the rows again after the search box or a facet changed."""
        now = datetime.fromtimestamp(config.now(), timezone.utc)
        new = filters.parse_query(self.query_one("#search", Input).value, now, self._facet_filter())
        order = self.results.get(new)
        if order is None:
            narrowing = not self.filter.empty and new.narrows(self.filter)
            order = filters.apply(self.rows, new, self.order if narrowing else self.sorted_all,
                                  self.text)
            if len(self.results) > 64:
                self.results.clear()
            self.results[new] = order
        self.filter, self.order = new, order
        table = self.query_one(SessionTable)
        current = table.current
        table.show(self.rows, self.order, current.path if current else None)
        self._update_status()

    def _resort(self, keep_path: str | None = None) -> None:
        table = self.query_one(SessionTable)
        self.sorted_all = filters.sort_indices(self.rows, list(range(len(self.rows))),
                                               table.sort_column, table.sort_reverse)
        self.results = {}
        self.order = filters.apply(self.rows, self.filter, self.sorted_all, self.text)
        self.results[self.filter] = self.order
        table.show(self.rows, self.order, keep_path)
        self._update_status()

    def _update_status(self) -> None:
        if self.indexing is not None:
            done, total = self.indexing
            parts = [f"indexing {done:,} of {total:,} sessions"]
            if not self.loaded:
                parts.append(f"{len(self.order):,} shown")
            self.query_one("#logs-status", Static).update("  ·  ".join(parts))
            return
        if not self.loaded:
            return
        table = self.query_one(SessionTable)
        rows = self.rows
        problems = sum(1 for i in self.order if rows[i].problem)
        live = sum(1 for i in self.order if rows[i].status == "live")
        scope = filters.in_scope(rows, self.filter)
        parts = [f"{len(self.order):,} of {scope:,} sessions", f"{problems:,} with problems"]
        hidden = len(rows) - scope
        if hidden and not self.filter.writer:
            parts.append(f"{hidden:,} report-writer sessions hidden (is:writer)")
        if live:
            parts.append(f"{live} live")
        parts.append(f"sorted by {table.sort_column} {'↓' if table.sort_reverse else '↑'}")
        if self.filter.errors:
            parts.append("not understood: " + " ".join(self.filter.errors))
        if self.warnings:
            parts.append(f"{len(self.warnings)} unreadable lines or files")
        if not rows:
            parts = ["No Codex sessions found in " +
                     ", ".join(str(p) for p in self.app.log_source.sources.roots())]
        line = self.query_one("#logs-status", Static)
        line.update(fit_parts([parts[0], *self._host_parts(), *parts[1:]], line.content_size.width))

    def _host_parts(self) -> list:
        """What the hosts' workers found, right after the counts (a host that is down matters
        more than the sort order): each with a shorter form for a narrow bar."""
        out: list = []
        for name, why in self.hosts_down.items():      # ssh's words: foreign text
            detail = why[len(name) + 2:] if why.startswith(name + ": ") else why
            if detail.startswith("unreachable (") and detail.endswith(")"):
                detail = detail[len("unreachable ("):-1]
            out.append((safe(redact(f"{name}: unreachable ({short_reason(detail)})"), newlines=False),
                        safe(f"{name}: unreachable", newlines=False)))
        for name in sorted(self.hosts_uncounted):
            out.append((safe(f"{name}: no counts (no codex-tui there)", newlines=False),
                        safe(f"{name}: no counts", newlines=False)))
        return out

    def on_resize(self) -> None:
        self._update_status()

    @on(Input.Changed, "#search")
    @on(Checkbox.Changed, "#failed-only")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(SessionTable).focus()

    @on(SessionTable.SortRequested)
    def _sort(self, message: SessionTable.SortRequested) -> None:
        table = self.query_one(SessionTable)
        current = table.current
        table.set_sort(message.column, message.reverse)
        self._resort(current.path if current else None)

    @on(SessionTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self.app.selected_row = self.query_one(SessionTable).current

    def on_screen_resume(self) -> None:
        self._take_search()

    def on_logs_search_waiting(self, message) -> None:
        self._take_search()

    def _take_search(self) -> None:
        """A search another view asked for (app.show_in_logs: `l` in the Jobs view)."""
        text = self.app.take_logs_search()
        if text:
            self.search_for(text)

    def search_for(self, text: str) -> None:
        search = self.query_one("#search", Input)
        search.value = safe(text, newlines=False)   # a run's session id: foreign text
        self.query_one(SessionTable).focus()

    @on(SessionTable.Opened)
    def _open(self, message: SessionTable.Opened) -> None:
        from codex_tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(message.row))

    # ---- actions -------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_failed(self) -> None:
        box = self.query_one("#failed-only", Checkbox)
        box.value = not box.value

    def action_refresh(self) -> None:
        self.request_refresh()

    def action_skills(self) -> None:
        from codex_tui.screens.skills import SkillHealthScreen

        self.app.push_screen(SkillHealthScreen())

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one(SessionTable).focus()
            return
        search.value = ""
        self.query_one("#failed-only", Checkbox).value = False
        for name in ("repo", "version", "skill", "range"):
            self.query_one(f"#{name}", Select).clear()
