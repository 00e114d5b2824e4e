"""The Textual app. `make_app(settings)` builds it for the CLI and the tests alike."""
from __future__ import annotations

from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen

from codex_tui.browse.source import LogSource
from codex_tui.sanitize import safe
from codex_tui.settings import Settings, save_preference
from codex_tui.themes import THEMES
from codex_tui.widgets.view_tabs import VIEWS

SCREENS_BY_VIEW = {  # mode name -> (module, Screen class), imported when first shown
    "sessions": ("codex_tui.screens.sessions", "SessionsScreen"),
    "logs": ("codex_tui.screens.logs", "LogsScreen"),
    "jobs": ("codex_tui.screens.jobs", "JobsScreen"),
    "insights": ("codex_tui.screens.insights", "InsightsScreen"),
    "governance": ("codex_tui.screens.governance", "GovernanceScreen"),
}


def _view_screen(name: str):
    def build() -> Screen:
        from importlib import import_module

        module, cls = SCREENS_BY_VIEW[name]
        return getattr(import_module(module), cls)()
    return build


class CodexTuiApp(App):
    TITLE = "codex-tui"
    MODES = {name: _view_screen(name) for name, _, _ in VIEWS}
    BINDINGS = [
        *[Binding(key, f"view('{name}')", title, show=False) for name, key, title in VIEWS],
        Binding("question_mark", "help", "Help"),
        Binding("comma", "settings", "Settings"),
        Binding("ctrl+t", "next_theme", "Theme"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, settings: Settings, *, view: str = "logs", save_preferences: bool = True,
                 log_source: LogSource | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.start_view = view
        self.save_preferences = save_preferences
        self.log_source = log_source or LogSource(settings.sources(), settings.days)
        self.selected_row = None     # the Logs view's current session: other views follow it
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = settings.theme if settings.theme in self.available_themes else THEMES[0].name

    def on_mount(self) -> None:
        from codex_tui.exit_signals import exit_on_signals

        exit_on_signals(self)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.switch_mode(self.start_view)
        for warning in self.settings.warnings:
            self.notify(warning, severity="warning", timeout=8)

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast: its text through `safe()` and never parsed as markup, since toasts carry
        foreign text (paths, session titles, error messages) from every view."""
        super().notify(safe(message), title=safe(title, newlines=False), severity=severity,
                       timeout=timeout, markup=False)

    def on_unmount(self) -> None:
        # The Sessions view closes its hub as it unmounts; this covers any other way out.
        hub = getattr(self, "pty_hub", None)
        if hub is not None:
            hub.close()

    def _theme_changed(self, theme) -> None:
        if self.save_preferences and theme.name != self.settings.theme:
            self.settings.theme = theme.name
            try:
                save_preference("theme", theme.name)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc.strerror or exc}", severity="warning")

    # ---- actions -------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit; while live sessions run, ask first (quitting kills them)."""
        hub = getattr(self, "pty_hub", None)
        running = hub.running() if hub is not None else []
        if not running:
            self.exit()
            return
        from codex_tui.screens.session_dialogs import QuitScreen

        if not isinstance(self.screen, QuitScreen):
            self.push_screen(QuitScreen(len(running)), lambda yes: self.exit() if yes else None)

    def action_view(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def show_in_logs(self, text: str) -> None:
        """Switch to the Logs view with `text` in its search box (e.g. a session id)."""
        self.switch_mode("logs")
        from codex_tui.screens.logs import LogsScreen

        for screen in self.screen_stack:
            if isinstance(screen, LogsScreen):
                screen.search_for(text)

    def action_help(self) -> None:
        from codex_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from codex_tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_next_theme(self) -> None:
        """Cycle: our two themes first, then Textual's built-ins."""
        ours = [t.name for t in THEMES]
        names = ours + sorted(n for n in self.available_themes if n not in ours)
        following = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names \
            else names[0]
        self.theme = following
        self.notify(f"Theme: {following}", timeout=2)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, key, title in VIEWS:
            yield SystemCommand(f"View: {title}", escape(f"Switch to the {title} view [{key}]"),
                                lambda name=name: self.action_view(name))
        yield SystemCommand("Keys", escape("Every key binding [?]"), self.action_help)
        yield SystemCommand("Settings", escape("Show the settings in force [,]"), self.action_settings)
        yield SystemCommand("Next theme", escape("Cycle codex-dark, codex-light and Textual's themes "
                                                 "[ctrl+t]"), self.action_next_theme)
        screen_commands = {
            "LogsScreen": (("Search sessions", "search", "/"),
                           ("Toggle failed only", "toggle_failed", "f"),
                           ("Skill health", "skills", "h"),
                           ("Refresh sessions", "refresh", "r"),
                           ("Clear filters", "clear", "esc")),
            "DetailScreen": (("Copy resume command", "copy_resume", "c"),
                             ("Open raw rollout in pager", "pager", "p"),
                             ("Back to the list", "back", "esc")),
            "SkillHealthScreen": (("Rerun the scan", "rerun", "r"),
                                  ("Next day range", "next_range", "d")),
            "JobsScreen": (("New job", "new_job", "n"), ("Resume the run's session", "resume", "r"),
                           ("Kill the run", "kill", "k"), ("Verify the run", "verify", "v"),
                           ("Open the run's session in Logs", "open_session", "l")),
            "GovernanceScreen": (("Re-check the repo", "recheck", "r"),
                                 ("Ask gh for the PR gate once", "refresh_pr", "p")),
        }
        for title, action, key in screen_commands.get(type(screen).__name__, ()):
            # help is markup: the key "/" would be "[/]", a closing tag with nothing to close
            yield SystemCommand(title, escape(f"[{key}]"), getattr(screen, f"action_{action}"))


def make_app(settings: Settings | None = None, **kwargs) -> CodexTuiApp:
    """The app for `settings` (default: the user's, from config file and environment)."""
    if settings is None:
        from codex_tui.settings import load_settings

        settings = load_settings()
    return CodexTuiApp(settings, **kwargs)
