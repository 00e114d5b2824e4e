"""The Governance view: stop gates for the selected session's repo (or the current folder)."""
from __future__ import annotations

from rich.style import Style

from codex_tui.browse.rows import short_cwd
from codex_tui.screens.base import ViewScreen
from codex_tui.widgets.theme_colour import colour_of

from datetime import datetime, timezone
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from codex_tui.governance.pr_gate import ASK_APP
from codex_tui.sanitize import safe, safe_text

MARKS = {"ok": ("✔", "success"), "warn": ("▲", "warning"), "fail": ("✖", "error")}


class GovernanceScreen(ViewScreen):
    CSS_PATH = "governance.tcss"
    VIEW = "governance"
    STATUS = "Checking…"
    BINDINGS = [
        Binding("r", "recheck", "Re-check"),
        Binding("p", "refresh_pr", "Ask gh for the PR gate"),
        Binding("D", "diff", "Diff"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.target: tuple[str, str | None] | None = None   # (repo, session id) shown
        self.report = None
        self.error = ""           # why the last check could not be made (not a repo, git missing)

    def compose_view(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="gov-checks")
            yield Static("", id="gov-git")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        wanted = self._wanted()
        if wanted != self.target:
            self.check(*wanted)

    def _wanted(self) -> tuple[str, str | None]:
        row = getattr(self.app, "selected_row", None)
        if row is not None and row.cwd and Path(row.cwd).is_dir():
            return row.cwd, row.id or None
        return str(Path.cwd()), None

    def action_recheck(self) -> None:
        self.check(*self._wanted())

    def action_refresh_pr(self) -> None:
        repo, session = self.target or self._wanted()
        self.check(repo, session, refresh_pr=True)

    def action_diff(self) -> None:
        """`D`, named in the worktree check: the diff of the session the gauge reads (its
        agent's edits and the repo since it began), else the repo's uncommitted changes."""
        from codex_tui.screens.diff import DiffScreen

        report = self.report
        if report is None and self.error:
            self.notify(f"No diff: {self.error}", severity="warning", markup=False)
            return
        if report is None:
            self.notify("Still checking: D shows the diff once the repo is read.", severity="warning")
            return
        budget = report.budget
        if budget is not None and budget.path:
            self.app.push_screen(DiffScreen(budget.path, f"session {budget.session_id[:13]}",
                                            repo=report.repo))
        elif not report.git.dirty:
            self.notify("No diff: the worktree is clean and no Codex session ran in this repo.",
                        severity="warning")
        else:
            self.app.push_screen(DiffScreen(None, short_cwd(report.repo), repo=report.repo))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def check(self, repo: str, session_id: str | None, refresh_pr: bool = False) -> None:
        from codex_tui.governance.gates import DIFF_APP, build_gate_report
        from codex_tui.governance.git_state import GitError

        self.target = (repo, session_id)
        self._to_ui(self._status, f"Checking {safe(repo)}…" + (" (asking gh)" if refresh_pr else ""))
        try:
            report = build_gate_report(Path(repo), session_id, refresh_pr=refresh_pr,
                                       sources=self.app.settings.sources(), ask=ASK_APP,
                                       diff=DIFF_APP)
        except GitError as exc:       # the message, not the CLI's hint: the status line says ours
            self._to_ui(self._show_error, exc.message or str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a message, not a crash
            self._to_ui(self._show_error, f"Could not check {safe(repo)}: {safe(exc)}")
            return
        self._to_ui(self._show, report)

    def _to_ui(self, callback, *args) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the app is closing

    def _status(self, text: str) -> None:
        self.query_one("#governance-status", Static).update(Text(text))   # plain: it names folders

    def _show_error(self, text: str) -> None:
        self.report = None
        self.error = text
        self.query_one("#gov-checks", Static).update(safe_text(text, "bold"))
        self.query_one("#gov-git", Static).update("")
        self._status("Select a session in a git repo in the Logs view (2), or start codex-tui "
                     "inside a repo.")

    def _show(self, report) -> None:
        self.report, self.error = report, ""
        theme = self.app.current_theme
        checks = Table.grid(padding=(0, 1))
        checks.add_column(width=1)
        checks.add_column(style="bold", min_width=18)
        checks.add_column(ratio=1)
        for check in report.checks:
            mark, colour = MARKS.get(check.level, ("?", "foreground"))
            style = Style(color=colour_of(getattr(theme, colour, None)))
            label = check.label + ("  [stop]" if check.stop else "")
            checks.add_row(Text(mark, style=style), safe_text(label, style), safe_text(check.evidence))
        heading = Text()
        verdict = "a stop gate holds" if report.holds else "no stop gate holds"
        # repo path, branch, gh's message, session note: foreign text, through safe()
        heading.append(safe(f"{short_cwd(report.repo)}  ·  branch {report.git.branch or '(detached)'}  ·  "
                            f"{verdict}", newlines=False) + "\n", style="bold")
        if report.pr.paused:
            heading.append(safe(f"{report.pr.message} {report.pr.clears(ASK_APP)}") + "\n",
                           style=Style(color=colour_of(theme.warning)))
        if report.session_note:
            heading.append(safe(report.session_note) + "\n", style="dim")
        elif report.budget is not None:   # the CLI's `gate` picks the newest: say which one this is
            chosen = self.target is not None and self.target[1] == report.budget.session_id
            why = "selected in Logs (2)" if chosen else "the newest with its cwd in this repo"
            heading.append(safe(f"Context gauge: session {report.budget.session_id}, {why}",
                                newlines=False) + "\n", style="dim")
        self.query_one("#gov-checks", Static).update(_stack(heading, checks))
        self.query_one("#gov-git", Static).update(_git_section(report.git))
        source = "cached" if report.pr.from_cache else "asked now"
        self._status(f"PR gate {source} · p: ask gh again (never polled) · {report.generated_at}")


def _stack(*renderables):
    from rich.console import Group

    return Group(*renderables)


def _git_section(git):
    """Last commits, one a row with a long subject wrapping under itself (not under the
    hash), then the uncommitted changes."""
    from rich.table import Table

    commits = Table(box=None, show_header=False, padding=(0, 2, 0, 0), pad_edge=False)
    commits.add_column(no_wrap=True)
    commits.add_column(no_wrap=True)
    commits.add_column(ratio=1)
    for commit in git.commits[:15]:
        day = datetime.fromtimestamp(commit.time, timezone.utc).strftime("%Y-%m-%d")
        commits.add_row(safe(f"  {commit.short}", newlines=False), day,
                        safe_text(commit.subject, newlines=False))
    parts: list = [Text("\nLast commits", style="bold"), commits]
    if git.diff_stat:
        parts.append(Text("\nUncommitted changes", style="bold"))
        parts.append(Text("  " + safe(git.diff_stat.strip()).replace("\n", "\n  ")))
    return _stack(*parts)
