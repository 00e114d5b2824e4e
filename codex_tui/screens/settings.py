"""`,`: the settings in force, where each came from, and where to change them."""
from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from codex_tui.settings import settings_file
from codex_tui.sanitize import safe, safe_text


class SettingsScreen(ModalScreen):
    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog wide reading"
    BINDINGS = [Binding("escape,comma,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("Setting", style="bold")
        table.add_column("Value", overflow="fold")
        table.add_column("From")
        table.add_column("Variable", style="dim")
        for name, value, origin in settings.rows():
            shown = self.app.theme if name == "theme" else value
            # values come from the config file and the environment: plain, through safe()
            variable = "([[hosts]] tables)" if name == "hosts" else f"CODEX_TUI_{name.upper()}"
            table.add_row(name, safe_text(shown, newlines=False), origin, variable)
        with VerticalScroll(classes="box"):
            yield Static("[b]Settings[/b]   (esc closes)\n")
            yield Static(table)
            yield Static(daemon_lines(settings), markup=False)
            yield Static(f"\nFile: {safe(settings_file())}\nThe theme you pick (ctrl+t or the command "
                         "palette) is saved there.", markup=False)


def daemon_lines(settings) -> str:
    """Whose app-server daemons the Sessions view follows, and why one cannot be used."""
    from pathlib import Path

    from codex_tui.appserver.homes import known_homes
    from codex_tui.appserver.transport import why_unreachable
    from codex_tui.sanitize import safe

    homes = [Path(h).expanduser() for h in settings.codex_homes] or known_homes()
    lines = ["", "Codex app-server daemons (exact session states, 0.169+):"]
    for home in homes:
        why = why_unreachable(home)
        lines.append(f"  {safe(home)}: {'socket present' if why is None else safe(why)}")
    return "\n".join(lines)
