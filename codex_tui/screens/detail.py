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
from codex_tui.widgets.timeline_view import TimelineView
from codex_tui.widgets.status_line import StatusLine
from codex_tui.widgets.view_tabs import ViewTabs


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

    def compose(self) -> ComposeResult:
        yield ViewTabs("logs", note=f"› {self.row.repo}")
        yield TimelineView(id="timeline")
        yield StatusLine(self._reading_text(), id="detail-status")
        yield FittingFooter()

    def _reading_text(self) -> str:
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

        try:
            session = parse_file(self.row.path)
        except OSError as exc:
            self.app.call_from_thread(self._failed, f"Cannot read {self.row.path}: "
                                                    f"{exc.strerror or exc}")
            return
        session.failures = classify_session(session)
        timeline = build_timeline(session, cost=cost_label(self.row))
        lines = timeline.layout(width)     # laid out here so a huge session never blocks the UI
        self.app.call_from_thread(self._show, timeline, lines, width, len(session.failures))

    def _failed(self, text: str) -> None:
        self.query_one("#detail-status", Static).update(text)
        self.notify(text, severity="error", timeout=10)

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
            f"{view.timeline.resume_command or 'no session id'}")

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

        self.app.push_screen(DiffScreen(self.row.path, self.row.repo))

    def action_pager(self) -> None:
        """The raw JSONL in the user's pager, each line through the redaction function."""
        pager = shlex.split(os.environ.get("PAGER") or "less") or ["less"]
        try:
            with self.app.suspend():
                page_redacted(pager, self.row.path)
        except FileNotFoundError as exc:
            missing = pager[0] if exc.filename in (None, pager[0]) else exc.filename
            self.notify(f"Cannot open {missing}: not found. Set $PAGER to your pager.",
                        severity="error")
        except OSError as exc:
            self.notify(f"Cannot open {self.row.path}: {exc.strerror or exc}", severity="error")
