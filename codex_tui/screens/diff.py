"""The Diff view of one session or job run: the agent's own edits (all turns, or one with [
and ]) and, with `t`, the repo's diff since the session began. It re-reads a live session as
it edits. With no rollout (Governance with no session, a run Codex kept no rollout of) it
shows the repo's uncommitted changes; a run's view also lists the files verify found."""
from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from codex_tui.sanitize import safe
from codex_tui.screens.base import ReportsWorkerErrors
from codex_tui.widgets.fitting_footer import FittingFooter
from codex_tui.widgets.status_line import StatusLine

FOLLOW_SECONDS = 2.0


class DiffScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = "diff.tcss"
    BINDINGS = [
        Binding("escape,backspace,q", "back", "Back"),
        Binding("t", "toggle_tree", "Agent / repo"),
        Binding("left_square_bracket", "turn(-1)", "Prev turn"),
        Binding("right_square_bracket", "turn(1)", "Next turn"),
        Binding("a", "all_turns", "All turns"),
    ]

    def __init__(self, rollout: str | None, title: str = "", repo: str | None = None,
                 changed_files: list[str] | None = None, verified: bool = False) -> None:
        super().__init__(name="diff")
        self.rollout = rollout
        self.title_text = title
        self.repo = repo
        self.changed_files = changed_files      # a job run's, from verify (or asked now)
        self.verified = verified
        self.report: dict | None = None
        self.mode = "agent" if rollout else "tree"
        self.turn: int | None = None
        self._stamp: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="diff-title")
        with VerticalScroll(id="diff-scroll"):
            yield Static(id="diff-body")
        yield StatusLine("Reading the session's changes…", id="diff-status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#diff-scroll").focus()
        self.load()
        self.set_interval(FOLLOW_SECONDS, self._follow)

    def _file_stamp(self) -> tuple | None:
        if not self.rollout:
            return None
        try:
            st = os.stat(self.rollout)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

    def _follow(self) -> None:
        if self._file_stamp() != self._stamp:     # a live session wrote more: read it again
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from codex_tui.changes.report import repo_changes, session_changes

        stamp = self._file_stamp()
        if self.rollout:
            report = session_changes(self.rollout, repo=self.repo)
        else:
            report = repo_changes(self.repo or os.getcwd())
        self.app.call_from_thread(self._loaded, report, stamp)

    def _loaded(self, report: dict, stamp) -> None:
        self.report, self._stamp = report, stamp
        self._draw()

    def _draw(self) -> None:
        from codex_tui.widgets.diff_view import changed_files_text, report_text

        if self.report is None:
            return
        body, title = report_text(self.report, self.mode, self.turn)
        if self.changed_files is not None:
            body = changed_files_text(self.changed_files, self.verified) + body
        self.query_one("#diff-body", Static).update(body)
        # the title is a session's (foreign text): plain, through safe(), never markup
        self.query_one("#diff-title", Static).update(Text(safe(
            f"{self.title_text or self.report.get('session') or 'repo'} · {title}", newlines=False)))
        turns = len(self.report["agent"]["turns"])
        self.query_one("#diff-status", StatusLine).update(
            f"{turns} turn{'s' * (turns != 1)} with edits · t agent/repo · [ ] a turns · esc back"
            if self.rollout else "no session: the repo's uncommitted changes · esc back")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """With no rollout there are no turns and no agent side: those keys leave the footer."""
        return bool(self.rollout) or action not in ("toggle_tree", "turn", "all_turns")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_tree(self) -> None:
        self.mode = "tree" if self.mode == "agent" else "agent"
        self._draw()

    def action_all_turns(self) -> None:
        self.mode, self.turn = "agent", None
        self._draw()

    def action_turn(self, step: int) -> None:
        if self.report is None:
            return
        turns = [t["turn"] for t in self.report["agent"]["turns"]]
        if not turns:
            return
        if self.turn is None or self.turn not in turns:
            here = 0 if step > 0 else len(turns) - 1
        else:
            here = max(0, min(len(turns) - 1, turns.index(self.turn) + step))
        self.mode, self.turn = "agent", turns[here]
        self._draw()
