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
        for name, value, origin in settings.rows():
            shown = self.app.theme if name == "theme" else value
            if name in ("sessions_roots", "codex_homes"):     # one folder a line, never cut
                shown = "\n".join(safe(part, newlines=False) for part in shown.split(", "))
            # values come from the config file and the environment: plain, through safe()
            table.add_row(name, safe_text(shown), origin)
        with VerticalScroll(classes="box"):
            yield Static("[b]Settings[/b]   (esc closes)\n"
                         "Each can be set in the file below or by CODEX_TUI_<NAME> (CODEX_TUI_DAYS);\n"
                         "hosts and prices are tables, in the file only.\n")
            yield Static(table)
            yield Static(paths_lines(settings), markup=False)
            yield Static(daemon_lines(settings), markup=False)
            yield Static(f"\nFile: {safe(settings_file())}\nThe theme you pick (ctrl+t or the command "
                         "palette) is saved there.", markup=False)


def paths_lines(settings) -> str:
    """The CODEX_HOME, session folders and dev root the views read, resolved."""
    lines = ["", "Session logs are read from:"]
    lines += [f"  {what:<15} {safe(folder, newlines=False)}" for what, folder in settings.paths_read()]
    return "\n".join(lines)


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
