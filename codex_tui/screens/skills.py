"""Skill health: the daily scan report of the engine, rerun for any day range."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Markdown, Static

from codex_tui.widgets.fitting_footer import FittingFooter

from codex_tui.screens.base import ReportsWorkerErrors
from codex_tui import config
from codex_tui.widgets.status_line import StatusLine
from codex_tui.widgets.view_tabs import ViewTabs
from codex_tui.sanitize import safe

PRESETS = (1.0, 7.0, 30.0)


class SkillHealthScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = "skills.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("d", "next_range", "1/7/30 days"),
        Binding("r", "rerun", "Rerun"),
        # digits belong to the days box here, not to the app's view keys (3 is not Jobs)
        *[Binding(key, f"type_days('{char}')", show=False) for key, char in
          [(str(n), str(n)) for n in range(10)] + [("full_stop", ".")]],
    ]

    def __init__(self, days: float = 1.0) -> None:
        super().__init__(name="skills")
        self.days = days

    def compose(self) -> ComposeResult:
        yield ViewTabs("logs", note="› skill health")
        with Horizontal(id="days-row"):
            yield Label("Days back:")
            yield Input(_days_text(self.days), id="days", compact=True, type="number",
                        select_on_focus=False)
        with VerticalScroll():
            yield Markdown("", id="report")
        yield StatusLine("", id="skills-status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.run_scan()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def run_scan(self) -> None:
        from codex_tui.index.query import load_sessions
        from codex_tui.scan.health import skill_health
        from codex_tui.scan.report import to_markdown

        days = self.days
        self.app.call_from_thread(self._status, f"Scanning the last {_days_text(days)} day(s)…")
        settings = self.app.settings
        try:
            selection = load_sessions(settings.sources(), days, now=config.now())
            report = skill_health(selection, skills_root=settings.skills_path(), days=days)
        except Exception as exc:  # noqa: BLE001 - say what failed, keep the app alive
            self.app.call_from_thread(self._status, f"Scan failed: {exc}")
            return
        issues = len(report["skills_with_issues"])
        text = to_markdown(report)
        self.app.call_from_thread(self._show, text,
                                  f"{report['sessions_scanned']} sessions · {len(report['skills'])} "
                                  f"skills · {issues} with issues · d: 1/7/30 days, or type days + enter")

    def _show(self, markdown: str, status: str) -> None:
        self.query_one("#report", Markdown).update(safe(markdown))   # prompts, paths: foreign
        self._status(status)

    def _status(self, text: str) -> None:
        self.query_one("#skills-status", Static).update(text)

    @on(Input.Submitted, "#days")
    def _days_entered(self, event: Input.Submitted) -> None:
        try:
            days = float(event.value)
        except ValueError:
            days = 0
        if not 0 < days <= MAX_DAYS:
            self.notify(f"Days must be a number from 1 to {MAX_DAYS:,}; kept {_days_text(self.days)}.",
                        severity="error")
            box = self.query_one("#days", Input)
            box.value = _days_text(self.days)       # the days in force, not the refused text
            box.select_all()                        # the next digits replace it
            return
        self.days = days
        self.query_one(VerticalScroll).focus()
        self.run_scan()

    def action_type_days(self, char: str) -> None:
        """A digit typed anywhere on the screen starts a new number in the days box (which
        then has the focus, so the next digits go in after it)."""
        box = self.query_one("#days", Input)
        box.value = char
        box.cursor_position = len(box.value)
        box.focus()

    def action_next_range(self) -> None:
        following = [p for p in PRESETS if p > self.days]
        self.days = following[0] if following else PRESETS[0]
        self.query_one("#days", Input).value = _days_text(self.days)
        self.run_scan()

    def action_rerun(self) -> None:
        self.run_scan()

    def action_back(self) -> None:
        self.app.pop_screen()


MAX_DAYS = 36500        # a hundred years: more is a typo (and past what a date can hold)


def _days_text(days: float) -> str:
    return f"{days:g}"
