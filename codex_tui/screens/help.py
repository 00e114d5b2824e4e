"""`?`: every key of every view, read from the bindings themselves so it never goes stale."""
from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_sections(app_class: type) -> list[tuple[str, list[tuple[str, str]]]]:
    """`app_class` is the running app's class (screens never import app.py: it imports them)."""
    from codex_tui.screens.detail import DetailScreen
    from codex_tui.screens.diff import DiffScreen
    from codex_tui.screens.governance import GovernanceScreen
    from codex_tui.screens.jobs import JobsScreen
    from codex_tui.screens.insights import InsightsScreen
    from codex_tui.screens.logs import LogsScreen
    from codex_tui.screens.sessions import SessionsScreen
    from codex_tui.screens.skills import SkillHealthScreen
    from codex_tui.widgets.session_table import SessionTable
    from codex_tui.widgets.pty_pane import PtyPane
    from codex_tui.widgets.timeline_view import TimelineView

    def keys(*owners) -> list[tuple[str, str]]:
        found = []
        for owner in owners:
            for binding in owner if isinstance(owner, list) else owner.BINDINGS:
                if isinstance(binding, Binding) and binding.description:
                    found.append((_keys(binding.key), binding.description))
        return found

    return [
        ("Everywhere", keys(app_class) + [("ctrl+p", "Command palette: every action"),
                                            ("ctrl+q", "Quit")]),
        ("Sessions (from the list)", keys(SessionsScreen) + [("up down", "Select a session")]),
        ("Inside a pane", keys(PtyPane) + [("any other key", "Goes to the program")]),
        ("Logs", keys(LogsScreen, SessionTable) + [("mouse", "click a row; double-click opens; "
                                                             "click a header sorts")]),
        ("Session detail", keys(DetailScreen, TimelineView)),
        ("Diff (D)", keys(DiffScreen)),
        ("Skill health", keys(SkillHealthScreen) + [("0-9 enter", "Days back: type a number")]),
        ("Jobs", keys(JobsScreen)),
        ("Governance", keys(GovernanceScreen)),
        ("Insights", keys(InsightsScreen)),
    ]


def _keys(spec: str) -> str:
    names = {"question_mark": "?", "slash": "/", "comma": ",", "escape": "esc",
             "left_square_bracket": "[", "right_square_bracket": "]",
             "ctrl+right_square_bracket": "ctrl+]"}
    return " ".join(names.get(k, k) for k in spec.split(","))


class HelpScreen(ModalScreen):
    CSS_PATH = ["dialog.tcss", "help.tcss"]
    DEFAULT_CLASSES = "dialog reading"
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=14)
        table.add_column()
        for title, rows in key_sections(type(self.app)):
            table.add_row(f"[u]{title}[/u]", "")
            for key, what in rows:
                table.add_row(key, what)
            table.add_row("", "")
        with VerticalScroll(classes="box"):
            yield Static("[b]codex-tui keys[/b]   (esc closes)\n")
            yield Static(table)
