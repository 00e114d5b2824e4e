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
from codex_tui.text import fold_path


class SettingsScreen(ModalScreen):
    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog wide reading"
    BINDINGS = [Binding("escape,comma,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        table = SettingsTable(settings, self.app.theme)
        with VerticalScroll(classes="box"):
            yield Static("[b]Settings[/b]   (esc closes)\n"
                         "Each can be set in the file below or by CODEX_TUI_<NAME> (CODEX_TUI_DAYS);\n"
                         "hosts and prices are tables, in the file only.\n")
            yield Static(table, id="settings-table")
            yield Static(paths_lines(settings), markup=False)
            yield Static(daemon_lines(settings), markup=False)
            yield Static(f"\nFile: {safe(settings_file())}\nThe theme you pick (ctrl+t or the command "
                         "palette) is saved there.", markup=False)


class SettingsTable:
    """The settings table, laid out for the width Rich gives it (inside the box, less a
    scrollbar when there is one)."""

    def __init__(self, settings, theme: str) -> None:
        self.rows = [(name, shown_value(settings, name, value, theme),
                      "ctrl+t" if name == "theme" and theme != settings.theme else origin)
                     for name, value, origin in settings.rows()]       # read once, drawn often

    def __rich_console__(self, console, options):
        yield settings_table(self.rows, options.max_width)


def shown_value(settings, name: str, value: str, theme: str) -> str:
    """The value in force: the theme shown now, and for a setting left empty the Codex homes
    followed and the worktree root used (not "(default)")."""
    from codex_tui.appserver.homes import known_homes
    from codex_tui.worktrees.git import default_root

    if name == "theme":
        import os

        env = os.environ.get("CODEX_TUI_THEME")
        if theme != settings.theme and env:      # picked now and saved, but the env wins next time
            return f"{theme} (saved; CODEX_TUI_THEME={env} wins at the next start)"
        return theme
    if name == "codex_homes" and not settings.codex_homes:
        return ", ".join(str(p) for p in known_homes())
    if name == "worktree_root" and not settings.worktree_root:
        return str(default_root(settings))
    return value


def settings_table(rows: list[tuple[str, str, str]], width: int) -> Table:
    """Setting, value, origin in `width` columns; folder values one a line, long ones broken
    after a `/` (never inside a folder name) to fit the Value column."""
    name_width = max(len("Setting"), *(len(name) for name, _, _ in rows))
    from_width = max(len("From"), *(len(origin) for _, _, origin in rows))
    value_width = max(10, width - name_width - from_width - 10)   # 2 + 2 + 2 + 2 padding, 2 spare
    table = Table(box=None, padding=(0, 2), show_edge=False, pad_edge=False)
    table.add_column("Setting", style="bold", width=name_width, no_wrap=True)
    table.add_column("Value", overflow="fold", width=value_width)
    table.add_column("From", width=from_width, no_wrap=True)
    for name, shown, origin in rows:
        # values come from the config file and the environment: plain, through safe()
        parts = shown.split(", ") if name in ("sessions_roots", "codex_homes") else [shown]
        lines = [line for part in parts for line in fold_path(safe(part, newlines=False), value_width)]
        table.add_row(name, safe_text("\n".join(lines)), origin)
    return table


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
