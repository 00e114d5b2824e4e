"""One session as a timeline: prompts, agent messages, commands with output, failures."""
from __future__ import annotations

import os
from bisect import bisect_right
import shlex

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from codex_tui.widgets.fitting_footer import FittingFooter

from codex_tui.screens.base import ReportsWorkerErrors
from codex_tui.browse.rows import LogRow, cost_label
from codex_tui.browse.timeline import build_timeline
from codex_tui.external import page_redacted
from codex_tui.redact import redact
from codex_tui.sanitize import safe
from codex_tui.widgets.timeline_view import TimelineView
from codex_tui.widgets.status_line import StatusLine
from codex_tui.widgets.view_tabs import ViewTabs


FETCH_S = 60.0      # a host's rollout (up to max_rollout_mb) over ssh


class DetailScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = "detail.tcss"
    BINDINGS = [
        Binding("escape,backspace", "back", "Back"),
        Binding("c", "copy_resume", "Copy resume cmd"),
        Binding("p", "pager", "Raw in $PAGER"),
        Binding("D", "diff", "Diff"),
    ]

    def __init__(self, row: LogRow) -> None:
        super().__init__(name="detail")
        self.row = row
        self.failures = 0
        self.path = row.path       # a host's rollout: its copy in this machine's cache, once fetched

    def compose(self) -> ComposeResult:
        yield ViewTabs("logs", note=f"› {self.row.repo}")
        yield TimelineView(id="timeline")
        yield StatusLine(self._reading_text(), id="detail-status")
        yield FittingFooter()

    def _reading_text(self) -> str:
        if self.row.host:
            return safe(f"Fetching {self.row.host}:{self.row.path} over ssh…", newlines=False)
        try:
            size = os.path.getsize(self.row.path)
        except OSError:
            size = 0
        return f"Reading {self.row.path} ({size / 1e6:.1f} MB)…"

    def on_mount(self) -> None:
        self.query_one(TimelineView).focus()
        self.parse(self.size.width - 4)  # margins and the scrollbar

    @work(thread=True, exclusive=True, exit_on_error=False)
    def parse(self, width: int) -> None:
        from codex_tui.rollout.parse import parse_file
        from codex_tui.scan.classify import classify_session

        if self.row.host:
            fetched = self._fetch()
            if fetched is None:
                return
            self.path = str(fetched)
        try:
            session = parse_file(self.path)
        except OSError as exc:
            self.app.call_from_thread(self._failed, f"Cannot read {self.path}: "
                                                    f"{exc.strerror or exc}")
            return
        session.failures = classify_session(session)
        timeline = build_timeline(session, cost=cost_label(self.row))
        if self.row.host and timeline.resume_command:     # it resumes there, not here
            from codex_tui.remote.panes import resume_command

            host = next(h for h in self.app.settings.hosts if h.name == self.row.host)
            timeline.resume_command = resume_command(host, session.id, session.cwd or "")
        lines = timeline.layout(width)     # laid out here so a huge session never blocks the UI
        self.app.call_from_thread(self._show, timeline, lines, width, len(session.failures))

    def _fetch(self):
        """The host's rollout, copied into this machine's cache (0600) with the size limit
        of a local one; None after saying why not (worker thread)."""
        from codex_tui.remote.logs import cached_rollout
        from codex_tui.remote.ssh import SshError

        settings = self.app.settings
        host = next((h for h in settings.hosts if h.name == self.row.host), None)
        try:
            if host is None:
                raise SshError(f"{self.row.host}: no such host in config.toml any more")
            return cached_rollout(host, self.row.path, settings.max_rollout_bytes(), timeout=FETCH_S)
        except (SshError, OSError) as exc:
            self.app.call_from_thread(self._failed, safe(redact(f"Cannot fetch the rollout: {exc}"),
                                                         newlines=False))
            return None

    def _failed(self, text: str) -> None:
        self.query_one("#detail-status", Static).update(text)
        self.notify(text, severity="error", timeout=10, markup=False)

    def _show(self, timeline, lines, width: int, failures: int) -> None:
        self.failures = failures
        self.query_one(TimelineView).show(timeline, lines, width)
        self._update_status()

    def _update_status(self) -> None:
        view = self.query_one(TimelineView)
        stops = view.failure_lines
        here = bisect_right(stops, view.cursor)
        failures = f"failure {here} of {len(stops)} (n/N)" if stops else "no failures"
        self.query_one("#detail-status", Static).update(
            f"{failures}  ·  line {view.cursor + 1} of {len(view.lines)}  ·  "
            f"{self._resume_text(view.timeline.resume_command)}")

    def _resume_text(self, command: str) -> str:
        if not command:
            return "no session id"
        if self.row.host:          # the whole ssh command line would not fit: c copies it
            return safe(f"it resumes on {self.row.host} (c copies the ssh command)", newlines=False)
        return command

    def on_timeline_view_moved(self) -> None:
        self._update_status()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy_resume(self) -> None:
        command = self.query_one(TimelineView).timeline.resume_command
        if not command:
            self.notify("This rollout has no session id (a UUID) to resume.", severity="warning")
            return
        self.app.copy_to_clipboard(command)
        self.notify(f"Copied: {command}", timeout=4)

    def action_diff(self) -> None:
        from codex_tui.screens.diff import DiffScreen

        self.app.push_screen(DiffScreen(self.path, self.row.repo))

    def action_pager(self) -> None:
        """The raw JSONL in the user's pager, each line through the redaction function."""
        pager = shlex.split(os.environ.get("PAGER") or "less") or ["less"]
        try:
            with self.app.suspend():
                page_redacted(pager, self.path)
        except FileNotFoundError as exc:
            missing = pager[0] if exc.filename in (None, pager[0]) else exc.filename
            self.notify(f"Cannot open {missing}: not found. Set $PAGER to your pager.",
                        severity="error")
        except OSError as exc:
            self.notify(f"Cannot open {self.path}: {exc.strerror or exc}", severity="error")
