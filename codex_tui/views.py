"""The app's views, defined once. The tabs, the app's modes and number keys, both `--view`
options (the app and `serve`), the help and the palette all read this table, so a view is
added or renamed in one place. Plain data (no Textual): the CLI parsers read it too."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class View:
    name: str          # the mode name and the `--view` value
    key: str           # the number key that switches to it
    title: str
    screen: str        # "module:Class", imported when the view is first shown


VIEWS: tuple[View, ...] = (
    View("sessions", "1", "Sessions", "codex_tui.screens.sessions:SessionsScreen"),
    View("logs", "2", "Logs", "codex_tui.screens.logs:LogsScreen"),
    View("jobs", "3", "Jobs", "codex_tui.screens.jobs:JobsScreen"),
    View("insights", "4", "Insights", "codex_tui.screens.insights:InsightsScreen"),
    View("governance", "5", "Governance", "codex_tui.screens.governance:GovernanceScreen"),
)
VIEW_NAMES: tuple[str, ...] = tuple(view.name for view in VIEWS)
DEFAULT_VIEW = "logs"

# Screens the app pushes over a view, by name (imported on first use, so the app module
# imports no screen and no screen needs the app module's import to finish first).
DIALOGS = {
    "help": "codex_tui.screens.help:HelpScreen",
    "settings": "codex_tui.screens.settings:SettingsScreen",
    "quit": "codex_tui.screens.session_dialogs:QuitScreen",
}


def load(path: str):
    """The class named by "module:Class"."""
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def view_named(name: str) -> View:
    return next(view for view in VIEWS if view.name == name)
