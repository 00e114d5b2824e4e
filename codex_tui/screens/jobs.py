"""The Jobs view: detached `codex exec` runs with live state, log tail and summary."""
from __future__ import annotations

from codex_tui.screens.base import ViewScreen
from codex_tui.widgets.theme_colour import colour_of
from codex_tui.widgets.tick_box import TickBox

import json
import shlex
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from rich.style import Style
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Static

from codex_tui import config
from codex_tui.browse.rows import format_tokens, short_cwd
from codex_tui.jobs.runs import format_duration
from codex_tui.sanitize import safe, safe_text

REFRESH_SECONDS = 1.0
STATE_COLOURS = {"running": "accent", "succeeded": "success", "failed": "error",
                 "killed": "warning", "lost": "warning"}   # theme colour names


class JobsScreen(ViewScreen):
    CSS_PATH = "jobs.tcss"
    VIEW = "jobs"
    STATUS = "Reading runs…"
    BINDINGS = [
        Binding("n", "new_job", "New job"),
        Binding("r", "resume", "Resume"),
        Binding("k", "kill", "Kill"),
        Binding("v", "verify", "Verify"),
        Binding("l", "open_session", "Open in Logs"),
        Binding("D", "diff", "Diff"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: list = []
        self.tail: list[str] = []
        self.tail_of: str | None = None
        self.verify_results: dict[str, dict] = {}
        self.follow: str | None = None      # a run to move the cursor to once it is listed

    def compose_view(self) -> ComposeResult:
        table = DataTable(id="runs", cursor_type="row", zebra_stripes=False)
        # fixed widths: auto-sized columns were measured on a later refresh, so a first
        # frame (and a snapshot) could show them cut to their headers ("succe")
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        yield table
        with VerticalScroll(id="job-detail"):
            yield Static("", id="job-text")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.refresh_runs()
        self.set_interval(REFRESH_SECONDS, self.refresh_runs)

    def runs_dir(self) -> Path:
        from codex_tui.jobs import default_runs_dir

        return default_runs_dir()

    def refresh_runs(self) -> None:
        current = self.current
        self._read_runs(self.follow or (current.run_id if current else None))

    def _follow_run(self, run_id: str) -> None:
        """A run just started gets the cursor (so `k` next acts on it), once it is listed."""
        self.follow = run_id
        self.refresh_runs()

    @work(thread=True, exclusive=True, group="runs", exit_on_error=False)
    def _read_runs(self, selected: str | None) -> None:
        from codex_tui.jobs import list_runs, tail_log

        runs = list_runs(self.runs_dir())
        selected = selected or (runs[0].run_id if runs else None)
        tail = tail_log(self.runs_dir(), selected, 30) if selected else []
        try:
            self.app.call_from_thread(self._show, runs, selected, tail)
        except RuntimeError:
            pass  # closing

    def _show(self, runs: list, selected: str | None, tail: list[str]) -> None:
        table = self.query_one(DataTable)
        same_rows = [r.run_id for r in runs] == [r.run_id for r in self.runs]
        self.runs, self.tail, self.tail_of = runs, tail, selected
        now = config.now()
        theme = self.app.current_theme
        for number, run in enumerate(runs):
            duration = run.duration_s(now)
            usage = run.token_usage or {}
            colour = colour_of(getattr(theme, STATE_COLOURS.get(run.state, ""), None))
            # run dir file names, meta and summary: foreign text, plain cells through safe()
            cells = (safe_text(run.run_id, newlines=False),
                     safe_text(run.state, Style(bold=True, color=colour), newlines=False),
                     safe_text(_tail(str(run.meta.get("repo", "")), 20), newlines=False),
                     safe_text(_one_line(run.meta.get("task", ""), 30), newlines=False),
                     format_duration(duration) if duration is not None else "",
                     format_tokens(usage.get("total_tokens") or usage.get("total") or 0),
                     safe_text(run.failure_class or "", newlines=False))
            if same_rows:
                for column, value in zip(table.columns, cells):
                    table.update_cell(run.run_id, column, value)
            else:
                if number == 0:
                    table.clear()
                table.add_row(*cells, key=run.run_id)
        if not runs:
            table.clear()
        if selected in {r.run_id for r in runs} and (not same_rows or selected == self.follow):
            table.move_cursor(row=table.get_row_index(selected))
        if selected == self.follow and selected in {r.run_id for r in runs}:
            self.follow = None
        self._show_detail()
        running = sum(1 for r in runs if r.state == "running")
        self.query_one("#jobs-status", Static).update(
            f"{len(runs)} runs · {running} running · in {short_cwd(str(self.runs_dir()))}" if runs else
            f"No jobs yet in {short_cwd(str(self.runs_dir()))}: press n to start one, or `codex-tui job run`.")

    @property
    def current(self):
        table = self.query_one(DataTable)
        if not self.runs or table.cursor_row is None or table.cursor_row >= len(self.runs):
            return None
        return self.runs[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        current = self.current
        if current is not None and current.run_id != self.tail_of:
            self.refresh_runs()   # fetch that run's log tail
        self._show_detail()

    def _show_detail(self) -> None:
        run = self.current
        text = self.query_one("#job-text", Static)
        if run is None:
            text.update("")
            return
        summary = run.summary or {}
        out = Text()   # every line names foreign text (task, evidence, the log): through safe()
        out.append(safe(f"{run.run_id}  {run.state}  session {run.session_id or '?'}", newlines=False)
                   + "\n", style="bold")
        out.append(safe(f"task: {_one_line(run.meta.get('task', ''), 200)}", newlines=False) + "\n")
        if summary:
            out.append(safe(f"success: {summary.get('success')}  class: {summary.get('failure_class')}  "
                            f"exit: {summary.get('exit_code')}  review run: "
                            f"{summary.get('review_run_id') or '-'}", newlines=False) + "\n")
            if summary.get("evidence"):
                out.append(safe(f"evidence: {_one_line(_evidence(summary['evidence']), 300)}",
                                newlines=False) + "\n")
        verify = self.verify_results.get(run.run_id)
        if verify is not None:
            out.append(f"verify: {_one_line(json.dumps(verify), 300)}\n")
        if run.run_id == self.tail_of:
            out.append("\n" + "\n".join(safe(line, newlines=False) for line in self.tail), style="dim")
        text.update(out)

    # ---- actions -------------------------------------------------------------------------
    def action_new_job(self) -> None:
        repo = short_cwd(str(Path.cwd()))     # ~/... (the form expands it)
        self.app.push_screen(NewJobScreen(repo), self._start)

    @work(thread=True, exit_on_error=False)
    def _start(self, request) -> None:
        if request is None:
            return
        from codex_tui.jobs import JobError, start_run

        try:
            run = start_run(request, self.runs_dir())
        except JobError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Started {run.run_id}", timeout=4)
        self.app.call_from_thread(self._follow_run, run.run_id)

    def _chosen(self):
        """The run under the cursor, or None after saying there is none."""
        run = self.current
        if run is None:
            self.notify("No run selected: n starts one.", severity="warning")
        return run

    def action_resume(self) -> None:
        run = self._chosen()
        if run is None:
            return
        if not run.session_id:
            self.notify("This run has no Codex session id to resume.", severity="warning")
            return
        self.app.push_screen(NewJobScreen(str(run.meta.get("repo", "")), resume=run.run_id),
                             self._start_resume)

    @work(thread=True, exit_on_error=False)
    def _start_resume(self, request) -> None:
        if request is None:
            return
        from codex_tui.jobs import JobError, resume_run

        try:
            run = resume_run(self.runs_dir(), request.resumed_from, request.task)
        except JobError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Resumed as {run.run_id}", timeout=4)
        self.app.call_from_thread(self._follow_run, run.run_id)

    def action_kill(self) -> None:
        from codex_tui.screens.session_dialogs import ConfirmKillScreen

        run = self._chosen()
        if run is not None and run.state == "running":
            run_id = run.run_id
            self.app.push_screen(ConfirmKillScreen(run_id), lambda yes: yes and self._kill(run_id))
        elif run is not None:
            self.notify(f"{run.run_id} is not running ({run.state}).")

    @work(thread=True, group="kill", exit_on_error=False)
    def _kill(self, run_id: str) -> None:
        from codex_tui.jobs import JobError, kill_run

        try:
            kill_run(self.runs_dir(), run_id)
        except JobError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, f"Killed {run_id}", timeout=4)

    def action_verify(self) -> None:
        run = self._chosen()
        if run is not None:
            self.notify(f"Verifying {run.run_id}…", timeout=2)
            self._verify(run)

    @work(thread=True, group="verify", exit_on_error=False)
    def _verify(self, run) -> None:
        from codex_tui.jobs import verify_run

        result = verify_run(run, syntax=True)
        self.verify_results[run.run_id] = result
        self.app.call_from_thread(self._show_detail)

    def action_diff(self) -> None:
        """`D`: what the run changed: verify's changed files, the agent's edits per turn
        from the run's rollout and the repo's diff since the session began."""
        run = self._chosen()
        if run is not None:
            self._read_changes(run.run_id)

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def _read_changes(self, run_id: str) -> None:
        from codex_tui.jobs.changes import run_changes

        found = run_changes(self.runs_dir(), run_id, look=True)
        self.app.call_from_thread(self._show_changes, run_id, found)

    def _show_changes(self, run_id: str, found) -> None:
        from codex_tui.screens.diff import DiffScreen

        if found is None:
            self.notify(f"{run_id} is gone from {short_cwd(str(self.runs_dir()))}.", severity="warning")
        elif not found.rollout and not (found.repo and Path(found.repo).is_dir()):
            self.notify(f"{run_id}: no rollout yet and no repo to diff.", severity="warning")
        else:
            self.app.push_screen(DiffScreen(found.rollout, f"run {run_id}", repo=found.repo,
                                            changed_files=found.changed_files,
                                            verified=found.verified))

    def action_open_session(self) -> None:
        run = self._chosen()
        if run is None:
            return
        if not run.session_id:
            self.notify("No session id for this run yet.", severity="warning")
            return
        self.app.show_in_logs(run.session_id)


class NewJobScreen(ModalScreen):
    """Repo, task, model and extra Codex args for a new (or resumed) job."""

    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog wide"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, repo: str, resume: str | None = None) -> None:
        super().__init__()
        self.repo, self.resume = repo, resume

    def compose(self) -> ComposeResult:
        from codex_tui.screens.session_dialogs import FORM_KEYS, field

        with Vertical(classes="box"):
            yield Label(safe_text(f"Resume {self.resume}" if self.resume else "New job", "bold",
                                  newlines=False))
            # the task first: it has the focus, and Tab goes on to the optional fields
            yield field("Task", Input(placeholder="what codex exec should do", id="task"))
            yield field("Repo", Input(self.repo, placeholder="folder", id="repo",
                                      disabled=bool(self.resume)))
            yield field("Model", Input(placeholder="optional", id="model", disabled=bool(self.resume)))
            yield field("Codex args", Input(placeholder="optional, e.g. --sandbox read-only",
                                            id="extra", disabled=bool(self.resume)))
            yield TickBox("Auto-review once on a real failure", True, id="review", compact=True)
            with Horizontal(classes="buttons"):
                yield Static(FORM_KEYS, classes="keys")
                yield Button("Start", variant="primary", id="start", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#task", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def _submit(self) -> None:
        from codex_tui.jobs import JobRequest

        task = self.query_one("#task", Input).value.strip()
        repo = self.query_one("#repo", Input).value.strip()
        if not task:
            self.notify("Say what the job should do.", severity="warning")
            return
        try:
            extra = shlex.split(self.query_one("#extra", Input).value)
        except ValueError as exc:
            self.notify(f"Extra args: {exc}", severity="error")
            return
        self.dismiss(JobRequest(repo=Path(repo).expanduser(), task=task,
                                model=self.query_one("#model", Input).value.strip() or None,
                                max_reviews=1 if self.query_one("#review", Checkbox).value else 0,
                                codex_bin=self.app.settings.codex_bin, extra_args=extra,
                                resumed_from=self.resume))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


COLUMNS = (("Run", 17), ("State", 10), ("Repo", 20), ("Task", 30), ("Time", 6), ("Tokens", 7),
           ("Class", 13))      # 102 + padding: fits 120 columns; narrower terminals scroll


def _evidence(evidence) -> str:
    return " · ".join(map(str, evidence)) if isinstance(evidence, list) else str(evidence)


def _one_line(text: str, width: int) -> str:
    """A task, repo or evidence as one line: through safe() first, then cut."""
    text = " ".join(safe(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _tail(text: str, width: int) -> str:
    text = safe(text, newlines=False)
    return text if len(text) <= width else "…" + text[-(width - 1):]
